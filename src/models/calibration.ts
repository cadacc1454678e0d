/**
 * Probabilities from a classifier's scores by temperature scaling (Guo et al. 2017, "On
 * Calibration of Modern Neural Networks"; for two classes, Platt scaling without its
 * intercept): p = softmax(scale * s), one scale > 0 fitted by maximum likelihood on scores the
 * model did not train on (out-of-fold decision values for the linear models, the validation
 * split for the mlp).
 *
 * One positive factor cannot reorder a row's scores, so the predicted class, and with it every
 * accuracy figure, is the model's own. Platt's intercept or isotonic regression would move the
 * decision threshold, and so the accuracy, which must not change; one scale already brings the
 * expected calibration error under 0.035 on every public set (bench/README.md, section 12).
 *
 * Scores come as the models produce them: for two classes one decision value per row, f > 0
 * meaning class 0 (p0 = sigmoid(scale * f)); for more, one value per class (one-vs-rest
 * decision values, or logits).
 */

import { stratifiedKFold, type Groups } from '../text/splits.js';
import { outputsFor } from './linear-svm.js';

/** What a model saves of its calibration. */
export interface Calibration {
  method: 'temperature';
  /** Multiplies the scores before the sigmoid or softmax (1 / temperature). */
  scale: number;
  /** How many held-out scores it was fitted on (0: none could be held out; scale 1). */
  fittedOn: number;
}

/** n x classes probabilities (row-major) from n rows of scores. */
export function probabilities(
  scores: ArrayLike<number>,
  rows: number,
  classes: number,
  scale: number,
): Float32Array {
  const out = new Float32Array(rows * classes);
  if (classes === 2) {
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-scale * scores[i]));
      out[2 * i] = p;
      out[2 * i + 1] = 1 - p;
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    const base = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scale * scores[base + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++)
      sum += out[base + c] = Math.exp(scale * scores[base + c] - max);
    for (let c = 0; c < classes; c++) out[base + c] /= sum;
  }
  return out;
}

/**
 * Fits the scale on held-out scores and their true classes. The targets are Platt's
 * smoothed ones (a row of class y aims at (n_y + 1) / (n_y + 2) for y, the rest shared by the
 * other classes), which keeps the scale finite when the held-out rows are all separated and
 * shrinks it on small sets, where a few lucky folds would otherwise claim certainty.
 */
export function fitCalibration(
  scores: ArrayLike<number>,
  labels: readonly number[],
  classes: number,
): Calibration {
  const n = labels.length;
  if (n === 0) return UNFITTED;
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  const onTarget = counts.map((m) => (m + 1) / (m + 2));
  // The negative log-likelihood is convex in the scale, so its derivative grows with it:
  // bracket the root, then Newton steps that fall back to bisection outside the bracket.
  const slope = (a: number): { g: number; h: number } => {
    let g = 0;
    let h = 0;
    if (classes === 2) {
      for (let i = 0; i < n; i++) {
        const f = scores[i];
        const p = 1 / (1 + Math.exp(-a * f));
        const t = labels[i] === 0 ? onTarget[0] : 1 - onTarget[1];
        g += (p - t) * f;
        h += p * (1 - p) * f * f;
      }
      return { g, h };
    }
    const p = new Float64Array(classes);
    for (let i = 0; i < n; i++) {
      const base = i * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, a * scores[base + c]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += p[c] = Math.exp(a * scores[base + c] - max);
      let mean = 0;
      let meanSq = 0;
      const y = labels[i];
      const off = (1 - onTarget[y]) / (classes - 1);
      for (let c = 0; c < classes; c++) {
        const f = scores[base + c];
        p[c] /= sum;
        mean += p[c] * f;
        meanSq += p[c] * f * f;
        g -= (c === y ? onTarget[y] : off) * f;
      }
      g += mean;
      h += meanSq - mean * mean;
    }
    return { g, h };
  };
  // Scores that do not rank the held-out rows at all (or rank them backwards) get the smallest
  // scale: probabilities near the uniform ones, never a reversed order.
  const smallest = 1e-3;
  if (slope(smallest).g >= 0) return { method: 'temperature', scale: smallest, fittedOn: n };
  let lo = smallest;
  let hi = 1;
  while (slope(hi).g < 0 && hi < 1e6) {
    lo = hi;
    hi *= 4;
  }
  let a = (lo + hi) / 2;
  for (let iter = 0; iter < 100; iter++) {
    const { g, h } = slope(a);
    if (g < 0) lo = a;
    else hi = a;
    const newton = h > 0 ? a - g / h : NaN;
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - a) <= 1e-9 * a) {
      a = next;
      break;
    }
    a = next;
  }
  return { method: 'temperature', scale: a, fittedOn: n };
}

/**
 * Inner folds for held-out scores: `requested`, else 5, or 3 above 2,000 examples (where the
 * estimate is steady and each fit costs more); never more than the smallest class has
 * examples. Below 2 there is no inner cross-validation.
 */
export function innerFolds(labels: readonly number[], classes: number, requested?: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  return Math.min(requested ?? (labels.length > 2000 ? 3 : 5), ...counts);
}

/**
 * Scores of every example from models that did not train on it (stratified inner k-fold,
 * split with `seed`): `scoresOf(train, test)` fits on the rows `train` and returns, for each of
 * one or more candidates, the scores of the rows `test` (outputsFor(classes) values per row). Returns
 * one n-row score array per candidate, or undefined when k < 2. `groups` (copies of a text,
 * duplicates.ts) keeps every copy in one fold, so no held-out score comes from a fit that saw it.
 */
export function outOfFoldScores(
  labels: readonly number[],
  classes: number,
  k: number,
  seed: number,
  scoresOf: (train: number[], test: number[]) => ArrayLike<number>[],
  groups?: Groups,
): Float64Array[] | undefined {
  if (k < 2) return undefined;
  const per = outputsFor(classes);
  let out: Float64Array[] | undefined;
  for (const fold of stratifiedKFold(labels, k, seed, groups)) {
    const scores = scoresOf(fold.train, fold.test);
    out ??= scores.map(() => new Float64Array(labels.length * per));
    scores.forEach((s, c) =>
      fold.test.forEach((i, r) => {
        for (let j = 0; j < per; j++) out![c][i * per + j] = s[r * per + j];
      }),
    );
  }
  return out;
}

/** The class of each row's largest score (for two classes, f > 0 is class 0). */
export function predictedClasses(
  scores: ArrayLike<number>,
  rows: number,
  classes: number,
): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (classes === 2) out[i] = scores[i] > 0 ? 0 : 1;
    else
      for (let c = 1; c < classes; c++)
        if (scores[i * classes + c] > scores[i * classes + out[i]]) out[i] = c;
  }
  return out;
}

/** What stands in when no score could be held out (a class with a single example). */
export const UNFITTED: Calibration = { method: 'temperature', scale: 1, fittedOn: 0 };

/** Checks a calibration read back from a saved model. */
export function isCalibration(x: unknown): x is Calibration {
  const c = x as Calibration;
  return (
    typeof x === 'object' &&
    x !== null &&
    c.method === 'temperature' &&
    typeof c.scale === 'number' &&
    c.scale > 0 &&
    Number.isFinite(c.scale) &&
    Number.isInteger(c.fittedOn) &&
    c.fittedOn >= 0
  );
}
