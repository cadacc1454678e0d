/**
 * LIBSVM's C-SVC solver on sparse rows (native/smo.c), and the JavaScript fallback that takes
 * the same steps and gives the same bits: SMO with the second-order working-set selection of
 * Fan, Chen & Lin (2005, "Working set selection using second order information for training
 * support vector machines"), shrinking, and an LRU cache of float32 kernel rows bounded in
 * bytes. Several binary problems (the pairs of one-vs-one, inner folds, candidates of a search)
 * are solved at once, one per thread, off the JavaScript thread.
 */
import { checkAborted, EmbError, option } from '../errors.js';
import type { Csr } from '../features/bow.js';
import { kernelThreads, native } from '../native/addon.js';

/** K(x, y): x.y; exp(-gamma |x - y|^2); sum min(x_j, y_j); exp(-gamma chi2(x, y)). */
export type KernelKind = 'linear' | 'rbf' | 'hik' | 'chi2';
export const KERNEL_KINDS: readonly KernelKind[] = ['linear', 'rbf', 'hik', 'chi2'];
const CODE: Record<KernelKind, number> = { linear: 0, rbf: 1, hik: 2, chi2: 3 };

export interface Kernel {
  kind: KernelKind;
  /** rbf and chi2 only. */
  gamma: number;
}

/** A binary problem over rows of a CSR: labels +1 / -1 and each row's upper bound C_i. */
export interface BinaryProblem {
  rows: Int32Array;
  y: Int8Array;
  C: Float64Array;
}

/** The decision function sum_i coef_i K(x_i, x) - rho, coef_i = y_i alpha_i, one per row. */
export interface BinarySolution {
  coef: Float64Array;
  rho: number;
  iterations: number;
  objective: number;
  /** Whether it stopped at the tolerance (else at LIBSVM's limit of max(10^7, 100 l) iterations). */
  converged: boolean;
}

export interface SolverOptions {
  /** Stopping tolerance on the maximal violation (LIBSVM's -e, scikit-learn's tol): 1e-3. */
  eps: number;
  shrinking: boolean;
  /** Bytes for the kernel rows, shared by the threads. */
  cacheBytes: number;
  signal?: AbortSignal;
  /** Called as problems finish. */
  onProgress?: (done: number, total: number) => void;
}

const STATUS = { done: 0, maxIter: 1, cancelled: 2, noMemory: 3 };

/** Solves every problem on the rows of x; the answers do not depend on the threads. */
export async function solveProblems(
  x: Csr,
  kernel: Kernel,
  problems: readonly BinaryProblem[],
  options: SolverOptions,
): Promise<BinarySolution[]> {
  checkAborted(options.signal);
  // The largest problems first, so that the threads finish together (the answers do not
  // depend on the order); `at` maps an answer back to its problem.
  const order = problems
    .map((_, i) => i)
    .sort((a, b) => problems[b].rows.length - problems[a].rows.length);
  const at = new Int32Array(problems.length);
  order.forEach((p, i) => (at[p] = i));
  problems = order.map((p) => problems[p]);
  const starts = new Int32Array(problems.length + 1);
  problems.forEach((p, i) => (starts[i + 1] = starts[i] + p.rows.length));
  const total = starts[problems.length];
  const rows = new Int32Array(total);
  const y = new Int8Array(total);
  const C = new Float64Array(total);
  problems.forEach((p, i) => {
    rows.set(p.rows, starts[i]);
    y.set(p.y, starts[i]);
    C.set(p.C, starts[i]);
  });
  const alpha = new Float64Array(total);
  const info = new Float64Array(4 * problems.length);
  const threads = Math.max(1, Math.min(kernelThreads, problems.length));
  // The native solver shares the budget between a Gram matrix and its threads' caches; the
  // fallback solves one problem at a time, with all of it.
  const cacheBytes = Math.floor(options.cacheBytes);
  if (native) {
    const done = new Int32Array(1);
    const cancel = new Int32Array(1);
    const stop = () => (cancel[0] = 1);
    options.signal?.addEventListener('abort', stop);
    const timer = options.onProgress
      ? setInterval(() => options.onProgress!(done[0], problems.length), 250)
      : undefined;
    try {
      await native.smoTrain(
        x.indptr,
        x.indices,
        x.values,
        x.cols,
        CODE[kernel.kind],
        kernel.gamma,
        rows,
        starts,
        y,
        C,
        options.eps,
        options.shrinking ? 1 : 0,
        cacheBytes,
        alpha,
        info,
        done,
        cancel,
        threads,
      );
    } finally {
      clearInterval(timer);
      options.signal?.removeEventListener('abort', stop);
    }
  } else {
    const m = new Matrix(x, kernel.kind, true);
    for (let p = 0; p < problems.length; p++) {
      // The fallback solves on this thread: a turn of the event loop between problems lets an
      // abort (or a timer that aborts) be seen before the next one.
      await new Promise((resolve) => setTimeout(resolve, 0));
      checkAborted(options.signal);
      const at = starts[p];
      const l = starts[p + 1] - at;
      const s = l > 0 ? new Solver(m, kernel, problems[p], options, cacheBytes) : undefined;
      const out = s?.solve() ?? { rho: 0, iterations: 0, objective: 0, status: 0 };
      if (s) alpha.set(s.coef, at);
      info.set([out.rho, out.iterations, out.objective, out.status], 4 * p);
      options.onProgress?.(p + 1, problems.length);
    }
  }
  checkAborted(options.signal);
  return order.map((_, q) => {
    const p = at[q];
    const status = info[4 * p + 3];
    if (status === STATUS.noMemory)
      throw new EmbError(
        'E_INPUT',
        `the kernel SVM ran out of memory for its kernel rows; lower ${option('cacheMb')} or train on fewer texts`,
      );
    return {
      coef: alpha.slice(starts[p], starts[p + 1]),
      rho: info[4 * p],
      iterations: info[4 * p + 1],
      objective: info[4 * p + 2],
      converged: status === STATUS.done,
    };
  });
}

