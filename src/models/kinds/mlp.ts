/**
 * mlp: one hidden relu layer with dropout on sentence vectors, Adam, early stopping on a
 * validation split like scikit-learn's MLPClassifier(early_stopping=True) (ANCHORS.md
 * section 2, method D); its logits are then temperature-scaled on that split, the scale
 * folded into the output layer.
 *
 * Gradients are written out by hand rather than taken with tf.grad: the wasm backend's matMul
 * with a transposed operand (what autodiff emits for dense layers) is ~8x slower than an
 * explicit tf.transpose followed by a plain matMul.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { checkAborted } from '../../errors.js';
import { SentenceEncoder } from '../../features/sentence.js';
import { Random } from '../../random.js';
import { stratifiedHoldout } from '../../text/splits.js';
import { fitCalibration, UNFITTED } from '../calibration.js';
import { argmaxRow, defineKind, embeddingsOf } from '../kind.js';
import {
  loadSentenceNetwork,
  logitScores,
  network,
  oneHot,
  SentenceNetworkModel,
} from '../sentence-network.js';
import {
  fraction,
  nonNegative,
  positive,
  VECTORS,
  wholeAtLeast,
  type VectorSettings,
} from '../setting.js';
import { tensorflow } from '../tfjs/backend.js';

/** One hidden relu layer with dropout on sentence vectors (ANCHORS.md method D). */
export interface MlpSettings extends VectorSettings {
  model: 'mlp';
  /** Hidden units; default 256. */
  hidden: number;
  /** Dropout rate of the hidden layer, 0..1; default 0.2. */
  dropout: number;
  /** Adam's learning rate; default 3e-3. */
  learningRate: number;
  /** Rows per step; default 512 (small sets still get about ten steps per epoch). */
  batchSize: number;
  /** Epochs at most; default 200. */
  maxEpochs: number;
  /** Epochs without progress on the validation split before stopping; default 3. */
  patience: number;
  /** Share of the training texts held out for early stopping; default 0.1. */
  validationFraction: number;
  /** L2 penalty on the weights (scikit-learn's alpha); default 1e-4. */
  alpha: number;
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

let variableCounter = 0;

export const mlp = defineKind<MlpSettings>({
  name: 'mlp',
  summary: 'one hidden relu layer with dropout on sentence vectors, early stopping',
  family: 'vectors',
  comparedByDefault: true,
  usesVectors: true,
  cost: 3,
  settings: {
    ...VECTORS,
    hidden: { default: 256, check: wholeAtLeast(1) },
    dropout: { default: 0.2, check: fraction(false) },
    // scikit-learn uses batches of 200 at 1e-3 and a patience of 10. Fewer, larger steps at a
    // higher rate, stopping after 3 epochs without progress (the best epoch's weights are
    // kept), reach the same accuracy in less time (bench/README.md).
    learningRate: { default: 3e-3, check: positive },
    batchSize: { default: 512, check: wholeAtLeast(1) },
    maxEpochs: { default: 200, check: wholeAtLeast(1) },
    patience: { default: 3, check: wholeAtLeast(0) },
    validationFraction: { default: 0.1, check: fraction(true) },
    alpha: { default: 1e-4, check: nonNegative },
  },
  features: (s) => `${s.features} vectors`,

  async train({ docs, labels, classes }, o, ctx) {
    const tf = await tensorflow();
    const rng = new Random(ctx.seed);
    const { encoder, x } = SentenceEncoder.fit(o.features, docs, embeddingsOf('mlp', ctx), {
      clitics: o.clitics,
    });
    const d = encoder.dims;
    const k = classes.length;
    const h = o.hidden;
    // The validation split for early stopping, stratified, as scikit-learn's.
    const split =
      docs.length >= 20
        ? stratifiedHoldout(labels, o.validationFraction, ctx.seed)
        : { train: labels.map((_, i) => i), test: [] };
    // Inputs carry a constant 1 as their last column, so the first layer's bias is one more
    // row of W1 and its gradient comes out of the same matMul (a column sum costs as much).
    const e = d + 1;
    const rowsOf = (idx: readonly number[]) => {
      const out = new Float32Array(idx.length * e);
      idx.forEach((r, i) => {
        out.set(x.subarray(r * d, (r + 1) * d), i * e);
        out[i * e + d] = 1;
      });
      return out;
    };
    const trainIdx = split.train;
    const n = trainIdx.length;
    const yTrain = oneHot(
      trainIdx.map((i) => labels[i]),
      k,
    );
    const xTrain = rowsOf(trainIdx);
    const Xval = split.test.length
      ? tf.tensor2d(rowsOf(split.test), [split.test.length, e])
      : undefined;
    const yval = split.test.map((i) => labels[i]);

    const tag = `emb_mlp_${variableCounter++}`;
    const w1 = glorot(e, h, rng).fill(0, d * h); // the bias row starts at zero
    // tf.variable keeps its initial tensor alive: create both in a tidy, which frees the latter.
    const variable = (name: string, init: () => Tensor) =>
      tf.tidy(() => tf.variable(init(), true, `${tag}_${name}`));
    const vars: Record<'W1' | 'W2' | 'b2', Variable> = {
      W1: variable('W1', () => tf.tensor2d(w1, [e, h])),
      // Stored as k x h: its gradient dz2' a1 then needs no transpose of the m x h activations.
      W2: variable('W2', () => tf.transpose(tf.tensor2d(glorot(h, k, rng), [h, k]))),
      b2: variable('b2', () => tf.zeros([k])),
    };
    // scikit-learn's penalty alpha / (2 n_batch) ||W||^2 leaves the biases alone.
    const decayRows = new Float32Array(e * h).fill(1, 0, d * h);
    const decay1 = tf.tensor2d(decayRows, [e, h]);
    const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-8);
    const dropout = dropoutMasks(1 - o.dropout, rng.next() * 4294967296);

    /** One Adam step on rows [start, end) of this epoch's order. */
    const step = (order: readonly number[], start: number, end: number) => {
      const m = end - start;
      // The batch in both layouts: building x' here is cheaper than tf.transpose.
      const xs = new Float32Array(m * e);
      const xsT = new Float32Array(e * m);
      const ys = new Float32Array(m * k);
      for (let i = 0; i < m; i++) {
        const r = order[start + i];
        for (let j = 0; j < e; j++) xsT[j * m + i] = xs[i * e + j] = xTrain[r * e + j];
        ys.set(yTrain.subarray(r * k, (r + 1) * k), i * k);
      }
      const mask = new Float32Array(m * h);
      if (o.dropout > 0) dropout(mask);
      tf.tidy(() => {
        const z1 = tf.matMul(tf.tensor2d(xs, [m, e]), vars.W1);
        const gate = o.dropout > 0 ? tf.mul(tf.step(z1), tf.tensor2d(mask, [m, h])) : tf.step(z1);
        const a1 = tf.mul(z1, gate); // relu, then dropout
        const logits = tf.add(tf.matMul(a1, tf.transpose(vars.W2)), vars.b2);
        const dz2 = tf.div(tf.sub(tf.softmax(logits), tf.tensor2d(ys, [m, k])), m);
        const dz1 = tf.mul(tf.matMul(dz2, vars.W2), gate);
        const decay = o.alpha / m;
        optimizer.applyGradients([
          {
            name: vars.W1.name,
            tensor: tf.add(
              tf.matMul(tf.tensor2d(xsT, [e, m]), dz1),
              tf.mul(vars.W1, tf.mul(decay1, decay)),
            ),
          },
          {
            name: vars.W2.name,
            tensor: tf.add(tf.matMul(tf.transpose(dz2), a1), tf.mul(vars.W2, decay)),
          },
          { name: vars.b2.name, tensor: tf.sum(dz2, 0) },
        ]);
      });
    };
    /** The validation rows' logits (m x k) under weights W1, W2, b2. */
    const validationLogits = (W1: Tensor, W2: Tensor, b2: Tensor): Float32Array => {
      const logits = tf.tidy(() =>
        tf.add(tf.matMul(tf.relu(tf.matMul(Xval!, W1)), tf.transpose(W2)), b2),
      );
      const out = logits.dataSync() as Float32Array;
      logits.dispose();
      return out;
    };
    const validationAccuracy = (): number => {
      if (!Xval) return 0;
      const logits = validationLogits(vars.W1, vars.W2, vars.b2);
      let right = 0;
      yval.forEach((y, i) => (right += argmaxRow(logits, k, i) === y ? 1 : 0));
      return right / yval.length;
    };

    let best = -Infinity;
    let bestWeights = Object.values(vars).map((v) => tf.clone(v));
    let stale = 0;
    let epochs = 0;
    try {
      const order = Array.from({ length: n }, (_, i) => i);
      // Small sets still get about ten steps per epoch.
      const batchSize = Math.min(o.batchSize, Math.max(32, Math.ceil(n / 10)));
      for (let epoch = 0; epoch < o.maxEpochs; epoch++) {
        rng.shuffle(order);
        for (let start = 0; start < n; start += batchSize)
          step(order, start, Math.min(n, start + batchSize));
        epochs = epoch + 1;
        checkAborted(ctx.signal);
        ctx.onProgress?.({ stage: 'epoch', done: epochs, total: o.maxEpochs });
        if (!Xval) continue;
        const score = validationAccuracy();
        // scikit-learn's rule: an epoch counts as progress only when it beats the best by tol.
        stale = score < best + 1e-4 ? stale + 1 : 0;
        if (score > best) {
          best = score;
          tf.dispose(bestWeights);
          bestWeights = Object.values(vars).map((v) => tf.clone(v));
        }
        if (stale > o.patience) break;
      }
      if (!Xval) {
        tf.dispose(bestWeights);
        bestWeights = Object.values(vars).map((v) => tf.clone(v));
      }
      const net = network(tf, d, k, { units: h, dropout: o.dropout });
      const [W1, W2, b2] = bestWeights;
      // Temperature scaling on the validation split; the scale goes into the output layer.
      const calibration = Xval
        ? fitCalibration(logitScores(validationLogits(W1, W2, b2), k), yval, k)
        : UNFITTED;
      const layerWeights = tf.tidy(() =>
        [
          tf.slice(W1, [0, 0], [d, h]),
          tf.reshape(tf.slice(W1, [d, 0], [1, h]), [h]),
          tf.mul(tf.transpose(W2), calibration.scale),
          tf.mul(b2, calibration.scale),
        ].map((t) => tf.clone(t)),
      );
      net.setWeights(layerWeights);
      tf.dispose(layerWeights);
      ctx.onProgress?.({ stage: 'epoch', done: o.maxEpochs, total: o.maxEpochs });
      const info = {
        epochs,
        validationAccuracy: Xval ? best : null,
        calibration,
        backend: tf.getBackend(),
      };
      return new SentenceNetworkModel('mlp', classes, encoder, net, tf, info);
    } finally {
      tf.dispose([decay1, ...(Xval ? [Xval] : []), ...bestWeights, ...Object.values(vars)]);
      optimizer.dispose();
    }
  },

  load: (dir, saved, ctx) => loadSentenceNetwork('mlp', dir, saved, ctx),
});
