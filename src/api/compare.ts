/**
 * Baseline against transfer on the same data (experiments/compare.ts), as `emb compare`
 * runs it: the options checked here, once, and the vectors opened when a method needs them.
 */
import { EmbError, option } from '../errors.js';
import type { CurveMethod } from '../experiments/learning-curve.js';
import { runComparison } from '../experiments/compare.js';
import { writeReportFiles, type CompareReport } from '../experiments/report.js';
import { isMetricName, metricLabel, METRICS, scorer, type MetricName } from '../models/metric.js';
import {
  DEFAULT_METHODS,
  MODEL_NAMES,
  modelSettings,
  usesVectors,
  type ModelName,
  type ModelOptions,
} from '../models/registry.js';
import type { OnProgress } from '../progress.js';
import { encodeDataset, type Dataset } from './dataset.js';
import { checkWhole } from './options.js';
import { openVectors, Vectors } from './vectors.js';

export type { CompareReport as Comparison } from '../experiments/report.js';
export { DEFAULT_METHODS, metricLabel };

export const DEFAULT_SIZES: (number | 'all')[] = [50, 100, 200, 500, 1000, 2000, 5000, 'all'];

export interface CompareOptions {
  /** Training sizes; 'all' is the whole training part. Default 50 ... 5000 and all. */
  sizes?: (number | 'all')[];
  /** Random training subsets per size; default 5. */
  repeats?: number;
  /** Methods by name, or with settings ({ model: 'svm', C: 0.5 }); default DEFAULT_METHODS. */
  methods?: (ModelName | ModelOptions)[];
  /**
   * What the recommendation, the paired tests, the tables and the chart judge by, and what
   * every method's inner choices (C, gamma, epochs) maximise: accuracy, macro-f1,
   * balanced-accuracy, f1:LABEL or recall:LABEL. Default: macro-f1 when the smallest class
   * of the training part has less than a quarter of the largest's examples, else accuracy
   * (report.settings.metric says which, and why).
   */
  metric?: MetricName;
  /** Seed for the test split, the subsets and training; default 0. */
  seed?: number;
  /** A separate test set; default a stratified share of the data (testFraction). */
  test?: Dataset;
  /** Share held out for testing when no test set is given; default 0.2. */
  testFraction?: number;
  vectors?: Vectors | string;
  /**
   * Progress in training examples (each run counts its training size plus half the test
   * set's, for predicting it; see workOf), with the run in `detail`.
   */
  onProgress?: OnProgress;
  /** The command line that asked, for the report's settings. */
  command?: string;
}

export async function compare(data: Dataset, options: CompareOptions = {}): Promise<CompareReport> {
  const seed = checkWhole('seed', options.seed ?? 0, 0);
  const repeats = checkWhole('repeats', options.repeats ?? 5, 1);
  const metric = options.metric;
  if (metric !== undefined && !isMetricName(metric))
    throw new EmbError(
      'E_INPUT',
      `metric: expected one of ${METRICS.join(', ')}, got ${JSON.stringify(metric)}`,
    );
  const methods: CurveMethod[] = (options.methods ?? DEFAULT_METHODS).map((m, i) => {
    // Every method is judged, and makes its inner choices, by the comparison's one metric.
    if (typeof m === 'object' && m.metric !== undefined && m.metric !== metric)
      throw new EmbError(
        'E_INPUT',
        `methods[${i}].metric: compare judges every method by one metric; give ${JSON.stringify(m.metric)} as ${option('metric')} instead`,
      );
    const settings = modelSettings(typeof m === 'string' ? { model: m } : m);
    return { name: typeof m === 'string' ? m : settings.model, settings };
  });
  if (methods.length === 0)
    throw new EmbError('E_INPUT', `methods: expected at least one of ${MODEL_NAMES.join(', ')}`);
  const sizes = options.sizes ?? DEFAULT_SIZES;
  for (const s of sizes) if (s !== 'all') checkWhole('sizes', s, 2);
  const tokenizers = new Set(methods.map((m) => m.settings.tokenizer));
  if (tokenizers.size > 1)
    throw new EmbError(
      'E_INPUT',
      `methods: expected one tokenizer for all, got ${[...tokenizers].join(' and ')}`,
    );
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1))
    throw new EmbError(
      'E_INPUT',
      `testFraction: expected a fraction between 0 and 1, got ${JSON.stringify(testFraction)}`,
    );
  const set = encodeDataset(data, 'data');
  if (metric) scorer(metric, set.classes); // f1:LABEL names a class of the data
  let test;
  if (options.test) {
    const t = encodeDataset(options.test, 'test', { needClasses: 1 });
    const unknown = t.classes.filter((c) => !set.classes.includes(c));
    if (unknown.length)
      throw new EmbError(
        'E_INPUT',
        `${t.source}: labels ${unknown.map((c) => `"${c}"`).join(', ')} do not occur in ${set.source}`,
      );
    test = { ...t, labels: t.labels.map((y) => set.classes.indexOf(t.classes[y])) };
  }
  const vectors = methods.some((m) => usesVectors(m.settings.model))
    ? options.vectors instanceof Vectors
      ? options.vectors
      : await openVectors(options.vectors)
    : undefined;
  return runComparison({
    data: set,
    test,
    testFraction,
    metric,
    methods,
    sizes,
    repeats,
    seed,
    vectors: vectors && { embeddings: vectors.embeddings, path: vectors.path },
    command: options.command ?? null,
    onProgress: options.onProgress,
  });
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