/**
 * out[i * outputs + c] = sum_s K(a_i, b_s) coef[s * outputs + c], the sum over s in order: the
 * decision values of rows a against support vectors b (before their intercepts).
 */
export function kernelSums(
  a: Csr,
  b: Csr,
  kernel: Kernel,
  coef: Float64Array,
  outputs: number,
): Float64Array {
  if (a.cols !== b.cols || coef.length !== b.rows * outputs)
    throw new EmbError(
      'E_MODEL',
      `expected ${b.rows} x ${outputs} coefficients over ${b.cols} columns, found ${coef.length} over ${a.cols}`,
    );
  const out = new Float64Array(a.rows * outputs);
  if (a.rows === 0 || b.rows === 0) return out;
  if (native) {
    native.kernelSums(
      CODE[kernel.kind],
      kernel.gamma,
      a.cols,
      a.indptr,
      a.indices,
      a.values,
      b.indptr,
      b.indices,
      b.values,
      coef,
      outputs,
      out,
      kernelThreads,
    );
    return out;
  }
  const ma = new Matrix(a, kernel.kind, false);
  const mb = new Matrix(b, kernel.kind, true);
  const acc = new Float64Array(b.rows);
  for (let i = 0; i < a.rows; i++) {
    acc.fill(0);
    sharedSums(kernel, ma, i, mb, undefined, 0, b.rows, acc);
    finishKernel(kernel, ma.self[i], mb.self, 0, b.rows, acc);
    const base = i * outputs;
    for (let s = 0; s < b.rows; s++)
      for (let c = 0; c < outputs; c++) out[base + c] += coef[s * outputs + c] * acc[s];
  }
  return out;
}

// ---- the arithmetic both implementations share, written as native/smo.c writes it ----

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const ROUND = 6755399441055744; // 1.5 * 2^52: x + ROUND - ROUND rounds x to an integer

/** native/smo.c's emb_exp: the same operations in the same order, so the same bits. */
export function embExp(x: number): number {
  const k = x * 1.4426950408889634 + ROUND - ROUND;
  const r = x - k * 0.69314718036912381649 - k * 1.90821492927058770002e-10;
  let p = 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  if (k < -1000) p *= 2 ** -200;
  words[0] = 0;
  words[1] = ((k < -1000 ? k + 200 : k) + 1023) << 20;
  return x > -745.0 ? p * bits[0] : 0;
}

/** A CSR matrix with its columns as lists of (row, value), and each row's self term. */
class Matrix {
  readonly colptr: Int32Array;
  readonly colrows: Int32Array;
  readonly colvalues: Float32Array;
  /** x.x for rbf, else |x|_1 (used by chi2). */
  readonly self: Float64Array;

