/**
 * How well a model does on a dataset: stratified k-fold cross-validation (the default), a
 * stratified holdout, or a separate labelled test set. What `emb train` prints.
 */
import { availableParallelism } from 'node:os';
import { EmbError, option } from '../errors.js';
import { evaluateFolds, type Plan } from '../experiments/cross-validate.js';
import type { ClassMetrics } from '../experiments/metrics.js';
import { wilson } from '../experiments/stats.js';
import { coverageReport } from '../features/coverage.js';
import {
  DEFAULT_MODEL,
  describeFeatures,
  tokenLookup,
  type ModelName,
  type ModelSettings,
} from '../models/registry.js';
import { scorer, type MetricName } from '../models/metric.js';
import { tokenizeTexts } from '../text/tokens.js';
import { copiesIn, duplicatesOf, testCopiesWarning, type Duplicates } from '../text/duplicates.js';

export type { Duplicates, DuplicateRecord } from '../text/duplicates.js';
import { encodeDataset, type Dataset, type DatasetFile } from './dataset.js';
import { checkWhole, parseOptions, vectorsFor, type TrainOptions } from './options.js';

export interface EvaluateOptions {
  /** Stratified folds; default 10 (when neither holdout nor test is given). */
  folds?: number;
  /** Evaluate on a stratified held-out share (0..1) instead. */
  holdout?: number;
  /** Evaluate on this labelled test set instead (its labels must occur in the data). */
  test?: Dataset;
  /** Folds trained at once, in worker threads; default one per core. */
  workers?: number;
}

/** The evaluation, with the field names `emb train --json` prints. */
export interface Evaluation {
  model: ModelName;
  settings: ModelSettings;
  /** What the model reads, e.g. "tfidf 1-2-grams + mean vectors". */
  features: string;
  /** "10-fold", "holdout 0.2" or "test set". */
  protocol: string;
  folds: number;
  /** Labelled examples used for training (all of them for cross-validation). */
  examples: number;
  classes: string[];
  /** Mean accuracy over folds (the test set's accuracy otherwise). */
  accuracy: number;
  /** Spread of accuracy over folds (0 for a single split). */
  accuracyStd: number;
  /** 95% Wilson interval of accuracy over every test prediction (pooled over folds). */
  ci95: [number, number];
  /** Accuracy of always answering the training data's most frequent class. */
  majorityAccuracy: number;
  foldAccuracies: number[];
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted], in the order of `classes`. */
  confusion: number[][];
  /** What the model's inner choices maximised (settings.metric), and its value here. */
  metric: MetricName;
  /**
   * The metric over every test prediction (pooled over folds): accuracy, macro-F1, balanced
   * accuracy or one class's F1 or recall.
   */
  metricValue: number;
  /**
   * The decision threshold each fold's model chose (the `threshold` setting), on the
   * probability of `positive`; null without one.
   */
  thresholds: { positive: string; perFold: number[] } | null;
  /**
   * Every test prediction (out-of-fold for cross-validation), by `index` into the data (into
   * `test` for a test set): its true label, the predicted one, that label's probability and
   * every class's.
   */
  predictions: CrossValidatedPrediction[];
  /** Share of tokens without a word vector (null for bag-of-words models). */
  oovRate: number | null;
  /**
   * Texts of the data with the same tokens as another, and those among them with different
   * labels; the folds keep every copy of a text on one side.
   */
  duplicates: Duplicates;
  seed: number;
  /** Things worth telling the user (texts without any known word, ...). */
  warnings: string[];
}

/** One test prediction of crossValidate. */
export interface CrossValidatedPrediction {
  index: number;
  label: string;
  predicted: string;
  /** The probability of `predicted`. */
  probability: number;
  probabilities: Record<string, number>;
}

