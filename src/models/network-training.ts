/**
 * What the dense networks share (mlp on sentence vectors, bow-mlp on word counts): relu hidden
 * layers with dropout, softmax, Adam, an L2 penalty on the weights, and early stopping on a
 * stratified validation split like scikit-learn's MLPClassifier(early_stopping=True); the
 * logits of the best epoch's weights are then temperature-scaled on that split (calibration.ts).
 *
 * Gradients are written out by hand rather than taken with tf.grad: the wasm backend's matMul
 * with a transposed operand (what autodiff emits for dense layers) is ~8x slower than an
 * explicit tf.transpose followed by a plain matMul. The first layer is the input's own
 * (NetworkInput): a plain matMul for dense rows, sparse products in JavaScript for counts,
 * whose dense rows would cost a 5,000-column matMul per step.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { checkAborted } from '../errors.js';
import type { Csr } from '../features/bow.js';
import { kernelThreads, native } from '../native/addon.js';
import { Random } from '../random.js';
import { groupsOf } from '../text/duplicates.js';
import { stratifiedHoldout } from '../text/splits.js';
import { fitCalibration, UNFITTED, type Calibration } from './calibration.js';
import { argmaxRow, type TrainContext, type TrainingSet } from './kind.js';
import { classWeights, scorer } from './metric.js';
import type { BaseSettings, NetworkSettings } from './setting.js';
import type { Tf } from './tfjs/backend.js';

/**
 * Where the first layer's inputs come from. Its weights are (dims + 1) x units, the last row
 * the bias, as if every row ended with a constant 1.
 */
export interface NetworkInput {
  readonly dims: number;
  /** X[rows] W1 as an m x units tensor; gradient() then refers to these rows. */
  product(tf: Tf, W1: Tensor, rows: readonly number[]): Tensor;
  /** X[rows]' dz for the rows of the last product, (dims + 1) x units. */
  gradient(tf: Tf, dz: Tensor): Tensor;
}

/** Dense rows, n x dims row-major (sentence vectors). */
export function denseInput(x: Float32Array, dims: number): NetworkInput {
  const e = dims + 1;
  let xsT: Float32Array = new Float32Array(0);
  let m = 0;
  return {
    dims,
    product(tf, W1, rows) {
      m = rows.length;
      // The batch in both layouts: building x' here is cheaper than tf.transpose.
      const xs = new Float32Array(m * e);
      xsT = new Float32Array(e * m);
      for (let i = 0; i < m; i++) {
        const base = rows[i] * dims;
        for (let j = 0; j < dims; j++) xsT[j * m + i] = xs[i * e + j] = x[base + j];
        xsT[dims * m + i] = xs[i * e + dims] = 1;
      }
      return tf.matMul(tf.tensor2d(xs, [m, e]), W1);
    },
    gradient: (tf, dz) => tf.matMul(tf.tensor2d(xsT, [e, m]), dz),
  };
}

/**
 * Sparse rows (word counts): the products walk each row's nonzeros in float32, each step taken
 * in double (native/sparse.c, which gives the same bits on its threads, or these loops).
 */
export function sparseInput(x: Csr): NetworkInput {
  const d = x.cols;
  let batch = new Int32Array(0);
  return {
    dims: d,
    product(tf, W1, rows) {
      batch = Int32Array.from(rows);
      const w = W1.dataSync() as Float32Array;
      const h = w.length / (d + 1);
      const z = new Float32Array(rows.length * h);
      if (native)
        native.sparseProduct(x.indptr, x.indices, x.values, d, batch, w, h, z, 0, kernelThreads);
      else sparseTimesDense(x, batch, w, h, z);
      return tf.tensor2d(z, [rows.length, h]);
    },
    gradient(tf, dz) {
      const g = dz.dataSync() as Float32Array;
      const h = g.length / batch.length;
      const out = new Float32Array((d + 1) * h);
      if (native)
        native.sparseProduct(x.indptr, x.indices, x.values, d, batch, g, h, out, 1, kernelThreads);
      else sparseTransposeTimesDense(x, batch, g, h, out);
      return tf.tensor2d(out, [d + 1, h]);
    },
  };
}

/** z[i] = w[d] + sum_p v_p w[j_p] over row rows[i] (w is (d + 1) x h). */
function sparseTimesDense(x: Csr, rows: Int32Array, w: Float32Array, h: number, z: Float32Array) {
  const { indptr, indices, values, cols: d } = x;
  for (let i = 0; i < rows.length; i++) {
    const zi = i * h;
    for (let u = 0; u < h; u++) z[zi + u] = w[d * h + u];
    for (let p = indptr[rows[i]]; p < indptr[rows[i] + 1]; p++) {
      const v = values[p];
      const wj = indices[p] * h;
      for (let u = 0; u < h; u++) z[zi + u] += v * w[wj + u];
    }
  }
}