  constructor(
    readonly csr: Csr,
    kind: KernelKind,
    columns: boolean,
  ) {
    const { rows, cols, indptr, indices, values } = csr;
    const listed = columns ? indptr[rows] : 0;
    this.colptr = new Int32Array(cols + 1);
    this.colrows = new Int32Array(listed);
    this.colvalues = new Float32Array(listed);
    this.self = new Float64Array(rows);
    for (let p = 0; p < listed; p++) this.colptr[indices[p] + 1]++;
    for (let c = 0; c < cols; c++) this.colptr[c + 1] += this.colptr[c];
    const fill = this.colptr.slice();
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let p = indptr[r]; p < indptr[r + 1]; p++) {
        if (columns) {
          const at = fill[indices[p]]++;
          this.colrows[at] = r;
          this.colvalues[at] = values[p];
        }
        const v = values[p];
        s += kind === 'rbf' ? v * v : v;
      }
      this.self[r] = s;
    }
  }
}

/** K(x, x) for row x of m. */
function selfKernel(kernel: Kernel, m: Matrix, x: number): number {
  const { indptr, values } = m.csr;
  let acc = 0;
  for (let p = indptr[x]; p < indptr[x + 1]; p++) {
    const a = values[p];
    acc += kernel.kind === 'hik' ? a : kernel.kind === 'chi2' ? (4 * a * a) / (a + a) : a * a;
  }
  const s = m.self[x];
  if (kernel.kind === 'rbf') return embExp(-kernel.gamma * (s + s - 2 * acc));
  if (kernel.kind === 'chi2') {
    const d = s + s - acc;
    return embExp(-kernel.gamma * (d > 0 ? d : 0));
  }
  return acc;
}

/**
 * acc[slot[r]] += the terms row x of a shares with each row r of b whose slot is in [lo, hi)
 * (no slot: the row itself), column by column in increasing order.
 */
function sharedSums(
  kernel: Kernel,
  a: Matrix,
  x: number,
  b: Matrix,
  slot: Int32Array | undefined,
  lo: number,
  hi: number,
  acc: Float64Array,
): void {
  const { indptr, indices, values } = a.csr;
  const { colptr, colrows, colvalues } = b;
  const kind = kernel.kind;
  for (let p = indptr[x]; p < indptr[x + 1]; p++) {
    const c = indices[p];
    const u = values[p];
    for (let q = colptr[c]; q < colptr[c + 1]; q++) {
      const t = slot ? slot[colrows[q]] : colrows[q];
      if (t < lo || t >= hi) continue;
      const v = colvalues[q];
      if (kind === 'hik') acc[t] += u < v ? u : v;
      else if (kind === 'chi2') acc[t] += (4 * u * v) / (u + v);
      else acc[t] += u * v;
    }
  }
}

/** Shared sums into kernel values for t in [lo, hi); selfB[t] is the self term of the row at t. */
function finishKernel(
  kernel: Kernel,
  selfA: number,
  selfB: Float64Array,
  lo: number,
  hi: number,
  acc: Float64Array,
): void {
  const g = kernel.gamma;
  if (kernel.kind === 'rbf')
    for (let t = lo; t < hi; t++) acc[t] = embExp(-g * (selfA + selfB[t] - 2 * acc[t]));
  else if (kernel.kind === 'chi2')
    for (let t = lo; t < hi; t++) {
      const d = selfA + selfB[t] - acc[t];
      acc[t] = embExp(-g * (d > 0 ? d : 0));
    }
}

const LOWER = 0;
const UPPER = 1;
const FREE = 2;
const TAU = 1e-12;

/** The fallback: native/smo.c's solve(), step for step. */
class Solver {
  private readonly l: number;
  private active: number;
  private readonly x: Int32Array;
  private readonly y: Int8Array;
  private readonly C: Float64Array;
  private readonly alpha: Float64Array;
  private readonly G: Float64Array;
  private readonly Gbar: Float64Array;
  private readonly QD: Float64Array;
  /** The self term of the row at each position. */
  private readonly self: Float64Array;
  /** Row of the matrix -> position, -1 outside the problem. */
  private readonly slot: Int32Array;
  private readonly status: Uint8Array;
  private readonly activeSet: Int32Array;
  private readonly acc: Float64Array;
  private readonly cache: RowCache;
  private unshrink = false;
  /** y_i alpha_i by the problem's row order, once solved. */
  readonly coef: Float64Array;

