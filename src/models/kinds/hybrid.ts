import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embeddings } from '../../embeddings/embeddings.js';
import { checkAborted, EmbError } from '../../errors.js';
import { BagOfWords, type Csr, type Weighting } from '../../features/bow.js';
import { SentenceEncoder } from '../../features/sentence.js';
import { groupsOf } from '../../text/duplicates.js';
import {
  fitCalibration,
  innerFolds,
  outOfFoldScores,
  predictedClasses,
  probabilities,
  UNFITTED,
  type Calibration,
} from '../calibration.js';
import { foldView } from '../fold-view.js';
import {
  checkFormat,
  defineKind,
  embeddingsOf,
  type Docs,
  type Explanation,
  type Model,
  type DecisionTerm,
  type SavedFiles,
} from '../kind.js';
import {
  keepColumns,
  loadBagOfWords,
  saveBagOfWords,
  savedCalibration,
} from '../linear-bow-model.js';
import {
  decisionValues,
  outputsFor,
  trainOneVsRest,
  type LinearFit,
  type Rows,
} from '../linear-svm.js';
import { bySize, ngramTerms, side, strongestNgrams } from '../linear-terms.js';
import { readEncoder } from '../model-files.js';
import { scorer, weigher, type Scorer } from '../metric.js';
import { nbScale, trainNbsvm, type NbScaled } from '../nbsvm.js';
import { Random } from '../../random.js';
import {
  boolean,
  distinctList,
  INNER,
  NB,
  NGRAMS,
  nonNegative,
  positiveList,
  SOLVER,
  VECTORS,
  wholeAtLeast,
  type InnerSettings,
  type NbSettings,
  type NgramSettings,
  type SvmSolverSettings,
  type VectorSettings,
} from '../setting.js';

/** The n-gram block of the hybrid: as the svm's (TF-IDF) or as NBSVM's (NB-weighted binary). */
export type SparseBlock = 'tfidf' | 'nb';
export const SPARSE_BLOCKS: readonly SparseBlock[] = ['tfidf', 'nb'];

/**
 * N-grams and the standardised sentence vector in one linear SVM; the candidate with the best
 * inner cross-validation accuracy is trained on all the data.
 */
export interface HybridSettings
  extends NgramSettings, SvmSolverSettings, InnerSettings, NbSettings, VectorSettings {
  model: 'hybrid';
  /** The vector block's weight (0: the n-grams alone); absent: searched among `gammas`. */
  gamma?: number;
  /** Candidates for gamma at every size; default [1, 2]. */
  gammas: number[];
  /** Candidates for the n-gram block; default ['tfidf', 'nb']. The first is used below `wideFrom`. */
  sparse: SparseBlock[];
  /**
   * From this many training texts the search also tries the other n-gram blocks and gamma 0
   * (the n-grams alone); below it, the first block with `gammas`. Default 2,000.
   */
  wideFrom: number;
  /**
   * Save only the n-grams of the training texts the final SVM rests on (its support vectors:
   * every other n-gram's SVM weight is 0, and an NB weight keeps only its prior share): on
   * the SpamAssassin corpus 2.5 MB instead of 10.8 for 0.03 points (bench/README.md section
   * 16). Default off.
   */
  prune: boolean;
}

/**
 * The hybrid: bag-of-words and pretrained vectors in one linear SVM. Each text is its n-gram
 * row followed by its standardised mean word vector scaled by gamma / sqrt(dims), so that the
 * dense block weighs about gamma against the sparse one. With few examples the SVM leans on
 * the dense block (what pretrained vectors know about words it has never seen); with many, the
 * n-grams take over.
 *
 * The n-gram block is the svm's (TF-IDF, l2 rows) or NBSVM's (binary n-grams scaled by the
 * naive Bayes log-count ratio, the SVM's weights then interpolated toward their mean magnitude;
 * the dense weights take the SVM's share, beta). Which block and which gamma: the candidate
 * with the best accuracy in inner stratified cross-validation (ties to the earlier one).
 * Below `wideFrom` training texts (2,000) the candidates are the TF-IDF block with each of
 * `gammas` (1 and 2): there the vectors lead by several points on every learning curve
 * (bench/README.md) and the inner folds are too small to tell more candidates apart (searching
 * all of them cost MR a point at n = 50). From 2,000 on, the NB-weighted block and gamma 0
 * (the n-grams alone, the svm or nbsvm exactly) join: SUBJ prefers the former, SMS spam the
 * latter.
 *
 * The same inner folds give each candidate's held-out decision values: the chosen one's
 * calibrate the probabilities (calibration.ts), at no extra training.
 */