/** out[j_p] += v_p g[i] over row rows[i], and out[d] += g[i] (out is (d + 1) x h). */
function sparseTransposeTimesDense(
  x: Csr,
  rows: Int32Array,
  g: Float32Array,
  h: number,
  out: Float32Array,
) {
  const { indptr, indices, values, cols: d } = x;
  for (let i = 0; i < rows.length; i++) {
    const gi = i * h;
    for (let p = indptr[rows[i]]; p < indptr[rows[i] + 1]; p++) {
      const v = values[p];
      const oj = indices[p] * h;
      for (let u = 0; u < h; u++) out[oj + u] += v * g[gi + u];
    }
    for (let u = 0; u < h; u++) out[d * h + u] += g[gi + u];
  }
}

function glorot(rows: number, cols: number, rng: Random): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (2 * rng.next() - 1) * limit);
}

/**
 * Inverted dropout masks from a seeded xorshift32 stream: four 8-bit draws per step of the
 * generator, as the mask is the costliest JavaScript part of a training step. The keep
 * probability is rounded to 1/256 and the scale is its exact inverse.
 */
function dropoutMasks(keep: number, seed: number): (mask: Float32Array) => void {
  const threshold = Math.max(1, Math.round(keep * 256));
  const scale = 256 / threshold;
  let x = seed >>> 0 || 0x9e3779b9;
  return (mask) => {
    for (let i = 0; i < mask.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const n = Math.min(4, mask.length - i);
      for (let b = 0; b < n; b++) mask[i + b] = ((x >>> (8 * b)) & 0xff) < threshold ? scale : 0;
    }
  };
}

/**
 * The best epoch's weights, as tensors the caller owns: W1 ((dims + 1) x units[0], the last row
 * the bias), then for each further layer (hidden ones, then the output) its weights stored
 * transposed (units x inputs) and its bias. The calibration is not folded in.
 */
export interface TrainedNetwork {
  weights: Tensor[];
  epochs: number;
  /** The metric on the validation split at the best epoch (null without one). */
  validationScore: number | null;
  calibration: Calibration;
}

let variableCounter = 0;

