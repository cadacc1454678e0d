import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { decide } from '../models/threshold.js';
import type { ModelSettings } from '../models/registry.js';
import { runFold } from './fold.js';
import { evaluate, mean, std } from './metrics.js';
import { Random } from '../random.js';
import { encodeCorrect, wilson } from './stats.js';
import { stratifiedSample } from '../text/splits.js';

/**
 * Learning curves: accuracy on one fixed test set against the number of training examples,
 * several stratified random subsets per size, every method trained on the very same subsets.
 * This is the comparison emb exists for: where pretrained vectors help, and where the
 * bag-of-words baseline catches up.
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
  /** Training time of each run, seconds. */
  seconds: number[];
  /**
   * Which test texts each run answered right, so methods can be compared text by text: a
   * bitset in base64, bit i (byte i >> 3, least significant bit first) for test text i.
   * About 360 characters per run for 2,000 test texts.
   */
  correct: string[];
}

export interface Curve {
  method: string;
  points: CurvePoint[];
}

export interface CurveSettings {
  sizes: number[];
  repeats: number;
  seed: number;
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
  for (const size of settings.sizes) {
    const runs = methods.map(() => new Runs());
    const always = new Runs();
    for (let r = 0; r < runsAt(size); r++) {
      const subset = subsetFor(train.labels, size, r, settings.seed);
      const labels = subset.map((i) => train.labels[i]);
      const answer = mostFrequent(labels);
      always.add(
        test.labels.map(() => answer),
        test.labels,
        classes,
        0,
      );
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
        runs[k].add(predicted, test.labels, classes, seconds);
        done += runWork(size, test.docs.length);
      }
    }
    runs.forEach((p, k) => curves[k].points.push(p.point(size)));
    majority.points.push(always.point(size));
  }
  context.onRun?.(done, total, 'done');
  return { curves, majority };
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

/** The runs of one method at one size, gathered into a curve point. */
class Runs {
  private readonly accuracies: number[] = [];
  private readonly f1s: number[] = [];
  private readonly seconds: number[] = [];
  private readonly correct: string[] = [];
  private n = 0;

  add(
    predicted: readonly number[],
    truth: readonly number[],
    classes: readonly string[],
    seconds: number,
  ) {
    const m = evaluate(truth, predicted, classes);
    this.accuracies.push(m.accuracy);
    this.f1s.push(m.macroF1);
    this.seconds.push(seconds);
    this.correct.push(encodeCorrect(truth.map((y, i) => y === predicted[i])));
    this.n = truth.length;
  }

  point(size: number): CurvePoint {
    const m = mean(this.accuracies);
    return {
      size,
      accuracies: this.accuracies,
      mean: m,
      std: std(this.accuracies),
      ci95: wilson(m * this.n, this.n),
      macroF1s: this.f1s,
      macroF1: mean(this.f1s),
      seconds: this.seconds,
      correct: this.correct,
    };
  }
}

/**
 * The smallest size from which `challenger` stays ahead of `incumbent` at every larger size,
 * or undefined when it never does.
 */
export function overtakes(challenger: Curve, incumbent: Curve): number | undefined {
  const sizes = challenger.points.map((p) => p.size);
  let from: number | undefined;
  for (let i = sizes.length - 1; i >= 0; i--) {
    if (challenger.points[i].mean > incumbent.points[i].mean) from = sizes[i];
    else break;
  }
  return from;
}

/** The pointwise best of several curves (for "best baseline" against "best transfer"). */
export function bestOf(name: string, curves: readonly Curve[]): Curve {
  return {
    method: name,
    points: curves[0].points.map((_, i) =>
      curves.map((c) => c.points[i]).reduce((a, b) => (b.mean > a.mean ? b : a)),
    ),
  };
}
