import { kernelThreads, native, nativeError } from '../native/addon.js';

/**
 * How the matrix is stored: float32 as the source had it, or compact (docs/format.md): float16,
 * or int8 with one float32 scale per row (value = int8 x scale).
 */
export type MatrixStorage =
  | { type: 'f32'; data: Float32Array }
  | { type: 'f16'; data: Uint16Array }
  | { type: 'int8'; data: Int8Array; scales: Float32Array };
export type StorageType = MatrixStorage['type'];
export const STORAGE_TYPES: readonly StorageType[] = ['f32', 'f16', 'int8'];
const TYPE_CODE: Record<StorageType, number> = { f32: 0, f16: 1, int8: 2 };
const NO_SCALES = new Float32Array(0);

const f = Math.fround;

/**
 * The dot product as every kernel computes it (native/scan.c): eight float32 lanes, lane l
 * summing the products of the values j = l (mod 8) in order, the lanes then added as
 * ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)). Each float32 operation is done in double and
 * rounded, which gives the float32 result exactly.
 */
export function dot8(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  dims: number,
): number {
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0; // prettier-ignore
  let c = 0;
  for (; c + 8 <= dims; c += 8) {
    const x = ao + c;
    const y = bo + c;
    t0 = f(t0 + f(a[x] * b[y]));
    t1 = f(t1 + f(a[x + 1] * b[y + 1]));
    t2 = f(t2 + f(a[x + 2] * b[y + 2]));
    t3 = f(t3 + f(a[x + 3] * b[y + 3]));
    t4 = f(t4 + f(a[x + 4] * b[y + 4]));
    t5 = f(t5 + f(a[x + 5] * b[y + 5]));
    t6 = f(t6 + f(a[x + 6] * b[y + 6]));
    t7 = f(t7 + f(a[x + 7] * b[y + 7]));
  }
  // The tail written out: a closure for it made every call three times slower.
  const rem = dims - c;
  const x = ao + c;
  const y = bo + c;
  if (rem > 0) t0 = f(t0 + f(a[x] * b[y]));
  if (rem > 1) t1 = f(t1 + f(a[x + 1] * b[y + 1]));
  if (rem > 2) t2 = f(t2 + f(a[x + 2] * b[y + 2]));
  if (rem > 3) t3 = f(t3 + f(a[x + 3] * b[y + 3]));
  if (rem > 4) t4 = f(t4 + f(a[x + 4] * b[y + 4]));
  if (rem > 5) t5 = f(t5 + f(a[x + 5] * b[y + 5]));
  if (rem > 6) t6 = f(t6 + f(a[x + 6] * b[y + 6]));
  return f(f(f(t0 + t4) + f(t2 + t6)) + f(f(t1 + t5) + f(t3 + t7)));
}

let halfTable: Float32Array | undefined;

/** float16 bits to float32, exactly (a table of all 65536). */
export function halfToFloat(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const v =
        e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1024 + m) * 2 ** (e - 25);
      halfTable[h] = h & 0x8000 ? -v : v;
    }
  }
  return halfTable;
}

/** Row `row` as float32 values, written to out at offset o. */
export function decodeRow(
  st: MatrixStorage,
  dims: number,
  row: number,
  out: Float32Array,
  o = 0,
): Float32Array {
  const at = row * dims;
  if (st.type === 'f32') out.set(st.data.subarray(at, at + dims), o);
  else if (st.type === 'f16') {
    const t = halfToFloat();
    for (let j = 0; j < dims; j++) out[o + j] = t[st.data[at + j]];
  } else {
    const s = st.scales[row];
    for (let j = 0; j < dims; j++) out[o + j] = f(st.data[at + j] * s);
  }
  return out;
}

/**
 * out[q * rows + i] = dot8(row i, query q) * scale[i] for the first `rows` rows and every
 * query (queries holds nq * dims floats); with scale = 1 / norm and unit queries, the cosine.
 */
export function products(
  matrix: Float32Array | MatrixStorage,
  dims: number,
  rows: number,
  scale: Float32Array,
  queries: Float32Array,
  out: Float32Array = new Float32Array((queries.length / dims) * rows),
  useNative = true,
): Float32Array {
  const st: MatrixStorage = matrix instanceof Float32Array ? { type: 'f32', data: matrix } : matrix;
  if (native && useNative) {
    const scales = st.type === 'int8' ? st.scales : NO_SCALES;
    try {
      native.products(
        TYPE_CODE[st.type],
        st.data,
        scales,
        dims,
        rows,
        scale,
        queries,
        out,
        kernelThreads,
      );
    } catch (e) {
      throw nativeError(e, 'the vector file');
    }
    return out;
  }
  const nq = queries.length / dims;
  const buf = new Float32Array(dims);
  for (let i = 0; i < rows; i++) {
    const [v, vo] = st.type === 'f32' ? [st.data, i * dims] : [decodeRow(st, dims, i, buf), 0];
    for (let q = 0; q < nq; q++)
      out[q * rows + i] = f(dot8(v, vo, queries, q * dims, dims) * scale[i]);
  }
  return out;
}

/** The best k rows per query: rows (-1 where fewer qualify) and scores, nq x k. */
export interface TopRows {
  rows: Int32Array;
  scores: Float32Array;
}

/**
 * For each unit query (nq x dims), the k rows among the first `rows` with the highest cosine,
 * best first, ties to the lower row, NaN and `exclude[q]` left out: one pass over the matrix
 * for the whole batch (native/scan.c). int8 rows are scanned approximately and the best
 * `candidates` rescored exactly. The fallback below follows the same arithmetic and order, so
 * both give the same answers.
 */
