/** Classification metrics over class ids 0..C-1. */
import { scorer, type MetricName } from '../models/metric.js';
import type { ConfusionScore } from './stats.js';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

export function evaluate(
  truth: readonly number[],
  predicted: readonly number[],
  labels: readonly string[],
): Metrics {
  const c = labels.length;
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  let correct = 0;
  truth.forEach((y, i) => {
    confusion[y][predicted[i]]++;
    if (y === predicted[i]) correct++;
  });
  const perClass = labels.map((label, k) => {
    const tp = confusion[k][k];
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((a, row) => a + row[k], 0);
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: perClass.reduce((a, m) => a + m.f1, 0) / Math.max(1, c),
    perClass,
    confusion,
  };
}

/**
 * The metric as a score of a confusion matrix (k x k, flat, row = true class), for the
 * bootstrap, which scores thousands of reweighted matrices: the same figure as the models'
 * scorer(metric, classes) on the answers themselves (tested), whose check of a LABEL it uses.
 */
export function confusionScorer(metric: MetricName, classes: readonly string[]): ConfusionScore {
  scorer(metric, classes);
  const k = classes.length;
  const per = /^(f1|recall):(.+)$/s.exec(metric);
  const actual = (m: Float64Array, c: number) => {
    let t = 0;
    for (let j = 0; j < k; j++) t += m[c * k + j];
    return t;
  };
  const said = (m: Float64Array, c: number) => {
    let t = 0;
    for (let i = 0; i < k; i++) t += m[i * k + c];
    return t;
  };
  const recall = (m: Float64Array, c: number, n = actual(m, c)) => (n ? m[c * k + c] / n : 0);
  const f1 = (m: Float64Array, c: number, n = actual(m, c)) => {
    const d = n + said(m, c);
    return d ? (2 * m[c * k + c]) / d : 0;
  };
  if (metric === 'accuracy')
    return (m) => {
      let right = 0;
      let total = 0;
      for (let i = 0; i < k; i++) {
        right += m[i * k + i];
        total += actual(m, i);
      }
      return total ? right / total : 0;
    };
  if (per) {
    const c = classes.indexOf(per[2]);
    return per[1] === 'f1' ? (m) => f1(m, c) : (m) => recall(m, c);
  }
  const of = metric === 'macro-f1' ? f1 : recall;
  // Classes absent from the truth do not count, as in scorer.
  return (m) => {
    let total = 0;
    let present = 0;
    for (let c = 0; c < k; c++) {
      const n = actual(m, c);
      if (n === 0) continue;
      present++;
      total += of(m, c, n);
    }
    return present ? total / present : 0;
  };
}

/** The confusion matrix of answers (k x k, flat, row = true class), as confusionScorer reads it. */
export function confusionOf(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  k: number,
): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < truth.length; i++) m[truth[i] * k + predicted[i]]++;
  return m;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Sample standard deviation (n - 1). */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** How well probabilities match outcomes, over n rows of n x C probabilities. */
export interface CalibrationMetrics {
  /**
   * Expected calibration error: rows binned by their top probability (10 equal-width bins);
   * the mean over rows of |bin accuracy - bin mean top probability|. 0 is perfect.
   */
  ece: number;
  /**
   * Brier score in its original multi-class form (Brier 1950): the mean over rows of
   * sum_c (p_c - [c is the true class])^2, from 0 (perfect) to 2. For two classes this is twice
   * scikit-learn's brier_score_loss, which scores the positive class only.
   */
  brier: number;
  /** Mean negative log-probability of the true class (probabilities clipped at 1e-15). */
  logLoss: number;
}

export function calibrationMetrics(
  probs: ArrayLike<number>,
  truth: readonly number[],
  classes: number,
  bins = 10,
): CalibrationMetrics {
  const n = truth.length;
  const count = new Float64Array(bins);
  const right = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  let brier = 0;
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    let top = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c];
      if (p > probs[i * classes + top]) top = c;
      brier += (p - (c === truth[i] ? 1 : 0)) ** 2;
    }
    const p = probs[i * classes + top];
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]++;
    confidence[b] += p;
    if (top === truth[i]) right[b]++;
    logLoss -= Math.log(Math.max(1e-15, probs[i * classes + truth[i]]));
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) ece += Math.abs(right[b] - confidence[b]);
  return {
    ece: ece / Math.max(1, n),
    brier: brier / Math.max(1, n),
    logLoss: logLoss / Math.max(1, n),
  };
}