/** One candidate of the search. */
export interface Candidate {
  sparse: SparseBlock;
  gamma: number;
}

const WEIGHTING: Record<SparseBlock, Weighting> = { tfidf: 'tfidf', nb: 'binary' };

/**
 * The n-gram rows followed by the dense block scaled by gamma / sqrt(dims) (in float32, as
 * every feature value). With gamma 0 the dense columns exist but hold nothing (their weights
 * stay 0 and cost nothing).
 */
export function hybridRows(sparse: Csr, dense: Float32Array, dims: number, gamma: number): Rows {
  const cols = sparse.cols + dims;
  if (gamma === 0) return { sparse, dims, cols };
  const f = gamma / Math.sqrt(dims);
  return { sparse, dense: dense.map((v) => v * f), dims, cols };
}

/** The candidates the search tries on `n` training texts, in order of preference. */
export function candidates(o: HybridSettings, n: number): Candidate[] {
  const gammas = o.gamma !== undefined ? [o.gamma] : o.gammas;
  if (n < o.wideFrom) return gammas.map((gamma) => ({ sparse: o.sparse[0], gamma }));
  const wide = o.gamma !== undefined || gammas.includes(0) ? gammas : [...gammas, 0];
  return o.sparse.flatMap((sparse) => wide.map((gamma) => ({ sparse, gamma })));
}

/** The feature blocks fitted on training texts: the vocabulary, the encoder, their rows. */
export interface Blocks {
  bow: BagOfWords;
  encoder: SentenceEncoder;
  sparse: Partial<Record<SparseBlock, Csr>>;
  dense: Float32Array;
  /** Copies of a text (duplicates.ts), kept on one side of the inner folds. */
  groups: Int32Array;
}

export function fitBlocks(
  docs: Docs,
  emb: Embeddings,
  o: HybridSettings,
  needed: Candidate[],
): Blocks {
  const { bow, x: tfidf } = BagOfWords.fitTransform(docs, o, 'tfidf');
  const { encoder, x: dense } = SentenceEncoder.fit(o.features, docs, emb, { clitics: o.clitics });
  const sparse: Blocks['sparse'] = { tfidf };
  if (needed.some((c) => c.sparse === 'nb')) sparse.nb = binaryOf(tfidf);
  return { bow, encoder, sparse, dense, groups: groupsOf(docs) };
}

/**
 * One candidate fitted on the blocks: outputs x (n-gram columns + dims + 1) weights, and the
 * duals that can warm-start the same block with another gamma.
 */
function fitCandidate(
  c: Candidate,
  f: Blocks,
  labels: readonly number[],
  classes: number,
  o: HybridSettings,
  seed: number,
  weigh: Weigh | undefined,
  starts?: readonly Float64Array[],
  scaled?: NbScaled,
): LinearFit {
  const dims = f.encoder.dims;
  const sparse = f.sparse[c.sparse]!;
  const classWeights = weigh?.(labels);
  if (c.sparse === 'tfidf') {
    const rows = hybridRows(sparse, f.dense, dims, c.gamma);
    return trainOneVsRest(rows, labels, classes, { ...o, classWeights }, seed, { starts });
  }
  const extend = (rows: Csr) => hybridRows(rows, f.dense, dims, c.gamma);
  const settings = { ...o, seed, classWeights };
  return trainNbsvm(sparse, labels, classes, settings, { starts, extend, scaled });
}

/** The class weights of a set of training labels (metric.ts's weigher), when the model has some. */
type Weigh = (labels: readonly number[]) => Float64Array;

/**
 * An inner fold's training and held-out parts of blocks fitted on all the texts: the n-gram
 * rows as fold-view.ts makes them, the dense rows as they are (their standardisation, like the
 * idf, uses no labels).
 */
function foldBlocks(
  f: Blocks,
  train: readonly number[],
  test: readonly number[],
  o: HybridSettings,
): [Blocks, Blocks] {
  const view = foldView(f.sparse.tfidf!, train, test, o.minDf, true);
  const d = f.encoder.dims;
  const part = (tfidf: Csr, rows: readonly number[]): Blocks => {
    const dense = new Float32Array(rows.length * d);
    rows.forEach((i, r) => dense.set(f.dense.subarray(i * d, (i + 1) * d), r * d));
    const sparse: Blocks['sparse'] = { tfidf };
    if (f.sparse.nb) sparse.nb = binaryOf(tfidf);
    return { ...f, sparse, dense };
  };
  return [part(view.train, train), part(view.test, test)];
}

/**
 * The binary rows of the same terms (every TF-IDF value is positive): no second pass over the
 * texts, which took 5 s on the SpamAssassin corpus, and no array of ones per block (a view of
 * one shared array, which no fit writes to).
 */