export function scan(
  st: MatrixStorage,
  dims: number,
  rows: number,
  inv: Float32Array,
  queries: Float32Array,
  k: number,
  exclude: readonly (readonly number[])[],
  candidates = k,
  useNative = true,
): TopRows {
  const nq = queries.length / dims;
  const out: TopRows = { rows: new Int32Array(nq * k).fill(-1), scores: new Float32Array(nq * k) };
  if (k <= 0 || nq === 0) return out;
  if (native && useNative) {
    const exStart = new Int32Array(nq + 1);
    exclude.forEach((e, q) => (exStart[q + 1] = exStart[q] + e.length));
    const exRows = Int32Array.from(exclude.flat());
    const scales = st.type === 'int8' ? st.scales : NO_SCALES;
    try {
      native.scan(
        TYPE_CODE[st.type], st.data, scales, dims, rows, inv, queries, k, candidates,
        exStart, exRows, out.rows, out.scores, kernelThreads,
      ); // prettier-ignore
    } catch (e) {
      throw nativeError(e, 'the vector file');
    }
    return out;
  }
  const K = Math.min(rows, st.type === 'int8' ? Math.max(k, candidates) : k);
  const lists = Array.from({ length: nq }, (_, q) => {
    const skip = new Set(exclude[q] ?? []);
    return new TopList(K, (row) => skip.has(row));
  });
  const buf = new Float32Array(dims);
  if (st.type === 'int8') {
    const qi8 = new Int8Array(nq * dims);
    const qscale = Float32Array.from({ length: nq }, (_, q) =>
      quantize(queries, q * dims, dims, qi8),
    );
    for (let i = 0; i < rows; i++) {
      const rf = f(st.scales[i] * inv[i]);
      const at = i * dims;
      for (let q = 0; q < nq; q++) {
        let d = 0;
        for (let j = 0, qo = q * dims; j < dims; j++) d += st.data[at + j] * qi8[qo + j];
        lists[q].offer(f(f(d * qscale[q]) * rf), i);
      }
    }
    lists.forEach((l, q) => {
      for (let c = 0; c < l.size; c++)
        l.scores[c] = f(
          dot8(decodeRow(st, dims, l.rows[c], buf), 0, queries, q * dims, dims) * inv[l.rows[c]],
        );
    });
  } else {
    for (let i = 0; i < rows; i++) {
      const [v, vo] = st.type === 'f32' ? [st.data, i * dims] : [decodeRow(st, dims, i, buf), 0];
      for (let q = 0; q < nq; q++)
        lists[q].offer(f(dot8(v, vo, queries, q * dims, dims) * inv[i]), i);
    }
  }
  lists.forEach((l, q) => {
    const order = l.sorted();
    for (let c = 0; c < Math.min(k, order.length); c++) {
      out.rows[q * k + c] = l.rows[order[c]];
      out.scores[q * k + c] = l.scores[order[c]];
    }
  });
  return out;
}

/**
 * A vector rounded to int8 with its own scale (largest magnitude to 127, halves away from
 * zero), as native/scan.c rounds queries and the .emb writer rows; returns the scale.
 */
export function quantize(q: Float32Array, o: number, dims: number, out: Int8Array): number {
  let max = 0;
  for (let j = 0; j < dims; j++) max = Math.max(max, Math.abs(q[o + j]));
  const scale = max > 0 ? f(max / 127) : 1;
  for (let j = 0; j < dims; j++) {
    const v = f(q[o + j] / scale);
    const x = Math.trunc(f(v < 0 ? v - 0.5 : v + 0.5));
    out[o + j] = Math.max(-127, Math.min(127, x));
  }
  return scale;
}

/**
 * The best `cap` (score, row) pairs: a heap whose root is the worst kept (lowest score, then
 * highest row), so the cost stays O(log cap) per row however large cap is.
 */
export class TopList {
  readonly rows: Int32Array;
  readonly scores: Float32Array;
  size = 0;

  constructor(
    readonly cap: number,
    private readonly skip: (row: number) => boolean = () => false,
  ) {
    this.rows = new Int32Array(cap);
    this.scores = new Float32Array(cap);
  }

  private worse(i: number, s: number, r: number): boolean {
    return this.scores[i] < s || (this.scores[i] === s && this.rows[i] > r);
  }

  offer(s: number, r: number): void {
    if (s !== s || this.cap === 0) return;
    if (this.size === this.cap && !this.worse(0, s, r)) return;
    if (this.skip(r)) return;
    const { rows, scores } = this;
    let i: number;
    if (this.size < this.cap) {
      i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!(s < scores[p] || (s === scores[p] && r > rows[p]))) break;
        rows[i] = rows[p];
        scores[i] = scores[p];
        i = p;
      }
    } else {
      i = 0;
      for (;;) {
        const l = 2 * i + 1;
        let m = i;
        let ms = s;
        let mr = r;
        if (l < this.size && (scores[l] < ms || (scores[l] === ms && rows[l] > mr))) {
          m = l;
          ms = scores[l];
          mr = rows[l];
        }
        if (l + 1 < this.size && (scores[l + 1] < ms || (scores[l + 1] === ms && rows[l + 1] > mr)))
          m = l + 1;
        if (m === i) break;
        rows[i] = rows[m];
        scores[i] = scores[m];
        i = m;
      }
    }
    rows[i] = r;
    scores[i] = s;
  }

  /** Indices of the kept pairs, best first; also reorders the arrays that way. */
  sorted(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (a, b) => this.scores[b] - this.scores[a] || this.rows[a] - this.rows[b],
    );
    const rows = order.map((i) => this.rows[i]);
    const scores = order.map((i) => this.scores[i]);
    this.rows.set(rows);
    this.scores.set(scores);
    return order.map((_, i) => i);
  }
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