export async function crossValidate(
  data: Dataset,
  options: TrainOptions & EvaluateOptions = { model: DEFAULT_MODEL },
): Promise<Evaluation> {
  const { run, extra } = parseOptions(options, ['folds', 'holdout', 'test', 'workers']);
  const set = encodeDataset(data, 'data');
  const { tokenize } = run.tokenizer;
  // The caller's own array: training after cross-validating the same data tokenizes once.
  const docs = tokenizeTexts(data.texts, tokenize);
  const counts = set.classes.map((_, c) => set.labels.filter((y) => y === c).length);
  const plan = planFor(extra, set.classes, counts, set.source, tokenize);
  const vectors = await vectorsFor(run.settings, run.vectors, run.signal);
  const warnings: string[] = [...set.warnings];
  if ('test' in plan) {
    const copies = copiesIn(plan.test.docs, docs);
    if (copies.length) {
      const { source, lines } = extra.test as Partial<DatasetFile>;
      warnings.push(testCopiesWarning(source ?? 'test', copies, lines));
    }
  }
  let oov: number | null = null;
  if (vectors) {
    const lookup = tokenLookup(run.settings);
    const coverage = coverageReport(docs, vectors.embeddings, lookup);
    oov = coverage.rate;
    if (coverage.warning) warnings.push(coverage.warning);
    if (coverage.emptyDocuments === docs.length)
      throw new EmbError(
        'E_INPUT',
        `${set.source}: no text has a word with a vector; are these the right vectors (or the right text column)?`,
      );
    if (coverage.emptyDocuments)
      warnings.push(
        `${coverage.emptyDocuments.toLocaleString('en-US')} text${coverage.emptyDocuments === 1 ? ' has' : 's have'} no word with a vector; ${coverage.emptyDocuments === 1 ? 'it gets' : 'they get'} the average sentence vector`,
      );
  }
  const workers =
    extra.workers === undefined ? availableParallelism() : checkWhole('workers', extra.workers, 1);
  const e = await evaluateFolds(
    docs,
    set.labels,
    set.classes,
    run.settings,
    { seed: run.seed, embeddings: vectors?.embeddings, signal: run.signal },
    plan,
    (done, total) => run.onProgress?.({ stage: 'folds', done, total }),
    // Workers open the vectors themselves: only worth it for a memory-mapped file.
    !vectors || vectors.shareable ? { workers, vectorsPath: vectors?.path } : undefined,
  );
  const k = set.classes.length;
  const predictions = e.rows.map((index, r) => ({
    index,
    label: set.classes[e.truth[r]],
    predicted: set.classes[e.predicted[r]],
    probability: e.probabilities[r * k + e.predicted[r]],
    probabilities: Object.fromEntries(set.classes.map((c, j) => [c, e.probabilities[r * k + j]])),
  }));
  predictions.sort((a, b) => a.index - b.index);
  const decided = e.decisions.filter((d) => d !== undefined);
  return {
    model: run.settings.model,
    settings: run.settings,
    features: describeFeatures(run.settings),
    protocol: e.protocol,
    folds: e.folds,
    examples: docs.length,
    classes: set.classes,
    accuracy: e.accuracy,
    accuracyStd: e.accuracyStd,
    ci95: wilson(e.correct, e.tested),
    majorityAccuracy: e.majorityAccuracy,
    foldAccuracies: e.foldAccuracies,
    macroF1: e.macroF1,
    perClass: e.perClass,
    confusion: e.confusion,
    metric: run.settings.metric,
    metricValue: scorer(run.settings.metric, set.classes)(e.truth, e.predicted),
    thresholds: decided.length
      ? { positive: set.classes[decided[0].positive], perFold: decided.map((d) => d.threshold) }
      : null,
    predictions,
    oovRate: oov,
    duplicates: duplicatesOf(docs, set.labels, set.classes, set.lines),
    seed: run.seed,
    warnings,
  };
}

function planFor(
  o: Partial<Record<'folds' | 'holdout' | 'test', unknown>>,
  classes: readonly string[],
  counts: readonly number[],
  source: string,
  tokenize: (text: string) => string[],
): Plan {
  const given = (['folds', 'holdout', 'test'] as const).filter((k) => o[k] !== undefined);
  if (given.length > 1)
    throw new EmbError('E_INPUT', `give one of folds, holdout or test, not ${given.join(' and ')}`);
  if (o.test !== undefined) {
    const test = encodeDataset(o.test as Dataset, 'test', { needClasses: 1 });
    const unknown = test.classes.filter((c) => !classes.includes(c));
    if (unknown.length)
      throw new EmbError(
        'E_INPUT',
        `${test.source}: labels not in ${source}: ${unknown.map((c) => `"${c}"`).join(', ')}`,
      );
    return {
      test: {
        docs: test.texts.map((t) => tokenize(t)),
        labels: test.labels.map((y) => classes.indexOf(test.classes[y])),
      },
    };
  }
  if (o.holdout !== undefined) {
    const h = o.holdout;
    if (!(typeof h === 'number' && h > 0 && h < 1))
      throw new EmbError(
        'E_INPUT',
        `holdout: expected a fraction between 0 and 1, got ${JSON.stringify(h)}`,
      );
    return { holdout: h };
  }
  const folds = o.folds === undefined ? 10 : checkWhole('folds', o.folds, 2);
  const small = counts.findIndex((n) => n < folds);
  if (small >= 0) {
    const least = Math.min(...counts);
    if (least < 2)
      throw new EmbError(
        'E_INPUT',
        `${source}: class "${classes[counts.indexOf(least)]}" has only 1 example; cross-validation needs at least 2 of every class`,
      );
    throw new EmbError(
      'E_INPUT',
      `${source}: class "${classes[small]}" has ${counts[small]} examples, fewer than the ${folds} folds; use ${option('folds', least)} or ${option('holdout')}`,
    );
  }
  return { folds };
}
