import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import type { AnalogyMethod } from '../embeddings/analogy-kernel.js';
import { finish, resolveTerms, type MissingWords, type QueryResult, type Term } from './queries.js';
import { cosAddBatch, cosMulBatch, type Resolved } from './scoring.js';

export interface BatchOptions {
  /** Answers per query (capped at the vocabulary; default 10). */
  top?: number;
  /** 3cosadd (gensim most_similar, and `similar`) or 3cosmul (default 3cosadd). */
  method?: AnalogyMethod;
  /** Only the first N rows are candidates (default: all). */
  restrict?: number;
  /** What an unknown word does to its query: left out (default, as cosAdd), or an error. */
  missing?: MissingWords;
}

/** A query's answer, or why it has none (no known word left: E_OOV). */
export type BatchAnswer = QueryResult | { error: EmbError };

/**
 * Many queries answered together, with exactly the answers cosAdd / cosMul give one at a time,
 * but one pass over the matrix for the whole batch: at 1M x 300 the pass, not the arithmetic,
 * is what a query costs alone. `similar` is the case of positive terms only. A query that
 * fails on its own (an unknown word, or no known word left with `missing: 'skip'`) gets
 * `{ error }`; the others are answered.
 */
export function answerBatch(
  emb: Embeddings,
  queries: readonly (readonly Term[])[],
  options: BatchOptions = {},
): BatchAnswer[] {
  const k = Math.max(0, Math.min(options.top ?? 10, emb.rows));
  const limit = Math.min(options.restrict ?? emb.rows, emb.rows);
  const answers: BatchAnswer[] = new Array(queries.length);
  // Before the word lookups read the mapping: a truncated file is an error, not SIGBUS.
  emb.checkMapping();
  const resolved: (Resolved & { at: number })[] = [];
  queries.forEach((terms, at) => {
    try {
      resolved.push({
        at,
        terms,
        r: resolveTerms(emb, terms, options.missing ?? 'skip', options.method === '3cosmul'),
      });
    } catch (e) {
      if (!(e instanceof EmbError)) throw e;
      answers[at] = { error: e };
    }
  });
  const best =
    options.method === '3cosmul'
      ? cosMulBatch(emb, resolved, k, limit)
      : cosAddBatch(emb, resolved, k, limit);
  resolved.forEach(({ at, r }, i) => (answers[at] = finish(emb, r, best[i])));
  return answers;
}