function binaryOf(tfidf: Csr): Csr {
  const n = tfidf.values.length;
  // Of the size asked for: doubling held 43 MB of ones for blocks of 23 (SpamAssassin).
  if (ones.length < n) ones = new Float32Array(n).fill(1);
  return { ...tfidf, values: ones.subarray(0, n) };
}

let ones = new Float32Array(0);

/** Decision values of the blocks' rows under a fitted candidate. */
function candidateScores(
  c: Candidate,
  f: Blocks,
  weights: Float32Array,
  classes: number,
): Float64Array {
  const x = hybridRows(f.sparse[c.sparse]!, f.dense, f.encoder.dims, c.gamma);
  return decisionValues(x, weights, outputsFor(classes));
}

/**
 * A candidate with its inner cross-validation accuracy and score on the model's metric (the
 * same number for accuracy); model.json records the search.
 */
export type Searched = Candidate & { accuracy: number; score: number };

/**
 * Inner cross-validation of every candidate: the best one (ties to the earlier), the search's
 * record and the calibration fitted on the winner's held-out decision values. With a single
 * candidate the folds only calibrate; with too few texts of a class for two folds, the first
 * candidate is taken uncalibrated (scale 1).
 * The folds are views of the blocks fitted on all the texts (foldBlocks).
 */
export function search(
  f: Blocks,
  labels: readonly number[],
  classes: readonly string[],
  o: HybridSettings,
  seed: number,
  onFit?: () => void,
): { chosen: Candidate; searched: Searched[]; calibration: Calibration } {
  const names = classes;
  const k = names.length;
  const weigh = weigher(o.classWeight, names);
  const tried = candidates(o, labels.length);
  const held = outOfFoldScores(
    labels,
    k,
    innerFolds(labels, k, o.innerFolds),
    seed + 1,
    (train, test) => {
      const [fitted, heldOut] = foldBlocks(f, train, test, o);
      const trainLabels = train.map((i) => labels[i]);
      // Each gamma of a block starts from the previous one's duals: gamma 2 from gamma 1 took
      // 20 passes over MR instead of 88. Gamma 0 starts cold, so that it is the svm or nbsvm.
      const previous: Partial<Record<SparseBlock, Float64Array[]>> = {};
      // The NB block's scaling depends on the rows and labels alone: made once per fold.
      const nb = fitted.sparse.nb && nbScale(fitted.sparse.nb, trainLabels, k, o.alpha);
      return tried.map((c) => {
        const starts = c.gamma > 0 ? previous[c.sparse] : undefined;
        const fit = fitCandidate(
          c,
          fitted,
          trainLabels,
          k,
          o,
          seed,
          weigh,
          starts,
          nb || undefined,
        );
        if (c.gamma > 0) previous[c.sparse] = fit.duals;
        onFit?.();
        return candidateScores(c, heldOut, fit.weights, k);
      });
    },
    f.groups,
  );
  if (!held) return { chosen: tried[0], searched: [], calibration: UNFITTED };
  const predicted = held.map((scores) => predictedClasses(scores, labels.length, k));
  const right = predicted.map((p) => labels.map((y, i) => p[i] === y));
  const score = scorer(o.metric, names);
  const searched = tried.map((c, i) => ({
    ...c,
    accuracy: right[i].filter(Boolean).length / labels.length,
    score: score(labels, predicted[i]),
  }));
  // The narrow candidates (the first block with each of gammas): the best on the metric, ties
  // to the earlier. A wide one replaces it only when clearly ahead on the same held-out texts:
  // with six candidates the best inner score is partly luck (on SST-2 the NB block with gamma 2
  // led by 14 of 6,920 texts and lost 0.4 points on the test set).
  const narrow = candidates(o, 0).length;
  let best = 0;
  for (let i = 1; i < narrow; i++) if (searched[i].score > searched[best].score) best = i;
  let margin = SWITCH_MARGIN;
  for (let i = narrow; i < tried.length; i++) {
    const z =
      o.metric === 'accuracy'
        ? pairedAdvantage(right[i], right[best])
        : bootstrapAdvantage(labels, predicted[i], predicted[best], score, seed);
    if (z > margin) [best, margin] = [i, z];
  }
  return {
    chosen: tried[best],
    searched,
    calibration: fitCalibration(held[best], labels, k),
  };
}

/**
 * How many standard errors `a` is ahead of `b` on a metric over the same examples: the mean of
 * the paired difference over bootstrap resamples of the examples, over its spread (McNemar's
 * statistic, pairedAdvantage, is the same question for accuracy, answered exactly).
 */
