/**
 * The arithmetic of the fine-tuned networks: the convolution over padded word sequences with
 * max over time, dense layers, and Adam. native/nets.c runs it on two threads; the JavaScript
 * here is its fallback and gives the same bits: every float32 operation is done in double and
 * rounded (Math.fround), which is exact for + - * / and sqrt, in the order the C code uses,
 * and dot products are embeddings/kernels.ts's dot8, as native/common.h's.
 *
 * TensorFlow.js is not used: its wasm backend has no convolution filter gradient and no
 * embedding gradient, and its cpu backend took 17 s for one filter gradient (issue 17).
 */
import { dot8 } from '../../embeddings/kernels.js';
import { kernelThreads, native } from '../../native/addon.js';

const f = Math.fround;

/** Max over time found no value above 0: relu passes no gradient. */
export const NONE = -(1 << 30);
/** A window of padding alone won: only the bias has a gradient. */
export const PADDED = NONE + 1;

/** A batch of word sequences: ids[offsets[b] .. offsets[b+1]) are example b's table rows. */
export interface Sequences {
  table: Float32Array;
  dims: number;
  ids: Int32Array;
  offsets: Int32Array;
}

/** Filter groups: `maps` filters of each width, weight rows grouped by width, then filter. */
export interface Filters {
  widths: Int32Array;
  maps: number;
  /** maps x sum(widths) rows of dims: filter m of group g, its rows r = 0 .. w-1. */
  weights: Float32Array;
  /** One per filter, groups in order. */
  bias: Float32Array;
}

export interface Kernels {
  /**
   * pooled (batch x filters) = relu(max over time) of each filter over each example's
   * sequence, padded with wmax - 1 zero rows before and wmax - 1 + max(0, maxLen - n) after;
   * arg = the window start that won (token index, may be negative), NONE or PADDED.
   */
  convForward(
    s: Sequences,
    c: Filters,
    maxLen: number,
    pooled: Float32Array,
    arg: Int32Array,
  ): void;
  /** The filters' gradients (overwritten) and, unless dInputs is empty, each token's. */
  convBackward(
    s: Sequences,
    c: Filters,
    dPooled: Float32Array,
    arg: Int32Array,
    dWeights: Float32Array,
    dBias: Float32Array,
    dInputs: Float32Array,
  ): void;
  /** out = x W' + b (W outs x inputs), then relu (z > 0 ? z : 0) when asked. */
  denseForward(
    x: Float32Array,
    rows: number,
    inputs: number,
    weights: Float32Array,
    bias: Float32Array,
    outs: number,
    relu: boolean,
    out: Float32Array,
  ): void;
  /** Gradients of the weights and bias (overwritten) and, unless dX is empty, of x. */
  denseBackward(
    x: Float32Array,
    rows: number,
    inputs: number,
    weights: Float32Array,
    dOut: Float32Array,
    outs: number,
    dWeights: Float32Array,
    dBias: Float32Array,
    dX: Float32Array,
  ): void;
  /**
   * One Adam step on every value of param (rows empty), or on the listed rows of a table of
   * rows of `dims` (grad: one row per listed row). constants: adamConstants().
   */
  adam(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    grad: Float32Array,
    constants: Float32Array,
    rows: Int32Array,
    dims: number,
  ): void;
}

/** Adam's constants for step t (from 1), as float32: PyTorch's formulation. */
export function adamConstants(lr: number, t: number, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  return Float32Array.of(b1, 1 - b1, b2, 1 - b2, Math.sqrt(1 - b2 ** t), lr / (1 - b1 ** t), eps);
}

/** The first weight row of each filter group, and one past the last. */
function groupRows(c: Filters): number[] {
  const out = [0];
  for (const w of c.widths) out.push(out[out.length - 1] + c.maps * w);
  return out;
}

function axpy(y: Float32Array, yo: number, g: number, x: Float32Array, xo: number, n: number) {
  for (let j = 0; j < n; j++) y[yo + j] = f(y[yo + j] + f(g * x[xo + j]));
}

