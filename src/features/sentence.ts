/**
 * Sentence vectors from word vectors: the mean (default), a TF-IDF-weighted mean, or SIF
 * (Arora, Liang & Ma 2017: weights a / (a + p(w)), then the first principal component of the
 * training sentence vectors removed). Every statistic (idf, word frequencies, component,
 * standardisation) is fitted on the training texts only and saved with the model.
 */
import { createRequire } from 'node:module';
import type * as MlMatrix from 'ml-matrix';
import type { Embeddings } from '../embeddings/embeddings.js';
import { findTokenVectors } from '../embeddings/lookup.js';
import { EmbError } from '../errors.js';
import { native } from '../native/addon.js';
import type { Docs } from '../text/tokenize.js';

export type FeatureKind = 'mean' | 'tfidf' | 'sif';
export const FEATURE_KINDS: readonly FeatureKind[] = ['mean', 'tfidf', 'sif'];

/** A --features value checked against the kinds there are. */
export function featureKind(value: unknown): FeatureKind {
  if (!FEATURE_KINDS.includes(value as FeatureKind)) {
    throw new EmbError(
      'E_INPUT',
      `unknown features "${String(value)}"; expected one of ${FEATURE_KINDS.join(', ')}`,
    );
  }
  return value as FeatureKind;
}

/** SIF's smoothing constant; the paper's best range is 1e-4..1e-3. */
const SIF_A = 1e-3;

/** What a fitted encoder saves (JSON). */
export interface EncoderState {
  kind: FeatureKind;
  dims: number;
  /** Per-word weights learned from the training texts (tfidf: idf; sif: a / (a + p(w))). */
  weights?: Record<string, number>;
  /** Tokens were looked up by their clitic parts too (absent in models saved before: false). */
  clitics?: boolean;
  /** Weight of a word the training texts did not contain. */
  unseenWeight?: number;
  /** SIF: the removed component (unit length). */
  component?: number[];
  /**
   * The words of the training texts that have a vector, lower-cased: what the model met in
   * training (absent in models saved before: every word with a vector counts).
   */
  known?: string[];
  mean: number[];
  std: number[];
}

/** How many tokens had no vector. */
export interface Coverage {
  tokens: number;
  missing: number;
  /** Indices of documents in which no token had a vector. */
  empty: number[];
}

/** How tokens find their vectors (embeddings/lookup.ts); saved with the features. */
export interface SentenceLookup {
  /** Unknown tokens are looked up by their clitic parts (`don't` as `do` + `not`). */
  clitics: boolean;
}

/** For new models. Models saved before clitics existed restore without them. */
export const DEFAULT_LOOKUP: SentenceLookup = { clitics: true };

/** A document's vectors: pool rows, and for each the token it stands for. */
interface DocRows {
  rows: Int32Array;
  tokenOf: Int32Array;
  /** Tokens with at least one vector. */
  found: number;
}

/**
 * Tokens the pool remembers, and bytes of vectors it holds, before it starts afresh: a stream
 * of texts to label brings new tokens (names, typos, numbers) without end, and the pool must
 * not grow with it. Far above what a training set needs (MR has 21k distinct tokens).
 */
const POOL_TOKENS = 1 << 18;
const POOL_BYTES = 1 << 27;
const NO_ROWS = new Int32Array(0);
const NO_WEIGHTS = new Float64Array(0);

/**
 * Word vectors copied out of the mapped matrix into one growing array, and each document's
 * tokens as rows of it, shared by every encoder over the same vectors and lookup: cross-
 * validation encodes the same documents once per fold, and V8's loops read the mapped matrix
 * several times slower. A token has no row, one, or (its clitic parts) several.
 */
class VectorPool {
  data: Float32Array;
  private size = 0;
  /** Rows copied since the last releaseCopied. */
  private copied = 0;
  private readonly index = new Map<string, Int32Array>();
  /** Pool row of each vocabulary row copied (a word reached as a token and as a part). */
  private readonly byRow = new Map<number, number>();
  private docs = new WeakMap<readonly string[], DocRows>();
  /** Plain means do not depend on the training part: kept per document. */
  readonly means = new WeakMap<readonly string[], { mean: Float32Array; found: number }>();

  constructor(
    private readonly emb: Embeddings,
    private readonly lookup: SentenceLookup,
  ) {
    this.data = new Float32Array(emb.dims * 4096);
  }

