import { EmbError, option } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { findVector } from '../embeddings/lookup.js';
import { dot, unit } from '../embeddings/kernels.js';
import type { Term } from './expression.js';
import { suggest } from './suggest.js';
import { cosAddBatch, cosMulBatch } from './scoring.js';
import { nearest } from './topk.js';

/**
 * The similarity queries, with gensim's semantics (KeyedVectors 4.2): inputs are unit
 * vectors, an expression's vectors are averaged with weights +1/-1 and normalised, scores are
 * cosines, and the input words never come back as answers.
 */
export interface Neighbour {
  word: string;
  score: number;
}

export interface Resolved {
  word: string;
  /** Position among the words asked for. */
  index: number;
  unit: Float32Array;
  row: number;
  fromSubwords: boolean;
}

export interface Resolution {
  found: Resolved[];
  missing: string[];
  /** Known words used in place of missing ones, with their spelling suggestions. */
  suggestions: Record<string, string[]>;
}

/** Looks words up by the one policy (embeddings/lookup.ts); unknown words are reported, not thrown. */
export function resolve(emb: Embeddings, words: readonly string[]): Resolution {
  const found: Resolved[] = [];
  const missing: string[] = [];
  const suggestions: Record<string, string[]> = {};
  words.forEach((word, index) => {
    const hit = findVector(emb, word);
    if (hit)
      found.push({
        word,
        index,
        unit: unit(hit.vector),
        row: hit.row,
        fromSubwords: hit.source === 'subwords',
      });
    else {
      missing.push(word);
      suggestions[word] = suggest(emb, word);
    }
  });
  return { found, missing, suggestions };
}

/** The words whose vectors were built from subword n-grams (not in the vocabulary). */
function subwordWords(resolution: Resolution): string[] {
  return resolution.found.filter((f) => f.fromSubwords).map((f) => f.word);
}

/** The unknown words with their close spellings: "kign" (did you mean "king"?). */
function describeMissing(resolution: Resolution): string {
  const parts = resolution.missing.map((w) => {
    const s = resolution.suggestions[w];
    return s?.length ? `"${w}" (did you mean ${s.map((x) => `"${x}"`).join(', ')}?)` : `"${w}"`;
  });
  return parts.join(', ') || '(no words given)';
}

/** Throws the "nothing left to query" error, naming the unknown words and close spellings. */
export function noWordsLeft(resolution: Resolution, what = 'query'): never {
  throw new EmbError(
    'E_OOV',
    `nothing to ${what}: not in the vocabulary: ${describeMissing(resolution)}`,
  );
}

/**
 * What happens to unknown words, the same for the API and the CLI: "error" (the default of
 * both) refuses a query with an unknown word, since answering without it answers a different
 * question; "skip" leaves unknown words out, reports them in `missing`, and fails only when no
 * known word is left.
 */
export type MissingWords = 'error' | 'skip';

/** How many answers, among the first `restrict` rows; an unknown word skipped or an error. */
export interface QueryOptions {
  /** Default 10. */
  top?: number;
  /** Default every row. */
  restrict?: number;
  /** Default 'skip' (left out and listed in `missing`); 'error' throws E_OOV. */
  missing?: MissingWords;
}

export function checkMissing(resolution: Resolution, missing: MissingWords): void {
  if (missing === 'error' && resolution.missing.length > 0)
    throw new EmbError(
      'E_OOV',
      `not in the vocabulary: ${describeMissing(resolution)}; leave unknown words out with ${option('skipMissing', true)}`,
    );
}

export { parseExpression, phraseWords, type Term } from './expression.js';

export interface QueryResult {
  results: Neighbour[];
  missing: string[];
  suggestions: Record<string, string[]>;
  /** Input words whose vectors were built from subwords. */
  subwords: string[];
}

/** A query's answer from its resolution and its best rows. */
export function finish(
  emb: Embeddings,
  r: Resolution,
  best: { row: number; score: number }[],
): QueryResult {
  return {
    results: best.map((b) => ({ word: emb.word(b.row), score: b.score })),
    missing: r.missing,
    suggestions: r.suggestions,
    subwords: subwordWords(r),
  };
}

/**
 * The terms' words looked up; an error when none is known (or any is not, with "error"; or,
 * for 3CosMul, when no positive word is).
 */
export function resolveTerms(
  emb: Embeddings,
  terms: readonly Term[],
  missing: MissingWords,
  cosmul = false,
): Resolution {
  const r = resolve(
    emb,
    terms.map((t) => t.word),
  );
  checkMissing(r, missing);
  if (r.found.length === 0) noWordsLeft(r);
  if (cosmul && !r.found.some((f) => terms[f.index].weight === 1))
    throw new EmbError('E_OOV', 'nothing to query: 3CosMul needs at least one known positive word');
  return r;
}