export const jsKernels: Kernels = {
  convForward({ table, dims, ids, offsets }, c, maxLen, pooled, arg) {
    const rows = groupRows(c);
    const R = rows[rows.length - 1];
    const GM = c.widths.length * c.maps;
    const wmax = Math.max(...c.widths);
    for (let b = 0; b + 1 < offsets.length; b++) {
      const start = offsets[b];
      const n = offsets[b + 1] - start;
      const a = new Float32Array(n * R);
      for (let i = 0; i < n; i++)
        for (let q = 0; q < R; q++)
          a[i * R + q] = dot8(table, ids[start + i] * dims, c.weights, q * dims, dims);
      c.widths.forEach((w, g) => {
        const left = w < wmax;
        const right = w < wmax || n < maxLen;
        for (let m = 0; m < c.maps; m++) {
          const q0 = rows[g] + m * w;
          const bias = c.bias[g * c.maps + m];
          let best = -Infinity;
          let at = NONE;
          if (left) [best, at] = [bias, PADDED];
          for (let t = -(w - 1); t < n; t++) {
            let acc = 0;
            for (let r = 0; r < w; r++) {
              const i = t + r;
              if (i >= 0 && i < n) acc = f(acc + a[i * R + q0 + r]);
            }
            const z = f(acc + bias);
            if (z > best) [best, at] = [z, t];
          }
          if (right && bias > best) [best, at] = [bias, PADDED];
          const o = b * GM + g * c.maps + m;
          pooled[o] = best > 0 ? best : 0;
          arg[o] = best > 0 ? at : NONE;
        }
      });
    }
  },

  convBackward({ table, dims, ids, offsets }, c, dPooled, arg, dWeights, dBias, dInputs) {
    const rows = groupRows(c);
    const GM = c.widths.length * c.maps;
    const batch = offsets.length - 1;
    dWeights.fill(0);
    for (let gf = 0; gf < GM; gf++) {
      const g = Math.floor(gf / c.maps);
      const w = c.widths[g];
      const q0 = rows[g] + (gf % c.maps) * w;
      let db = 0;
      for (let b = 0; b < batch; b++) {
        const at = arg[b * GM + gf];
        const gv = dPooled[b * GM + gf];
        if (at === NONE || gv === 0) continue;
        db = f(db + gv);
        if (at === PADDED) continue;
        const start = offsets[b];
        const n = offsets[b + 1] - start;
        for (let r = 0; r < w; r++) {
          const i = at + r;
          if (i >= 0 && i < n)
            axpy(dWeights, (q0 + r) * dims, gv, table, ids[start + i] * dims, dims);
        }
      }
      dBias[gf] = db;
    }
    if (dInputs.length === 0) return;
    dInputs.fill(0, 0, ids.length * dims);
    for (let b = 0; b < batch; b++) {
      const start = offsets[b];
      const n = offsets[b + 1] - start;
      c.widths.forEach((w, g) => {
        for (let m = 0; m < c.maps; m++) {
          const at = arg[b * GM + g * c.maps + m];
          const gv = dPooled[b * GM + g * c.maps + m];
          if (at === NONE || at === PADDED || gv === 0) continue;
          const q0 = rows[g] + m * w;
          for (let r = 0; r < w; r++) {
            const i = at + r;
            if (i >= 0 && i < n)
              axpy(dInputs, (start + i) * dims, gv, c.weights, (q0 + r) * dims, dims);
          }
        }
      });
    }
  },

  denseForward(x, rows, inputs, weights, bias, outs, relu, out) {
    for (let i = 0; i < rows; i++)
      for (let o = 0; o < outs; o++) {
        const z = f(dot8(x, i * inputs, weights, o * inputs, inputs) + bias[o]);
        out[i * outs + o] = relu && !(z > 0) ? 0 : z;
      }
  },

  denseBackward(x, rows, inputs, weights, dOut, outs, dWeights, dBias, dX) {
    dWeights.fill(0, 0, outs * inputs);
    for (let o = 0; o < outs; o++) {
      let db = 0;
      for (let i = 0; i < rows; i++) {
        const g = dOut[i * outs + o];
        if (g === 0) continue;
        db = f(db + g);
        axpy(dWeights, o * inputs, g, x, i * inputs, inputs);
      }
      dBias[o] = db;
    }
    if (dX.length === 0) return;
    dX.fill(0, 0, rows * inputs);
    for (let i = 0; i < rows; i++)
      for (let o = 0; o < outs; o++) {
        const g = dOut[i * outs + o];
        if (g !== 0) axpy(dX, i * inputs, g, weights, o * inputs, inputs);
      }
  },

  adam(param, m, v, grad, c, rows, dims) {
    const [b1, ob1, b2, ob2, c2, step, eps] = c;
    const span = (at: number, g0: number, n: number) => {
      for (let i = 0; i < n; i++) {
        const g = grad[g0 + i];
        const mi = f(f(b1 * m[at + i]) + f(ob1 * g));
        const vi = f(f(b2 * v[at + i]) + f(f(ob2 * g) * g));
        m[at + i] = mi;
        v[at + i] = vi;
        param[at + i] = f(param[at + i] - f(step * f(mi / f(f(f(Math.sqrt(vi)) / c2) + eps))));
      }
    };
    if (rows.length === 0) span(0, 0, param.length);
    else rows.forEach((r, k) => span(r * dims, k * dims, dims));
  },
};

/** What a backward pass takes for gradients not wanted (the inputs of a first layer). */
export const NO_INPUTS = new Float32Array(0);

function nativeKernels(addon: NonNullable<typeof native>, threads: number): Kernels {
  return {
    convForward: (s, c, maxLen, pooled, arg) =>
      addon.convForward(
        s.table,
        s.dims,
        s.ids,
        s.offsets,
        c.weights,
        c.bias,
        c.widths,
        c.maps,
        maxLen,
        pooled,
        arg,
        threads,
      ),
    convBackward: (s, c, dPooled, arg, dWeights, dBias, dInputs) =>
      addon.convBackward(
        s.table,
        s.dims,
        s.ids,
        s.offsets,
        c.weights,
        c.widths,
        c.maps,
        dPooled,
        arg,
        dWeights,
        dBias,
        dInputs,
        threads,
      ),
    denseForward: (x, rows, inputs, weights, bias, outs, relu, out) =>
      addon.denseForward(x, rows, inputs, weights, bias, outs, relu ? 1 : 0, out, threads),
    denseBackward: (x, rows, inputs, weights, dOut, outs, dWeights, dBias, dX) =>
      addon.denseBackward(x, rows, inputs, weights, dOut, outs, dWeights, dBias, dX, threads),
    adam: (param, m, v, grad, constants, rows, dims) =>
      addon.adam(param, m, v, grad, constants, rows, dims),
  };
}

/** The native kernels when the addon loaded (EMB_NO_NATIVE=1: the JavaScript ones). */
export const kernels: Kernels = native ? nativeKernels(native, kernelThreads) : jsKernels;

/** For tests: the native kernels with a given number of threads, if the addon loaded. */
export function nativeKernelsWith(threads: number): Kernels | undefined {
  return native ? nativeKernels(native, threads) : undefined;
}
