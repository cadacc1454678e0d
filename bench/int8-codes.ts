/**
 * Could a better int8 code reach recall@10 0.99 against float32 on real vectors (issue 20)?
 * The bundled GloVe 6B 100d, the protocol of bench/scale.ts (the first 400 distinct words of
 * questions-words.txt as queries, each query's own row excluded, top 10 by cosine): the
 * float32 answers against those of the same search over each code's decoded rows, the query
 * decoded too, as `emb similar` on a compact file does. Then emb's own int8 scan (integer
 * first pass, candidates rescored) on the file `emb convert --quantize int8` writes, and the
 * time of the native scans.
 *
 *   npm run build:native && flock /tmp/emb-bench.lock node --import tsx bench/int8-codes.ts
 *
 * Codes (each row keeps its float32 scale; the decoded row's norm is stored as today):
 * - row: today's code, each row rounded to int8 with its own scale (largest magnitude -> 127).
 * - row, clipped: the row's scale chosen among 1, 0.95, ..., 0.5 times that to minimise the
 *   squared error (the few large values are clipped, the many small ones get more levels).
 * - dims, then row: each dimension divided by its RMS over the vocabulary first (100 more
 *   floats in the file), then the row code; decoded times the dimension's scale. A scan folds
 *   the dimension scales into the query, so its integer pass is unchanged.
 * - centred, then row: each dimension's mean subtracted first; a scan adds dot(query, mean),
 *   one number per query.
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { readEmb } from '../src/formats/emb.js';
import { convertVectors } from '../src/api/convert.js';
import { defaultVectorsPath } from '../src/store/home.js';
import { quantize } from '../src/embeddings/kernels.js';
import { native } from '../src/native/addon.js';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (!native) throw new Error('bench/int8-codes.ts needs the native addon (npm run build:native)');
const addon = native;
const root = fileURLToPath(new URL('..', import.meta.url));
const emb = readEmb(defaultVectorsPath());
const { rows, dims } = emb;
const matrix = emb.rowsFloat32();
const words = readFileSync(`${root}../shared/data/analogy/questions-words.txt`, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith(':'))
  .flatMap((l) => l.toLowerCase().split(' '));
const ids = [...new Set(words)]
  .slice(0, 400)
  .map((w) => emb.lookup(w)?.row)
  .filter((r): r is number => r !== undefined);
const nq = ids.length;
const K = 10;
const exStart = Int32Array.from({ length: nq + 1 }, (_, q) => q);
const exRows = Int32Array.from(ids);

function invNorms(m: Float32Array): Float32Array {
  const inv = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * dims; j < (r + 1) * dims; j++) s += m[j] * m[j];
    inv[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  return inv;
}

/** Top-K rows per query over float32 rows m (the queries are m's rows `ids`). */
function search(m: Float32Array): { top: Int32Array; ms: number } {
  const inv = invNorms(m);
  const queries = new Float32Array(nq * dims);
  ids.forEach((r, q) => queries.set(m.subarray(r * dims, (r + 1) * dims), q * dims));
  const top = new Int32Array(nq * K);
  const t = performance.now();
  addon.scan(
    0,
    m,
    new Float32Array(0),
    dims,
    rows,
    inv,
    queries,
    K,
    K,
    exStart,
    exRows,
    top,
    new Float32Array(nq * K),
    2,
  );
  return { top, ms: performance.now() - t };
}

function recall(exact: Int32Array, got: Int32Array): number {
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const want = new Set(exact.subarray(q * K, (q + 1) * K));
    for (const r of got.subarray(q * K, (q + 1) * K)) if (want.has(r)) hits++;
  }
  return hits / (nq * K);
}

/** Each row rounded to int8 with its own scale (clipped: the best of 11 caps), decoded. */
function rowCode(src: Float32Array, clip: boolean): Float32Array {
  const out = new Float32Array(src.length);
  const q = new Int8Array(dims);
  const v = new Float32Array(dims);
  for (let r = 0; r < rows; r++) {
    const o = r * dims;
    const row = src.subarray(o, o + dims);
    let best = Infinity;
    for (const f of clip ? [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5] : [1]) {
      for (let j = 0; j < dims; j++) v[j] = row[j];
      let max = 0;
      for (let j = 0; j < dims; j++) max = Math.max(max, Math.abs(v[j]));
      // Values beyond f * max are clipped to it: quantize() maps the largest magnitude to 127.
      const cap = f * max;
      for (let j = 0; j < dims; j++) v[j] = Math.max(-cap, Math.min(cap, v[j]));
      const scale = quantize(v, 0, dims, q);
      let err = 0;
      for (let j = 0; j < dims; j++) err += (q[j] * scale - row[j]) ** 2;
      if (err < best) {
        best = err;
        for (let j = 0; j < dims; j++) out[o + j] = Math.fround(q[j] * scale);
      }
    }
  }
  return out;
}

