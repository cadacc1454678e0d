import type { Csr } from '../features/bow.js';

/**
 * An inner fold's view of n-gram rows fitted once on all training texts: what fitting the
 * vocabulary on the fold's training part would give, without a second pass over the texts.
 * Columns are kept when at least `minDf` of the fold's training rows have them, renumbered in
 * order; held-out rows lose the other columns and, for l2 rows (TF-IDF), are normalised again
 * over what is left, exactly as a vocabulary that never saw those n-grams would make them. The
 * only difference is the idf, which counts every training text (it uses no labels).
 *
 * Simply sharing the rows is not the same: a held-out row normalised with n-grams the fold's
 * model never saw has smaller decision values (on SMS spam the n-grams-alone candidate fell
 * from 99.0% to 98.3% in the inner folds), and NBSVM's interpolation averages over columns the
 * fold does not have.
 */
export interface FoldView {
  train: Csr;
  test: Csr;
}

export function foldView(
  x: Csr,
  train: readonly number[],
  test: readonly number[],
  minDf: number,
  l2: boolean,
): FoldView {
  const df = new Int32Array(x.cols);
  for (const i of train) for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) df[x.indices[k]]++;
  const column = new Int32Array(x.cols);
  let cols = 0;
  for (let j = 0; j < x.cols; j++) column[j] = df[j] >= minDf ? cols++ : -1;
  return { train: rowsIn(x, train, column, cols, l2), test: rowsIn(x, test, column, cols, l2) };
}

/** Rows `rows` of x over the renumbered columns (-1: dropped). */
function rowsIn(
  x: Csr,
  rows: readonly number[],
  column: Int32Array,
  cols: number,
  l2: boolean,
): Csr {
  // Counted first, so that the rows are made in arrays of their exact size (no trimmed copy).
  let nnz = 0;
  for (const i of rows)
    for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) if (column[x.indices[k]] >= 0) nnz++;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let at = 0;
  rows.forEach((i, r) => {
    const start = at;
    let kept = 0;
    let all = 0;
    for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) {
      const v = x.values[k];
      all += v * v;
      const j = column[x.indices[k]];
      if (j < 0) continue;
      indices[at] = j;
      values[at++] = v;
      kept += v * v;
    }
    // Rows that kept every column keep their values bit for bit.
    if (l2 && kept > 0 && kept < all) {
      const scale = 1 / Math.sqrt(kept);
      for (let k = start; k < at; k++) values[k] *= scale;
    }
    indptr[r + 1] = at;
  });
  return { rows: rows.length, cols, indptr, indices, values };
}
