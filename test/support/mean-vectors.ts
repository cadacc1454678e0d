import type { Embeddings } from '../../src/embeddings/embeddings.js';

/**
 * Each text's plain mean word vector (emb's mean features before standardising; tokens looked
 * up whole), the features the scikit-learn peers are given so that both sides see the same.
 */
export function meanVectors(emb: Embeddings, docs: readonly (readonly string[])[]): Float32Array {
  const d = emb.dims;
  const x = new Float32Array(docs.length * d);
  docs.forEach((doc, i) => {
    let found = 0;
    for (const t of doc) {
      const v = emb.vector(t)?.vector;
      if (!v) continue;
      found++;
      for (let j = 0; j < d; j++) x[i * d + j] += v[j];
    }
    if (found) for (let j = 0; j < d; j++) x[i * d + j] /= found;
  });
  return x;
}
