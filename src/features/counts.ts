/**
 * Word counts over the N most frequent tokens of the training texts, as scikit-learn's
 * CountVectorizer(max_features=N) chooses them, then the "little feature engineering" of the
 * kernel models: a transform of each count and a norm of each row.
 *
 * Which tokens: those with the largest total count over the training texts (not the number of
 * texts they occur in). scikit-learn orders its vocabulary by code point, then keeps the first
 * N of NumPy's default argsort of the negated totals; that sort (an introsort) is not stable,
 * so which of the tokens tied at the cut are kept depends on its exact steps. `numpyArgsort`
 * takes the same steps, so the same tokens are kept, ties included.
 */
import { EmbError } from '../errors.js';
import type { Csr } from './bow.js';

/** How each count becomes a value: itself, 1, 1 + ln(count) or its square root. */
export type CountTf = 'raw' | 'binary' | 'log' | 'sqrt';
export const COUNT_TFS: readonly CountTf[] = ['raw', 'binary', 'log', 'sqrt'];

/** How each row is scaled: not, to a sum of 1, or to unit length. */
export type CountNorm = 'none' | 'l1' | 'l2';
export const COUNT_NORMS: readonly CountNorm[] = ['none', 'l1', 'l2'];

export interface CountOptions {
  /** Keep the this many most frequent tokens. */
  vocab: number;
  tf: CountTf;
  norm: CountNorm;
}

type Docs = readonly (readonly string[])[];

/** Counting options read back from a saved model, checked (an E_MODEL error names the place). */
export function savedCountOptions(where: string, saved: unknown): CountOptions {
  const o = saved as CountOptions;
  if (
    typeof o !== 'object' ||
    o === null ||
    !Number.isInteger(o.vocab) ||
    o.vocab < 1 ||
    !COUNT_TFS.includes(o.tf) ||
    !COUNT_NORMS.includes(o.norm)
  )
    throw new EmbError(
      'E_MODEL',
      `${where}: expected "counts" { vocab, tf (${COUNT_TFS.join(', ')}), norm (${COUNT_NORMS.join(', ')}) } in the saved model, found ${JSON.stringify(saved)}`,
    );
  return { vocab: o.vocab, tf: o.tf, norm: o.norm };
}

/** What a model on counts reads, in words, for reports and model.json. */
export function describeCounts(o: CountOptions): string {
  return `${o.tf} counts of ${o.vocab} words, ${o.norm} norm`;
}

/** A fitted vocabulary of counted tokens, in code-point order (scikit-learn's column order). */
export class Counts {
  private readonly column: Map<string, number>;

  private constructor(
    readonly terms: readonly string[],
    readonly options: CountOptions,
  ) {
    this.column = new Map(terms.map((t, j) => [t, j]));
  }

  get size(): number {
    return this.terms.length;
  }

  /** The `vocab` most frequent tokens of the training documents. */
  static fit(docs: Docs, options: CountOptions): Counts {
    const totals = new Map<string, number>();
    for (const doc of docs) for (const t of doc) totals.set(t, (totals.get(t) ?? 0) + 1);
    if (totals.size === 0)
      throw new EmbError(
        'E_INPUT',
        `expected at least one token in the training documents, found none in ${docs.length}`,
      );
    const sorted = [...totals.keys()].sort(byCodePoint);
    let kept = sorted;
    if (sorted.length > options.vocab) {
      const negated = Float64Array.from(sorted, (t) => -totals.get(t)!);
      const order = numpyArgsort(negated).subarray(0, options.vocab).sort();
      kept = Array.from(order, (i) => sorted[i]);
    }
    return new Counts(kept, { ...options });
  }

  /** A vocabulary saved as its terms (in column order). */
  static fromTerms(terms: readonly string[], options: CountOptions): Counts {
    if (new Set(terms).size !== terms.length)
      throw new EmbError('E_MODEL', 'expected distinct terms, found duplicates');
    return new Counts([...terms], { ...options });
  }

