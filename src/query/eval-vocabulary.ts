import type { Embeddings } from '../embeddings/embeddings.js';

/**
 * The question vocabulary of an evaluation, as gensim builds it: only the first `restrict`
 * rows (frequency order) count, and by default words compare case-insensitively, upper-cased,
 * with the first (most frequent) of several case variants standing for all of them. This
 * restricted, case-folded vocabulary is part of what gensim's evaluation figures mean (the
 * tests pin them), so it decides first; a question word outside it gets its vector from the
 * one lookup policy (embeddings/lookup.ts, through Embeddings.vector) when subwords are on.
 */
export interface EvalVocabulary {
  /** The comparison key of a word: upper-cased unless case-sensitive. */
  key(word: string): string;
  /** The row standing for the key of one of the words given, or -1 when it is not among the first `restrict` rows. */
  row(key: string): number;
  readonly restrict: number;
}

export function evalVocabulary(
  emb: Embeddings,
  restrict: number,
  caseSensitive: boolean,
  words: Iterable<string>,
): EvalVocabulary {
  const limit = Math.min(restrict, emb.rows);
  if (caseSensitive) {
    return {
      restrict: limit,
      key: (w) => w,
      row(key) {
        const r = emb.vocab.index(key);
        return r < limit ? r : -1;
      },
    };
  }
  const keys = new Set<string>();
  for (const w of words) keys.add(w.toUpperCase());
  const first = firstRows(emb, limit, keys);
  return { restrict: limit, key: (w) => w.toUpperCase(), row: (key) => first.get(key) ?? -1 };
}

const encoder = new TextEncoder();

/**
 * For each key, the first of the first `limit` rows whose upper-cased word is the key. One
 * pass over the word bytes without making strings: an ASCII word is hashed upper-cased and
 * decoded only when the hash matches a key; other words are decoded and upper-cased (a
 * non-ASCII word can upper-case to ASCII, as "ı" does to "I").
 */
function firstRows(emb: Embeddings, limit: number, keys: Set<string>): Map<string, number> {
  const { offsets, bytes } = emb.vocab;
  const hashes = new Set<number>();
  for (const k of keys) hashes.add(upperHash(encoder.encode(k), 0, -1));
  const found = new Map<string, number>();
  const consider = (row: number) => {
    const key = emb.word(row).toUpperCase();
    if (keys.has(key) && !found.has(key)) found.set(key, row);
  };
  for (let row = 0; row < limit && found.size < keys.size; row++) {
    const h = upperHash(bytes, offsets[row], offsets[row + 1]);
    if (h < 0 || hashes.has(h)) consider(row);
  }
  return found;
}

/** FNV-1a of ASCII bytes with a-z upper-cased; -1 when a byte is not ASCII. */
function upperHash(bytes: Uint8Array, start: number, end: number): number {
  if (end < 0) end = bytes.length;
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let b = bytes[i];
    if (b >= 0x80) return -1;
    if (b >= 97 && b <= 122) b -= 32;
    h = Math.imul(h ^ b, 0x01000193);
  }
  return h >>> 0;
}