  static for(emb: Embeddings, lookup: SentenceLookup): VectorPool {
    let byLookup = pools.get(emb);
    if (!byLookup) pools.set(emb, (byLookup = new Map()));
    const key = JSON.stringify(lookup);
    let pool = byLookup.get(key);
    if (!pool) byLookup.set(key, (pool = new VectorPool(emb, lookup)));
    return pool;
  }

  /**
   * The rows and each token's rows, for another thread (adopt there). The rows are then in
   * memory both threads read, exactly full, so that the first row either side adds grows a
   * copy of its own.
   */
  share(): SharedPool {
    const d = this.emb.dims;
    const data = new Float32Array(new SharedArrayBuffer(4 * this.size * d));
    data.set(this.data.subarray(0, this.size * d));
    this.data = data;
    const tokens = [...this.index.keys()];
    const offsets = new Int32Array(tokens.length + 1);
    tokens.forEach((t, k) => (offsets[k + 1] = offsets[k] + this.index.get(t)!.length));
    const rows = new Int32Array(offsets[tokens.length]);
    tokens.forEach((t, k) => rows.set(this.index.get(t)!, offsets[k]));
    return { lookup: this.lookup, data, tokens, rows, offsets };
  }

  static adopt(emb: Embeddings, shared: SharedPool): void {
    const pool = VectorPool.for(emb, shared.lookup);
    const { tokens, rows, offsets } = shared;
    pool.data = shared.data;
    pool.size = shared.data.length / emb.dims;
    tokens.forEach((t, k) =>
      pool.index.set(
        t,
        offsets[k + 1] > offsets[k] ? rows.subarray(offsets[k], offsets[k + 1]) : NO_ROWS,
      ),
    );
  }

  /**
   * The pool rows of a document's tokens, in order (valid until the next call). `remember`
   * keeps them for the next time the same document comes (training); texts to label come once.
   */
  rowsOf(doc: readonly string[], remember = true): DocRows {
    let out = this.docs.get(doc);
    if (!out) {
      this.bound();
      const rows: number[] = [];
      const tokenOf: number[] = [];
      let found = 0;
      doc.forEach((token, t) => {
        const own = this.rowsOfToken(token);
        if (own.length > 0) found++;
        for (const r of own) {
          rows.push(r);
          tokenOf.push(t);
        }
      });
      out = { rows: Int32Array.from(rows), tokenOf: Int32Array.from(tokenOf), found };
      if (remember) this.docs.set(doc, out);
    }
    return out;
  }

  rowsOfToken(token: string): Int32Array {
    let rows = this.index.get(token);
    if (rows === undefined) {
      const vectors = findTokenVectors(this.emb, token, this.lookup);
      rows =
        vectors.length === 0
          ? NO_ROWS
          : Int32Array.from(vectors, (v) => {
              if (v.row < 0) return this.add(v.vector);
              let at = this.byRow.get(v.row);
              if (at === undefined) this.byRow.set(v.row, (at = this.add(v.vector)));
              return at;
            });
      this.index.set(token, rows);
    }
    return rows;
  }

  /** Starts afresh when full (see POOL_TOKENS); between documents, as rows are then unused. */
  bound(): void {
    if (this.index.size < POOL_TOKENS && this.size * this.emb.dims * 4 < POOL_BYTES) return;
    this.index.clear();
    this.byRow.clear();
    this.docs = new WeakMap();
    this.size = 0;
  }

  /**
   * After a batch of texts: the rows copied are the pool's now, so the mapped file's pages they
   * came from are given back (the file was counted whole in every thread's memory).
   */
  releaseCopied(): void {
    if (this.copied === 0) return;
    this.copied = 0;
    this.emb.releaseRows();
  }

  private add(v: Float32Array): number {
    this.copied++;
    const d = this.emb.dims;
    if ((this.size + 1) * d > this.data.length) {
      // By a quarter: doubling left 25 MB for SpamAssassin's 16 MB of rows, in every thread.
      const grown = new Float32Array(Math.ceil((this.data.length * 1.25) / d) * d);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(v, this.size * d);
    return this.size++;
  }
}

const pools = new WeakMap<Embeddings, Map<string, VectorPool>>();

/**
 * The word vectors this thread copied out of the mapped file, for a fold worker
 * (shareVectorRows, then adoptVectorRows there with its own vectors, the same file): each
 * thread copied the same 16 MB of SpamAssassin's rows for itself.
 */
export interface SharedPool {
  lookup: SentenceLookup;
  data: Float32Array;
  tokens: string[];
  /** Token k's rows are rows[offsets[k] .. offsets[k + 1]). */
  rows: Int32Array;
  offsets: Int32Array;
}

export function shareVectorRows(emb: Embeddings): SharedPool[] {
  return [...(pools.get(emb)?.values() ?? [])].map((pool) => pool.share());
}

export function adoptVectorRows(emb: Embeddings, shared: readonly SharedPool[]): void {
  for (const pool of shared) VectorPool.adopt(emb, pool);
}

export class SentenceEncoder {
  private readonly pool: VectorPool;