  /** The rows of `docs` over this vocabulary, transformed and normed as the options say. */
  transform(docs: Docs, options: Pick<CountOptions, 'tf' | 'norm'> = this.options): Csr {
    let nnz = 0;
    for (const doc of docs) nnz += doc.length;
    const indptr = new Int32Array(docs.length + 1);
    const indices = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    const counts = new Float64Array(this.size);
    let at = 0;
    docs.forEach((doc, d) => {
      const start = at;
      for (const t of doc) {
        const j = this.column.get(t);
        if (j !== undefined && counts[j]++ === 0) indices[at++] = j;
      }
      const row = indices.subarray(start, at).sort();
      for (let k = 0; k < row.length; k++) {
        values[start + k] = countValue(counts[row[k]], options.tf);
        counts[row[k]] = 0;
      }
      normRow(values, start, at, options.norm);
      indptr[d + 1] = at;
    });
    return {
      rows: docs.length,
      cols: this.size,
      indptr,
      indices: indices.slice(0, at),
      values: values.slice(0, at),
    };
  }
}

function countValue(c: number, tf: CountTf): number {
  switch (tf) {
    case 'raw':
      return c;
    case 'binary':
      return 1;
    case 'log':
      return 1 + Math.log(c);
    case 'sqrt':
      return Math.sqrt(c);
  }
}

/** Scales values[start, end) (float32) to unit l1 or l2 norm, summed in double. */
function normRow(values: Float32Array, start: number, end: number, norm: CountNorm): void {
  if (norm === 'none') return;
  let s = 0;
  for (let k = start; k < end; k++) s += norm === 'l1' ? Math.abs(values[k]) : values[k] ** 2;
  if (s === 0) return;
  const scale = norm === 'l1' ? 1 / s : 1 / Math.sqrt(s);
  for (let k = start; k < end; k++) values[k] *= scale;
}

/**
 * Python's string order (by code point): UTF-16 order but for surrogates, which stand for code
 * points above U+FFFF and so sort after U+E000..U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointKey(x) - codePointKey(y);
  }
  return a.length - b.length;
}

const codePointKey = (u: number) => (u >= 0xe000 ? u - 0x800 : u >= 0xd800 ? u + 0x2000 : u);

/**
 * The permutation NumPy's `np.argsort(v)` (kind 'quicksort', its default) returns for these
 * values: an introsort whose partitions take the median of three, finished by insertion sort
 * on stretches of at most 16 and by heapsort past 2 floor(log2 n) levels. Equal values come
 * out in whatever order those steps leave them, which is why it is reproduced step for step.
 */
export function numpyArgsort(v: Float64Array): Int32Array {
  const n = v.length;
  const a = Int32Array.from({ length: n }, (_, i) => i);
  if (n < 2) return a;
  const swap = (i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const stack: number[] = [];
  const depths: number[] = [];
  let pl = 0;
  let pr = n - 1;
  let depth = 2 * (31 - Math.clz32(n));
  for (;;) {
    if (depth < 0) heapsortRange(v, a, pl, pr - pl + 1);
    else {
      while (pr - pl > 15) {
        const pm = pl + ((pr - pl) >> 1);
        if (v[a[pm]] < v[a[pl]]) swap(pm, pl);
        if (v[a[pr]] < v[a[pm]]) swap(pr, pm);
        if (v[a[pm]] < v[a[pl]]) swap(pm, pl);
        const pivot = v[a[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do pi++;
          while (v[a[pi]] < pivot);
          do pj--;
          while (pivot < v[a[pj]]);
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // The larger side waits on the stack.
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--depth);
      }
      for (let i = pl + 1; i <= pr; i++) {
        const vi = a[i];
        const x = v[vi];
        let j = i;
        while (j > pl && x < v[a[j - 1]]) {
          a[j] = a[j - 1];
          j--;
        }
        a[j] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    depth = depths.pop()!;
  }
  return a;
}

/** NumPy's heapsort of the permutation stretch a[start, start + n), one-based as it is written. */
function heapsortRange(v: Float64Array, a: Int32Array, start: number, n: number): void {
  const at = (i: number) => a[start + i - 1];
  const put = (i: number, x: number) => (a[start + i - 1] = x);
  const sift = (top: number, x: number, size: number) => {
    let i = top;
    for (let j = top << 1; j <= size;) {
      if (j < size && v[at(j)] < v[at(j + 1)]) j++;
      if (!(v[x] < v[at(j)])) break;
      put(i, at(j));
      i = j;
      j += j;
    }
    put(i, x);
  };
  for (let l = n >> 1; l > 0; l--) sift(l, at(l), n);
  for (let size = n; size > 1;) {
    const x = at(size);
    put(size, at(1));
    size--;
    sift(1, x, size);
  }
}