  constructor(
    private readonly m: Matrix,
    private readonly kernel: Kernel,
    problem: BinaryProblem,
    private readonly options: SolverOptions,
    cacheBytes: number,
  ) {
    const l = (this.l = this.active = problem.rows.length);
    this.x = Int32Array.from(problem.rows);
    this.y = Int8Array.from(problem.y);
    this.C = Float64Array.from(problem.C);
    this.alpha = new Float64Array(l);
    this.G = new Float64Array(l).fill(-1);
    this.Gbar = new Float64Array(l);
    this.QD = new Float64Array(l);
    this.self = new Float64Array(l);
    this.slot = new Int32Array(m.csr.rows).fill(-1);
    this.status = new Uint8Array(l);
    this.activeSet = Int32Array.from({ length: l }, (_, i) => i);
    this.acc = new Float64Array(l);
    this.cache = new RowCache(l, Math.max(Math.floor(cacheBytes / 4), 2 * l));
    this.coef = new Float64Array(l);
    for (let i = 0; i < l; i++) {
      this.setStatus(i);
      const r = this.x[i];
      this.slot[r] = i;
      this.self[i] = m.self[r];
      this.QD[i] = selfKernel(kernel, m, r);
    }
  }

  private setStatus(i: number): void {
    this.status[i] = this.alpha[i] >= this.C[i] ? UPPER : this.alpha[i] <= 0 ? LOWER : FREE;
  }

  private getQ(i: number, len: number): Float32Array {
    const { data, start } = this.cache.get(i, len);
    if (start < len) {
      const { acc } = this;
      acc.fill(0, start, len);
      sharedSums(this.kernel, this.m, this.x[i], this.m, this.slot, start, len, acc);
      finishKernel(this.kernel, this.self[i], this.self, start, len, acc);
      const yi = this.y[i];
      for (let j = start; j < len; j++) data[j] = yi * this.y[j] * acc[j];
    }
    return data;
  }

  private swapIndex(i: number, j: number): void {
    this.cache.swap(i, j);
    for (const a of [
      this.x,
      this.y,
      this.QD,
      this.self,
      this.C,
      this.alpha,
      this.G,
      this.Gbar,
      this.status,
      this.activeSet,
    ]) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    this.slot[this.x[i]] = i;
    this.slot[this.x[j]] = j;
  }

  private reconstructGradient(): void {
    const { l, active: n, G, Gbar, status, alpha } = this;
    if (n === l) return;
    let free = 0;
    for (let j = n; j < l; j++) G[j] = Gbar[j] - 1;
    for (let j = 0; j < n; j++) if (status[j] === FREE) free++;
    if (free * l > 2 * n * (l - n)) {
      for (let i = n; i < l; i++) {
        const Qi = this.getQ(i, n);
        for (let j = 0; j < n; j++) if (status[j] === FREE) G[i] += alpha[j] * Qi[j];
      }
    } else {
      for (let i = 0; i < n; i++)
        if (status[i] === FREE) {
          const Qi = this.getQ(i, l);
          const a = alpha[i];
          for (let j = n; j < l; j++) G[j] += a * Qi[j];
        }
    }
  }

