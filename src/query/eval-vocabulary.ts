import type { Embeddings } from '../embeddings/embeddings.js';

/**
 * The question vocabulary of an evaluation, as gensim builds it: only the first `restrict`
 * rows (frequency order) count, and by default words compare case-insensitively, upper-cased,
 * with the first (most frequent) of several case variants standing for all of them.
 */
export interface EvalVocabulary {
  /** The comparison key of a word: upper-cased unless case-sensitive. */
  key(word: string): string;
  /** The row standing for a key, or -1 when the key is not among the first `restrict` rows. */
  row(key: string): number;
  readonly restrict: number;
}

const cache = new WeakMap<Embeddings, Map<number, Map<string, number>>>();

export function evalVocabulary(
  emb: Embeddings,
  restrict: number,
  caseSensitive: boolean,
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
  const upper = upperIndex(emb, limit);
  return { restrict: limit, key: (w) => w.toUpperCase(), row: (key) => upper.get(key) ?? -1 };
}

/** Upper-cased word -> first row, over the first `limit` rows; built once per size. */
function upperIndex(emb: Embeddings, limit: number): Map<string, number> {
  let bySize = cache.get(emb);
  if (!bySize) cache.set(emb, (bySize = new Map()));
  let index = bySize.get(limit);
  if (!index) {
    index = new Map();
    for (let i = 0; i < limit; i++) {
      const key = emb.word(i).toUpperCase();
      if (!index.has(key)) index.set(key, i);
    }
    bySize.set(limit, index);
  }
  return index;
}
