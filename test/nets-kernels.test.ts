/**
 * The fine-tuned networks' kernels: native/nets.c and its JavaScript fallback give the same
 * bits with one thread or two, and the convolution's gradients are those of its forward pass
 * (checked against finite differences in double).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adamConstants,
  jsKernels,
  nativeKernelsWith,
  NONE,
  NO_INPUTS,
  PADDED,
  type Filters,
  type Kernels,
  type Sequences,
} from '../src/models/nets/kernels.js';
import { Random } from '../src/random.js';

const rng = new Random(11);
const uniform = (n: number, scale = 1) =>
  Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);

/** Sequences of the lengths given (0 included) over a random table. */
function sequences(lengths: number[], dims: number, rows = 40): Sequences {
  const offsets = new Int32Array(lengths.length + 1);
  lengths.forEach((n, i) => (offsets[i + 1] = offsets[i] + n));
  const ids = Int32Array.from({ length: offsets[lengths.length] }, () => rng.int(rows));
  return { table: uniform(rows * dims), dims, ids, offsets };
}

function filters(widths: number[], maps: number, dims: number): Filters {
  const rows = maps * widths.reduce((a, b) => a + b, 0);
  return {
    widths: Int32Array.from(widths),
    maps,
    weights: uniform(rows * dims, 0.3),
    bias: uniform(widths.length * maps, 0.2),
  };
}

const native = [1, 2].map((t) => nativeKernelsWith(t));
const engines: [string, Kernels][] = [
  ['js', jsKernels],
  ...native.flatMap((k, i): [string, Kernels][] => (k ? [[`native x${i + 1}`, k]] : [])),
];

test('the native addon is there to compare with (EMB_NO_NATIVE=1 runs the fallback alone)', () => {
  if (process.env.EMB_NO_NATIVE === '1') assert.equal(engines.length, 1);
  else assert.equal(engines.length, 3, 'the native kernels did not load');
});

for (const dims of [13, 100]) {
  test(`convolution, ${dims} dims: every engine gives the same bits, forward and backward`, () => {
    const lengths = [0, 1, 2, 5, 9, 17, 3, 30, 4];
    const s = sequences(lengths, dims);
    const c = filters([3, 4, 5], 7, dims);
    const GM = 3 * 7;
    const dPooled = uniform(lengths.length * GM);
    dPooled[3] = 0;
    const outs = engines.map(([, k]) => {
      const pooled = new Float32Array(lengths.length * GM);
      const arg = new Int32Array(lengths.length * GM);
      k.convForward(s, c, 20, pooled, arg);
      const dW = new Float32Array(c.weights.length).fill(9);
      const dB = new Float32Array(c.bias.length);
      const dX = new Float32Array(s.ids.length * dims).fill(9);
      k.convBackward(s, c, dPooled, arg, dW, dB, dX);
      return { pooled, arg, dW, dB, dX };
    });
    for (const [i, [name]] of engines.entries())
      for (const key of ['pooled', 'arg', 'dW', 'dB', 'dX'] as const)
        assert.deepEqual(outs[i][key], outs[0][key], `${name}: ${key}`);
    const { arg } = outs[0];
    assert.ok(arg.includes(PADDED) && arg.some((a) => a >= 0), 'both kinds of winner occur');
  });
}

