import type { Csr } from '../features/bow.js';
import {
  oneVsRestTargets,
  outputsFor,
  trainBinarySvm,
  weightedC,
  type FitExtras,
  type LinearFit,
  type Rows,
  type SvmOptions,
} from './linear-svm.js';

/**
 * NBSVM (Wang & Manning 2012, "Baselines and Bigrams"): an SVM on binary features scaled by
 * the naive Bayes log-count ratio r, its weights then pulled toward their mean magnitude.
 */

export interface NbsvmOptions extends SvmOptions {
  /** Each class's weight in the loss (weightedC); default 1. */
  classWeights?: ArrayLike<number>;
  /** Smoothing of the feature counts (Wang & Manning: 1). */
  alpha: number;
  /** Interpolation w' = (1 - beta) * mean(|w|) + beta * w (Wang & Manning: 0.25). */
  beta: number;
}

/** r = ln((p / |p|_1) / (q / |q|_1)), p and q the smoothed feature sums of the +1 and -1 rows. */
export function logCountRatio(x: Csr, y: Int8Array, alpha: number): Float64Array {
  const p = new Float64Array(x.cols).fill(alpha);
  const q = new Float64Array(x.cols).fill(alpha);
  for (let i = 0; i < x.rows; i++) {
    const sums = y[i] > 0 ? p : q;
    for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) sums[x.indices[k]] += x.values[k];
  }
  let pSum = 0;
  let qSum = 0;
  for (let j = 0; j < x.cols; j++) {
    pSum += p[j];
    qSum += q[j];
  }
  // In place of p, read just before: one array of the vocabulary's size fewer.
  const r = p;
  for (let j = 0; j < x.cols; j++) r[j] = Math.log(p[j] / pSum / (q[j] / qSum));
  return r;
}

/**
 * Trains on binary features `x`. Returns outputs x (cols + 1) weights to apply to the binary
 * features directly (r is folded in); the last column is the bias weight. Two classes give one
 * output (class 0 positive), more give one-vs-rest outputs, each with its own ratio.
 *
 * `extras.extend` appends columns to the scaled rows (the hybrid's dense block): their weights come
 * out multiplied by beta, like the SVM's share of the interpolated weights, and sit between
 * the n-gram weights and the bias (outputs x (extended cols + 1)).
 */
export function trainNbsvm(
  x: Csr,
  labels: readonly number[],
  classes: number,
  options: NbsvmOptions,
  extras: FitExtras & { extend?: (scaled: Csr) => Rows; scaled?: NbScaled } = {},
): LinearFit {
  const outputs = outputsFor(classes);
  const { ratios, values } = extras.scaled ?? nbScale(x, labels, classes, options.alpha);
  const duals: Float64Array[] = [];
  let weights: Float32Array | undefined;
  for (let c = 0; c < outputs; c++) {
    const y = oneVsRestTargets(labels, classes, c);
    const r = ratios[c];
    const scaled = { ...x, values: values[c] };
    const rows = extras.extend?.(scaled) ?? scaled;
    const seed = options.seed + c;
    const { w, alpha } = trainBinarySvm(rows, y, {
      ...options,
      ...weightedC(options, classes, c),
      seed,
      start: extras.starts?.[c],
    });
    duals.push(alpha);
    const stride = rows.cols + 1;
    weights ??= new Float32Array(outputs * stride);
    // The bias is interpolated like one more weight: interpolating w alone shifts every
    // decision toward the majority class on unbalanced data (ANCHORS.md section 2).
    let meanAbs = Math.abs(w[rows.cols]);
    for (let j = 0; j < x.cols; j++) meanAbs += Math.abs(w[j]);
    meanAbs /= x.cols + 1;
    const { beta } = options;
    const base = c * stride;
    for (let j = 0; j < x.cols; j++)
      weights[base + j] = ((1 - beta) * meanAbs + beta * w[j]) * r[j];
    for (let j = x.cols; j < rows.cols; j++) weights[base + j] = beta * w[j];
    weights[base + rows.cols] = (1 - beta) * meanAbs + beta * w[rows.cols];
    extras.onProgress?.(c + 1, outputs);
  }
  return { weights: weights!, duals };
}

/** Each output's log-count ratio and the binary features scaled by it. */
export interface NbScaled {
  ratios: Float64Array[];
  values: Float32Array[];
}

/**
 * The scaling of trainNbsvm, for fits that share it: the hybrid fits several candidates on the
 * same rows and labels.
 */
export function nbScale(
  x: Csr,
  labels: readonly number[],
  classes: number,
  alpha: number,
): NbScaled {
  const out: NbScaled = { ratios: [], values: [] };
  for (let c = 0; c < outputsFor(classes); c++) {
    const r = logCountRatio(x, oneVsRestTargets(labels, classes, c), alpha);
    const scaled = new Float32Array(x.values.length);
    for (let k = 0; k < scaled.length; k++) scaled[k] = x.values[k] * r[x.indices[k]];
    out.ratios.push(r);
    out.values.push(scaled);
  }
  return out;
}