/**
 * 3CosAdd (gensim most_similar): the weighted mean of the unit input vectors, normalised,
 * against every row. `similar` is the case of positive terms only.
 */
export function cosAdd(
  emb: Embeddings,
  terms: readonly Term[],
  options: QueryOptions = {},
): QueryResult {
  const { top: k = 10, restrict = emb.rows, missing = 'skip' } = options;
  emb.checkMapping();
  const r = resolveTerms(emb, terms, missing);
  const limit = Math.min(restrict, emb.rows);
  return finish(emb, r, cosAddBatch(emb, [{ terms, r }], Math.min(k, limit), limit)[0]);
}

/**
 * 3CosMul (Levy & Goldberg 2014, gensim most_similar_cosmul): the product of the positive
 * cosines over the product of the negative ones, each shifted to [0, 1], plus 1e-6.
 */
export function cosMul(
  emb: Embeddings,
  terms: readonly Term[],
  options: QueryOptions = {},
): QueryResult {
  const { top: k = 10, restrict = emb.rows, missing = 'skip' } = options;
  emb.checkMapping();
  const r = resolveTerms(emb, terms, missing, true);
  const limit = Math.min(restrict, emb.rows);
  return finish(emb, r, cosMulBatch(emb, [{ terms, r }], Math.min(k, limit), limit)[0]);
}

/**
 * The words nearest to a vector (gensim similar_by_vector): by cosine, among the first
 * `restrict` rows, none left out.
 */
export function similarByVector(
  emb: Embeddings,
  vector: ArrayLike<number>,
  options: { top: number; restrict?: number },
): Neighbour[] {
  emb.checkMapping();
  if (vector.length !== emb.dims)
    throw new EmbError(
      'E_INPUT',
      `similarByVector: expected a vector of ${emb.dims} values, got ${vector.length}`,
    );
  const q = unit(Float32Array.from(vector));
  const limit = Math.min(options.restrict ?? emb.rows, emb.rows);
  return nearest(emb.storage, emb.dims, emb.scale, q, options.top, [], limit).map((s) => ({
    word: emb.word(s.row),
    score: s.score,
  }));
}

/**
 * Cosine similarity of two words (gensim similarity), or of two groups of words (a phrase with
 * no token of its own): the cosine of their mean unit vectors, as a `similar` query of several
 * words averages them.
 */
export function similarity(
  emb: Embeddings,
  a: string | readonly string[],
  b: string | readonly string[],
): { score: number; resolution: Resolution } {
  emb.checkMapping();
  const left = typeof a === 'string' ? [a] : a;
  const right = typeof b === 'string' ? [b] : b;
  const r = resolve(emb, [...left, ...right]);
  checkMissing(r, 'error');
  if (r.found.length === 2 && left.length === 1)
    return { score: dot(r.found[0].unit, r.found[1].unit), resolution: r };
  const mean = (from: number, to: number) => {
    const m = new Float32Array(emb.dims);
    for (const f of r.found)
      if (f.index >= from && f.index < to) for (let j = 0; j < emb.dims; j++) m[j] += f.unit[j];
    return unit(m);
  };
  const total = left.length + right.length;
  return { score: dot(mean(0, left.length), mean(left.length, total)), resolution: r };
}

/**
 * The word furthest from the mean of the others (gensim doesnt_match): unit vectors, their
 * mean normalised, the lowest cosine to it.
 */
export function doesntMatch(
  emb: Embeddings,
  words: readonly string[],
  missing: MissingWords = 'skip',
): { word: string; resolution: Resolution } {
  emb.checkMapping();
  const r = resolve(emb, words);
  checkMissing(r, missing);
  if (r.found.length < 2) {
    if (r.found.length === 0) noWordsLeft(r, 'compare');
    throw new EmbError(
      'E_INPUT',
      `doesnt-match needs at least two known words to compare, got ${r.found.length === 1 ? `only "${r.found[0].word}"` : 'none'}${r.missing.length ? ` (not in the vocabulary: ${describeMissing(r)})` : ''}`,
    );
  }
  const mean = new Float32Array(emb.dims);
  for (const f of r.found) for (let j = 0; j < emb.dims; j++) mean[j] += f.unit[j];
  const centre = unit(mean);
  let worst = r.found[0];
  let worstScore = Infinity;
  for (const f of r.found) {
    const s = dot(f.unit, centre);
    if (s < worstScore) {
      worstScore = s;
      worst = f;
    }
  }
  return { word: worst.word, resolution: r };
}