test('dense layers and Adam: every engine gives the same bits', () => {
  const [rows, inputs, outs] = [37, 21, 11];
  const x = uniform(rows * inputs);
  const w = uniform(outs * inputs);
  const b = uniform(outs);
  const dOut = uniform(rows * outs);
  const results = engines.map(([, k]) => {
    const out = new Float32Array(rows * outs);
    k.denseForward(x, rows, inputs, w, b, outs, true, out);
    const dW = new Float32Array(outs * inputs);
    const dB = new Float32Array(outs);
    const dX = new Float32Array(rows * inputs);
    k.denseBackward(x, rows, inputs, w, dOut, outs, dW, dB, dX);
    const p = w.slice();
    const m = new Float32Array(p.length);
    const v = new Float32Array(p.length);
    for (let t = 1; t <= 3; t++) k.adam(p, m, v, dW, adamConstants(1e-3, t), new Int32Array(0), 0);
    // The lazy update of two rows of the same table.
    k.adam(
      p,
      m,
      v,
      dW.subarray(0, 2 * inputs),
      adamConstants(1e-3, 4),
      Int32Array.of(5, 2),
      inputs,
    );
    return { out, dW, dB, dX, p, m, v };
  });
  for (const [i, [name]] of engines.entries())
    for (const key of ['out', 'dW', 'dB', 'dX', 'p', 'm', 'v'] as const)
      assert.deepEqual(results[i][key], results[0][key], `${name}: ${key}`);
  assert.ok(results[0].out.some((z) => z === 0) && results[0].out.some((z) => z > 0));
});

test('Adam: every engine gives the same bits for gradients of every scale', () => {
  const n = 4000;
  const g = Float32Array.from({ length: n }, (_, i) => (2 * rng.next() - 1) * 10 ** ((i % 9) - 6));
  const start = uniform(n);
  const results = engines.map(([, k]) => {
    const [p, m, v] = [start.slice(), new Float32Array(n), new Float32Array(n)];
    for (let t = 1; t <= 5; t++) k.adam(p, m, v, g, adamConstants(1e-3, t), new Int32Array(0), 0);
    return p;
  });
  for (const [i, [name]] of engines.entries()) assert.deepEqual(results[i], results[0], name);
});

test('the convolution gradients are those of the forward pass (finite differences)', () => {
  const dims = 5;
  const s = sequences([6, 2, 0, 4], dims, 12);
  const c = filters([2, 3], 3, dims);
  const GM = 6;
  // loss = sum of u * pooled, for fixed random u; differences across a change of the winning
  // window (a kink of max) are not compared.
  const u = uniform(4 * GM);
  const loss = () => {
    const pooled = new Float32Array(4 * GM);
    const arg = new Int32Array(4 * GM);
    jsKernels.convForward(s, c, 6, pooled, arg);
    return { value: pooled.reduce((a, p, i) => a + p * u[i], 0), arg: arg.join() };
  };
  const pooled = new Float32Array(4 * GM);
  const arg = new Int32Array(4 * GM);
  jsKernels.convForward(s, c, 6, pooled, arg);
  assert.ok(arg.some((a) => a !== NONE));
  const dW = new Float32Array(c.weights.length);
  const dB = new Float32Array(c.bias.length);
  const dX = new Float32Array(s.ids.length * dims);
  jsKernels.convBackward(s, c, u, arg, dW, dB, dX);
  const numeric = (values: Float32Array, i: number) => {
    const h = 1e-3;
    const keep = values[i];
    values[i] = keep + h;
    const up = loss();
    values[i] = keep - h;
    const down = loss();
    values[i] = keep;
    return up.arg === down.arg ? (up.value - down.value) / (2 * h) : NaN;
  };
  const close = (a: number, b: number) => Number.isNaN(a) || Math.abs(a - b) < 5e-3;
  for (let i = 0; i < c.weights.length; i += 7)
    assert.ok(close(numeric(c.weights, i), dW[i]), `weight ${i}`);
  for (let i = 0; i < c.bias.length; i++) assert.ok(close(numeric(c.bias, i), dB[i]), `bias ${i}`);
  // A token's gradient is its table row's when the row occurs once in the batch.
  const once = [...s.ids.keys()].filter((k) => s.ids.filter((r) => r === s.ids[k]).length === 1);
  assert.ok(once.length > 2);
  for (const k of once)
    for (let j = 0; j < dims; j++)
      assert.ok(close(numeric(s.table, s.ids[k] * dims + j), dX[k * dims + j]), `token ${k}`);
  assert.equal(NO_INPUTS.length, 0);
});
