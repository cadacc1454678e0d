import { EmbError } from '../errors.js';
import { native } from '../native/addon.js';
import { Random } from '../random.js';
import type { Csr } from '../features/bow.js';

/**
 * L2-regularised linear SVM trained by dual coordinate descent (Hsieh et al. 2008, "A Dual
 * Coordinate Descent Method for Large-scale Linear SVM"; the solver LIBLINEAR uses for
 * `-s 1` and `-s 3`). The bias is LIBLINEAR's: one more constant feature B, regularised like
 * the other weights.
 */

/** squared-hinge: L2-loss SVM (LIBLINEAR -s 1, scikit-learn's default); hinge: L1-loss (-s 3). */
export type SvmLoss = 'squared-hinge' | 'hinge';

export interface SvmOptions {
  C: number;
  /**
   * C for the +1 rows and for the -1 rows (LIBLINEAR's weighted C: C times the class's
   * weight); default C for both.
   */
  Cp?: number;
  Cn?: number;
  loss: SvmLoss;
  seed: number;
  /** Stop when the projected gradient's spread is at most eps (LIBLINEAR's default 0.1). */
  eps?: number;
  maxIter?: number;
  /** Skip coordinates stuck at a bound (Hsieh et al. section 3.2); on by default. */
  shrinking?: boolean;
  /** The constant bias feature; LIBLINEAR's B = 1. */
  bias?: number;
  /**
   * Dual variables to start from (a warm start: the solution of a nearby problem, such as
   * the same rows with one block scaled differently); default all 0.
   */
  start?: Float64Array;
}