/** Trains the network on `input`'s rows (all of them: the validation split is made here). */
export function trainNetwork(
  tf: Tf,
  input: NetworkInput,
  { docs, labels, classes }: TrainingSet,
  hidden: readonly number[],
  o: NetworkSettings & BaseSettings,
  ctx: TrainContext,
): TrainedNetwork {
  const rng = new Random(ctx.seed);
  const d = input.dims;
  const e = d + 1;
  const k = classes.length;
  const n = labels.length;
  // The validation split for early stopping, stratified, as scikit-learn's; copies of a text
  // stay on one side.
  const split =
    n >= 20
      ? stratifiedHoldout(labels, o.validationFraction, ctx.seed, groupsOf(docs))
      : { train: labels.map((_, i) => i), test: [] };
  const trainRows = split.train;
  const valRows = split.test;
  const yval = valRows.map((i) => labels[i]);
  const weightOf = o.classWeight ? classWeights(o.classWeight, labels, classes) : undefined;
  const score = scorer(o.metric, classes);

  const tag = `emb_mlp_${variableCounter++}`;
  // tf.variable keeps its initial tensor alive: create both in a tidy, which frees the latter.
  const variable = (name: string, init: () => Tensor) =>
    tf.tidy(() => tf.variable(init(), true, `${tag}_${name}`));
  const widths = [...hidden, k];
  const w1 = glorot(e, widths[0], rng).fill(0, d * widths[0]); // the bias row starts at zero
  const vars: Variable[] = [variable('W1', () => tf.tensor2d(w1, [e, widths[0]]))];
  for (let l = 1; l < widths.length; l++) {
    const [inputs, units] = [widths[l - 1], widths[l]];
    // Stored as units x inputs: its gradient dz' a then needs no transpose of the activations.
    const init = glorot(inputs, units, rng);
    vars.push(variable(`W${l + 1}`, () => tf.transpose(tf.tensor2d(init, [inputs, units]))));
    vars.push(variable(`b${l + 1}`, () => tf.zeros([units])));
  }
  // scikit-learn's penalty alpha / (2 n_batch) ||W||^2 leaves the biases alone.
  const decayRows = new Float32Array(e * widths[0]).fill(1, 0, d * widths[0]);
  const decay1 = tf.tensor2d(decayRows, [e, widths[0]]);
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-8);
  const dropout = dropoutMasks(1 - o.dropout, rng.next() * 4294967296);
  const layer = (l: number) => ({ W: vars[2 * l - 1], b: vars[2 * l] });

  /** One Adam step on rows [start, end) of this epoch's order. */
  const step = (order: readonly number[], start: number, end: number) => {
    const m = end - start;
    const rows = order.slice(start, end);
    const ys = new Float32Array(m * k);
    rows.forEach((r, i) => {
      ys[i * k + labels[r]] = weightOf ? weightOf[labels[r]] : 1;
    });
    const masks = hidden.map((h) => {
      const mask = new Float32Array(m * h);
      if (o.dropout > 0) dropout(mask);
      return mask;
    });
    tf.tidy(() => {
      // Forward: each hidden layer relu, then dropout (its gate is both at once).
      const gates: Tensor[] = [];
      const acts: Tensor[] = [];
      let z = input.product(tf, vars[0], rows);
      for (let l = 0; l < hidden.length; l++) {
        const gate =
          o.dropout > 0 ? tf.mul(tf.step(z), tf.tensor2d(masks[l], [m, hidden[l]])) : tf.step(z);
        gates.push(gate);
        acts.push(tf.mul(z, gate));
        const { W, b } = layer(l + 1);
        z = tf.add(tf.matMul(acts[l], tf.transpose(W)), b);
      }
      // Backward: the softmax's gradient, weighted by class when asked, then layer by layer.
      const target = tf.tensor2d(ys, [m, k]);
      let dz = weightOf
        ? tf.div(tf.sub(tf.mul(tf.softmax(z), tf.sum(target, 1, true)), target), m)
        : tf.div(tf.sub(tf.softmax(z), target), m);
      const decay = o.alpha / m;
      const grads: { name: string; tensor: Tensor }[] = [];
      for (let l = hidden.length; l >= 1; l--) {
        const { W, b } = layer(l);
        grads.push({
          name: W.name,
          tensor: tf.add(tf.matMul(tf.transpose(dz), acts[l - 1]), tf.mul(W, decay)),
        });
        grads.push({ name: b.name, tensor: tf.sum(dz, 0) });
        dz = tf.mul(tf.matMul(dz, W), gates[l - 1]);
      }
      grads.push({
        name: vars[0].name,
        tensor: tf.add(input.gradient(tf, dz), tf.mul(vars[0], tf.mul(decay1, decay))),
      });
      optimizer.applyGradients(grads.reverse());
    });
  };
  /** The validation rows' logits (m x k) under the given weights. */
  const validationLogits = (weights: readonly Tensor[]): Float32Array => {
    const logits = tf.tidy(() => {
      let z = input.product(tf, weights[0], valRows);
      for (let l = 1; l < widths.length; l++)
        z = tf.add(tf.matMul(tf.relu(z), tf.transpose(weights[2 * l - 1])), weights[2 * l]);
      return z;
    });
    const out = logits.dataSync() as Float32Array;
    logits.dispose();
    return out;
  };
  const validationScore = (): number => {
    const logits = validationLogits(vars);
    return score(
      yval,
      yval.map((_, i) => argmaxRow(logits, k, i)),
    );
  };

  let best = -Infinity;
  let bestWeights = vars.map((v) => tf.clone(v));
  let stale = 0;
  let epochs = 0;
  try {
    const order = trainRows.slice();
    const count = order.length;
    // Small sets still get about ten steps per epoch.
    const batchSize = Math.min(o.batchSize, Math.max(32, Math.ceil(count / 10)));
    for (let epoch = 0; epoch < o.maxEpochs; epoch++) {
      checkAborted(ctx.signal);
      rng.shuffle(order);
      for (let start = 0; start < count; start += batchSize)
        step(order, start, Math.min(count, start + batchSize));
      epochs = epoch + 1;
      ctx.onProgress?.({ stage: 'epoch', done: epochs, total: o.maxEpochs });
      if (!valRows.length) continue;
      const now = validationScore();
      // scikit-learn's rule: an epoch counts as progress only when it beats the best by tol.
      stale = now < best + 1e-4 ? stale + 1 : 0;
      if (now > best) {
        best = now;
        tf.dispose(bestWeights);
        bestWeights = vars.map((v) => tf.clone(v));
      }
      if (stale > o.patience) break;
    }
    if (!valRows.length) {
      tf.dispose(bestWeights);
      bestWeights = vars.map((v) => tf.clone(v));
    }
    const calibration = valRows.length
      ? fitCalibration(logitScores(validationLogits(bestWeights), k), yval, k)
      : UNFITTED;
    ctx.onProgress?.({ stage: 'epoch', done: o.maxEpochs, total: o.maxEpochs });
    const weights = bestWeights;
    bestWeights = [];
    return { weights, epochs, validationScore: valRows.length ? best : null, calibration };
  } finally {
    tf.dispose([decay1, ...bestWeights, ...vars]);
    optimizer.dispose();
  }
}

/** Logits as calibration.ts takes scores: for two classes, one difference per row. */
export function logitScores(logits: Float32Array, classes: number): Float32Array {
  if (classes !== 2) return logits;
  return Float32Array.from(
    { length: logits.length / 2 },
    (_, i) => logits[2 * i] - logits[2 * i + 1],
  );
}
