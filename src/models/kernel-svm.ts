/**
 * Kernel SVMs on word counts, as LIBSVM and scikit-learn's SVC train them: one binary C-SVC per
 * pair of classes (one-vs-one; the pair's rows are the first class's, then the second's, and
 * the first class is +1), solved by models/smo.ts; class weights multiply C per class.
 *
 * The scores a model answers with are scikit-learn's: for two classes the decision value
 * (f > 0 is class 0), for more its "ovr" shape, each class's votes plus its summed pairwise
 * decision values squashed into (-1/3, 1/3), so that the votes decide and the values break
 * ties. Probabilities are those scores scaled by one temperature (calibration.ts) fitted on
 * the scores of texts held out of inner folds; the same folds choose C and gamma when they
 * are 'auto'. The vocabulary and gamma's scale are fitted on all the training texts (they use
 * no labels), the inner folds' models on their part of the rows.
 */
import { EmbError, checkAborted, option } from '../errors.js';
import type { Csr } from '../features/bow.js';
import {
  Counts,
  describeCounts,
  savedCountOptions,
  type CountNorm,
  type CountTf,
} from '../features/counts.js';
import {
  fitCalibration,
  innerFolds,
  outOfFoldScores,
  predictedClasses,
  probabilities,
  UNFITTED,
  type Calibration,
} from './calibration.js';
import {
  checkFormat,
  defineKind,
  type Docs,
  type Model,
  type ModelKind,
  type SavedFiles,
  type SavedModel,
  type TrainContext,
  type TrainingSet,
} from './kind.js';
import { classWeights, scorer } from './metric.js';
import { savedCalibration } from './linear-bow-model.js';
import { readFloats, readInts, readJson, writeFloats, writeInts } from './model-files.js';
import {
  COUNTS,
  KERNEL_SVM,
  type GammaSettings,
  type KernelSvmSettings,
  type Specs,
} from './setting.js';
import {
  kernelSums,
  solveProblems,
  type BinaryProblem,
  type BinarySolution,
  KERNEL_KINDS,
  type Kernel,
  type KernelKind,
} from './smo.js';
import { kernelThreads } from '../native/addon.js';
import { stratifiedKFold } from '../text/splits.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The settings of one kernel kind: the solver's, and gamma for the kernels that have one. */
export type KernelKindSettings = KernelSvmSettings & Partial<GammaSettings> & { model: string };

/** The C and gamma tried when they are 'auto' (gamma as multiples of its scale). */
const C_GRID = [1, 0.3, 3, 10];
const GAMMA_GRID = [1, 0.5, 2];

/** One candidate of the search, and how it did on the held-out texts. */
export interface Searched {
  C: number;
  gamma: number;
  score: number;
}

/**
 * 1 / (columns * variance of all entries) for rbf (scikit-learn's gamma='scale'; 1 when the
 * variance is 0); for chi2, 1 / the mean row sum: rows that share no column are at chi-squared
 * distance |x|_1 + |y|_1, so typical kernel values are about e^-2, as with the RBF's scale.
 */
export function gammaScale(x: Csr, kind: KernelKind): number {
  let sum = 0;
  let squares = 0;
  for (let p = 0; p < x.values.length; p++) {
    sum += x.values[p];
    squares += x.values[p] * x.values[p];
  }
  if (kind === 'chi2') return sum > 0 ? x.rows / sum : 1;
  const n = x.rows * x.cols;
  const variance = squares / n - (sum / n) ** 2;
  return variance > 0 ? 1 / (x.cols * variance) : 1;
}

/** The pairs of one-vs-one in LIBSVM's order: (0, 1), (0, 2), ..., (1, 2), ... */
function pairsOf(classes: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < classes; a++) for (let b = a + 1; b < classes; b++) out.push([a, b]);
  return out;
}

/** The binary problems of one-vs-one over the rows `rows` of the training set. */
export function oneVsOne(
  rows: readonly number[],
  labels: readonly number[],
  classes: number,
  C: number,
  weights: Float64Array,
): BinaryProblem[] {
  return pairsOf(classes).map(([a, b]) => {
    const mine = [...rows.filter((i) => labels[i] === a), ...rows.filter((i) => labels[i] === b)];
    return {
      rows: Int32Array.from(mine),
      y: Int8Array.from(mine, (i) => (labels[i] === a ? 1 : -1)),
      C: Float64Array.from(mine, (i) => C * weights[labels[i]]),
    };
  });
}