export interface SvmFit {
  /** cols + 1 weights; the last multiplies the bias feature B. */
  w: Float64Array;
  /** The dual variables, one per row (a warm start for a nearby problem). */
  alpha: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * What a linear model reads: sparse rows over columns [0, sparse.cols), then, when `dense` is
 * given (rows x dims, row-major), `dims` dense columns after them; `cols` counts every column
 * (the hybrid's n-grams alone keep their dense columns, empty). The dense block is read in
 * place: copying it into every sparse row cost a copy of the whole matrix per fit.
 */
export interface Rows {
  sparse: Csr;
  dense?: Float32Array;
  dims: number;
  cols: number;
}

/** Sparse rows as Rows (or Rows as they are). */
export function asRows(x: Csr | Rows): Rows {
  return 'sparse' in x ? x : { sparse: x, dims: 0, cols: x.cols };
}

/**
 * A binary SVM: y[i] is +1 or -1 for row i of x. Native (native/linear.c) when the addon is
 * there, else solveDual below: the same steps, the same bits.
 */
export function trainBinarySvm(x: Csr | Rows, y: Int8Array, options: SvmOptions): SvmFit {
  const rows = asRows(x);
  const l = rows.sparse.rows;
  // The dual of the L2 loss adds 1/(2C) to the diagonal and has no upper bound on alpha; each
  // row has its class's C (LIBLINEAR's diag[y + 1] and upper_bound[y + 1]).
  const Cp = options.Cp ?? options.C;
  const Cn = options.Cn ?? options.C;
  const l2 = options.loss === 'squared-hinge';
  const params = Float64Array.from([
    l2 ? 0.5 / Cp : 0,
    l2 ? 0.5 / Cn : 0,
    l2 ? Infinity : Cp,
    l2 ? Infinity : Cn,
    options.eps ?? 0.1,
    options.bias ?? 1,
    options.maxIter ?? 1000,
    (options.shrinking ?? true) ? 1 : 0,
  ]);
  const alpha = new Float64Array(l);
  if (options.start) alpha.set(options.start.subarray(0, l));
  const w = new Float64Array(rows.cols + 1);
  const { sparse, dense, dims } = rows;
  const passes = native
    ? native.svmDcd(
        sparse.indptr,
        sparse.indices,
        sparse.values,
        dense ?? NO_DENSE,
        dims,
        sparse.cols,
        rows.cols,
        y,
        params,
        options.seed >>> 0,
        alpha,
        w,
      )
    : solveDual(rows, y, params, options.seed, alpha, w);
  return { w, alpha, iterations: Math.abs(passes), converged: passes > 0 };
}

const NO_DENSE = new Float32Array(0);

/**
 * Dual coordinate descent from `alpha` (clamped to the bounds), writing the weights into w
 * (zeros); params as trainBinarySvm makes them. Returns the passes, negated when maxIter ran
 * out first. Exported for the test that holds the native solver to it.
 */
export function solveDual(
  rows: Rows,
  y: Int8Array,
  params: Float64Array,
  seed: number,
  alpha: Float64Array,
  w: Float64Array,
): number {
  const [diagP, diagN, upperP, upperN, eps, B, maxIter, shrink] = params;
  const shrinking = shrink !== 0;
  const { indptr, indices, values, rows: l } = rows.sparse;
  const { cols } = rows;
  const dense = rows.dense;
  const dims = dense ? rows.dims : 0;
  const at = rows.sparse.cols;
  // The row's entries in order: the sparse ones, then the dense block; the bias last.
  const add = (i: number, by: number) => {
    for (let k = indptr[i]; k < indptr[i + 1]; k++) w[indices[k]] += by * values[k];
    for (let j = 0, d = i * dims; j < dims; j++) w[at + j] += by * dense![d + j];
    w[cols] += by * B;
  };
  for (let i = 0; i < l; i++) {
    const a = (alpha[i] = Math.min(Math.max(alpha[i], 0), y[i] > 0 ? upperP : upperN));
    if (a !== 0) add(i, a * y[i]);
  }
  const qd = new Float64Array(l);
  const order = new Int32Array(l);
  for (let i = 0; i < l; i++) {
    let sq = B * B;
    for (let k = indptr[i]; k < indptr[i + 1]; k++) sq += values[k] * values[k];
    for (let j = 0, d = i * dims; j < dims; j++) sq += dense![d + j] * dense![d + j];
    qd[i] = sq + (y[i] > 0 ? diagP : diagN);
    order[i] = i;
  }
  const rng = new Random(seed);
  let active = l;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iter = 0;
  while (iter < maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    // Visit the active coordinates in a fresh random order each pass.
    for (let s = 0; s < active; s++) {
      const j = s + rng.int(active - s);
      const t = order[s];
      order[s] = order[j];
      order[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = order[s];
      const yi = y[i];
      let dot = w[cols] * B;
      for (let k = indptr[i]; k < indptr[i + 1]; k++) dot += w[indices[k]] * values[k];
      for (let j = 0, d = i * dims; j < dims; j++) dot += w[at + j] * dense![d + j];
      const diag = yi > 0 ? diagP : diagN;
      const upper = yi > 0 ? upperP : upperN;
      const g = yi * dot - 1 + alpha[i] * diag;
      let pg = 0;
      if (alpha[i] === 0) {
        if (shrinking && g > pgMaxOld) {
          // At the lower bound and likely to stay there: drop it from this round.
          active--;
          order[s] = order[active];
          order[active] = i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else if (alpha[i] === upper) {
        if (shrinking && g < pgMinOld) {
          active--;
          order[s] = order[active];
          order[active] = i;
          s--;
          continue;
        }
        if (g > 0) pg = g;
      } else {
        pg = g;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.min(Math.max(old - g / qd[i], 0), upper);
        add(i, (alpha[i] - old) * yi);
      }
    }
    iter++;
    if (pgMax - pgMin <= eps) {
      if (active === l) return iter;
      // Converged on the shrunk problem: check once more on all coordinates.
      active = l;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    pgMinOld = pgMin >= 0 ? -Infinity : pgMin;
  }
  return -iter;
}

/**
 * Linear decision values, n x outputs row-major. `weights` is outputs x (cols + 1), the last
 * column of each row multiplying the bias feature B.
 */
export function decisionValues(
  x: Csr | Rows,
  weights: Float32Array,
  outputs: number,
  bias = 1,
): Float64Array {
  const { sparse, dense, cols } = asRows(x);
  const dims = dense ? asRows(x).dims : 0;
  const stride = cols + 1;
  if (weights.length !== outputs * stride) {
    throw new EmbError(
      'E_MODEL',
      `expected ${outputs} x ${stride} weights, found ${weights.length}`,
    );
  }
  const { indptr, indices, values, rows } = sparse;
  const at = sparse.cols;
  const out = new Float64Array(rows * outputs);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < outputs; c++) {
      const base = c * stride;
      let s = weights[base + cols] * bias;
      for (let k = indptr[i]; k < indptr[i + 1]; k++) s += weights[base + indices[k]] * values[k];
      for (let j = 0, d = i * dims; j < dims; j++) s += weights[base + at + j] * dense![d + j];
      out[i * outputs + c] = s;
    }
  }
  return out;
}

/**
 * One binary problem per output: with two classes a single one (class 0 positive, as LIBLINEAR
 * takes its first label), otherwise one-vs-rest. Returns y as +1/-1 for output c.
 */
export function oneVsRestTargets(labels: readonly number[], classes: number, c: number): Int8Array {
  const y = new Int8Array(labels.length);
  const positive = classes === 2 ? 0 : c;
  for (let i = 0; i < labels.length; i++) y[i] = labels[i] === positive ? 1 : -1;
  return y;
}

/** Weights of every output, and each output's dual variables (to warm-start a nearby fit). */
export interface LinearFit {
  weights: Float32Array;
  duals: Float64Array[];
}

/** Progress per output, and the duals of a nearby fit to start each output from. */
export interface FitExtras {
  onProgress?: (done: number, total: number) => void;
  starts?: readonly Float64Array[];
}

/**
 * One binary SVM per output (oneVsRestTargets), as outputs x (cols + 1) float32 weights, the
 * last column of each row the bias; output c is seeded seed + c.
 */
export function trainOneVsRest(
  x: Csr | Rows,
  labels: readonly number[],
  classes: number,
  options: Pick<SvmOptions, 'C' | 'loss' | 'eps'> & { classWeights?: ArrayLike<number> },
  seed: number,
  extras: FitExtras = {},
): LinearFit {
  const outputs = outputsFor(classes);
  const stride = asRows(x).cols + 1;
  const weights = new Float32Array(outputs * stride);
  const duals: Float64Array[] = [];
  for (let c = 0; c < outputs; c++) {
    const y = oneVsRestTargets(labels, classes, c);
    const fit = trainBinarySvm(x, y, {
      ...options,
      ...weightedC(options, classes, c),
      seed: seed + c,
      start: extras.starts?.[c],
    });
    weights.set(fit.w, c * stride);
    duals.push(fit.alpha);
    extras.onProgress?.(c + 1, outputs);
  }
  return { weights, duals };
}

/**
 * LIBLINEAR's weighted C for output c: with two classes class 0's and class 1's weight; one
 * class against the rest, the class's weight for its rows and C for the rest (as LIBLINEAR and
 * scikit-learn's LinearSVC weigh one-vs-rest problems).
 */
export function weightedC(
  options: { C: number; classWeights?: ArrayLike<number> },
  classes: number,
  c: number,
): { Cp: number; Cn: number } {
  const w = options.classWeights;
  if (!w) return { Cp: options.C, Cn: options.C };
  if (classes === 2) return { Cp: options.C * w[0], Cn: options.C * w[1] };
  return { Cp: options.C * w[c], Cn: options.C };
}

/** Decision values per row: one for two classes (f > 0 is class 0), else one per class. */
export function outputsFor(classes: number): number {
  return classes === 2 ? 1 : classes;
}
