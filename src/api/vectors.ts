/**
 * Open word vectors and ask them questions: the object a program holds, and what every query
 * command of the CLI calls. Opening the default vectors converts the packaged GloVe once to
 * the native format; an .emb file is memory-mapped; any other format is read into memory.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { ANALOGY_METHODS, type AnalogyMethod } from '../embeddings/analogy-kernel.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { defaultVectorsPath } from '../store/home.js';
import { checkAborted, EmbError, option } from '../errors.js';
import {
  DEFAULT_LOOKUP,
  FEATURE_KINDS,
  SentenceEncoder,
  type FeatureKind,
} from '../features/sentence.js';
import { checkedTokens, tokenizerFor } from '../text/tokenize.js';
import type { OnProgress } from '../progress.js';
import { workersAvailable } from '../worker-url.js';
import { sniffFormat, type FormatName } from '../formats/format.js';
import type { Encoding } from '../formats/words.js';
import {
  cosAdd,
  cosMul,
  doesntMatch,
  similarity,
  similarByVector,
  type MissingWords,
  type Neighbour,
  type QueryResult,
} from '../query/queries.js';
import { parseExpression, phraseWords, type Term } from '../query/expression.js';
import { answerBatch, type BatchAnswer, type BatchOptions } from '../query/batch.js';
import { readAnalogySet } from '../query/analogy-set.js';
import {
  evaluateAnalogies,
  evaluatePairs,
  type AnalogyOptions as AnalogyEvalOptions,
  type AnalogyScore,
  type EvalOptions,
  type PairScore,
} from '../query/evaluate.js';
import { readPairSet } from '../query/pair-set.js';

export { ANALOGY_METHODS, type AnalogyMethod } from '../embeddings/analogy-kernel.js';
export { ENCODINGS, type Encoding } from '../formats/words.js';
export { DEFAULT_RESTRICT, type SectionScore, type Tally } from '../query/evaluate.js';
export type { AnalogyEvalOptions, AnalogyScore, EvalOptions, PairScore };

export type { BatchAnswer, Neighbour, QueryResult, Term };

export interface OpenOptions {
  /** How words of a text vector file are encoded: utf8 (default; also utf-8) or latin1. */
  encoding?: Encoding;
  /**
   * Progress of the long steps, in bytes: converting the bundled vectors the first time
   * (stage "convert the bundled vectors"), or reading a file that is not .emb ("read").
   */
  onProgress?: OnProgress;
  /** Notes about the file (duplicate words dropped, ...). */
  onWarning?: (message: string) => void;
  /** Stops the reading: rejects with E_ABORTED, leaving no temporary file. */
  signal?: AbortSignal;
}

/**
 * The vectors at `path` (any supported format), or the bundled GloVe 6B 100d when no path is
 * given (converted once to $EMB_HOME on first use). An .emb file is memory-mapped at once; any
 * other format is converted to a temporary .emb in a worker thread (the event loop goes on)
 * and mapped from there.
 */
