/**
 * Baseline against transfer on the same data: learning curves of every method on the very
 * same training subsets and one test set, as a report (what `emb compare` writes).
 */
import { basename } from 'node:path';
import { EmbError } from '../errors.js';
import {
  feasibleSizes,
  learningCurves,
  type CurveMethod,
  type LabelledTokens,
} from '../experiments/learning-curve.js';
import { completeReport, writeReportFiles, type CompareReport } from '../experiments/report.js';
import { coverageReport } from '../features/coverage.js';
import {
  MODEL_KINDS,
  modelSettings,
  tokenLookup,
  usesVectors,
  type ModelKind,
  type ModelOptions,
} from '../models/settings.js';
import { stratifiedHoldout } from '../text/splits.js';
import { VERSION } from '../version.js';
import { tokenizerFor } from '../text/tokenize.js';
import { encodeDataset, type Dataset } from './dataset.js';
import { checkWhole } from './options.js';
import { openVectors, Vectors } from './vectors.js';

export type { CompareReport as Comparison } from '../experiments/report.js';

export const DEFAULT_SIZES: (number | 'all')[] = [50, 100, 200, 500, 1000, 2000, 5000, 'all'];
export const DEFAULT_METHODS: ModelKind[] = ['svm', 'nbsvm', 'logreg', 'mlp', 'hybrid'];

export interface CompareOptions {
  /** Training sizes; 'all' is the whole training part. Default 50 ... 5000 and all. */
  sizes?: (number | 'all')[];
  /** Random training subsets per size; default 5. */
  repeats?: number;
  /** Methods by name, or with settings ({ model: 'svm', C: 0.5 }); default all five. */
  methods?: (ModelKind | ModelOptions)[];
  /** Seed for the test split, the subsets and training; default 0. */
  seed?: number;
  /** A separate test set; default a stratified share of the data (testFraction). */
  test?: Dataset;
  /** Share held out for testing when no test set is given; default 0.2. */
  testFraction?: number;
  vectors?: Vectors | string;
  /**
   * Progress as work done of the total, in training examples (each run counts its training
   * size plus half the test set's, for predicting it; see workOf), and what runs now.
   */
  onProgress?: (done: number, total: number, what: string) => void;
  /** The command line that asked, for the report's settings. */
  command?: string;
}

export async function compare(data: Dataset, options: CompareOptions = {}): Promise<CompareReport> {
  const seed = checkWhole('seed', options.seed ?? 0, 0);
  const repeats = checkWhole('repeats', options.repeats ?? 5, 1);
  const methods: CurveMethod[] = (options.methods ?? DEFAULT_METHODS).map((m) => {
    const settings = modelSettings(typeof m === 'string' ? { model: m } : m);
    return { name: typeof m === 'string' ? m : settings.model, settings };
  });
  if (methods.length === 0)
    throw new EmbError('E_INPUT', `methods: expected at least one of ${MODEL_KINDS.join(', ')}`);
  const requested = options.sizes ?? DEFAULT_SIZES;
  for (const s of requested) if (s !== 'all') checkWhole('sizes', s, 2);
  // One set of tokens for every method, so that they learn from the very same texts.
  const kinds = new Set(methods.map((m) => m.settings.tokenizer));
  if (kinds.size > 1)
    throw new EmbError(
      'E_INPUT',
      `methods: expected one tokenizer for all, got ${[...kinds].join(' and ')}`,
    );
  const { tokenize } = tokenizerFor(methods[0].settings.tokenizer);
  const set = encodeDataset(data, 'data');
  const docs = set.texts.map((t) => tokenize(t));

  let train: LabelledTokens;
  let test: LabelledTokens;
  let testName: string;
  if (options.test) {
    const t = encodeDataset(options.test, 'test', { needClasses: 1 });
    const unknown = t.classes.filter((c) => !set.classes.includes(c));
    if (unknown.length)
      throw new EmbError(
        'E_INPUT',
        `${t.source}: labels ${unknown.map((c) => `"${c}"`).join(', ')} do not occur in ${set.source}`,
      );
    train = { docs, labels: set.labels };
    test = {
      docs: t.texts.map((x) => tokenize(x)),
      labels: t.labels.map((y) => set.classes.indexOf(t.classes[y])),
    };
    testName = t.source;
  } else {
    const fraction = options.testFraction ?? 0.2;
    const split = stratifiedHoldout(set.labels, fraction, seed);
    const pick = (idx: number[]): LabelledTokens => ({
      docs: idx.map((i) => docs[i]),
      labels: idx.map((i) => set.labels[i]),
    });
    train = pick(split.train);
    test = pick(split.test);
    testName = `a stratified ${Math.round(fraction * 100)}% of ${basename(set.source)} (seed ${seed})`;
  }
  const { sizes, dropped } = feasibleSizes(requested, train.docs.length);
  if (sizes.length === 0)
    throw new EmbError(
      'E_INPUT',
      `no training size fits the ${train.docs.length} training examples (asked for ${requested.join(', ')})`,
    );

  const vectors = methods.some((m) => usesVectors(m.settings.model))
    ? options.vectors instanceof Vectors
      ? options.vectors
      : await openVectors(options.vectors)
    : undefined;
  const { curves, majority } = await learningCurves(
    train,
    test,
    set.classes,
    methods,
    { sizes, repeats, seed },
    { embeddings: vectors?.embeddings, onRun: options.onProgress },
  );
  const coverage = vectors
    ? coverageReport([...train.docs, ...test.docs], vectors.embeddings, lookupOf(methods))
    : undefined;
  const perClass = (labels: number[]) =>
    set.classes.map((_, k) => labels.filter((y) => y === k).length);
  const report = completeReport({
    emb: VERSION,
    created: new Date().toISOString(),
    data: {
      train: set.source,
      test: testName,
      trainSize: train.docs.length,
      testSize: test.docs.length,
      classes: set.classes,
      trainCounts: perClass(train.labels),
      testCounts: perClass(test.labels),
    },
    settings: {
      sizes,
      dropped,
      repeats,
      seed,
      methods: methods.map((m) => ({ name: m.name, settings: m.settings })),
      vectors: vectors ? { path: vectors.path, words: vectors.size, dims: vectors.dims } : null,
      command: options.command ?? null,
    },
    oovRate: coverage?.rate ?? null,
    majority,
    curves,
  });
  if (coverage?.warning) report.warnings.unshift(coverage.warning);
  return report;
}

/** How the methods on vectors look tokens up (they share the tokenizer, so its default). */
function lookupOf(methods: CurveMethod[]): { clitics: boolean } {
  return tokenLookup((methods.find((m) => 'clitics' in m.settings) ?? methods[0]).settings);
}

/**
 * Writes report.md, report.html (with the chart inline) and report.json into `dir`, all or
 * nothing; an existing folder is replaced only with `force`.
 */
export async function writeReport(
  comparison: CompareReport,
  dir: string,
  options: { force?: boolean } = {},
): Promise<void> {
  await writeReportFiles(dir, comparison, !!options.force);
}