  /** The working pair (WSS3), or undefined when the tolerance is met. */
  private selectWorkingSet(): [number, number] | undefined {
    const { G, y, status, QD } = this;
    const n = this.active;
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let objMin = Infinity;
    let maxIdx = -1;
    let minIdx = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (status[t] !== UPPER && -G[t] >= Gmax) {
          Gmax = -G[t];
          maxIdx = t;
        }
      } else if (status[t] !== LOWER && G[t] >= Gmax) {
        Gmax = G[t];
        maxIdx = t;
      }
    }
    const i = maxIdx;
    const Qi = i >= 0 ? this.getQ(i, n) : undefined;
    for (let j = 0; j < n; j++) {
      let gradDiff: number;
      let quad: number;
      if (y[j] === 1) {
        if (status[j] === LOWER) continue;
        gradDiff = Gmax + G[j];
        if (G[j] >= Gmax2) Gmax2 = G[j];
        if (!(gradDiff > 0)) continue;
        quad = QD[i] + QD[j] - 2.0 * y[i] * Qi![j];
      } else {
        if (status[j] === UPPER) continue;
        gradDiff = Gmax - G[j];
        if (-G[j] >= Gmax2) Gmax2 = -G[j];
        if (!(gradDiff > 0)) continue;
        quad = QD[i] + QD[j] + 2.0 * y[i] * Qi![j];
      }
      const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
      if (obj <= objMin) {
        minIdx = j;
        objMin = obj;
      }
    }
    if (Gmax + Gmax2 < this.options.eps || minIdx === -1) return undefined;
    return [maxIdx, minIdx];
  }

  private beShrunk(i: number, Gmax1: number, Gmax2: number): boolean {
    const g = this.G[i];
    if (this.status[i] === UPPER) return this.y[i] === 1 ? -g > Gmax1 : -g > Gmax2;
    if (this.status[i] === LOWER) return this.y[i] === 1 ? g > Gmax2 : g > Gmax1;
    return false;
  }

  private shrink(): void {
    let Gmax1 = -Infinity;
    let Gmax2 = -Infinity;
    for (let i = 0; i < this.active; i++) {
      const g = this.G[i];
      if (this.y[i] === 1) {
        if (this.status[i] !== UPPER && -g >= Gmax1) Gmax1 = -g;
        if (this.status[i] !== LOWER && g >= Gmax2) Gmax2 = g;
      } else {
        if (this.status[i] !== UPPER && -g >= Gmax2) Gmax2 = -g;
        if (this.status[i] !== LOWER && g >= Gmax1) Gmax1 = g;
      }
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.options.eps * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.active = this.l;
    }
    for (let i = 0; i < this.active; i++)
      if (this.beShrunk(i, Gmax1, Gmax2)) {
        this.active--;
        while (this.active > i) {
          if (!this.beShrunk(this.active, Gmax1, Gmax2)) {
            this.swapIndex(i, this.active);
            break;
          }
          this.active--;
        }
      }
  }

  private rho(): number {
    let ub = Infinity;
    let lb = -Infinity;
    let sumFree = 0;
    let free = 0;
    for (let i = 0; i < this.active; i++) {
      const yG = this.y[i] * this.G[i];
      if (this.status[i] === UPPER) {
        if (this.y[i] === -1) ub = ub < yG ? ub : yG;
        else lb = lb > yG ? lb : yG;
      } else if (this.status[i] === LOWER) {
        if (this.y[i] === 1) ub = ub < yG ? ub : yG;
        else lb = lb > yG ? lb : yG;
      } else {
        free++;
        sumFree += yG;
      }
    }
    return free > 0 ? sumFree / free : (ub + lb) / 2;
  }

  solve(): { rho: number; iterations: number; objective: number; status: number } {
    const { l, alpha: a, G, Gbar, C } = this;
    const maxIter = Math.max(1e7, 100 * l);
    let iter = 0;
    let counter = Math.min(l, 1000) + 1;
    let status = STATUS.done;
    for (;;) {
      if (iter >= maxIter) {
        status = STATUS.maxIter;
        break;
      }
      if (--counter === 0) {
        counter = Math.min(l, 1000);
        if (this.options.shrinking) this.shrink();
      }
      let pair = this.selectWorkingSet();
      if (!pair) {
        this.reconstructGradient();
        this.active = l;
        pair = this.selectWorkingSet();
        if (!pair) break;
        counter = 1;
      }
      const [i, j] = pair;
      iter++;
      const n = this.active;
      const Qi = this.getQ(i, n);
      const Qj = this.getQ(j, n);
      const Ci = C[i];
      const Cj = C[j];
      const oldI = a[i];
      const oldJ = a[j];
      if (this.y[i] !== this.y[j]) {
        let quad = this.QD[i] + this.QD[j] + 2 * Qi[j];
        if (quad <= 0) quad = TAU;
        const delta = (-G[i] - G[j]) / quad;
        const diff = a[i] - a[j];
        a[i] += delta;
        a[j] += delta;
        if (diff > 0) {
          if (a[j] < 0) {
            a[j] = 0;
            a[i] = diff;
          }
        } else if (a[i] < 0) {
          a[i] = 0;
          a[j] = -diff;
        }
        if (diff > Ci - Cj) {
          if (a[i] > Ci) {
            a[i] = Ci;
            a[j] = Ci - diff;
          }
        } else if (a[j] > Cj) {
          a[j] = Cj;
          a[i] = Cj + diff;
        }
      } else {
        let quad = this.QD[i] + this.QD[j] - 2 * Qi[j];
        if (quad <= 0) quad = TAU;
        const delta = (G[i] - G[j]) / quad;
        const sum = a[i] + a[j];
        a[i] -= delta;
        a[j] += delta;
        if (sum > Ci) {
          if (a[i] > Ci) {
            a[i] = Ci;
            a[j] = sum - Ci;
          }
        } else if (a[j] < 0) {
          a[j] = 0;
          a[i] = sum;
        }
        if (sum > Cj) {
          if (a[j] > Cj) {
            a[j] = Cj;
            a[i] = sum - Cj;
          }
        } else if (a[i] < 0) {
          a[i] = 0;
          a[j] = sum;
        }
      }
      const dI = a[i] - oldI;
      const dJ = a[j] - oldJ;
      for (let k = 0; k < n; k++) G[k] += Qi[k] * dI + Qj[k] * dJ;
      const ui = this.status[i] === UPPER;
      const uj = this.status[j] === UPPER;
      this.setStatus(i);
      this.setStatus(j);
      if (ui !== (this.status[i] === UPPER)) {
        const Q = this.getQ(i, l);
        const c = ui ? -Ci : Ci;
        for (let t = 0; t < l; t++) Gbar[t] += c * Q[t];
      }
      if (uj !== (this.status[j] === UPPER)) {
        const Q = this.getQ(j, l);
        const c = uj ? -Cj : Cj;
        for (let t = 0; t < l; t++) Gbar[t] += c * Q[t];
      }
    }
    if (status === STATUS.maxIter && this.active < l) {
      this.reconstructGradient();
      this.active = l;
    }
    const rho = this.rho();
    let v = 0;
    for (let i = 0; i < l; i++) v += a[i] * (G[i] - 1);
    for (let i = 0; i < l; i++) this.coef[this.activeSet[i]] = a[i] * this.y[i];
    return { rho, iterations: iter, objective: v / 2, status };
  }
}