export async function openVectors(path?: string, options: OpenOptions = {}): Promise<Vectors> {
  if (path === '')
    throw new EmbError(
      'E_INPUT',
      'the vectors path is empty; give a file or leave it out for the default',
    );
  checkAborted(options.signal);
  const encoding = options.encoding;
  const file = path ?? defaultVectorsPath();
  if (path === undefined && !existsSync(file)) {
    const { prepareDefault } = await import('./convert.js');
    await prepareDefault({ onProgress: options.onProgress, signal: options.signal });
  }
  const format = sniffFormat(file);
  const { readEmb } = await import('../formats/emb.js');
  if (format === 'emb') return new Vectors(readEmb(file), file, format);
  if (!workersAvailable) {
    const { readVectors } = await import('../formats/index.js');
    const { embeddings } = readVectors(file, {
      encoding,
      format,
      onProgress: (done, total) => options.onProgress?.({ stage: 'read', done, total }),
      warn: options.onWarning,
    });
    return new Vectors(embeddings, file, format);
  }
  // Converted into a private folder, mapped, then unlinked: the mapping keeps the pages.
  const dir = mkdtempSync(join(tmpdir(), 'emb-open-'));
  try {
    const { convertVectors } = await import('./convert.js');
    const out = join(dir, 'vectors.emb');
    await convertVectors(file, out, {
      to: 'emb',
      format,
      encoding,
      signal: options.signal,
      onWarning: options.onWarning,
      onProgress: (p) => options.onProgress?.({ ...p, stage: 'read' }),
    });
    return new Vectors(readEmb(out), file, format);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SimilarOptions {
  /** How many neighbours; default 10. */
  top?: number;
  /** Leave unknown words out (listed in `missing`) instead of refusing the query. */
  skipMissing?: boolean;
}

export interface AnalogyOptions extends SimilarOptions {
  /** 3cosadd (gensim's most_similar; default) or 3cosmul (Levy & Goldberg 2014). */
  method?: AnalogyMethod;
}

/**
 * Word vectors with gensim's queries. Unknown words follow one rule everywhere: a query with
 * a word the vectors do not have (nor its lower-cased form, nor subwords for fastText) is an
 * EmbError with code E_OOV that names it and suggests close spellings, unless `skipMissing`
 * is set, in which case it is left out and reported in `missing`. Several words, or a phrase
 * with spaces, mean the phrase's own token when the vectors have one ("new york" ->
 * "new_york"), else the mean of the words.
 */
export class Vectors {
  #embeddings: Embeddings | undefined;

  constructor(
    embeddings: Embeddings,
    /** The file the vectors came from. */
    readonly path: string,
    readonly format: FormatName,
  ) {
    this.#embeddings = embeddings;
  }

  /** The underlying matrix, vocabulary and norms (for the lower-level functions). */
  get embeddings(): Embeddings {
    if (!this.#embeddings)
      throw new EmbError('E_CLOSED', `${this.path}: these vectors were closed`);
    return this.#embeddings;
  }

  /** The vocabulary, in the file's order (most frequent first, for most files). */
  *words(): Generator<string> {
    const emb = this.embeddings;
    for (let i = 0; i < emb.rows; i++) yield emb.word(i);
  }

  /** Number of words. */
  get size(): number {
    return this.embeddings.rows;
  }

  get dims(): number {
    return this.embeddings.dims;
  }

  /** Whether the vectors have fastText subwords (unknown words get n-gram vectors). */
  get hasSubwords(): boolean {
    return this.embeddings.subwords !== undefined;
  }

  /**
   * Accuracy on an analogy set (": section" lines, then "a b c d" lines), as gensim's
   * evaluate_word_analogies: per section, semantic and syntactic, with the questions skipped.
   */
  evaluateAnalogies(file: string, options: AnalogyEvalOptions = {}): AnalogyScore {
    return evaluateAnalogies(this.embeddings, readAnalogySet(file), options);
  }

  /**
   * Spearman and Pearson correlation with human scores on a word-pair set ("w1 w2 score"
   * lines), as gensim's evaluate_word_pairs.
   */
  evaluatePairs(file: string, options: EvalOptions = {}): PairScore {
    return evaluatePairs(this.embeddings, readPairSet(file), options);
  }

  /** Whether worker threads can open the same vectors cheaply (a memory-mapped .emb file). */
  get shareable(): boolean {
    return this.format === 'emb';
  }

  /** The absolute path, as model folders record it. */
  get absolutePath(): string {
    return resolvePath(this.path);
  }

  /** Whether the vectors have a word, exactly or lower-cased. */
  has(word: string): boolean {
    return this.embeddings.lookup(word) !== undefined;
  }

  /** A word's vector as the file had it (fastText: built from subwords when unknown). */
  vector(word: string): Float32Array | undefined {
    return this.embeddings.vector(word)?.vector;
  }

  /**
   * A text's sentence vector, as the classifiers make it (features.ts) but not standardised:
   * the mean of its tokens' vectors (the default), the TF-IDF-weighted mean, or SIF; tfidf and
   * sif weigh words by their frequencies in `corpus` (texts), which they need. Tokens as the
   * classifiers' default tokenizer makes them, or `tokenizer`'s.
   */
  async sentenceVector(text: string, options: SentenceOptions = {}): Promise<Float32Array> {
    return (await this.sentenceVectors([text], { corpus: options.corpus ?? [], ...options }))[0];
  }

  /** Sentence vectors of many texts at once; tfidf and sif fit their weights on `corpus`, else on the texts. */
  async sentenceVectors(
    texts: readonly string[],
    options: SentenceOptions = {},
  ): Promise<Float32Array[]> {
    const method = options.method ?? 'mean';
    if (!FEATURE_KINDS.includes(method))
      throw new EmbError(
        'E_INPUT',
        `method: expected one of ${FEATURE_KINDS.join(', ')}, got ${JSON.stringify(method)}`,
      );
    const tokenize = tokenizerOf(options.tokenizer);
    const docs = texts.map((t) => tokenize(t));
    const corpus = options.corpus ? options.corpus.map((t) => tokenize(t)) : docs;
    if (method !== 'mean' && corpus.length === 0)
      throw new EmbError(
        'E_INPUT',
        `method "${method}": weighs words by their frequencies in texts; pass ${option('corpus')} (a list of texts)`,
      );
    const d = this.dims;
    const x = SentenceEncoder.vectors(method, docs, this.embeddings, DEFAULT_LOOKUP, corpus);
    return docs.map((_, i) => x.slice(i * d, (i + 1) * d));
  }

  /** The words nearest to a vector, by cosine (gensim's similar_by_vector). */
  async similarByVector(
    vector: ArrayLike<number>,
    options: { top?: number; restrict?: number } = {},
  ): Promise<Neighbour[]> {
    return similarByVector(this.embeddings, vector, {
      top: top(options, this.size),
      restrict: options.restrict,
    });
  }

  /** Nearest neighbours of a word, or of the mean of several. */
  similar(words: string | readonly string[], options: SimilarOptions = {}): Neighbour[] {
    return this.similarQuery(words, options).results;
  }

  /** As similar(), with the unknown words and the words built from subwords. */
  similarQuery(words: string | readonly string[], options: SimilarOptions = {}): QueryResult {
    return cosAdd(this.embeddings, this.similarTerms(words), {
      top: top(options, this.size),
      missing: missingRule(options),
    });
  }

  /**
   * Vector arithmetic: "king - man + woman" (also "king-man+woman"), "man king woman" (a is to
   * b as c is to ?), or terms with weights.
   */
  analogy(
    query: string | readonly string[] | readonly Term[],
    options: AnalogyOptions = {},
  ): QueryResult {
    const terms = this.terms(query);
    const solve = method(options) === '3cosmul' ? cosMul : cosAdd;
    return solve(this.embeddings, terms, {
      top: top(options, this.size),
      missing: missingRule(options),
    });
  }

  /**
   * Many `similar` queries answered together, one pass over the matrix for the batch, with the
   * answers similar() gives one at a time; a query that fails alone (an unknown word) gets
   * `{ error }` in its place and the others are answered.
   */
  similarMany(
    queries: readonly (string | readonly string[])[],
    options: SimilarOptions = {},
  ): BatchAnswer[] {
    return this.batch(
      queries.map((q) => () => this.similarTerms(q)),
      { top: top(options, this.size), missing: missingRule(options) },
    );
  }

  /** Many analogies answered together, as similarMany. */
  analogyMany(
    queries: readonly (string | readonly string[] | readonly Term[])[],
    options: AnalogyOptions = {},
  ): BatchAnswer[] {
    return this.batch(
      queries.map((q) => () => this.terms(q)),
      { top: top(options, this.size), method: method(options), missing: missingRule(options) },
    );
  }

  /** Parses each query (a parse error fails that query alone), then answers the rest at once. */
  private batch(parsers: (() => Term[])[], options: BatchOptions): BatchAnswer[] {
    const answers: BatchAnswer[] = new Array(parsers.length);
    const parsed: { at: number; terms: Term[] }[] = [];
    parsers.forEach((parse, at) => {
      try {
        parsed.push({ at, terms: parse() });
      } catch (e) {
        if (!(e instanceof EmbError)) throw e;
        answers[at] = { error: e };
      }
    });
    const got = answerBatch(
      this.embeddings,
      parsed.map((p) => p.terms),
      options,
    );
    parsed.forEach((p, i) => (answers[p.at] = got[i]));
    return answers;
  }

  /** The words of a `similar` query (phrases joined as the vectors spell them), weight 1 each. */
  private similarTerms(words: string | readonly string[]): Term[] {
    const list = phraseWords(typeof words === 'string' ? [words] : words, (w) => this.has(w));
    if (list.length === 0) throw new EmbError('E_INPUT', 'similar needs at least one word');
    return list.map((word) => ({ word, weight: 1 }));
  }

  /** A query as terms: an expression string or tokens, or terms as they are. */
  private terms(query: string | readonly string[] | readonly Term[]): Term[] {
    if (typeof query === 'string') return this.parse([query]);
    if (query.length > 0 && typeof query[0] !== 'string') return [...(query as readonly Term[])];
    return this.parse(query as readonly string[]);
  }

  /** The terms of an expression, with phrases and operators read against these vectors. */
  parse(tokens: readonly string[]): Term[] {
    return parseExpression(tokens, (w) => this.has(w));
  }

  /**
   * Cosine similarity of two words or phrases (an error if a word is unknown): a phrase the
   * vectors have as one token ("new york" as new_york) is that token, else the mean of its
   * words' unit vectors, as in similar().
   */
  similarity(a: string, b: string): number {
    const words = (text: string) => {
      const list = phraseWords([text], (w) => this.has(w));
      if (list.length === 0)
        throw new EmbError('E_INPUT', `"${text}" has no words; give a word or a phrase`);
      return list;
    };
    return similarity(this.embeddings, words(a), words(b)).score;
  }

  /** The word furthest from the mean of the others; at least two known words are needed. */
  doesntMatch(words: readonly string[], options: { skipMissing?: boolean } = {}): string {
    return this.doesntMatchQuery(words, options).word;
  }

  /** As doesntMatch(), with the unknown words that were left out. */
  doesntMatchQuery(
    words: readonly string[],
    options: { skipMissing?: boolean } = {},
  ): { word: string; missing: string[]; suggestions: Record<string, string[]> } {
    const list = words.map((w) => this.oneWord(w));
    const { word, resolution } = doesntMatch(this.embeddings, list, missingRule(options));
    return { word, missing: resolution.missing, suggestions: resolution.suggestions };
  }

  /** A word, or a quoted phrase the vectors have as one token; several words are an error. */
  private oneWord(text: string): string {
    const words = phraseWords([text], (w) => this.has(w));
    if (words.length !== 1)
      throw new EmbError(
        'E_INPUT',
        `"${text}" is ${words.length === 0 ? 'empty' : 'several words, and these vectors have no phrase token for it'}; give one word`,
      );
    return words[0];
  }

  /**
   * Drops this object's hold on the vectors. A mapped file is unmapped when nothing else refers
   * to it (a classifier trained on these vectors keeps its own reference).
   */
  close(): void {
    this.#embeddings = undefined;
  }

  /** `using vectors = await openVectors()` closes them at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }
}

export interface SentenceOptions {
  /** mean (default), tfidf (weighted by idf) or sif (Arora et al. 2017). */
  method?: FeatureKind;
  /** The texts tfidf and sif take word frequencies from. */
  corpus?: readonly string[];
  /** A tokenizer name (unicode, ascii, a registered one) or function; default unicode. */
  tokenizer?: string | ((text: string) => string[]);
}

function tokenizerOf(t: SentenceOptions['tokenizer']): (text: string) => string[] {
  if (typeof t === 'function') return checkedTokens('function', t);
  return tokenizerFor(t ?? 'unicode').tokenize;
}

function method(options: AnalogyOptions): AnalogyMethod {
  const m = options.method ?? '3cosadd';
  if (!ANALOGY_METHODS.includes(m))
    throw new EmbError(
      'E_INPUT',
      `method: expected ${ANALOGY_METHODS.join(' or ')}, got "${String(m)}"`,
    );
  return m;
}

function missingRule(options: { skipMissing?: boolean }): MissingWords {
  return options.skipMissing ? 'skip' : 'error';
}

/** --top / { top }: a positive whole number, capped at the vocabulary. */
function top(options: { top?: number }, size: number): number {
  const k = options.top ?? 10;
  if (!Number.isInteger(k) || k < 1)
    throw new EmbError('E_INPUT', `top: expected a positive whole number, got ${String(k)}`);
  return Math.min(k, size);
}
