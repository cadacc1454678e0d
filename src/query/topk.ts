import { products } from '../embeddings/kernels.js';
import { kernelThreads, native } from '../embeddings/native.js';

/** A row and its score. */
export interface Scored {
  row: number;
  score: number;
}

/**
 * The k highest scores among the first `limit` entries, best first; ties go to the lower row
 * (the more frequent word). Rows for which `skip` is true and NaN scores are passed over.
 * One pass with a sorted buffer of k: almost every entry fails the threshold test at once.
 */
export function topK(
  scores: Float32Array,
  k: number,
  skip: (row: number) => boolean = () => false,
  limit = scores.length,
  offset = 0,
): Scored[] {
  const best: Scored[] = [];
  if (k <= 0) return best;
  for (let i = 0; i < limit; i++) {
    const s = scores[offset + i];
    if (s !== s) continue; // NaN
    if (best.length === k && s <= best[k - 1].score) continue;
    if (skip(i)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].score < s) at--;
    best.splice(at, 0, { row: i, score: s });
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * The k rows among the first `limit` with the highest cosine to one unit `query`, skipping
 * `exclude`: one fused pass in the native addon (no score array), else a scan and topK.
 */
export function nearest(
  matrix: Float32Array,
  dims: number,
  scale: Float32Array,
  query: Float32Array,
  k: number,
  exclude: readonly number[],
  limit: number,
): Scored[] {
  if (k <= 0) return [];
  if (native) {
    const rows = new Int32Array(k);
    const scores = new Float32Array(k);
    native.nearest(
      matrix,
      dims,
      limit,
      scale,
      query,
      k,
      Int32Array.from(exclude),
      rows,
      scores,
      kernelThreads,
    );
    const out: Scored[] = [];
    for (let i = 0; i < k && rows[i] >= 0; i++) out.push({ row: rows[i], score: scores[i] });
    return out;
  }
  const skip = new Set(exclude);
  return topK(products(matrix, dims, limit, scale, query), k, (row) => skip.has(row));
}
