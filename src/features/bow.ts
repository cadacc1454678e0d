import { EmbError } from '../errors.js';
import { gramCount, NgramIndex } from './ngram-index.js';
import {
  filterOptions,
  tokenFilter,
  type StemLanguage,
  type StopwordLanguage,
  type TokenFilter,
} from './token-filter.js';
import type { Docs } from '../text/tokenize.js';

export { filterOptions, STEM_LANGUAGES, STOPWORD_LANGUAGES } from './token-filter.js';
export type { StemLanguage, StopwordLanguage } from './token-filter.js';

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
  /**
   * Stem every token with `natural`'s Porter stemmer for this language before making
   * n-grams. Off by default: on the public sets it moves svm/nbsvm accuracy by -0.3 to +0.7
   * points (bench/README.md).
   */
  stem?: StemLanguage;
  /**
   * Drop `natural`'s stop words for this language before making n-grams. Off by default: it
   * costs 0.1 to 2.2 points on the public sets (sentiment needs "but", "very", "too"...).
   */
  stopwords?: StopwordLanguage;
}

export type { Docs };

export class BagOfWords {
  private termList?: readonly string[];
  private filter?: TokenFilter | null;

  private constructor(
    private readonly index: NgramIndex,
    /** The column of each n-gram id, -1 for n-grams that are no feature (rare, or a prefix). */
    private readonly column: Int32Array,
    /** The n-gram id of each column. */
    private readonly gramOf: Int32Array,
    /**
     * Column j's smooth idf ln((1 + n) / (1 + df)) + 1, in float32 so that a saved and
     * reloaded vocabulary gives identical features.
     */
    readonly idf: Float32Array,
    readonly options: BowOptions,
  ) {}

  /**
   * A vocabulary saved as its terms (n-grams, tokens joined by one space) and idf values.
   * Tokens must not contain spaces (the tokenizer never makes such).
   */
  static fromTerms(terms: readonly string[], idf: Float32Array, options: BowOptions): BagOfWords {
    if (idf.length !== terms.length) {
      throw new EmbError(
        'E_MODEL',
        `expected one idf value per term (${terms.length}), found ${idf.length}`,
      );
    }
    const index = new NgramIndex();
    const gramOf = Int32Array.from(terms, (t) => index.intern(t.split(' ')));
    const column = new Int32Array(index.size).fill(-1);
    gramOf.forEach((id, j) => (column[id] = j));
    if (new Set(terms).size !== terms.length)
      throw new EmbError('E_MODEL', 'expected distinct terms, found duplicates');
    const bow = new BagOfWords(index, column, gramOf, idf, options);
    bow.termList = [...terms];
    return bow;
  }

  /** Column j's n-gram, tokens joined by one space; spelled out on first use (for saving). */
  get terms(): readonly string[] {
    return (this.termList ??= Array.from(this.gramOf, (id) => this.index.text(id)));
  }

  get size(): number {
    return this.idf.length;
  }

  /** Fits the vocabulary and document frequencies on training documents. */
  static fit(docs: Docs, options: BowOptions): BagOfWords {
    return BagOfWords.fitTransform(docs, options, 'binary').bow;
  }

  /** Fits on training documents and returns their features, finding each n-gram once. */
  static fitTransform(
    docs: Docs,
    options: BowOptions,
    weighting: Weighting,
  ): { bow: BagOfWords; x: Csr } {
    const filter = tokenFilter(options);
    docs = filter?.apply(docs) ?? docs;
    const [lo, hi] = options.ngrams;
    let tokens = 0;
    for (const d of docs) tokens += d.length;
    // About half the longer n-grams of a corpus are distinct.
    const index = new NgramIndex((tokens * (hi - 1)) / 2);
    const grams = gramIds(index, docs, lo, hi, true);
    const { ids, offsets } = grams;
    const df = new Int32Array(index.size);
    // lastDoc[id] = 1 + the last document that counted n-gram id, so each document counts once.
    const lastDoc = new Int32Array(index.size);
    for (let d = 0; d < docs.length; d++) {
      for (let k = offsets[d]; k < offsets[d + 1]; k++) {
        const id = ids[k];
        if (lastDoc[id] !== d + 1) {
          lastDoc[id] = d + 1;
          df[id]++;
        }
      }
    }
    let kept = 0;
    for (let id = 0; id < index.size; id++) if (df[id] > 0 && df[id] >= options.minDf) kept++;
    if (kept === 0) {
      throw new EmbError(
        'E_INPUT',
        `expected at least one n-gram in >= ${options.minDf} training documents, found none in ${docs.length} documents`,
      );
    }
    const column = new Int32Array(index.size).fill(-1);
    const gramOf = new Int32Array(kept);
    const idf = new Float32Array(kept);
    const n = docs.length;
    for (let id = 0, j = 0; id < index.size; id++) {
      if (df[id] === 0 || df[id] < options.minDf) continue;
      column[id] = j;
      gramOf[j] = id;
      idf[j++] = Math.log((1 + n) / (1 + df[id])) + 1;
    }
    const bow = new BagOfWords(index, column, gramOf, idf, {
      ngrams: [lo, hi],
      minDf: options.minDf,
      ...filterOptions({ ...options }),
    });
    bow.filter = filter ?? null;
    return { bow, x: bow.features(grams, weighting) };
  }

  /** Features of `docs` over this vocabulary; unknown n-grams are dropped. */
  transform(docs: Docs, weighting: Weighting): Csr {
    const [lo, hi] = this.options.ngrams;
    this.filter ??= tokenFilter(this.options) ?? null;
    const filtered = this.filter?.apply(docs) ?? docs;
    return this.features(gramIds(this.index, filtered, lo, hi, false), weighting);
  }

  /** Whether each document has an n-gram of this vocabulary (after the filters). */
  seen(docs: Docs): boolean[] {
    const { indptr } = this.transform(docs, 'binary');
    return docs.map((_, d) => indptr[d + 1] > indptr[d]);
  }

  /** CSR rows from each document's n-gram ids. */
  private features({ ids, offsets }: GramIds, weighting: Weighting): Csr {
    const rows = offsets.length - 1;
    const indptr = new Int32Array(rows + 1);
    const indices = new Int32Array(ids.length);
    const values = new Float32Array(ids.length);
    const counts = new Float64Array(this.size);
    const { column, idf } = this;
    let nnz = 0;
    for (let d = 0; d < rows; d++) {
      const start = nnz;
      for (let k = offsets[d]; k < offsets[d + 1]; k++) {
        const j = ids[k] < column.length ? column[ids[k]] : -1;
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
      rows,
      cols: this.size,
      indptr,
      indices: indices.slice(0, nnz),
      values: values.slice(0, nnz),
    };
  }
}

/** The n-gram ids of every document, concatenated: document d's are ids[offsets[d] ..]. */
interface GramIds {
  ids: Int32Array;
  offsets: Int32Array;
}

function gramIds(index: NgramIndex, docs: Docs, lo: number, hi: number, add: boolean): GramIds {
  let cap = 0;
  for (const d of docs) cap += gramCount(d, lo, hi);
  const ids = new Int32Array(cap);
  const offsets = new Int32Array(docs.length + 1);
  for (let d = 0; d < docs.length; d++) {
    offsets[d + 1] = offsets[d] + index.grams(docs[d], lo, hi, add, ids, offsets[d]);
  }
  return { ids, offsets };
}
