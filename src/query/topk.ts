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
