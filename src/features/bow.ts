import { EmbError } from '../errors.js';
import { gramCount, NgramIndex } from './ngram-index.js';
import {
  filterOptions,
  tokenFilter,
  type StemLanguage,
  type StopwordLanguage,
  type TokenFilter,
} from './token-filter.js';

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
  filterOptions({ ...options });
}

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
    checkBowOptions(options);
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

  /**
   * Fits on training documents and returns their features. The documents' n-gram ids come from
   * this thread's shared index (SharedGrams), found once per document however many fits see it.
   */
  static fitTransform(
    docs: Docs,
    options: BowOptions,
    weighting: Weighting,
  ): { bow: BagOfWords; x: Csr } {
    checkBowOptions(options);
    if (docs.length === 0)
      throw new EmbError('E_INPUT', 'expected at least one training document, got none');
    const shared = SharedGrams.for(options);
    const grams = docs.map((d) => shared.of(d));
    const { index } = shared;
    const size = index.size;
    const df = new Int32Array(size);
    // lastDoc[id] = 1 + the last document that counted n-gram id, so each document counts once.
    const lastDoc = new Int32Array(size);
    // Columns are numbered in order of first appearance, as a fresh index numbers its ids.
    const seen = new Int32Array(size);
    let distinct = 0;
    for (let d = 0; d < grams.length; d++) {
      const ids = grams[d];
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        if (lastDoc[id] === d + 1) continue;
        if (lastDoc[id] === 0) seen[distinct++] = id;
        lastDoc[id] = d + 1;
        df[id]++;
      }
    }
    let kept = 0;
    for (let s = 0; s < distinct; s++) if (df[seen[s]] >= options.minDf) kept++;
    if (kept === 0) {
      throw new EmbError(
        'E_INPUT',
        `expected at least one n-gram in >= ${options.minDf} training documents, found none in ${docs.length} documents`,
      );
    }
    const column = new Int32Array(size).fill(-1);
    const gramOf = new Int32Array(kept);
    const idf = new Float32Array(kept);
    const n = docs.length;
    for (let s = 0, j = 0; s < distinct; s++) {
      const id = seen[s];
      if (df[id] < options.minDf) continue;
      column[id] = j;
      gramOf[j] = id;
      idf[j++] = Math.log((1 + n) / (1 + df[id])) + 1;
    }
    const bow = new BagOfWords(index, column, gramOf, idf, {
      ngrams: [...options.ngrams],
      minDf: options.minDf,
      ...filterOptions({ ...options }),
    });
    bow.filter = shared.filter;
    return { bow, x: bow.features(grams, weighting) };
  }

  /** Features of `docs` over this vocabulary; unknown n-grams are dropped. */
  transform(docs: Docs, weighting: Weighting): Csr {
    const [lo, hi] = this.options.ngrams;
    this.filter ??= tokenFilter(this.options) ?? null;
    const filtered = this.filter?.apply(docs) ?? docs;
    const { ids, offsets } = gramIds(this.index, filtered, lo, hi, false);
    const grams = filtered.map((_, d) => ids.subarray(offsets[d], offsets[d + 1]));
    return this.features(grams, weighting);
  }

  /** CSR rows from each document's n-gram ids. */
  private features(grams: readonly Int32Array[], weighting: Weighting): Csr {
    const rows = grams.length;
    const indptr = new Int32Array(rows + 1);
    // The output grows as it fills: n-gram ids with repeats are several times the entries.
    let indices = new Int32Array(1024);
    let values = new Float32Array(1024);
    let longest = 0;
    for (const ids of grams) longest = Math.max(longest, ids.length);
    const row = new Int32Array(longest);
    const counts = new Float64Array(this.size);
    const { column, idf } = this;
    let nnz = 0;
    for (let d = 0; d < rows; d++) {
      const ids = grams[d];
      let distinct = 0;
      for (let k = 0; k < ids.length; k++) {
        const j = ids[k] < column.length ? column[ids[k]] : -1;
        if (j >= 0 && counts[j]++ === 0) row[distinct++] = j;
      }
      if (nnz + distinct > indices.length) {
        const size = Math.max(2 * indices.length, nnz + distinct);
        indices = grown(indices, new Int32Array(size));
        values = grown(values, new Float32Array(size));
      }
      const sorted = row.subarray(0, distinct).sort();
      const start = nnz;
      let norm = 0;
      for (let k = 0; k < distinct; k++) {
        const j = sorted[k];
        const v = weighting === 'binary' ? 1 : (1 + Math.log(counts[j])) * idf[j];
        counts[j] = 0;
        indices[nnz] = j;
        values[nnz++] = v;
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

function grown<T extends Int32Array | Float32Array>(from: T, to: T): T {
  to.set(from);
  return to;
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

/**
 * The n-gram ids of documents under one index shared by every fit in this thread with the
 * same n-gram lengths and token filter, kept per document: cross-validation fits vocabularies
 * on overlapping parts of the same documents (ten folds, each with its inner folds), and
 * finding a long text's n-grams in the index cost more than the rest of a fit. A fit numbers
 * its columns by first appearance in its own documents, so it gets the very columns, idf and
 * rows a fresh index would give (and a vocabulary transforms new texts the same way: n-grams
 * the index learnt from other fits' documents have no column in it).
 */
class SharedGrams {
  readonly index = new NgramIndex();
  readonly filter: TokenFilter | null;
  private readonly byDoc = new WeakMap<readonly string[], Int32Array>();

  private constructor(private readonly options: BowOptions) {
    this.filter = tokenFilter(options) ?? null;
  }

  /** This thread's shared index for these options; a fresh one once it holds too many n-grams. */
  static for(options: BowOptions): SharedGrams {
    const { ngrams, stem, stopwords } = options;
    const key = `${ngrams[0]}-${ngrams[1]} ${stem ?? ''} ${stopwords ?? ''}`;
    let shared = sharedGrams.get(key);
    if (!shared || shared.index.size > SHARED_GRAMS) {
      sharedGrams.set(key, (shared = new SharedGrams(options)));
    }
    return shared;
  }

  /** The ids of the document's n-grams, by length then position (as NgramIndex.grams gives). */
  of(doc: readonly string[]): Int32Array {
    let ids = this.byDoc.get(doc);
    if (!ids) {
      const tokens = this.filter ? this.filter.apply([doc])[0] : doc;
      const [lo, hi] = this.options.ngrams;
      const out = new Int32Array(gramCount(tokens, lo, hi));
      ids = out.subarray(0, this.index.grams(tokens, lo, hi, true, out, 0));
      this.byDoc.set(doc, ids);
    }
    return ids;
  }
}

/**
 * N-grams a shared index may hold before the next fit starts a fresh one (about 40 bytes each):
 * a thread that fits vocabulary after vocabulary on new texts must not grow without end.
 */
const SHARED_GRAMS = 1 << 22;
const sharedGrams = new Map<string, SharedGrams>();
