/**
 * The measure a model is judged by, and the weight of each class in its loss: settings every
 * kind has (setting.ts's BASE), so that inner choices (C, gamma, epochs, a threshold) are
 * made on the measure that matters for the data, and a rare class is not drowned out.
 */
import { EmbError } from '../errors.js';

/**
 * accuracy; macro-f1 (the mean of the classes' F1); balanced-accuracy (the mean of the
 * classes' recall); f1:LABEL or recall:LABEL (one class's, e.g. f1:spam).
 */
export type MetricName =
  'accuracy' | 'macro-f1' | 'balanced-accuracy' | `f1:${string}` | `recall:${string}`;

export const METRICS = ['accuracy', 'macro-f1', 'balanced-accuracy', 'f1:LABEL', 'recall:LABEL'];

const PER_CLASS = /^(f1|recall):(.+)$/s;

export function isMetricName(value: unknown): value is MetricName {
  return (
    typeof value === 'string' &&
    (['accuracy', 'macro-f1', 'balanced-accuracy'].includes(value) || PER_CLASS.test(value))
  );
}

/** Scores predictions (class ids) against the truth: higher is better, 0..1. */
export type Scorer = (truth: ArrayLike<number>, predicted: ArrayLike<number>) => number;

/**
 * The scorer of a metric for these classes; a LABEL that is not one of them is an E_INPUT
 * error that lists them.
 */
export function scorer(metric: MetricName, classes: readonly string[]): Scorer {
  if (metric === 'accuracy')
    return (truth, predicted) => {
      let right = 0;
      for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
      return truth.length ? right / truth.length : 0;
    };
  const per = PER_CLASS.exec(metric);
  const only = per ? classes.indexOf(per[2]) : -1;
  if (per && only < 0)
    throw new EmbError(
      'E_INPUT',
      `metric "${metric}": no class "${per[2]}"; the classes are ${classes.map((c) => `"${c}"`).join(', ')}`,
    );
  return (truth, predicted) => {
    const k = classes.length;
    const tp = new Float64Array(k);
    const actual = new Float64Array(k);
    const said = new Float64Array(k);
    for (let i = 0; i < truth.length; i++) {
      actual[truth[i]]++;
      said[predicted[i]]++;
      if (truth[i] === predicted[i]) tp[truth[i]]++;
    }
    const recall = (c: number) => (actual[c] ? tp[c] / actual[c] : 0);
    const f1 = (c: number) => (actual[c] + said[c] ? (2 * tp[c]) / (actual[c] + said[c]) : 0);
    if (per) return per[1] === 'f1' ? f1(only) : recall(only);
    // Classes absent from the truth do not count (scikit-learn counts them as 0 with a warning).
    const present = [...actual.keys()].filter((c) => actual[c] > 0);
    const of = metric === 'macro-f1' ? f1 : recall;
    return present.reduce((a, c) => a + of(c), 0) / Math.max(1, present.length);
  };
}

/** A metric's name as a report's headline says it ("macro-F1", "F1 of spam"). */
export function metricLabel(metric: MetricName): string {
  const per = PER_CLASS.exec(metric);
  if (per) return `${per[1] === 'f1' ? 'F1' : 'recall'} of ${per[2]}`;
  return metric === 'macro-f1' ? 'macro-F1' : metric;
}

/**
 * The weight of each class in the loss: "balanced" (n / (k * n_c), scikit-learn's), or a
 * weight per label; absent: 1 for every class.
 */
export type ClassWeight = 'balanced' | Record<string, number>;

export function isClassWeight(value: unknown): value is ClassWeight {
  if (value === 'balanced') return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((w) => typeof w === 'number' && w > 0 && Number.isFinite(w))
  );
}

/**
 * The weights of class ids 0..k-1 for these training labels; a label named in the weights
 * that is not a class is an E_INPUT error, and a class not named keeps weight 1.
 */
export function classWeights(
  weight: ClassWeight | undefined,
  labels: readonly number[],
  classes: readonly string[],
): Float64Array {
  const k = classes.length;
  const out = new Float64Array(k).fill(1);
  if (weight === undefined) return out;
  if (weight === 'balanced') {
    const counts = new Float64Array(k);
    for (const y of labels) counts[y]++;
    for (let c = 0; c < k; c++) out[c] = counts[c] ? labels.length / (k * counts[c]) : 1;
    return out;
  }
  for (const [label, w] of Object.entries(weight)) {
    const c = classes.indexOf(label);
    if (c < 0)
      throw new EmbError(
        'E_INPUT',
        `classWeight: no class "${label}"; the classes are ${classes.map((x) => `"${x}"`).join(', ')}`,
      );
    out[c] = w;
  }
  return out;
}

/**
 * The class weights for any training labels of these classes (a fold's, the whole set's), or
 * undefined without weights: the one the kinds call, so that every fit of a model weighs its
 * own training part (balanced weights differ between folds, as scikit-learn computes them).
 */
export function weigher(
  weight: ClassWeight | undefined,
  classes: readonly string[],
): ((labels: readonly number[]) => Float64Array) | undefined {
  if (weight === undefined) return undefined;
  classWeights(weight, [], classes); // a label that is not a class: an error before any work
  return (labels) => classWeights(weight, labels, classes);
}

/**
 * The metric to judge by when the caller names none: accuracy, unless the smallest class has
 * less than a quarter of the largest class's examples, where accuracy rewards answering the
 * large class and macro-F1 is what shared tasks on such data report.
 */
export function defaultMetric(labels: readonly number[], classes: number): MetricName {
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  const present = counts.filter((n) => n > 0);
  return Math.min(...present) * 4 < Math.max(...present) ? 'macro-f1' : 'accuracy';
}
