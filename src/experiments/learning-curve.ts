import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { argmaxRow } from '../models/model.js';
import { trainModel } from '../models/registry.js';
import type { ModelSettings } from '../models/settings.js';
import { mean, std } from './metrics.js';
import { Random } from '../random.js';
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
  accuracies: number[];
  mean: number;
  std: number;
  /** Training time of each run, seconds. */
  seconds: number[];
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

export async function learningCurves(
  train: LabelledTokens,
  test: LabelledTokens,
  classes: readonly string[],
  methods: readonly CurveMethod[],
  settings: CurveSettings,
  context: { embeddings?: Embeddings; onRun?: (done: number, total: number, what: string) => void },
): Promise<Curve[]> {
  if (test.docs.length === 0) throw new EmbError('E_INPUT', 'the test set is empty');
  const runsAt = (size: number) => (size >= train.docs.length ? 1 : settings.repeats);
  const total = settings.sizes.reduce((a, s) => a + runsAt(s), 0) * methods.length;
  let done = 0;
  const curves: Curve[] = methods.map((m) => ({ method: m.name, points: [] }));
  for (const size of settings.sizes) {
    const points = methods.map(() => ({ accuracies: [] as number[], seconds: [] as number[] }));
    for (let r = 0; r < runsAt(size); r++) {
      const subset = subsetFor(train.labels, size, r, settings.seed);
      const docs = subset.map((i) => train.docs[i]);
      const labels = subset.map((i) => train.labels[i]);
      for (const [k, m] of methods.entries()) {
        context.onRun?.(done, total, `${m.name} n=${size}`);
        const started = performance.now();
        const model = await trainModel(docs, labels, classes, m.settings, {
          seed: settings.seed + r,
          embeddings: context.embeddings,
        });
        points[k].seconds.push((performance.now() - started) / 1000);
        try {
          const scores = model.predict(test.docs);
          let correct = 0;
          test.labels.forEach((y, i) => {
            if (argmaxRow(scores, classes.length, i) === y) correct++;
          });
          points[k].accuracies.push(correct / test.labels.length);
        } finally {
          model.dispose();
        }
        done++;
      }
    }
    points.forEach((p, k) =>
      curves[k].points.push({
        size,
        accuracies: p.accuracies,
        mean: mean(p.accuracies),
        std: std(p.accuracies),
        seconds: p.seconds,
      }),
    );
  }
  context.onRun?.(done, total, 'done');
  return curves;
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