/** native/smo.c's cache of Q's rows: rows grow to the length asked, the least recent go first. */
class RowCache {
  private readonly data: (Float32Array | undefined)[];
  private readonly len: Int32Array;
  // A circular list through prev/next, the sentinel at index l; least recently used first.
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly head: number;

  constructor(
    l: number,
    /** Floats that may still be allocated. */
    private left: number,
  ) {
    this.data = new Array(l);
    this.len = new Int32Array(l);
    this.prev = new Int32Array(l + 1);
    this.next = new Int32Array(l + 1);
    this.head = l;
    this.prev[l] = this.next[l] = l;
  }

  private remove(h: number): void {
    this.next[this.prev[h]] = this.next[h];
    this.prev[this.next[h]] = this.prev[h];
  }

  private append(h: number): void {
    this.next[h] = this.head;
    this.prev[h] = this.prev[this.head];
    this.next[this.prev[h]] = h;
    this.prev[this.head] = h;
  }

  private drop(h: number): void {
    this.remove(h);
    this.data[h] = undefined;
    this.left += this.len[h];
    this.len[h] = 0;
  }

  /** Row i holding [0, len), and from where it must be filled (len: nothing to fill). */
  get(i: number, len: number): { data: Float32Array; start: number } {
    if (this.len[i]) this.remove(i);
    let start = len;
    if (len > this.len[i]) {
      const more = len - this.len[i];
      while (this.left < more) this.drop(this.next[this.head]);
      const grown = new Float32Array(len);
      if (this.data[i]) grown.set(this.data[i]!.subarray(0, this.len[i]));
      this.data[i] = grown;
      this.left -= more;
      start = this.len[i];
      this.len[i] = len;
    }
    this.append(i);
    return { data: this.data[i]!, start };
  }

  swap(i: number, j: number): void {
    if (i === j) return;
    if (this.len[i]) this.remove(i);
    if (this.len[j]) this.remove(j);
    [this.data[i], this.data[j]] = [this.data[j], this.data[i]];
    [this.len[i], this.len[j]] = [this.len[j], this.len[i]];
    if (this.len[i]) this.append(i);
    if (this.len[j]) this.append(j);
    if (i > j) [i, j] = [j, i];
    for (let h = this.next[this.head]; h !== this.head;) {
      const after = this.next[h];
      if (this.len[h] > i) {
        const row = this.data[h]!;
        if (this.len[h] > j) {
          const t = row[i];
          row[i] = row[j];
          row[j] = t;
        } else this.drop(h);
      }
      h = after;
    }
  }
}