export function bootstrapAdvantage(
  truth: readonly number[],
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  score: Scorer,
  seed: number,
  resamples = 200,
): number {
  const rng = new Random(seed * 7919 + 17);
  const n = truth.length;
  const t = new Int32Array(n);
  const pa = new Int32Array(n);
  const pb = new Int32Array(n);
  let sum = 0;
  let sumSq = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      t[i] = truth[j];
      pa[i] = a[j];
      pb[i] = b[j];
    }
    const d = score(t, pa) - score(t, pb);
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / resamples;
  const sd = Math.sqrt(Math.max(0, sumSq / resamples - mean * mean));
  return sd === 0 ? (mean > 0 ? Infinity : 0) : mean / sd;
}

/**
 * How many standard errors `a` is ahead of `b` on the same examples (McNemar's statistic,
 * signed): (a right where b is wrong - the reverse) / sqrt(their sum).
 */
export function pairedAdvantage(a: readonly boolean[], b: readonly boolean[]): number {
  let ahead = 0;
  let behind = 0;
  a.forEach((r, i) => {
    if (r && !b[i]) ahead++;
    else if (!r && b[i]) behind++;
  });
  return (ahead - behind) / Math.sqrt(Math.max(1, ahead + behind));
}

/**
 * How far ahead (in standard errors of the paired difference) a wide candidate must be to
 * replace the narrow one: 1.5 switched on every outer fold of SUBJ (NB block, 2.0-3.1) and
 * SMS (n-grams alone, 2.0-3.1) and on none of SST-2's (bench/README.md).
 */
const SWITCH_MARGIN = 1.5;

export class HybridModel implements Model {
  readonly kind = 'hybrid' as const;

  constructor(
    readonly classes: readonly string[],
    readonly bow: BagOfWords,
    readonly encoder: SentenceEncoder,
    readonly chosen: Candidate,
    readonly weights: Float32Array,
    readonly calibration: Calibration,
    /** Every candidate's inner cross-validation accuracy (empty without a search). */
    readonly searched: readonly Searched[] = [],
  ) {}

  predict(docs: Docs): Float32Array {
    const k = this.classes.length;
    const { sparse, gamma } = this.chosen;
    const x = hybridRows(
      this.bow.transform(docs, WEIGHTING[sparse]),
      this.encoder.encode(docs).x,
      this.encoder.dims,
      gamma,
    );
    const decision = decisionValues(x, this.weights, outputsFor(k));
    return probabilities(decision, docs.length, k, this.calibration.scale);
  }

  /** An n-gram of the vocabulary, or a word with a vector when the vector block counts (gamma > 0). */
  seen(docs: Docs): boolean[] {
    const ngrams = this.bow.seen(docs);
    if (this.chosen.gamma === 0) return ngrams;
    const words = this.encoder.seen(docs);
    return ngrams.map((s, i) => s || words[i]);
  }

  async save(dir: string): Promise<SavedFiles> {
    writeFileSync(join(dir, FEATURES), JSON.stringify(this.encoder.state));
    const outputs = outputsFor(this.classes.length);
    const bow = saveBagOfWords(dir, this.bow, WEIGHTING[this.chosen.sparse], this.weights, outputs);
    return {
      format: FORMAT,
      sparse: this.chosen.sparse,
      gamma: this.chosen.gamma,
      calibration: this.calibration,
      searched: this.searched,
      ...bow,
      files: [FEATURES, ...bow.files],
    };
  }

  dispose(): void {}

  explain(doc: readonly string[], c: number): Explanation {
    const k = this.classes.length;
    const cols = this.bow.size;
    const d = this.encoder.dims;
    const stride = cols + d + 1;
    const weighting = WEIGHTING[this.chosen.sparse];
    const { terms, bias } = ngramTerms(this.bow, weighting, this.weights, stride, k, doc, c);
    if (this.chosen.gamma === 0) return { terms: bySize(terms), bias };
    // The dense block's weights, as a direction over the standardised sentence vector.
    const { output, sign } = side(k, c);
    const f = this.chosen.gamma / Math.sqrt(d);
    const direction = Array.from(
      { length: d },
      (_, j) => sign * f * this.weights[output * stride + cols + j],
    );
    const { tokens, constant } = this.encoder.contributions(doc, direction);
    const words = tokens.map((t) => ({ term: t.token, kind: 'vector' as const, weight: t.value }));
    return { terms: bySize([...terms, ...words]), bias: bias + constant };
  }