/**
 * A one-vs-one kernel machine: its support vectors (rows of counts), one float32 coefficient
 * per support vector and pair (0 where a vector is not the pair's), and each pair's rho.
 */
export class SupportVectors {
  private readonly coef64: Float64Array;

  constructor(
    readonly kernel: Kernel,
    readonly classes: number,
    readonly vectors: Csr,
    readonly coef: Float32Array,
    readonly rho: Float64Array,
  ) {
    this.coef64 = Float64Array.from(coef);
  }

  /** From the solutions of oneVsOne's problems over rows of x. */
  static of(
    x: Csr,
    kernel: Kernel,
    classes: number,
    problems: readonly BinaryProblem[],
    solutions: readonly BinarySolution[],
  ): SupportVectors {
    const pairs = problems.length;
    const slot = new Map<number, number>();
    problems.forEach((p, q) =>
      p.rows.forEach((r, i) => {
        if (solutions[q].coef[i] !== 0) slot.set(r, 0);
      }),
    );
    const rows = [...slot.keys()].sort((a, b) => a - b);
    rows.forEach((r, s) => slot.set(r, s));
    const coef = new Float32Array(rows.length * pairs);
    problems.forEach((p, q) =>
      p.rows.forEach((r, i) => {
        const c = solutions[q].coef[i];
        if (c !== 0) coef[slot.get(r)! * pairs + q] = c;
      }),
    );
    const rho = Float64Array.from(solutions, (s) => s.rho);
    return new SupportVectors(kernel, classes, rowsOf(x, rows), coef, rho);
  }

  get pairs(): number {
    return this.rho.length;
  }

  /** LIBSVM's decision values of rows x, n x pairs: f > 0 for the pair's first class. */
  decisions(x: Csr): Float64Array {
    const m = this.pairs;
    const d = kernelSums(x, this.vectors, this.kernel, this.coef64, m);
    for (let i = 0; i < x.rows; i++) for (let q = 0; q < m; q++) d[i * m + q] -= this.rho[q];
    return d;
  }

  /** The scores of rows x: n for two classes, else n x classes (see the module's comment). */
  scores(x: Csr): Float64Array {
    const m = this.pairs;
    const d = this.decisions(x);
    if (this.classes === 2) return d;
    const k = this.classes;
    const out = new Float64Array(x.rows * k);
    const sum = new Float64Array(k);
    const pairs = pairsOf(k);
    for (let i = 0; i < x.rows; i++) {
      sum.fill(0);
      const o = out.subarray(i * k, (i + 1) * k);
      pairs.forEach(([a, b], q) => {
        const f = d[i * m + q];
        o[f > 0 ? a : b] += 1;
        sum[a] += f;
        sum[b] -= f;
      });
      for (let c = 0; c < k; c++) o[c] += sum[c] / (3 * (Math.abs(sum[c]) + 1));
    }
    return out;
  }
}

/** Rows `rows` of x, in that order. */
function rowsOf(x: Csr, rows: readonly number[]): Csr {
  let nnz = 0;
  for (const r of rows) nnz += x.indptr[r + 1] - x.indptr[r];
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  rows.forEach((r, i) => {
    const from = x.indptr[r];
    const to = x.indptr[r + 1];
    indices.set(x.indices.subarray(from, to), indptr[i]);
    values.set(x.values.subarray(from, to), indptr[i]);
    indptr[i + 1] = indptr[i] + to - from;
  });
  return { rows: rows.length, cols: x.cols, indptr, indices, values };
}

/** A trained kernel SVM: the counts it reads, its machine and its calibration. */
export class KernelSvmModel implements Model {
  constructor(
    readonly kind: string,
    readonly classes: readonly string[],
    readonly counts: Counts,
    readonly machine: SupportVectors,
    readonly calibration: Calibration,
    readonly info: { C: number; searched: Searched[]; iterations: number[] },
  ) {}

