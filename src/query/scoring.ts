import type { Embeddings } from '../embeddings/embeddings.js';
import { products, TopList, unit } from '../embeddings/kernels.js';
import type { Resolution, Term } from './queries.js';
import { nearestBatch, type Scored } from './topk.js';

/**
 * The scoring of 3CosAdd and 3CosMul for queries whose words are resolved, shared by the
 * one-query functions (queries.ts) and the batches (batch.ts), so a query gets the same
 * answer either way: one pass over the matrix serves the whole list.
 */
export interface Resolved {
  terms: readonly Term[];
  r: Resolution;
}
/** The normalised weighted mean of each query's unit vectors, all scanned in one pass. */
export function cosAddBatch(
  emb: Embeddings,
  qs: readonly Resolved[],
  k: number,
  limit: number,
): Scored[][] {
  const d = emb.dims;
  const means = new Float32Array(qs.length * d);
  const exclude = qs.map(({ terms, r }, q) => {
    const mean = new Float32Array(d);
    for (const f of r.found) {
      const w = terms[f.index].weight;
      for (let j = 0; j < d; j++) mean[j] += w * f.unit[j];
    }
    means.set(unit(mean), q * d);
    return r.found.map((f) => f.row).filter((row) => row >= 0);
  });
  return nearestBatch(emb.storage, d, emb.scale, means, k, exclude, limit);
}

/** Rows scored per step of the 3CosMul pass (every distinct word's cosines for the block). */
const COSMUL_BLOCK = 1 << 16;

/**
 * 3CosMul for many queries: the cosines of each block of rows with every distinct query word
 * once, then each query's product of shifted cosines, as cosMul computes it, into its top list.
 */
export function cosMulBatch(
  emb: Embeddings,
  qs: readonly Resolved[],
  k: number,
  limit: number,
): Scored[][] {
  const d = emb.dims;
  const index = new Map<Float32Array, number>();
  const words: Float32Array[] = [];
  const plan = qs.map(({ terms, r }) => {
    const slot = (f: Resolution['found'][number]) => {
      let at = index.get(f.unit);
      if (at === undefined) index.set(f.unit, (at = words.push(f.unit) - 1));
      return at;
    };
    const positive = r.found.filter((f) => terms[f.index].weight === 1).map(slot);
    const negative = r.found.filter((f) => terms[f.index].weight === -1).map(slot);
    const skip = new Set(r.found.map((f) => f.row));
    return { positive, negative, list: new TopList(k, (row) => skip.has(row)) };
  });
  const queries = new Float32Array(words.length * d);
  words.forEach((w, i) => queries.set(w, i * d));
  const sims = new Float32Array(words.length * COSMUL_BLOCK);
  for (let b = 0; b < limit; b += COSMUL_BLOCK) {
    const n = Math.min(COSMUL_BLOCK, limit - b);
    const block = sliceRows(emb, b, n);
    products(block.storage, d, n, block.scale, queries, sims.subarray(0, words.length * n));
    for (const p of plan) {
      for (let i = 0; i < n; i++) {
        let num = 1;
        let den = 1;
        for (const w of p.positive) num *= (1 + sims[w * n + i]) / 2;
        for (const w of p.negative) den *= (1 + sims[w * n + i]) / 2;
        p.list.offer(Math.fround(num / (p.negative.length ? den + 1e-6 : 1 + 1e-6)), b + i);
      }
    }
  }
  return plan.map(({ list }) => {
    list.sorted();
    return Array.from({ length: list.size }, (_, i) => ({
      row: list.rows[i],
      score: list.scores[i],
    }));
  });
}

/** Rows b .. b + n of the matrix and their scales, as views. */
function sliceRows(emb: Embeddings, b: number, n: number) {
  const d = emb.dims;
  const st = emb.storage;
  const scale = emb.scale.subarray(b, b + n);
  if (st.type === 'int8')
    return {
      storage: {
        ...st,
        data: st.data.subarray(b * d, (b + n) * d),
        scales: st.scales.subarray(b, b + n),
      },
      scale,
    };
  return { storage: { ...st, data: st.data.subarray(b * d, (b + n) * d) } as typeof st, scale };
}