  private constructor(
    emb: Embeddings,
    readonly state: EncoderState,
  ) {
    if (emb.dims !== state.dims) {
      throw new EmbError(
        'E_MODEL',
        `the features expect ${state.dims}-dimensional vectors, these have ${emb.dims}`,
      );
    }
    this.pool = VectorPool.for(emb, { clitics: state.clitics ?? false });
  }

  /**
   * Fits weights, component and standardisation on the training documents; returns the
   * encoder and the documents' standardised vectors (computed once).
   */
  static fit(
    kind: FeatureKind,
    docs: Docs,
    emb: Embeddings,
    lookup: SentenceLookup = DEFAULT_LOOKUP,
  ): { encoder: SentenceEncoder; x: Float32Array; coverage: Coverage } {
    const state: EncoderState = {
      kind,
      dims: emb.dims,
      clitics: lookup.clitics,
      mean: [],
      std: [],
    };
    if (kind === 'tfidf') Object.assign(state, idfWeights(docs));
    if (kind === 'sif') Object.assign(state, sifWeights(docs));
    const encoder = new SentenceEncoder(emb, state);
    state.known = encoder.knownWords(docs);
    const { x, coverage } = encoder.weighted(docs);
    if (kind === 'sif') {
      state.component = firstComponent(x, docs.length, emb.dims);
      removeComponent(x, docs.length, state.component);
    }
    const { mean, std } = columnStats(x, docs.length, emb.dims);
    state.mean = mean;
    state.std = std;
    encoder.standardise(x, docs.length);
    return { encoder, x, coverage };
  }

  static restore(state: EncoderState, emb: Embeddings): SentenceEncoder {
    return new SentenceEncoder(emb, state);
  }

  get dims(): number {
    return this.state.dims;
  }