  predict(docs: Docs): Float32Array {
    const k = this.classes.length;
    const scores = this.machine.scores(this.counts.transform(docs));
    return probabilities(scores, docs.length, k, this.calibration.scale);
  }

  async save(dir: string): Promise<SavedFiles> {
    const sv = this.machine.vectors;
    writeFileSync(join(dir, VOCABULARY), JSON.stringify(this.counts.terms));
    writeInts(join(dir, SV_ROWS), sv.indptr);
    writeInts(join(dir, SV_COLUMNS), sv.indices);
    writeFloats(join(dir, SV_VALUES), sv.values);
    writeFloats(join(dir, COEF), this.machine.coef);
    return {
      format: FORMAT,
      counts: { ...this.counts.options },
      kernel: { ...this.machine.kernel },
      rho: [...this.machine.rho],
      supportVectors: sv.rows,
      calibration: this.calibration,
      ...this.info,
      files: [VOCABULARY, SV_ROWS, SV_COLUMNS, SV_VALUES, COEF],
    };
  }

  dispose(): void {}

  static load(kind: string, dir: string, saved: SavedModel, classes: readonly string[]) {
    checkFormat(dir, saved, FORMAT);
    const bad = (what: string): never => {
      throw new EmbError('E_MODEL', `${dir}: expected ${what} in the saved model`);
    };
    const counts = savedCountOptions(dir, saved.counts);
    const kernel = saved.kernel as Kernel;
    const rho = saved.rho as number[];
    const pairs = (classes.length * (classes.length - 1)) / 2;
    if (
      typeof kernel !== 'object' ||
      kernel === null ||
      !KERNEL_KINDS.includes(kernel.kind) ||
      !(typeof kernel.gamma === 'number' && kernel.gamma >= 0)
    )
      bad(`"kernel" { kind (${KERNEL_KINDS.join(', ')}), gamma >= 0 }`);
    if (!Array.isArray(rho) || rho.length !== pairs || !rho.every(Number.isFinite))
      bad(`"rho", ${pairs} numbers`);
    const terms = readJson(join(dir, VOCABULARY));
    if (!Array.isArray(terms) || !terms.every((t) => typeof t === 'string'))
      bad(`${VOCABULARY} as a list of strings`);
    const c = Counts.fromTerms(terms as string[], counts);
    const indptr = readInts(join(dir, SV_ROWS));
    const indices = readInts(join(dir, SV_COLUMNS));
    const values = readFloats(join(dir, SV_VALUES));
    const coef = readFloats(join(dir, COEF));
    const n = indptr.length - 1;
    const csrOk =
      n === saved.supportVectors &&
      indptr[0] === 0 &&
      indptr[n] === indices.length &&
      values.length === indices.length &&
      indptr.every((v, i) => i === 0 || v >= indptr[i - 1]) &&
      indices.every((j) => j >= 0 && j < c.size) &&
      coef.length === n * pairs;
    if (!csrOk) bad(`${String(saved.supportVectors)} support vectors over ${c.size} columns`);
    const vectors: Csr = { rows: n, cols: c.size, indptr, indices, values };
    const machine = new SupportVectors(
      { kind: kernel.kind, gamma: kernel.gamma },
      classes.length,
      vectors,
      coef,
      Float64Array.from(rho),
    );
    const info = {
      C: saved.C as number,
      searched: (saved.searched ?? []) as Searched[],
      iterations: (saved.iterations ?? []) as number[],
    };
    return new KernelSvmModel(kind, classes, c, machine, savedCalibration(dir, saved), info);
  }
}

/** The layout the kernel SVMs save. */
const FORMAT = 'emb-kernel-svm-1';
const VOCABULARY = 'vocabulary.json';
const SV_ROWS = 'support-rows.i32';
const SV_COLUMNS = 'support-columns.i32';
const SV_VALUES = 'support-values.f32';
const COEF = 'coef.f32';

/**
 * What the three kernel kinds share: everything but their name, kernel, summary, the settings
 * they add (gamma) and the count transform and norm that suit their kernel, measured.
 */
