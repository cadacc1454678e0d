import { EmbError } from '../errors.js';
import { grow, NgramIndex } from './ngram-index.js';

/**
 * Bag-of-words features over tokens (text/tokenize.ts): word n-grams, a vocabulary fitted on
 * training documents only, and scikit-learn's TfidfVectorizer weighting (sublinear tf, smooth
 * idf, l2 rows) or binary indicators (NBSVM).
 */

/** Compressed sparse rows: row i holds columns indices[indptr[i] .. indptr[i+1]), sorted. */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** tfidf: (1 + ln tf) * idf, rows scaled to unit l2 norm. binary: 1 where the term occurs. */
export type Weighting = 'tfidf' | 'binary';

export interface BowOptions {
  /** Smallest and largest n-gram length, inclusive. */
  ngrams: readonly [number, number];
  /** Keep terms that occur in at least this many training documents. */
  minDf: number;
}

export type Docs = readonly (readonly string[])[];

export function checkBowOptions(options: BowOptions): void {
  const [lo, hi] = options.ngrams;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
    throw new EmbError(
      'E_INPUT',
      `ngrams must be [min, max] with 1 <= min <= max, got [${lo}, ${hi}]`,
    );
  }
  if (!Number.isInteger(options.minDf) || options.minDf < 1) {
    throw new EmbError('E_INPUT', `minDf must be an integer >= 1, got ${options.minDf}`);
  }
}

export class BagOfWords {
  /** Column of each n-gram id, -1 for n-grams that are no feature (too rare, or a prefix). */
  private column: Int32Array;

  /**
   * `terms[j]` is column j's n-gram (tokens joined by one space); `idf[j]` its smooth idf
   * ln((1 + n) / (1 + df)) + 1, kept in float32 so that a saved and reloaded vocabulary gives
   * identical features. Tokens must not contain spaces (the tokenizer never makes such).
   */
  constructor(
    readonly terms: readonly string[],
    readonly idf: Float32Array,
    readonly options: BowOptions,
    private readonly index = new NgramIndex(),
    column?: Int32Array,
  ) {
    checkBowOptions(options);
    if (idf.length !== terms.length) {
      throw new EmbError(
        'E_MODEL',
        `expected one idf value per term (${terms.length}), found ${idf.length}`,
      );
    }
    if (column) this.column = column;
    else {
      const ids = terms.map((t) => index.intern(t.split(' ')));
      this.column = new Int32Array(index.size).fill(-1);
      ids.forEach((id, j) => (this.column[id] = j));
    }
  }

  get size(): number {
    return this.terms.length;
  }

  /** Fits the vocabulary and document frequencies on training documents. */
  static fit(docs: Docs, options: BowOptions): BagOfWords {
    checkBowOptions(options);
    if (docs.length === 0)
      throw new EmbError('E_INPUT', 'expected at least one training document, got none');
    const [lo, hi] = options.ngrams;
    const index = new NgramIndex();
    let df: Int32Array = new Int32Array(1 << 16);
    // lastDoc[id] = 1 + the last document that counted n-gram id, so each document counts once.
    let lastDoc: Int32Array = new Int32Array(1 << 16);
    for (let d = 0; d < docs.length; d++) {
      const count = index.grams(docs[d], lo, hi, true);
      if (index.size > df.length) {
        df = grow(df);
        lastDoc = grow(lastDoc);
      }
      const out = index.out;
      for (let k = 0; k < count; k++) {
        const id = out[k];
        if (lastDoc[id] !== d + 1) {
          lastDoc[id] = d + 1;
          df[id]++;
        }
      }
    }
    const column = new Int32Array(index.size).fill(-1);
    const terms: string[] = [];
    const idf: number[] = [];
    const n = docs.length;
    for (let id = 0; id < index.size; id++) {
      if (df[id] === 0 || df[id] < options.minDf) continue;
      column[id] = terms.length;
      terms.push(index.text(id));
      idf.push(Math.log((1 + n) / (1 + df[id])) + 1);
    }
    if (terms.length === 0) {
      throw new EmbError(
        'E_INPUT',
        `expected at least one n-gram in >= ${options.minDf} training documents, found none in ${docs.length} documents`,
      );
    }
    return new BagOfWords(
      terms,
      Float32Array.from(idf),
      { ngrams: [lo, hi], minDf: options.minDf },
      index,
      column,
    );
  }

  /** Features of `docs` over this vocabulary; unknown n-grams are dropped. */
  transform(docs: Docs, weighting: Weighting): Csr {
    const [lo, hi] = this.options.ngrams;
    let cap = 0;
    for (const d of docs)
      for (let len = lo; len <= hi; len++) cap += Math.max(0, d.length - len + 1);
    const indptr = new Int32Array(docs.length + 1);
    const indices = new Int32Array(cap);
    const values = new Float32Array(cap);
    const counts = new Float64Array(this.terms.length);
    const { column, index, idf } = this;
    let nnz = 0;
    for (let d = 0; d < docs.length; d++) {
      const start = nnz;
      const count = index.grams(docs[d], lo, hi, false);
      const out = index.out;
      for (let k = 0; k < count; k++) {
        const j = out[k] < column.length ? column[out[k]] : -1;
        if (j >= 0 && counts[j]++ === 0) indices[nnz++] = j;
      }
      const row = indices.subarray(start, nnz).sort();
      let norm = 0;
      for (let k = 0; k < row.length; k++) {
        const j = row[k];
        const v = weighting === 'binary' ? 1 : (1 + Math.log(counts[j])) * idf[j];
        counts[j] = 0;
        values[start + k] = v;
        norm += v * v;
      }
      if (weighting === 'tfidf' && norm > 0) {
        const scale = 1 / Math.sqrt(norm);
        for (let k = start; k < nnz; k++) values[k] *= scale;
      }
      indptr[d + 1] = nnz;
    }
    return {
      rows: docs.length,
      cols: this.terms.length,
      indptr,
      indices: indices.slice(0, nnz),
      values: values.slice(0, nnz),
    };
  }
}
