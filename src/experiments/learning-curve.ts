import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import type { MetricName } from '../models/metric.js';
import { decide } from '../models/threshold.js';
import type { ModelSettings } from '../models/registry.js';
import { runFold } from './fold.js';
import { confusionOf, confusionScorer, evaluate, mean, std } from './metrics.js';
import { Random } from '../random.js';
import { encodeLabels, scoreInterval, wilson } from './stats.js';
import { stratifiedSample } from '../text/splits.js';

/**
 * Learning curves: accuracy and the comparison's metric on one fixed test set against the
 * number of training examples, several stratified random subsets per size, every method
 * trained on the very same subsets. This is the comparison emb exists for: where pretrained
 * vectors help, and where the bag-of-words baseline catches up.
 */
export interface CurveMethod {
  /** Name in reports, e.g. "svm" or "logreg". */
  name: string;
  settings: ModelSettings;
}

export interface LabelledTokens {
  docs: string[][];
  labels: number[];
}

export interface CurvePoint {
  size: number;
  /** Accuracy of each run (one run per training subset). */
  accuracies: number[];
  /** Mean and sample standard deviation of the runs' accuracies: the spread over subsets. */
  mean: number;
  std: number;
  /** 95% Wilson interval over the test texts, of the mean number answered right. */
  ci95: [number, number];
  /** Macro-F1 of each run, and their mean. */
  macroF1s: number[];
  macroF1: number;
  /**
   * The comparison's metric (the report's settings.metric) of each run, their mean and
   * standard deviation, and the 95% interval of the mean over the test texts (for accuracy
   * the Wilson interval; else a bootstrap of the texts). What the findings judge by.
   */
  scores: number[];
  score: number;
  scoreStd: number;
  scoreCi95: [number, number];
  /** Training time of each run, seconds. */
  seconds: number[];
  /**
   * What each run answered for every test text, so that methods can be compared text by text
   * on any metric: class ids packed by encodeLabels (one bit a text for two classes, in base64:
   * about 360 characters per run for 2,000 test texts).
   */
  predicted: string[];
}

export interface Curve {
  method: string;
  points: CurvePoint[];
}

export interface CurveSettings {
  sizes: number[];
  repeats: number;
  seed: number;
  /** What the curves' scores measure. */
  metric: MetricName;
}

/** The sizes that fit the training pool (the pool size itself standing for "all"). */
export function feasibleSizes(
  requested: readonly (number | 'all')[],
  pool: number,
): { sizes: number[]; dropped: number[] } {
  const sizes = new Set<number>();
  const dropped: number[] = [];
  for (const s of requested) {
    if (s === 'all') sizes.add(pool);
    else if (s > pool) dropped.push(s);
    else sizes.add(s);
  }
  return { sizes: [...sizes].sort((a, b) => a - b), dropped };
}

/** The training subset for (size, repeat): the same for every method. */
export function subsetFor(
  labels: readonly number[],
  size: number,
  repeat: number,
  seed: number,
): number[] {
  const pool = labels.map((_, i) => i);
  if (size >= pool.length) return pool;
  return stratifiedSample(labels, pool, size, new Random(seed * 1_000_003 + size * 7919 + repeat));
}

/** The name of the reference line that always answers the training subset's most frequent class. */
export const MAJORITY = 'majority';

export interface Curves {
  curves: Curve[];
  /** Always answering the most frequent class of each training subset. */
  majority: Curve;
  /**
   * Each method's class probabilities for the test texts (n x C) from its first run at the
   * largest size, for what the recommended model gets wrong.
   */
  final: Float32Array[];
}

/**
 * The work of the runs at these sizes, in training examples, for progress and its time left:
 * a run's time grows with its training size (an 8,530-example hybrid run takes many times a
 * 50-example one), so counting runs made 70% of the runs look like 70% of the time when most
 * of it was still ahead. Each run also has a fixed cost, mostly predicting the test set: on MR
 * and SST-2 (about 2,000 test texts each) it was about what training on 1,000 examples costs,
 * so it counts as half the test set's size.
 */
export function workOf(
  sizes: readonly number[],
  runsAt: (size: number) => number,
  testSize: number,
): number {
  return sizes.reduce((a, s) => a + runWork(s, testSize) * runsAt(s), 0);
}

const runWork = (size: number, testSize: number) => size + testSize / 2;