export function kernelKind<S extends KernelKindSettings>(spec: {
  name: S['model'];
  kernel: KernelKind;
  summary: string;
  settings: Omit<Specs<S>, keyof KernelSvmSettings>;
  tf: CountTf;
  norm: CountNorm;
}): ModelKind<S> {
  return defineKind<S>({
    name: spec.name,
    summary: spec.summary,
    family: 'bag-of-words',
    comparedByDefault: false,
    usesVectors: false,
    cost: 1,
    settings: {
      ...KERNEL_SVM,
      ...spec.settings,
      tf: { ...COUNTS.tf, default: spec.tf },
      norm: { ...COUNTS.norm, default: spec.norm },
    } as Specs<S>,
    features: describeCounts,
    train: (data, s, ctx) => trainKernelSvm(spec.name, spec.kernel, data, s, ctx),
    load: async (dir, saved, ctx) => KernelSvmModel.load(spec.name, dir, saved, ctx.classes),
  });
}

/** A kernel SVM of this kernel on the counts of the training texts. */
export async function trainKernelSvm(
  name: string,
  kind: KernelKind,
  { docs, labels, classes }: TrainingSet,
  s: KernelKindSettings,
  ctx: TrainContext,
): Promise<KernelSvmModel> {
  const n = docs.length;
  const k = classes.length;
  const counts = Counts.fit(docs, s);
  const x = counts.transform(docs);
  const weights = classWeights(s.classWeight, labels, classes);
  const scale = kind === 'rbf' || kind === 'chi2' ? gammaScale(x, kind) : 0;
  const gammas =
    kind !== 'rbf' && kind !== 'chi2'
      ? [0]
      : s.gamma === 'auto'
        ? GAMMA_GRID.map((g) => g * scale)
        : [s.gamma === 'scale' || s.gamma === undefined ? scale : s.gamma];
  const Cs = s.C === 'auto' ? C_GRID : [s.C];
  const candidates = Cs.flatMap((C) => gammas.map((gamma) => ({ C, gamma })));
  const nFolds = innerFolds(labels, k, s.innerFolds);
  const folds = nFolds >= 2 ? stratifiedKFold(labels, nFolds, ctx.seed + 1) : [];
  const all = labels.map((_, i) => i);
  checkSize(name, labels, k, folds.length, candidates.length, s, ctx);

  const solver = {
    eps: s.eps,
    shrinking: s.shrinking,
    cacheBytes: s.cacheMb * 2 ** 20,
    signal: ctx.signal,
  };
  const kernelOf = (gamma: number): Kernel => ({ kind, gamma });
  // Every (candidate, fold) problem is solved in one batch, with the final fit when nothing
  // is left to choose, so that the threads share all of it.
  const jobs = candidates.flatMap((c, ci) =>
    folds.map((fold, f) => ({ ci, f, problems: oneVsOne(fold.train, labels, k, c.C, weights) })),
  );
  const single = candidates.length === 1;
  const finalProblems = (c: { C: number }) => oneVsOne(all, labels, k, c.C, weights);
  const total = jobs.length + 1;
  const progress = (done: number) =>
    ctx.onProgress?.({ stage: 'kernel svm fits', done, total, detail: `${n} texts` });
  // Problems of different kernels (gammas) go in separate batches: one batch, one kernel.
  const solved = new Map<string, BinarySolution[]>();
  let finished = 0;
  for (const gamma of gammas) {
    const mine = jobs.filter((j) => candidates[j.ci].gamma === gamma);
    const batch = mine.flatMap((j) => j.problems);
    const withFinal = single ? finalProblems(candidates[0]) : [];
    const out = await solveProblems(x, kernelOf(gamma), [...batch, ...withFinal], {
      ...solver,
      onProgress: (done) => progress(finished + Math.min(done, batch.length)),
    });
    let at = 0;
    for (const j of mine) {
      solved.set(`${j.ci}/${j.f}`, out.slice(at, at + j.problems.length));
      at += j.problems.length;
    }
    if (single) solved.set('final', out.slice(at));
    finished += mine.length;
    checkAborted(ctx.signal);
  }

  // Held-out scores of each candidate, fold by fold (outOfFoldScores reassembles them in the
  // order of the texts; its folds are the ones above, from the same labels and seed).
  const held = candidates.map((c, ci) => {
    let f = 0;
    return outOfFoldScores(labels, k, folds.length, ctx.seed + 1, (train, test) => {
      const j = jobs.find((job) => job.ci === ci && job.f === f)!;
      const machine = SupportVectors.of(
        x,
        kernelOf(c.gamma),
        k,
        j.problems,
        solved.get(`${ci}/${f++}`)!,
      );
      return [machine.scores(rowsOf(x, test))];
    })?.[0];
  });
  const score = scorer(s.metric, classes);
  const searched: Searched[] = candidates.map((c, ci) => ({
    ...c,
    score: held[ci] ? score(labels, predictedClasses(held[ci]!, n, k)) : NaN,
  }));
  let best = 0;
  for (let i = 1; i < candidates.length; i++)
    if (searched[i].score > searched[best].score) best = i;
  const chosen = candidates[best];

  const problems = finalProblems(chosen);
  const final = single
    ? solved.get('final')!
    : await solveProblems(x, kernelOf(chosen.gamma), problems, solver);
  ctx.onProgress?.({ stage: 'kernel svm fits', done: total, total, detail: `${n} texts` });
  const machine = SupportVectors.of(x, kernelOf(chosen.gamma), k, problems, final);
  const calibration = held[best] ? fitCalibration(held[best]!, labels, k) : UNFITTED;
  return new KernelSvmModel(name, classes, counts, machine, calibration, {
    C: chosen.C,
    searched: single ? [] : searched,
    iterations: final.map((f) => f.iterations),
  });
}

