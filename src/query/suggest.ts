import type { Embeddings } from '../embeddings/embeddings.js';

/**
 * Up to `n` known words within edit distance 2 of `word`, closest first, then most frequent.
 * Only the most frequent `scan` words are tried: cheap, and those are the likely intents.
 */
export function suggest(emb: Embeddings, word: string, n = 3, scan = 50000): string[] {
  const target = word.toLowerCase();
  const found: { word: string; distance: number; row: number }[] = [];
  for (let row = 0; row < Math.min(scan, emb.rows); row++) {
    const w = emb.word(row);
    if (Math.abs(w.length - target.length) > 2) continue;
    const d = editDistance(target, w.toLowerCase(), 2);
    if (d <= 2 && d > 0) found.push({ word: w, distance: d, row });
  }
  found.sort((a, b) => a.distance - b.distance || a.row - b.row);
  return found.slice(0, n).map((f) => f.word);
}

/**
 * Edit distance counting a swap of two adjacent letters as one edit (optimal string
 * alignment), the commonest typo; gives up (returning max + 1) once it must exceed max.
 */
export function editDistance(a: string, b: string, max: number): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      cur[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}