  /**
   * Whether each document has a word the training texts had, with a vector: a text of words
   * the model never met (`asdf`, `lorem ipsum`, another language) is as far from what it
   * learned as one without vectors, even when its words have vectors of their own.
   */
  seen(docs: Docs): boolean[] {
    this.pool.bound();
    const known = (this.#known ??= this.state.known && new Set(this.state.known));
    return docs.map((doc) =>
      doc.some((t) => (known ? known.has(t.toLowerCase()) : this.pool.rowsOfToken(t).length > 0)),
    );
  }

  #known: Set<string> | undefined;

  /** The distinct lower-cased tokens of `docs` that have a vector, sorted. */
  private knownWords(docs: Docs): string[] {
    this.pool.bound();
    const words = new Set<string>();
    for (const doc of docs)
      for (const t of doc) if (this.pool.rowsOfToken(t).length > 0) words.add(t.toLowerCase());
    return [...words].sort();
  }

  /** Standardised sentence vectors, n x dims row-major, and how many tokens had a vector. */
  encode(docs: Docs): { x: Float32Array; coverage: Coverage } {
    const { x, coverage } = this.weighted(docs, false);
    if (this.state.component) removeComponent(x, docs.length, this.state.component);
    this.standardise(x, docs.length);
    return { x, coverage };
  }

  /**
   * What each token adds to `direction` · (the document's standardised vector), and the
   * constant the rest adds: the standardised vector is linear in the tokens' vectors (a
   * weighted mean, then SIF's component removed, then centred and scaled), so the tokens'
   * shares and the constant sum to the score exactly. For a linear model on these features,
   * the words behind its decision.
   */
  contributions(
    doc: readonly string[],
    direction: ArrayLike<number>,
  ): { tokens: { token: string; value: number }[]; constant: number } {
    const d = this.dims;
    const { mean, std, component, kind, weights, unseenWeight = 1 } = this.state;
    // u = direction / std, then without its share along the removed component.
    const u = Float64Array.from({ length: d }, (_, j) => direction[j] / std[j]);
    let constant = 0;
    for (let j = 0; j < d; j++) constant -= u[j] * mean[j];
    if (component) {
      let along = 0;
      for (let j = 0; j < d; j++) along += u[j] * component[j];
      for (let j = 0; j < d; j++) u[j] -= along * component[j];
    }
    const { rows, tokenOf } = this.pool.rowsOf(doc, false);
    const data = this.pool.data;
    const weightOf = (t: number) => (weights ? (weights[doc[t]] ?? unseenWeight) : 1);
    let total = 0;
    for (let k = 0; k < rows.length; k++) total += weightOf(tokenOf[k]);
    const by = kind === 'sif' ? rows.length : total;
    const byToken = new Map<number, number>();
    for (let k = 0; k < rows.length; k++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += u[j] * data[rows[k] * d + j];
      const t = tokenOf[k];
      byToken.set(t, (byToken.get(t) ?? 0) + (weightOf(t) * dot) / by);
    }
    const tokens = [...byToken].map(([t, value]) => ({ token: doc[t], value }));
    return { tokens, constant };
  }

  /**
   * Plain sentence vectors (not standardised): the mean of the tokens' vectors, or the
   * TF-IDF-weighted mean, or SIF with its component, the weights and component fitted on
   * `corpus` (which only tfidf and sif need). What Vectors.sentenceVector returns.
   */
  static vectors(
    kind: FeatureKind,
    docs: Docs,
    emb: Embeddings,
    lookup: SentenceLookup,
    corpus: Docs,
  ): Float32Array {
    const state: EncoderState = {
      kind,
      dims: emb.dims,
      clitics: lookup.clitics,
      mean: [],
      std: [],
    };
    if (kind === 'tfidf') Object.assign(state, idfWeights(corpus));
    if (kind === 'sif') Object.assign(state, sifWeights(corpus));
    const encoder = new SentenceEncoder(emb, state);
    const { x } = encoder.weighted(docs, false);
    if (kind === 'sif') {
      const fitted = encoder.weighted(corpus, false).x;
      removeComponent(x, docs.length, firstComponent(fitted, corpus.length, emb.dims));
    }
    return x;
  }

  private standardise(x: Float32Array, n: number): void {
    const d = this.dims;
    const { mean, std } = this.state;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) x[i * d + j] = (x[i * d + j] - mean[j]) / std[j];
  }

  /**
   * The weighted average of each document's word vectors, before component removal; kept
   * per document when `remember` (training documents are encoded again in other folds).
   */
  private weighted(docs: Docs, remember = true): { x: Float32Array; coverage: Coverage } {
    const d = this.dims;
    const x = new Float32Array(docs.length * d);
    const coverage: Coverage = { tokens: 0, missing: 0, empty: [] };
    const { kind, weights, unseenWeight = 1 } = this.state;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i];
      const base = i * d;
      const known = kind === 'mean' ? this.pool.means.get(doc) : undefined;
      let found = 0;
      if (known) {
        x.set(known.mean, base);
        found = known.found;
      } else {
        // A plain mean is kept itself, so its rows need not be (9.3M tokens: 74 MB of them).
        const keepRows = remember && kind !== 'mean';
        const { rows, tokenOf, found: tokensFound } = this.pool.rowsOf(doc, keepRows);
        const data = this.pool.data;
        found = tokensFound;
        let total = rows.length;
        let rowWeights: Float64Array | undefined;
        if (weights) {
          rowWeights = Float64Array.from(tokenOf, (t) => weights[doc[t]] ?? unseenWeight);
          total = 0;
          for (let k = 0; k < rowWeights.length; k++) total += rowWeights[k];
        }
        // Native: a long text's 1,500 rows took a millisecond in this loop (sentence.c).
        if (native) native.sumRows(data, d, rows, rowWeights ?? NO_WEIGHTS, x, base);
        else
          for (let k = 0; k < rows.length; k++) {
            const w = rowWeights ? rowWeights[k] : 1;
            const at = rows[k] * d;
            for (let j = 0; j < d; j++) x[base + j] += w * data[at + j];
          }
        // SIF averages over all words of the sentence (the paper's 1/|s|, a token's clitic
        // parts counting as words); the others are proper weighted means over the vectors.
        const by = kind === 'sif' ? rows.length : total;
        if (by > 0) for (let j = 0; j < d; j++) x[base + j] /= by;
        if (kind === 'mean' && remember)
          this.pool.means.set(doc, { mean: x.slice(base, base + d), found });
      }
      coverage.tokens += doc.length;
      coverage.missing += doc.length - found;
      if (found === 0) coverage.empty.push(i);
    }
    this.pool.releaseCopied();
    return { x, coverage };
  }
}

