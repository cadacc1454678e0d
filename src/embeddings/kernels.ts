import { kernelThreads, native } from './native.js';

/**
 * out[q * rows + i] = <matrix row i, query q> * scale[i] for the first `rows` rows and every
 * query (queries holds nq * dims floats). With scale = 1 / norm and unit queries, that is the
 * cosine similarity. The native kernel reads each block of rows once for all queries, on
 * several threads; the JavaScript fallback does the same on one, with an unrolled inner loop.
 */
export function products(
  matrix: Float32Array,
  dims: number,
  rows: number,
  scale: Float32Array,
  queries: Float32Array,
  out: Float32Array = new Float32Array((queries.length / dims) * rows),
): Float32Array {
  if (native) {
    native.products(matrix, dims, rows, scale, queries, out, kernelThreads);
    return out;
  }
  const nq = queries.length / dims;
  const block = 512;
  for (let b = 0; b < rows; b += block) {
    const e = Math.min(rows, b + block);
    for (let q = 0; q < nq; q++) {
      const qo = q * dims;
      const oo = q * rows;
      for (let i = b; i < e; i++) {
        const ro = i * dims;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        for (; j + 3 < dims; j += 4) {
          s0 += matrix[ro + j] * queries[qo + j];
          s1 += matrix[ro + j + 1] * queries[qo + j + 1];
          s2 += matrix[ro + j + 2] * queries[qo + j + 2];
          s3 += matrix[ro + j + 3] * queries[qo + j + 3];
        }
        for (; j < dims; j++) s0 += matrix[ro + j] * queries[qo + j];
        out[oo + i] = (s0 + s1 + s2 + s3) * scale[i];
      }
    }
  }
  return out;
}

/** Dot product of two equal-length vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A copy of `v` scaled to unit length (a zero vector stays zero). */
export function unit(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v));
  const out = new Float32Array(v.length);
  if (n > 0) for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}