/**
 * Seconds of solver work per pair of rows of one binary problem, on the 2-core machine of
 * bench/README.md (RBF, 2,500 to 20,000 texts: the time grows with the square of the rows).
 */
const SECONDS_PER_PAIR = 2e-8;

/** What training will cost: each problem's rows squared, the problems shared by the threads. */
function estimateSeconds(
  labels: readonly number[],
  classes: number,
  folds: number,
  candidates: number,
): number {
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  let pairs = 0;
  for (const [a, b] of pairsOf(classes)) pairs += (counts[a] + counts[b]) ** 2;
  const inner = folds >= 2 ? candidates * folds * ((folds - 1) / folds) ** 2 : 0;
  const problems = ((classes * (classes - 1)) / 2) * (folds >= 2 ? candidates * folds + 1 : 1);
  return (SECONDS_PER_PAIR * pairs * (inner + 1)) / Math.min(kernelThreads, problems);
}

const duration = (s: number) =>
  s < 90
    ? `${Math.ceil(s)} s`
    : s < 5400
      ? `${Math.round(s / 60)} min`
      : `${(s / 3600).toFixed(1)} h`;

/**
 * Refuses a training set larger than maxRows, with what training it would cost; below it,
 * says what it will cost as the first progress report.
 */
function checkSize(
  name: string,
  labels: readonly number[],
  classes: number,
  folds: number,
  candidates: number,
  s: KernelSvmSettings,
  ctx: TrainContext,
): void {
  const n = labels.length;
  const seconds = estimateSeconds(labels, classes, folds, candidates);
  const fits = folds >= 2 ? candidates * folds + 1 : 1;
  const estimate = `about ${duration(seconds)} of kernel work on a machine like bench/README.md's for ${fits} fit${fits > 1 ? 's' : ''} of ${n} texts`;
  if (n <= s.maxRows) {
    ctx.onProgress?.({ stage: 'kernel svm fits', done: 0, total: fits, detail: estimate });
    return;
  }
  const bytes = n * n * 4;
  const size =
    bytes < 2 ** 30 ? `${Math.ceil(bytes / 2 ** 20)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  throw new EmbError(
    'E_INPUT',
    `${name}: ${n} training texts are more than ${option('maxRows')} (${s.maxRows}): ${estimate}, its kernel matrix ${size} against a cache of ${s.cacheMb} MB (the work grows with the square of the texts); raise ${option('maxRows')} to ${n} to train anyway, or use the svm model`,
  );
}