export async function learningCurves(
  train: LabelledTokens,
  test: LabelledTokens,
  classes: readonly string[],
  methods: readonly CurveMethod[],
  settings: CurveSettings,
  context: { embeddings?: Embeddings; onRun?: (done: number, total: number, what: string) => void },
): Promise<Curves> {
  if (test.docs.length === 0) throw new EmbError('E_INPUT', 'the test set is empty');
  const runsAt = (size: number) => (size >= train.docs.length ? 1 : settings.repeats);
  const total = workOf(settings.sizes, runsAt, test.docs.length) * methods.length;
  let done = 0;
  const curves: Curve[] = methods.map((m) => ({ method: m.name, points: [] }));
  const majority: Curve = { method: MAJORITY, points: [] };
  // The training pool and the test texts as one list, the test rows after the pool's.
  const both = {
    docs: [...train.docs, ...test.docs],
    labels: [...train.labels, ...test.labels],
    classes,
  };
  const testRows = test.docs.map((_, i) => train.docs.length + i);
  const final: Float32Array[] = [];
  const largest = settings.sizes[settings.sizes.length - 1];
  for (const size of settings.sizes) {
    const runs: RunAnswers[][] = methods.map(() => []);
    const always: RunAnswers[] = [];
    for (let r = 0; r < runsAt(size); r++) {
      const subset = subsetFor(train.labels, size, r, settings.seed);
      const answer = mostFrequent(subset.map((i) => train.labels[i]));
      always.push({ predicted: test.labels.map(() => answer), seconds: 0 });
      for (const [k, m] of methods.entries()) {
        context.onRun?.(done, total, `${m.name} n=${size}, run ${r + 1} of ${runsAt(size)}`);
        const {
          probabilities: scores,
          decision,
          seconds,
        } = await runFold(both, { train: subset, test: testRows }, m.settings, {
          seed: settings.seed + r,
          embeddings: context.embeddings,
        });
        const predicted = test.labels.map((_, i) => decide(scores, classes.length, i, decision));
        runs[k].push({ predicted, seconds });
        if (size === largest && r === 0) final[k] = scores;
        done += runWork(size, test.docs.length);
      }
    }
    const point = (answers: RunAnswers[]) =>
      curvePoint(size, answers, test.labels, classes, settings.metric, settings.seed);
    runs.forEach((p, k) => curves[k].points.push(point(p)));
    majority.points.push(point(always));
  }
  context.onRun?.(done, total, 'done');
  return { curves, majority, final };
}

/** The most frequent class id (the smallest id among equals, so the same subset gives the same answer). */
export function mostFrequent(labels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  let best = -1;
  for (const [y, n] of counts)
    if (best < 0 || n > counts.get(best)! || (n === counts.get(best)! && y < best)) best = y;
  return best;
}

/** What one run answered (a class id per test text) and how long it trained. */
export interface RunAnswers {
  predicted: ArrayLike<number>;
  seconds: number;
}

/** The runs of one method at one size, gathered into a curve point. */
export function curvePoint(
  size: number,
  runs: readonly RunAnswers[],
  truth: readonly number[],
  classes: readonly string[],
  metric: MetricName,
  seed: number,
): CurvePoint {
  const k = classes.length;
  const score = confusionScorer(metric, classes);
  const answers = runs.map((r) => Int32Array.from(r.predicted));
  const per = answers.map((p) => evaluate(truth, Array.from(p), classes));
  const accuracies = per.map((m) => m.accuracy);
  const scores = answers.map((p) => score(confusionOf(truth, p, k)));
  const m = mean(accuracies);
  const n = truth.length;
  const ci95 = wilson(m * n, n);
  return {
    size,
    accuracies,
    mean: m,
    std: std(accuracies),
    ci95,
    macroF1s: per.map((x) => x.macroF1),
    macroF1: mean(per.map((x) => x.macroF1)),
    scores,
    score: mean(scores),
    scoreStd: std(scores),
    scoreCi95: metric === 'accuracy' ? ci95 : scoreInterval(answers, truth, k, score, seed),
    seconds: runs.map((r) => r.seconds),
    predicted: answers.map((p) => encodeLabels(p, k)),
  };
}

/**
 * The smallest size from which `challenger` stays ahead of `incumbent` at every larger size
 * (by mean score), or undefined when it never does.
 */
export function overtakes(challenger: Curve, incumbent: Curve): number | undefined {
  const sizes = challenger.points.map((p) => p.size);
  let from: number | undefined;
  for (let i = sizes.length - 1; i >= 0; i--) {
    if (challenger.points[i].score > incumbent.points[i].score) from = sizes[i];
    else break;
  }
  return from;
}

/** The pointwise best of several curves (for "best baseline" against "best transfer"). */
export function bestOf(name: string, curves: readonly Curve[]): Curve {
  return {
    method: name,
    points: curves[0].points.map((_, i) =>
      curves.map((c) => c.points[i]).reduce((a, b) => (b.score > a.score ? b : a)),
    ),
  };
}
