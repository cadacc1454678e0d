/**
 * Baseline against transfer on the same data: learning curves of every method on the very
 * same training subsets and one test set, assembled into a report (what `emb compare` writes).
 */
import { basename } from 'node:path';
import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';
import { coverageReport } from '../features/coverage.js';
import { defaultMetric, type MetricName } from '../models/metric.js';
import { kindNamed, tokenLookup } from '../models/registry.js';
import type { OnProgress } from '../progress.js';
import type { LabelledSet } from '../text/dataset.js';
import { copiesIn, duplicatesOf, groupsOf, testCopiesWarning } from '../text/duplicates.js';
import { stratifiedHoldout } from '../text/splits.js';
import { tokenizerFor } from '../text/tokenize.js';
import { tokenizeTexts } from '../text/tokens.js';
import { VERSION } from '../version.js';
import {
  feasibleSizes,
  learningCurves,
  type CurveMethod,
  type LabelledTokens,
} from './learning-curve.js';
import {
  completeReport,
  REPORT_FORMAT_VERSION,
  type CompareReport,
  type ComparisonMetric,
} from './report.js';
import { count } from './sentences.js';
import { encodeLabels } from './stats.js';

/** A comparison to run: checked settings, labelled sets with class ids, open vectors. */
export interface ComparisonPlan {
  data: LabelledSet;
  /** A separate test set, its labels already ids into data.classes; else testFraction. */
  test?: LabelledSet;
  testFraction: number;
  /** What to judge by (checked against data.classes); default defaultMetric of the training labels. */
  metric?: MetricName;
  methods: CurveMethod[];
  sizes: (number | 'all')[];
  repeats: number;
  seed: number;
  vectors?: { embeddings: Embeddings; path: string };
  command: string | null;
  onProgress?: OnProgress;
}

export async function runComparison(plan: ComparisonPlan): Promise<CompareReport> {
  const { data, seed, repeats } = plan;
  // One set of tokens for every method, so that they learn from the very same texts.
  const { tokenize } = tokenizerFor(plan.methods[0].settings.tokenizer);
  const docs = tokenizeTexts(data.texts, tokenize);
  const pick = (idx: number[]): LabelledTokens => ({
    docs: idx.map((i) => docs[i]),
    labels: idx.map((i) => data.labels[i]),
  });
  let train: LabelledTokens;
  let test: LabelledTokens;
  let testTexts: readonly string[];
  let testName: string;
  if (plan.test) {
    train = { docs, labels: data.labels };
    test = { docs: plan.test.texts.map((x) => tokenize(x)), labels: plan.test.labels };
    testTexts = plan.test.texts;
    testName = plan.test.source;
  } else {
    // Copies of a text on one side, so that none is tested after being trained on.
    const split = stratifiedHoldout(data.labels, plan.testFraction, seed, groupsOf(docs));
    train = pick(split.train);
    test = pick(split.test);
    testTexts = split.test.map((i) => data.texts[i]);
    testName = `a stratified ${Math.round(plan.testFraction * 100)}% of ${basename(data.source)} (seed ${seed})`;
  }
  const metric = comparisonMetric(plan.metric, train.labels, data.classes);
  // Every method's inner choices (C, gamma, epochs) are made on the metric it is judged by.
  const methods = plan.methods.map((m) => ({
    ...m,
    settings: { ...m.settings, metric: metric.name },
  }));
  const { sizes, dropped } = feasibleSizes(plan.sizes, train.docs.length);
  if (sizes.length === 0)
    throw new EmbError(
      'E_INPUT',
      `no training size fits the ${train.docs.length} training examples (asked for ${plan.sizes.join(', ')})`,
    );
  const embeddings = plan.vectors?.embeddings;
  const { curves, majority, final } = await learningCurves(
    train,
    test,
    data.classes,
    methods,
    { sizes, repeats, seed, metric: metric.name },
    {
      embeddings,
      onRun: (done, total, detail) => plan.onProgress?.({ stage: 'training', done, total, detail }),
    },
  );
  const coverage = embeddings
    ? coverageReport([...train.docs, ...test.docs], embeddings, lookupOf(methods))
    : undefined;
  const perClass = (labels: number[]) =>
    data.classes.map((_, k) => labels.filter((y) => y === k).length);
  const report = completeReport({
    formatVersion: REPORT_FORMAT_VERSION,
    emb: VERSION,
    created: new Date().toISOString(),
    data: {
      train: data.source,
      test: testName,
      trainSize: train.docs.length,
      testSize: test.docs.length,
      classes: data.classes,
      trainCounts: perClass(train.labels),
      testCounts: perClass(test.labels),
      testLabels: encodeLabels(test.labels, data.classes.length),
      duplicates: duplicatesOf(docs, data.labels, data.classes, data.lines),
    },
    settings: {
      metric,
      sizes,
      dropped,
      repeats,
      seed,
      methods: methods.map((m) => ({
        name: m.name,
        family: kindNamed(m.settings.model).family,
        settings: m.settings,
      })),
      vectors: plan.vectors
        ? { path: plan.vectors.path, words: embeddings!.rows, dims: embeddings!.dims }
        : null,
      command: plan.command,
    },
    oovRate: coverage?.rate ?? null,
    majority,
    curves,
    final: { texts: testTexts, probabilities: final },
  });
  if (coverage?.warning) report.warnings.unshift(coverage.warning);
  if (plan.test) {
    const copies = copiesIn(test.docs, train.docs);
    if (copies.length)
      report.warnings.push(testCopiesWarning(plan.test.source, copies, plan.test.lines));
  }
  return report;
}

/**
 * The metric given, or the default for these training labels (defaultMetric) with the counts
 * that chose it.
 */
function comparisonMetric(
  given: MetricName | undefined,
  labels: readonly number[],
  classes: readonly string[],
): ComparisonMetric {
  if (given) return { name: given, given: true, why: null };
  const name = defaultMetric(labels, classes.length);
  const counts = classes.map((_, k) => labels.filter((y) => y === k).length);
  const present = counts.map((n, k) => [n, k] as const).filter(([n]) => n > 0);
  const [small, sk] = present.reduce((a, b) => (b[0] < a[0] ? b : a));
  const [large, lk] = present.reduce((a, b) => (b[0] > a[0] ? b : a));
  const smallest = `the smallest class, ${classes[sk]}, has ${count(small)} training examples`;
  return {
    name,
    given: false,
    why:
      name === 'accuracy'
        ? `${smallest}, at least a quarter of the largest's (${classes[lk]}, ${count(large)})`
        : `${smallest}, less than a quarter of ${classes[lk]}'s ${count(large)}`,
  };
}

/** How the methods on vectors look tokens up (they share the tokenizer, so its default). */
function lookupOf(methods: CurveMethod[]): { clitics: boolean } {
  return tokenLookup((methods.find((m) => 'clitics' in m.settings) ?? methods[0]).settings);
}
