/**
 * The one word-lookup policy. Queries (query/queries.ts resolve), intrinsic evaluation (after
 * gensim's restricted vocabulary, query/evaluate.ts), sentence features (features/sentence.ts)
 * and Embeddings.vector()/lookup() all come here, so a word gets the same vector everywhere:
 *
 *   1. the exact spelling, when it is in the vocabulary;
 *   2. with fastText subwords, the n-gram vector of that spelling, as fastText and gensim give
 *      it (their vocabularies are case-sensitive: "Film" gets its own n-gram vector, not the
 *      row of "film"; test/fasttext.test.ts pins this against fastText's own output);
 *   3. the lower-cased spelling, when it is in the vocabulary;
 *   4. for features only (`clitics`), a token's parts as vectors are usually tokenized: when
 *      `don't` has no vector, `do` + `n't` (Penn Treebank, as GloVe and word2vec were
 *      trained), else `do` + `not`; `it's` gives `it` (+ `'s` when the vectors have it);
 *      `l'homme` gives `l'` (when known) + `homme`. The bundled GloVe has no `n't`, no `'s`
 *      and no one-letter words, so in raw English every negation would otherwise be lost.
 *
 * Steps 2 and 3 differ only for capitalised words with fastText vectors; feature tokens are
 * lower-case already.
 */
import type { Embeddings } from './embeddings.js';

/** A word's row: matched exactly, or only once lower-cased. */
export interface Lookup {
  row: number;
  match: 'exact' | 'lower';
}

export interface WordVector {
  /** The vector as the source had it (not normalised); a view of the matrix for rows. */
  vector: Float32Array;
  /** Row in the vocabulary, or -1 for a vector built from subwords. */
  row: number;
  source: 'vocab' | 'subwords';
}

/** Steps 1 and 3: the row of the exact spelling, else of the lower-cased word. */
export function findRow(emb: Embeddings, word: string): Lookup | undefined {
  const exact = emb.vocab.index(word);
  if (exact >= 0) return { row: exact, match: 'exact' };
  const lower = word.toLowerCase();
  if (lower !== word) {
    const row = emb.vocab.index(lower);
    if (row >= 0) return { row, match: 'lower' };
  }
  return undefined;
}

/** Steps 1 to 3: the vector of one word, or undefined when none exists. */
export function findVector(emb: Embeddings, word: string): WordVector | undefined {
  const exact = emb.vocab.index(word);
  if (exact >= 0) return { vector: emb.row(exact), row: exact, source: 'vocab' };
  const v = emb.subwords?.vector(word);
  if (v && v.some((x) => x !== 0)) return { vector: v, row: -1, source: 'subwords' };
  // The exact spelling missed above; the lower-cased one is step 3.
  const lower = word.toLowerCase();
  const row = lower === word ? -1 : emb.vocab.index(lower);
  return row >= 0 ? { vector: emb.row(row), row, source: 'vocab' } : undefined;
}

export interface TokenLookupOptions {
  /**
   * Step 4: look an unknown token up by its clitic parts. Default true; the reference protocol
   * of ANCHORS.md (and models saved before this existed) look tokens up whole.
   */
  clitics?: boolean;
}

/**
 * The vectors that stand for one token of a text: its own (steps 1-3), else, with clitics,
 * those of its parts that have one (step 4); empty when none has.
 */
export function findTokenVectors(
  emb: Embeddings,
  token: string,
  options: TokenLookupOptions = {},
): WordVector[] {
  const whole = findVector(emb, token);
  if (whole) return [whole];
  if (options.clitics === false || !token.includes("'")) return [];
  return cliticParts(token, (w) => findVector(emb, w));
}

/**
 * English contractions as the Penn Treebank splits them (`do|n't`, `it|'s`, `you|'re`) and,
 * when the vectors lack the clitic, the word it stands for (`not`, `are`...; `'s` is "is",
 * "has" or a possessive, so it has none).
 */
const SUFFIXES: readonly (readonly [string, string | undefined])[] = [
  ["n't", 'not'],
  ["'s", undefined],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'d", 'would'],
  ["'m", 'am'],
];
/** Hosts the Treebank cuts short (`ca|n't`, `wo|n't`, `sha|n't`), spelled out beside `not`. */
const NEGATED: Readonly<Record<string, string>> = { ca: 'can', wo: 'will', sha: 'shall' };

/** The vectors of a contraction's parts (see SUFFIXES), or of an elided word's (`l'|homme`). */
export function cliticParts(
  token: string,
  find: (word: string) => WordVector | undefined,
): WordVector[] {
  const parts: (WordVector | undefined)[] = [];
  const suffix = SUFFIXES.find(([clitic]) => token.endsWith(clitic));
  if (suffix) {
    const [clitic, meaning] = suffix;
    const host = token.slice(0, -clitic.length);
    const asTokenized = find(clitic);
    const spelled = asTokenized ? host : clitic === "n't" ? (NEGATED[host] ?? host) : host;
    if (host !== '') parts.push(...wordOrParts(spelled, find));
    parts.push(asTokenized ?? (meaning === undefined ? undefined : find(meaning)));
  } else {
    // An elided article or pronoun (French l', qu', Italian dell'), or quotes around a word.
    const at = token.indexOf("'");
    const rest = token.slice(at + 1);
    if (rest === '') parts.push(...wordOrParts(token.slice(0, at), find));
    else {
      if (at > 0) parts.push(find(token.slice(0, at + 1)));
      parts.push(...wordOrParts(rest, find));
    }
  }
  return parts.filter((p): p is WordVector => p !== undefined);
}

function wordOrParts(word: string, find: (w: string) => WordVector | undefined): WordVector[] {
  const v = find(word);
  if (v) return [v];
  return word.includes("'") ? cliticParts(word, find) : [];
}