// Each dimension's mean and root mean square over the vocabulary.
const mean = new Float64Array(dims);
const rms = new Float64Array(dims);
for (let i = 0; i < matrix.length; i++) {
  mean[i % dims] += matrix[i] / rows;
  rms[i % dims] += (matrix[i] * matrix[i]) / rows;
}
rms.forEach((v, j) => (rms[j] = Math.sqrt(v)));

function mapColumns(m: Float32Array, f: (v: number, j: number) => number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = f(m[i], i % dims);
  return out;
}

const load = () => loadavg()[0].toFixed(1);
console.log(
  `## int8 codes on GloVe 6B 100d: recall@10 against float32 (${nq} queries; load ${load()})\n`,
);
const exact = search(matrix);
const codes: Record<string, () => Float32Array> = {
  'row (today)': () => rowCode(matrix, false),
  'row, clipped (least squared error)': () => rowCode(matrix, true),
  'dims (RMS), then row': () =>
    mapColumns(
      rowCode(
        mapColumns(matrix, (v, j) => v / rms[j]),
        false,
      ),
      (v, j) => Math.fround(v * rms[j]),
    ),
  'dims (RMS), then row, clipped': () =>
    mapColumns(
      rowCode(
        mapColumns(matrix, (v, j) => v / rms[j]),
        true,
      ),
      (v, j) => Math.fround(v * rms[j]),
    ),
  'centred, then row': () =>
    mapColumns(
      rowCode(
        mapColumns(matrix, (v, j) => v - mean[j]),
        false,
      ),
      (v, j) => Math.fround(v + mean[j]),
    ),
  'centred, dims (RMS), then row, clipped': () =>
    mapColumns(
      rowCode(
        mapColumns(matrix, (v, j) => (v - mean[j]) / rms[j]),
        true,
      ),
      (v, j) => Math.fround(v * rms[j] + mean[j]),
    ),
};
console.log('| code | recall@10 | extra bytes in the file |');
console.log('|---|---|---|');
for (const [name, make] of Object.entries(codes)) {
  const extra = name.startsWith('row') ? 0 : name.includes('centred, dims') ? 8 * dims : 4 * dims;
  console.log(`| ${name} | ${recall(exact.top, search(make()).top).toFixed(4)} | ${extra} |`);
}

// emb's own int8 search: the file convert writes, integer first pass, candidates rescored.
const out = `${root}bench/out/int8/`;
mkdirSync(out, { recursive: true });
const int8Path = `${out}glove-int8.emb`;
if (!existsSync(int8Path))
  await convertVectors(defaultVectorsPath(), int8Path, { to: 'emb', quantize: 'int8' });
const small = readEmb(int8Path);
const st = small.storage;
if (st.type !== 'int8') throw new Error(`${int8Path}: expected int8 storage`);
const inv8 = small.scale;
const queries8 = new Float32Array(nq * dims);
ids.forEach((r, q) => queries8.set(small.row(r), q * dims));
console.log(
  '\n| emb similar on the int8 file: candidates rescored | recall@10 | scan ms for 400 queries |',
);
console.log('|---|---|---|');
for (const candidates of [10, 2 * K + 32, 100, 200]) {
  const top = new Int32Array(nq * K);
  const t = performance.now();
  addon.scan(
    2,
    st.data,
    st.scales,
    dims,
    rows,
    inv8,
    queries8,
    K,
    candidates,
    exStart,
    exRows,
    top,
    new Float32Array(nq * K),
    2,
  );
  const ms = performance.now() - t;
  console.log(
    `| ${candidates}${candidates === 2 * K + 32 ? ' (today: 2k + 32)' : ''} | ${recall(exact.top, top).toFixed(4)} | ${ms.toFixed(0)} |`,
  );
}
console.log(
  `\nfloat32 scan of the same 400 queries: ${exact.ms.toFixed(0)} ms. Load average at the end ${load()}.`,
);