  topFeatures(c: number, n: number): DecisionTerm[] {
    const stride = this.bow.size + this.encoder.dims + 1;
    return strongestNgrams(this.bow, this.weights, stride, this.classes.length, c, n);
  }
}

/**
 * The vocabulary and weights of the n-grams found in some support vector of the fit (a row
 * with a dual above 0, of any output), the dense and bias weights after them as before.
 */
function pruned(
  f: Blocks,
  c: Candidate,
  fit: LinearFit,
): { bow: BagOfWords; weights: Float32Array } {
  const x = f.sparse[c.sparse]!;
  const used = new Uint8Array(x.cols);
  for (const alpha of fit.duals)
    for (let i = 0; i < x.rows; i++)
      if (alpha[i] > 0) for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) used[x.indices[k]] = 1;
  const keep = Int32Array.from(used.keys()).filter((j) => used[j]);
  const outputs = fit.duals.length;
  return { bow: f.bow.select(keep), weights: keepColumns(fit.weights, outputs, x.cols, keep) };
}

/**
 * Version 2 added the NB-weighted block, gamma 0 and the calibration; version 3 the binary
 * vocabulary, version 4 its gzipped files (linear-bow-model.ts).
 */
const FORMAT = 'emb-hybrid-4';
const FEATURES = 'features.json';

export const hybrid = defineKind<HybridSettings>({
  name: 'hybrid',
  summary: 'TF-IDF n-grams and the mean word vector in one linear SVM, searched by inner CV',
  family: 'combined',
  comparedByDefault: true,
  usesVectors: true,
  cost: 2,
  settings: {
    ...NGRAMS,
    ...SOLVER,
    ...INNER,
    ...NB,
    ...VECTORS,
    gamma: { default: undefined, check: nonNegative },
    gammas: { default: [1, 2], check: positiveList },
    sparse: { default: ['tfidf', 'nb'], check: distinctList(SPARSE_BLOCKS) },
    wideFrom: { default: 2000, check: wholeAtLeast(0) },
    prune: {
      default: false,
      check: boolean,
      flag: {
        arg: '',
        value: 'switch',
        help: 'keep only the n-grams of the support vectors (a smaller model)',
      },
    },
  },
  features: (s) => `tfidf ${s.ngrams.join('-')}-grams + ${s.features} vectors`,

  async train({ docs, labels, classes }, o, ctx): Promise<Model> {
    const emb = embeddingsOf('hybrid', ctx);
    const k = classes.length;
    const tried = candidates(o, docs.length); // what search() tries, for the progress total
    const fits = tried.length * innerFolds(labels, k, o.innerFolds) + 1;
    let done = 0;
    const progress = () => {
      checkAborted(ctx.signal);
      ctx.onProgress?.({ stage: 'inner fits', done: ++done, total: fits });
    };
    const f = fitBlocks(docs, emb, o, tried);
    const { chosen, searched, calibration } = search(f, labels, classes, o, ctx.seed, progress);
    const weigh = weigher(o.classWeight, classes);
    const fit = fitCandidate(chosen, f, labels, k, o, ctx.seed, weigh);
    ctx.onProgress?.({ stage: 'inner fits', done: fits, total: fits });
    const { bow, weights } = o.prune
      ? pruned(f, chosen, fit)
      : { bow: f.bow, weights: fit.weights };
    return new HybridModel(classes, bow, f.encoder, chosen, weights, calibration, searched);
  },

  async load(dir, saved, ctx) {
    const format = checkFormat(dir, saved, FORMAT, 'emb-hybrid-3');
    const { classes } = ctx;
    const sparse = saved.sparse as SparseBlock;
    const gamma = saved.gamma as number;
    if (!SPARSE_BLOCKS.includes(sparse) || !(typeof gamma === 'number' && gamma >= 0))
      throw new EmbError(
        'E_MODEL',
        `${dir}: expected "sparse" (${SPARSE_BLOCKS.join(' or ')}) and "gamma" >= 0 in the saved model, found ${JSON.stringify(saved.sparse)} and ${JSON.stringify(saved.gamma)}`,
      );
    const { bow, weights } = loadBagOfWords(dir, saved, format === FORMAT);
    const encoder = SentenceEncoder.restore(
      readEncoder(join(dir, FEATURES)),
      embeddingsOf('hybrid', ctx),
    );
    const expected = outputsFor(classes.length) * (bow.size + encoder.dims + 1);
    if (weights.length !== expected)
      throw new EmbError(
        'E_MODEL',
        `${dir}: expected ${expected} weights, found ${weights.length}`,
      );
    const calibration = savedCalibration(dir, saved);
    return new HybridModel(classes, bow, encoder, { sparse, gamma }, weights, calibration);
  },
});