/**
 * Which tokens have a vector by the features' lookup (exact, subwords, lower-case, clitic
 * parts), without fitting anything: the share of tokens with none, and the documents with
 * no vector at all.
 */
export function vectorCoverage(
  docs: Docs,
  emb: Embeddings,
  lookup: SentenceLookup = DEFAULT_LOOKUP,
): Coverage {
  const pool = VectorPool.for(emb, lookup);
  const coverage: Coverage = { tokens: 0, missing: 0, empty: [] };
  docs.forEach((doc, i) => {
    const found = pool.means.get(doc)?.found ?? pool.rowsOf(doc, false).found;
    coverage.tokens += doc.length;
    coverage.missing += doc.length - found;
    if (found === 0) coverage.empty.push(i);
  });
  pool.releaseCopied();
  return coverage;
}

/** Whether a token has a vector by the features' lookup (as training and prediction see it). */
export function hasTokenVector(
  token: string,
  emb: Embeddings,
  lookup: SentenceLookup = DEFAULT_LOOKUP,
): boolean {
  return tokenVectorTest(emb, lookup)(token);
}

/** hasTokenVector for the tokens of a batch of texts: the pool is found once. */
export function tokenVectorTest(
  emb: Embeddings,
  lookup: SentenceLookup = DEFAULT_LOOKUP,
): (token: string) => boolean {
  const pool = VectorPool.for(emb, lookup);
  pool.bound();
  return (token) => pool.rowsOfToken(token).length > 0;
}

/** The share of tokens with no vector (exact, lower-case, subwords, clitic parts). */
export function oovRate(
  docs: Docs,
  emb: Embeddings,
  lookup: SentenceLookup = DEFAULT_LOOKUP,
): { rate: number; coverage: Coverage } {
  const coverage = vectorCoverage(docs, emb, lookup);
  return { rate: coverage.tokens ? coverage.missing / coverage.tokens : 0, coverage };
}

/** Smoothed idf as scikit-learn computes it: ln((1 + n) / (1 + df)) + 1. */
function idfWeights(docs: Docs): Pick<EncoderState, 'weights' | 'unseenWeight'> {
  const df = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  const weights: Record<string, number> = {};
  for (const [t, k] of df) weights[t] = Math.log((1 + n) / (1 + k)) + 1;
  return { weights, unseenWeight: Math.log(1 + n) + 1 };
}

/** a / (a + p(w)), p(w) the word's frequency in the training texts; unseen words weigh 1. */
function sifWeights(docs: Docs): Pick<EncoderState, 'weights' | 'unseenWeight'> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const doc of docs) {
    for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
    total += doc.length;
  }
  const weights: Record<string, number> = {};
  for (const [t, k] of counts) weights[t] = SIF_A / (SIF_A + k / Math.max(1, total));
  return { weights, unseenWeight: 1 };
}

/**
 * The first right singular vector of the n x d matrix (no centering, as in the SIF code), as
 * the top eigenvector of the small d x d matrix X'X.
 */
function firstComponent(x: Float32Array, n: number, d: number): number[] {
  const gram = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * d, (i + 1) * d);
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) gram[a * d + b] += ra * row[b];
    }
  }
  // Loaded here, for SIF's fit alone: parsing ml-matrix took a fifth of `emb predict`'s start.
  const { EigenvalueDecomposition, Matrix } = createRequire(import.meta.url)(
    'ml-matrix',
  ) as typeof MlMatrix;
  const m = new Matrix(d, d);
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) m.set(a, b, gram[a * d + b]).set(b, a, gram[a * d + b]);
  const eig = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  let top = 0;
  for (let k = 1; k < d; k++) if (values[k] > values[top]) top = k;
  return eig.eigenvectorMatrix.getColumn(top);
}

function removeComponent(x: Float32Array, n: number, u: readonly number[]): void {
  const d = u.length;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += x[i * d + j] * u[j];
    for (let j = 0; j < d; j++) x[i * d + j] -= dot * u[j];
  }
}

/** Column means and standard deviations (population, as scikit-learn's StandardScaler). */
function columnStats(x: Float32Array, n: number, d: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[j] += (x[i * d + j] - mean[j]) ** 2;
  const std = sq.map((s) => Math.sqrt(s / Math.max(1, n)) || 1);
  return { mean, std };
}
