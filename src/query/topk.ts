import { scan, TopList, type MatrixStorage } from '../embeddings/kernels.js';

/** A row and its score. */
export interface Scored {
  row: number;
  score: number;
}

/**
 * The k highest scores among the first `limit` entries, best first; ties go to the lower row
 * (the more frequent word). Rows for which `skip` is true and NaN scores are passed over.
 * A heap of k: O(log k) per entry that enters, so any k (the whole vocabulary) is cheap.
 */
export function topK(
  scores: Float32Array,
  k: number,
  skip: (row: number) => boolean = () => false,
  limit = scores.length,
  offset = 0,
): Scored[] {
  const list = new TopList(Math.max(0, Math.min(k, limit)), skip);
  for (let i = 0; i < limit; i++) list.offer(scores[offset + i], i);
  list.sorted();
  return Array.from({ length: list.size }, (_, i) => ({
    row: list.rows[i],
    score: list.scores[i],
  }));
}

/** Lists kept per kernel call (queries x k): bounds the memory of a batch with a large k. */
const MAX_LIST_ENTRIES = 1 << 22;

/**
 * For each unit query (nq x dims), the k rows among the first `limit` with the highest cosine,
 * skipping exclude[q]: one pass over the matrix for a whole batch (see kernels.ts scan). k is
 * capped at `limit`. int8 rows are rescored exactly from their best 2k + 32 candidates.
 */
export function nearestBatch(
  matrix: Float32Array | MatrixStorage,
  dims: number,
  scale: Float32Array,
  queries: Float32Array,
  k: number,
  exclude: readonly (readonly number[])[],
  limit: number,
): Scored[][] {
  const st: MatrixStorage = matrix instanceof Float32Array ? { type: 'f32', data: matrix } : matrix;
  const nq = queries.length / dims;
  k = Math.max(0, Math.min(k, limit));
  if (k === 0) return Array.from({ length: nq }, () => []);
  const candidates = st.type === 'int8' ? Math.min(limit, 2 * k + 32) : k;
  const per = Math.max(1, Math.floor(MAX_LIST_ENTRIES / candidates));
  const out: Scored[][] = [];
  for (let q0 = 0; q0 < nq; q0 += per) {
    const q1 = Math.min(nq, q0 + per);
    const top = scan(
      st,
      dims,
      limit,
      scale,
      queries.subarray(q0 * dims, q1 * dims),
      k,
      exclude.slice(q0, q1),
      candidates,
    );
    for (let q = 0; q < q1 - q0; q++) {
      const list: Scored[] = [];
      for (let i = 0; i < k && top.rows[q * k + i] >= 0; i++)
        list.push({ row: top.rows[q * k + i], score: top.scores[q * k + i] });
      out.push(list);
    }
  }
  return out;
}

/** The k rows with the highest cosine to one unit query (a batch of one). */
export function nearest(
  matrix: Float32Array | MatrixStorage,
  dims: number,
  scale: Float32Array,
  query: Float32Array,
  k: number,
  exclude: readonly number[],
  limit: number,
): Scored[] {
  return nearestBatch(matrix, dims, scale, query, k, [exclude], limit)[0];
}
