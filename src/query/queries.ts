import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { dot, unit } from '../embeddings/kernels.js';
import { suggest } from './suggest.js';
import { cosAddBatch, cosMulBatch } from './scoring.js';

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

/** Looks words up (exact, lower-case, then subwords); unknown words are reported, not thrown. */
export function resolve(emb: Embeddings, words: readonly string[]): Resolution {
  const found: Resolved[] = [];
  const missing: string[] = [];
  const suggestions: Record<string, string[]> = {};
  words.forEach((word, index) => {
    const hit = emb.vector(word);
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
export function subwordWords(resolution: Resolution): string[] {
  return resolution.found.filter((f) => f.fromSubwords).map((f) => f.word);
}

/** Throws the "nothing left to query" error, naming the unknown words and close spellings. */
export function noWordsLeft(resolution: Resolution, what = 'query'): never {
  const parts = resolution.missing.map((w) => {
    const s = resolution.suggestions[w];
    return s?.length ? `"${w}" (did you mean ${s.map((x) => `"${x}"`).join(', ')}?)` : `"${w}"`;
  });
  throw new EmbError(
    'E_OOV',
    `nothing to ${what}: not in the vocabulary: ${parts.join(', ') || '(no words given)'}`,
  );
}

export interface Term {
  word: string;
  weight: 1 | -1;
}

export interface QueryResult {
  results: Neighbour[];
  missing: string[];
  suggestions: Record<string, string[]>;
  /** Input words whose vectors were built from subwords. */
  subwords: string[];
}

function finish(
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
 * The terms' words looked up; an error when none is known (or, for 3CosMul, when no positive
 * word is).
 */
export function resolveTerms(emb: Embeddings, terms: readonly Term[], cosmul = false): Resolution {
  const r = resolve(
    emb,
    terms.map((t) => t.word),
  );
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
  k = 10,
  restrict = emb.rows,
): QueryResult {
  emb.checkMapping();
  const r = resolveTerms(emb, terms);
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
  k = 10,
  restrict = emb.rows,
): QueryResult {
  emb.checkMapping();
  const r = resolveTerms(emb, terms, true);
  const limit = Math.min(restrict, emb.rows);
  return finish(emb, r, cosMulBatch(emb, [{ terms, r }], Math.min(k, limit), limit)[0]);
}

/** Cosine similarity of two words (gensim similarity). */
export function similarity(
  emb: Embeddings,
  a: string,
  b: string,
): { score: number; resolution: Resolution } {
  emb.checkMapping();
  const r = resolve(emb, [a, b]);
  if (r.found.length < 2) noWordsLeft(r, 'compare');
  return { score: dot(r.found[0].unit, r.found[1].unit), resolution: r };
}

/**
 * The word furthest from the mean of the others (gensim doesnt_match): unit vectors, their
 * mean normalised, the lowest cosine to it.
 */
export function doesntMatch(
  emb: Embeddings,
  words: readonly string[],
): { word: string; resolution: Resolution } {
  emb.checkMapping();
  const r = resolve(emb, words);
  if (r.found.length === 0) noWordsLeft(r, 'compare');
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

/**
 * Parses "king - man + woman" (any number of terms; "+" may be left out), or three bare words
 * "a b c" read as in analogy test sets: a is to b as c is to ?, that is b - a + c.
 */
export function parseExpression(tokens: readonly string[]): Term[] {
  const parts = tokens.flatMap((t) => t.split(/\s+/)).filter((t) => t.length > 0);
  const hasOperator = parts.some((p) => p === '+' || p === '-' || /^[+-]\S/.test(p));
  if (!hasOperator) {
    if (parts.length === 3) {
      return [
        { word: parts[1], weight: 1 },
        { word: parts[0], weight: -1 },
        { word: parts[2], weight: 1 },
      ];
    }
    if (parts.length === 0)
      throw new EmbError('E_INPUT', 'an analogy needs words, e.g. "king - man + woman"');
    return parts.map((word) => ({ word, weight: 1 }));
  }
  const terms: Term[] = [];
  let sign: 1 | -1 = 1;
  let pending = false;
  for (const p of parts) {
    if (p === '+' || p === '-') {
      if (pending) throw new EmbError('E_INPUT', `two operators in a row in "${parts.join(' ')}"`);
      sign = p === '-' ? -1 : 1;
      pending = true;
      continue;
    }
    let word = p;
    if (/^[+-]\S/.test(p)) {
      sign = p[0] === '-' ? -1 : 1;
      word = p.slice(1);
    }
    terms.push({ word, weight: sign });
    sign = 1;
    pending = false;
  }
  if (pending)
    throw new EmbError('E_INPUT', `the expression "${parts.join(' ')}" ends with an operator`);
  return terms;
}
