import { EmbError } from '../errors.js';
import { gramCount, NgramIndex, type NgramIndexState } from './ngram-index.js';
import { encodeTrie, NgramTrie, type TermPaths } from './ngram-trie.js';
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
   * Keep at most this many terms: those in the most training documents (of equals, the first
   * seen), as scikit-learn's max_features keeps the most frequent. None: every term.
   */
  maxTerms?: number;
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
    private readonly index: NgramIndex | NgramTrie,
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
   * The vocabulary as bytes (a model's vocabulary.bin: ngram-trie.ts), whose column j is this
   * vocabulary's column keep[j] (select(keep) is the vocabulary they load as, and weights are
   * saved through the same keep). Version 2 is the layout emb wrote before, for tests.
   */
  toBytes(version: 2 | 3 = 3): { bytes: Uint8Array; keep: Int32Array } {
    return encodeTrie(this.termPaths(), version);
  }

  /** Each column's n-gram as indices into its own list of tokens. */
  private termPaths(): TermPaths {
    const index = this.index;
    const tokenOf = new Map<number, number>();
    const words: string[] = [];
    const starts = new Int32Array(this.gramOf.length + 1);
    // Room for n-grams as long as the options allow (a longer one, from elsewhere, grows it).
    let tokens = new Int32Array(this.gramOf.length * this.options.ngrams[1] + 1);
    this.gramOf.forEach((id, j) => {
      let at = starts[j];
      for (const t of index.tokensOf(id)) {
        let k = tokenOf.get(t);
        if (k === undefined) tokenOf.set(t, (k = words.push(index.word(t)) - 1));
        if (at === tokens.length) {
          const grown = new Int32Array(2 * at);
          grown.set(tokens);
          tokens = grown;
        }
        tokens[at++] = k;
      }
      starts[j + 1] = at;
    });
    return { words, tokens: tokens.subarray(0, starts[this.gramOf.length]), starts };
  }

  /** A vocabulary from toBytes' bytes and its idf values; `source` names them in errors. */
  static fromBytes(
    bytes: Uint8Array,
    idf: Float32Array,
    options: BowOptions,
    source: string,
  ): BagOfWords {
    const bad = (what: string): never => {
      throw new EmbError(
        'E_MODEL',
        `${source}: ${what}; the model folder is damaged, train it again`,
      );
    };
    const trie = NgramTrie.decode(bytes, bad);
    const terms = idf.length;
    const gramOf = new Int32Array(terms).fill(-1);
    const column = trie.column;
    for (let v = 0; v < column.length; v++) {
      const j = column[v];
      if (j < 0) continue;
      if (j >= terms || gramOf[j] >= 0) bad(`expected each of ${terms} columns once`);
      gramOf[j] = v;
    }
    if (gramOf.includes(-1)) bad(`expected ${terms} terms, found fewer`);
    return new BagOfWords(trie, trie.column, gramOf, idf, options);
  }

  /**
   * The vocabulary of the columns `keep` (distinct), renumbered in that order: rows it makes
   * are those of this vocabulary restricted to them (l2 rows normalised over what is left).
   */
  select(keep: Int32Array): BagOfWords {
    const column = new Int32Array(this.column.length).fill(-1);
    const gramOf = Int32Array.from(keep, (j) => this.gramOf[j]);
    gramOf.forEach((id, j) => (column[id] = j));
    const idf = Float32Array.from(keep, (j) => this.idf[j]);
    const bow = new BagOfWords(this.index, column, gramOf, idf, this.options);
    bow.filter = this.filter;
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
    const shared = SharedGrams.for(options);
    const grams = docs.map((d) => shared.of(d));
    const { index } = shared;
    const size = index.size;
    const df = new Int32Array(size);
    // Columns are numbered in order of first appearance, as a fresh index numbers its ids.
    const seen = new Int32Array(size);
    let distinct = 0;
    for (const g of grams) {
      for (let k = 0, n = g.length >> 1; k < n; k++) if (df[g[k]]++ === 0) seen[distinct++] = g[k];
    }
    const least = leastDf(df, seen, distinct, options.minDf, options.maxTerms);
    let kept = 0;
    for (let s = 0; s < distinct; s++) if (df[seen[s]] >= least.df) kept++;
    kept -= least.dropTies;
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
    for (let s = 0, j = 0, ties = least.keepTies; s < distinct; s++) {
      const id = seen[s];
      if (df[id] < least.df || (df[id] === least.df && least.dropTies > 0 && ties-- <= 0)) continue;
      column[id] = j;
      gramOf[j] = id;
      idf[j++] = Math.log((1 + n) / (1 + df[id])) + 1;
    }
    const bow = new BagOfWords(index, column, gramOf, idf, {
      ngrams: [...options.ngrams],
      minDf: options.minDf,
      ...(options.maxTerms !== undefined ? { maxTerms: options.maxTerms } : {}),
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
    const counter = new GramCounter(this.index.size);
    const grams = filtered.map((_, d) => counter.count(ids.subarray(offsets[d], offsets[d + 1])));
    return this.features(grams, weighting);
  }

  /** Whether each document has an n-gram of this vocabulary (after the filters). */
  seen(docs: Docs): boolean[] {
    const { indptr } = this.transform(docs, 'binary');
    return docs.map((_, d) => indptr[d + 1] > indptr[d]);
  }

  /**
   * CSR rows from each document's n-grams (GramCounter's), in arrays of their exact size:
   * growing them by doubling and trimming left up to three times the rows' bytes alive at
   * once (110 MB for a 43 MB block on SpamAssassin).
   */
  private features(grams: readonly Int32Array[], weighting: Weighting): Csr {
    const rows = grams.length;
    const indptr = new Int32Array(rows + 1);
    const { column, idf } = this;
    const columnOf = (id: number) => (id < column.length ? column[id] : -1);
    let longest = 0;
    for (let d = 0; d < rows; d++) {
      const g = grams[d];
      const n = g.length >> 1;
      longest = Math.max(longest, n);
      let kept = 0;
      for (let k = 0; k < n; k++) if (columnOf(g[k]) >= 0) kept++;
      indptr[d + 1] = indptr[d] + kept;
    }
    const indices = new Int32Array(indptr[rows]);
    const values = new Float32Array(indptr[rows]);
    // Each row's columns, then their counts by column (distinct n-grams have distinct columns).
    const row = new Int32Array(longest);
    const counts = new Float64Array(this.size);
    for (let d = 0; d < rows; d++) {
      const g = grams[d];
      const n = g.length >> 1;
      let kept = 0;
      for (let k = 0; k < n; k++) {
        const j = columnOf(g[k]);
        if (j < 0) continue;
        counts[j] = g[n + k];
        row[kept++] = j;
      }
      const sorted = row.subarray(0, kept).sort();
      const start = indptr[d];
      let norm = 0;
      for (let k = 0; k < kept; k++) {
        const j = sorted[k];
        const v = weighting === 'binary' ? 1 : (1 + Math.log(counts[j])) * idf[j];
        indices[start + k] = j;
        values[start + k] = v;
        norm += v * v;
      }
      if (weighting === 'tfidf' && norm > 0) {
        const scale = 1 / Math.sqrt(norm);
        for (let k = start; k < start + kept; k++) values[k] *= scale;
      }
    }
    return { rows, cols: this.size, indptr, indices, values };
  }
}

/**
 * A document's n-grams as its distinct ids in order of first occurrence, then how often each
 * occurs: for n of them, ids at [0, n) and counts at [n, 2n). What a fit needs of a text, in a
 * third of the ids with repeats on SpamAssassin's long e-mails (48 MB instead of 74 a thread).
 */
class GramCounter {
  /** slot[id] = 1 + the position of n-gram id in the document being counted, else 0. */
  private slot: Int32Array;
  private ids = new Int32Array(0);
  private counts = new Int32Array(0);

  constructor(ngrams: number) {
    this.slot = new Int32Array(ngrams);
  }

  count(grams: Int32Array): Int32Array {
    if (this.ids.length < grams.length) {
      this.ids = new Int32Array(grams.length);
      this.counts = new Int32Array(grams.length);
    }
    let top = this.slot.length - 1;
    for (let k = 0; k < grams.length; k++) top = Math.max(top, grams[k]);
    if (top >= this.slot.length) {
      // The shared index grows as it meets new texts.
      const grown = new Int32Array(Math.max(top + 1, 2 * this.slot.length));
      grown.set(this.slot);
      this.slot = grown;
    }
    const { slot, ids, counts } = this;
    let n = 0;
    for (let k = 0; k < grams.length; k++) {
      const id = grams[k];
      const s = slot[id];
      if (s > 0) counts[s - 1]++;
      else {
        slot[id] = ++n;
        ids[n - 1] = id;
        counts[n - 1] = 1;
      }
    }
    const out = new Int32Array(2 * n);
    out.set(ids.subarray(0, n));
    out.set(counts.subarray(0, n), n);
    for (let k = 0; k < n; k++) slot[ids[k]] = 0;
    return out;
  }
}

/**
 * The smallest document frequency a kept term has: minDf, or higher when more than maxTerms
 * terms reach it. Of the terms at that frequency the first `keepTies` seen are kept and the
 * other `dropTies` are not.
 */
function leastDf(
  df: Int32Array,
  seen: Int32Array,
  distinct: number,
  minDf: number,
  maxTerms = Infinity,
): { df: number; keepTies: number; dropTies: number } {
  let top = 0;
  for (let s = 0; s < distinct; s++) top = Math.max(top, df[seen[s]]);
  const atDf = new Int32Array(top + 2);
  for (let s = 0; s < distinct; s++) atDf[df[seen[s]]]++;
  let above = 0; // terms with a frequency above d
  for (let d = top; d >= minDf; d--) {
    if (above + atDf[d] > maxTerms) {
      const keepTies = maxTerms - above;
      return { df: d, keepTies, dropTies: atDf[d] - keepTies };
    }
    above += atDf[d];
  }
  return { df: minDf, keepTies: 0, dropTies: 0 };
}

/** The n-gram ids of every document, concatenated: document d's are ids[offsets[d] ..]. */
interface GramIds {
  ids: Int32Array;
  offsets: Int32Array;
}

function gramIds(
  index: NgramIndex | NgramTrie,
  docs: Docs,
  lo: number,
  hi: number,
  add: boolean,
): GramIds {
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
  readonly filter: TokenFilter | null;
  private readonly counter = new GramCounter(0);
  /** The ids with repeats of the document being counted. */
  private scratch = new Int32Array(0);
  private readonly byDoc = new WeakMap<readonly string[], Int32Array>();

  private constructor(
    private readonly options: GramOptions,
    readonly index = new NgramIndex(),
  ) {
    this.filter = tokenFilter(options) ?? null;
  }

  /** This thread's shared index for these options; a fresh one once it holds too many n-grams. */
  static for(options: GramOptions): SharedGrams {
    const key = keyOf(options);
    let shared = sharedGrams.get(key);
    if (!shared || shared.index.size > SHARED_GRAMS) {
      sharedGrams.set(key, (shared = new SharedGrams(gramOptions(options))));
    }
    return shared;
  }

  /** The documents' n-grams in shared memory, which this thread's copy then uses too. */
  share(docs: Docs): SharedNgrams {
    const offsets = new Int32Array(docs.length + 1);
    docs.forEach((doc, d) => (offsets[d + 1] = offsets[d] + this.of(doc).length));
    const grams = new Int32Array(new SharedArrayBuffer(4 * offsets[docs.length]));
    docs.forEach((doc, d) => {
      grams.set(this.of(doc), offsets[d]);
      this.byDoc.set(doc, grams.subarray(offsets[d], offsets[d + 1]));
    });
    return { options: this.options, index: this.index.state(), grams, offsets };
  }

  /** Makes what share() gave another thread this thread's index and n-grams of `docs`. */
  static adopt(docs: Docs, shared: SharedNgrams): void {
    const s = new SharedGrams(shared.options, new NgramIndex(0, shared.index));
    const { grams, offsets } = shared;
    docs.forEach((doc, d) => s.byDoc.set(doc, grams.subarray(offsets[d], offsets[d + 1])));
    sharedGrams.set(keyOf(shared.options), s);
  }

  /** The document's n-grams, counted (GramCounter). */
  of(doc: readonly string[]): Int32Array {
    let grams = this.byDoc.get(doc);
    if (!grams) {
      const tokens = this.filter ? this.filter.apply([doc])[0] : doc;
      const [lo, hi] = this.options.ngrams;
      if (this.scratch.length < gramCount(tokens, lo, hi))
        this.scratch = new Int32Array(2 * gramCount(tokens, lo, hi));
      const found = this.index.grams(tokens, lo, hi, true, this.scratch, 0);
      grams = this.counter.count(this.scratch.subarray(0, found));
      this.byDoc.set(doc, grams);
    }
    return grams;
  }
}

/**
 * N-grams a shared index may hold before the next fit starts a fresh one (about 40 bytes each):
 * a thread that fits vocabulary after vocabulary on new texts must not grow without end.
 */
const SHARED_GRAMS = 1 << 22;
const sharedGrams = new Map<string, SharedGrams>();

/** What makes a document's n-grams: their lengths and the token filter. */
type GramOptions = Pick<BowOptions, 'ngrams' | 'stem' | 'stopwords'>;

function gramOptions({ ngrams, stem, stopwords }: GramOptions): GramOptions {
  return {
    ngrams: [ngrams[0], ngrams[1]],
    ...(stem ? { stem } : {}),
    ...(stopwords ? { stopwords } : {}),
  };
}

function keyOf({ ngrams, stem, stopwords }: GramOptions): string {
  return `${ngrams[0]}-${ngrams[1]} ${stem ?? ''} ${stopwords ?? ''}`;
}

/**
 * Documents' n-grams for a worker thread (shareNgrams, then adoptNgrams there): counted once
 * (GramCounter's, concatenated: document d's at offsets[d] ..) in memory both threads read,
 * with a copy of the index they are ids of. A worker that counted them itself held a second
 * 48 MB of them on SpamAssassin, and spent seconds on it.
 */
export interface SharedNgrams {
  options: GramOptions;
  index: NgramIndexState;
  grams: Int32Array;
  offsets: Int32Array;
}

export function shareNgrams(docs: Docs, options: GramOptions): SharedNgrams {
  return SharedGrams.for(options).share(docs);
}

export function adoptNgrams(docs: Docs, shared: SharedNgrams): void {
  SharedGrams.adopt(docs, shared);
}
