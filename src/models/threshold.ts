/**
 * The decision threshold of a two-class model: the probability of one class (the positive
 * one) at which the model answers it. Answering the more probable class is a threshold of 0.5,
 * which maximises accuracy for calibrated probabilities but not macro-F1 or a rare class's F1:
 * on imbalanced data the best threshold for those is lower. The threshold moves the decision
 * only; the probabilities a model answers stay the calibrated ones.
 */
import { checkAborted, EmbError, setting } from '../errors.js';
import { groupsOf } from '../text/duplicates.js';
import { stratifiedKFold } from '../text/splits.js';
import {
  argmaxRow,
  type Decision,
  type Model,
  type TrainContext,
  type TrainingSet,
} from './kind.js';
import { scorer, type MetricName } from './metric.js';

export type { Decision };

/** 'auto': chosen for the metric by inner cross-validation; a number: that probability. */
export type Threshold = 'auto' | number;

/** Inner folds of the automatic choice (fewer when the rarer class has fewer examples). */
export const THRESHOLD_FOLDS = 5;

/** The most candidates tried: evenly spaced among the distinct midpoints, plus 0.5. */
const MAX_CANDIDATES = 512;

/** The predicted class of row i: the positive class at or above the threshold, else argmax. */
export function decide(
  probs: Float32Array,
  classes: number,
  i: number,
  decision?: Decision,
): number {
  if (!decision) return argmaxRow(probs, classes, i);
  return probs[i * classes + decision.positive] >= decision.threshold
    ? decision.positive
    : 1 - decision.positive;
}

/**
 * The class a threshold is on: the one a per-class metric names (f1:spam), else the rarer
 * class of the training labels (the second class when both are as frequent).
 */
export function positiveClass(
  metric: MetricName,
  labels: readonly number[],
  classes: readonly string[],
): number {
  const named = /^(?:f1|recall):(.+)$/s.exec(metric);
  if (named && classes.includes(named[1])) return classes.indexOf(named[1]);
  const ones = labels.reduce((a, y) => a + (y === 1 ? 1 : 0), 0);
  return ones <= labels.length - ones ? 1 : 0;
}

/** A threshold is for two classes: anything else is an E_INPUT error, before any work. */
export function checkThreshold(threshold: Threshold | undefined, classes: readonly string[]): void {
  if (threshold !== undefined && classes.length !== 2)
    throw new EmbError(
      'E_INPUT',
      `${setting('threshold')}: a decision threshold is for two classes, these data have ${classes.length} (${classes.join(', ')})`,
    );
}

/**
 * The threshold on the positive class's probability that maximises `score` over these
 * (out-of-fold) probabilities: candidates are the midpoints between neighbouring distinct
 * probabilities, and equal scores go to the candidate nearest 0.5 (the plain decision).
 */
export function bestThreshold(
  positive: Float64Array,
  truth: readonly number[],
  positiveId: number,
  score: (truth: readonly number[], predicted: readonly number[]) => number,
): number {
  const sorted = [...new Set(positive)].sort((a, b) => a - b);
  let candidates = [0.5];
  for (let i = 1; i < sorted.length; i++) candidates.push((sorted[i - 1] + sorted[i]) / 2);
  if (candidates.length > MAX_CANDIDATES) {
    const step = (candidates.length - 1) / (MAX_CANDIDATES - 1);
    candidates = [
      0.5,
      ...Array.from({ length: MAX_CANDIDATES - 1 }, (_, j) => candidates[1 + Math.round(j * step)]),
    ];
  }
  const predicted = new Array<number>(truth.length);
  let best = 0.5;
  let bestScore = -Infinity;
  for (const t of candidates) {
    for (let i = 0; i < truth.length; i++)
      predicted[i] = positive[i] >= t ? positiveId : 1 - positiveId;
    const s = score(truth, predicted);
    if (
      s > bestScore + 1e-12 ||
      (s > bestScore - 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))
    ) {
      best = t;
      bestScore = Math.max(s, bestScore);
    }
  }
  return best;
}

/**
 * The decision of a model trained with `threshold`: a given number as it is; 'auto', the best
 * threshold for the metric on out-of-fold probabilities of the training data (stratified
 * folds seeded with ctx.seed that keep copies of a text on one side, fold f's model seeded
 * ctx.seed + f, as cross-validation does),
 * from models that `fit` trains.
 */
export async function chooseDecision(
  data: TrainingSet,
  threshold: Threshold,
  metric: MetricName,
  ctx: TrainContext,
  fit: (data: TrainingSet, ctx: TrainContext) => Promise<Model>,
): Promise<Decision> {
  checkThreshold(threshold, data.classes);
  const positive = positiveClass(metric, data.labels, data.classes);
  if (threshold !== 'auto') return { positive, threshold };
  const counts = [0, 1].map((c) => data.labels.filter((y) => y === c).length);
  const rare = counts[0] <= counts[1] ? 0 : 1;
  const k = Math.min(THRESHOLD_FOLDS, counts[rare]);
  if (k < 2)
    throw new EmbError(
      'E_INPUT',
      `${setting('threshold')} 'auto' is chosen by inner cross-validation, which needs at least 2 examples of each class; "${data.classes[rare]}" has ${counts[rare]}`,
    );
  const outOfFold = new Float64Array(data.labels.length);
  const folds = stratifiedKFold(data.labels, k, ctx.seed, groupsOf(data.docs));
  for (const [f, fold] of folds.entries()) {
    checkAborted(ctx.signal);
    const model = await fit(
      {
        docs: fold.train.map((i) => data.docs[i]),
        labels: fold.train.map((i) => data.labels[i]),
        classes: data.classes,
      },
      { ...ctx, seed: ctx.seed + f, onProgress: undefined },
    );
    try {
      const probs = await model.predict(fold.test.map((i) => data.docs[i]));
      fold.test.forEach((i, r) => (outOfFold[i] = probs[r * 2 + positive]));
    } finally {
      model.dispose();
    }
    ctx.onProgress?.({ stage: 'threshold', done: f + 1, total: k });
  }
  const score = scorer(metric, data.classes);
  return { positive, threshold: bestThreshold(outOfFold, data.labels, positive, score) };
}

/** The model with its decision: the same probabilities, the decision it was trained with. */
export function withDecision(model: Model, decision: Decision): Model {
  const { explain, topFeatures, seen } = model;
  return {
    kind: model.kind,
    classes: model.classes,
    decision,
    training: model.training,
    predict: (docs) => model.predict(docs),
    seen: seen && ((docs) => seen.call(model, docs)),
    save: (dir) => model.save(dir),
    dispose: () => model.dispose(),
    explain: explain && ((doc, c) => explain.call(model, doc, c)),
    topFeatures: topFeatures && ((c, n) => topFeatures.call(model, c, n)),
  };
}
