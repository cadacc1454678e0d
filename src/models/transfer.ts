/**
 * Transfer classifiers: sentence vectors (features/sentence.ts) fed to a TensorFlow.js network,
 * `logreg` (softmax regression with L2, fitted by L-BFGS like scikit-learn's
 * LogisticRegression) or `mlp` (one hidden relu layer with dropout, Adam, early stopping on a
 * validation split like scikit-learn's MLPClassifier(early_stopping=True); its logits are then
 * temperature-scaled on that split, the scale folded into the output layer). logreg's
 * probabilities are its maximum-likelihood fit's own.
 *
 * Gradients are written out by hand rather than taken with tf.grad: the wasm backend's matMul
 * with a transposed operand (what autodiff emits for dense layers) is ~8x slower than an
 * explicit tf.transpose followed by a plain matMul.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';
import { stratifiedHoldout } from '../text/splits.js';
import { Random } from '../random.js';
import { SentenceEncoder, type EncoderState } from '../features/sentence.js';
import { fitCalibration, UNFITTED } from './calibration.js';
import { lbfgs } from './lbfgs.js';
import {
  argmaxRow,
  vectorsFor,
  type Model,
  type SavedModel,
  type ModelKind,
  type Trainer,
} from './model.js';
import type { LogregSettings, MlpSettings } from './settings.js';
import { tensorflow, type BackendName, type Tf } from './tfjs/backend.js';
import { loadNetwork, saveNetwork } from './tfjs/io.js';

type Docs = readonly (readonly string[])[];
const FEATURES_FILE = 'features.json';

/** A fitted encoder plus a network that maps its sentence vectors to class probabilities. */
class TransferModel implements Model {
  constructor(
    readonly kind: ModelKind,
    readonly classes: readonly string[],
    private readonly encoder: SentenceEncoder,
    private readonly network: LayersModel,
    private readonly tf: Tf,
    private readonly info: Record<string, unknown>,
  ) {}

  predict(docs: Docs): Float32Array {
    if (docs.length === 0) return new Float32Array(0);
    const { x } = this.encoder.encode(docs);
    const tf = this.tf;
    // One batch: predict's default of 32 rows per step pays a fixed cost per step.
    const batchSize = Math.max(1, docs.length);
    const probs = tf.tidy(
      () =>
        this.network.predict(tf.tensor2d(x, [docs.length, this.encoder.dims]), {
          batchSize,
        }) as Tensor,
    );
    // dataSync: every backend emb uses (wasm, cpu, tfjs-node) computes on the CPU.
    const out = probs.dataSync() as Float32Array;
    probs.dispose();
    return out;
  }

  async save(dir: string): Promise<SavedModel> {
    writeFileSync(join(dir, FEATURES_FILE), JSON.stringify(this.encoder.state));
    const files = [FEATURES_FILE, ...(await saveNetwork(this.tf, this.network, dir))];
    return { ...this.info, files };
  }

  dispose(): void {
    this.network.dispose();
  }
}

/** Builds the layers model that carries the trained weights (for prediction and saving). */
function network(
  tf: Tf,
  dims: number,
  classes: number,
  hidden?: { units: number; dropout: number },
): LayersModel {
  const layers = hidden
    ? [
        tf.layers.dense({
          units: hidden.units,
          activation: 'relu',
          inputShape: [dims],
          kernelInitializer: 'zeros',
        }),
        tf.layers.dropout({ rate: hidden.dropout }),
        tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: 'zeros' }),
      ]
    : [
        tf.layers.dense({
          units: classes,
          activation: 'softmax',
          inputShape: [dims],
          kernelInitializer: 'zeros',
        }),
      ];
  return tf.sequential({ layers });
}

async function loadTransfer(
  kind: ModelKind,
  dir: string,
  saved: Record<string, unknown>,
  classes: readonly string[],
  ctx: { embeddings?: Embeddings; backend?: BackendName },
): Promise<Model> {
  let state: EncoderState;
  try {
    state = JSON.parse(readFileSync(join(dir, FEATURES_FILE), 'utf8'));
  } catch (e) {
    throw new EmbError(
      'E_MODEL',
      `${dir}: ${FEATURES_FILE} is missing or unreadable (${(e as Error).message})`,
    );
  }
  const tf = await tensorflow(ctx.backend ?? 'auto');
  const encoder = SentenceEncoder.restore(state, vectorsFor(kind, ctx));
  return new TransferModel(
    kind,
    classes,
    encoder,
    await loadNetwork(tf, dir, {
      inputs: encoder.dims,
      outputs: classes.length,
    }),
    tf,
    saved,
  );
}

/** Logits as calibration.ts takes scores: for two classes, one difference per row. */
function logitScores(logits: Float32Array, classes: number): Float32Array {
  if (classes !== 2) return logits;
  return Float32Array.from(
    { length: logits.length / 2 },
    (_, i) => logits[2 * i] - logits[2 * i + 1],
  );
}

function oneHot(labels: readonly number[], classes: number): Float32Array {
  const y = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => (y[i * classes + c] = 1));
  return y;
}

export const logregTrainer: Trainer<LogregSettings> = {
  kind: 'logreg',
  usesEmbeddings: true,

  async train(docs, labels, classes, o, ctx) {
    const tf = await tensorflow(ctx.backend);
    const { encoder, x } = SentenceEncoder.fit(o.features, docs, vectorsFor('logreg', ctx), {
      clitics: o.clitics,
    });
    const n = docs.length;
    const d = encoder.dims;
    const k = classes.length;
    const X = tf.tensor2d(x, [n, d]);
    const Xt = tf.transpose(X);
    const Y = tf.tensor2d(oneHot(labels, k), [n, k]);
    // scikit-learn minimises sum(loss) + ||w||^2 / (2C) (intercept not penalised). With two
    // classes it fits one weight vector w; softmax's two columns settle at +-w/2, so the same
    // penalty needs twice the weight on each column.
    const mu = (k === 2 ? 1 : 0.5) / o.C;
    const objective = (theta: Float64Array) => {
      const [loss, gW, gb] = tf.tidy(() => {
        const W = tf.tensor2d(Float32Array.from(theta.subarray(0, d * k)), [d, k]);
        const b = tf.tensor1d(Float32Array.from(theta.subarray(d * k)));
        const logp = tf.logSoftmax(tf.add(tf.matMul(X, W), b));
        const diff = tf.sub(tf.exp(logp), Y);
        return [tf.neg(tf.sum(tf.mul(Y, logp))), tf.matMul(Xt, diff), tf.sum(diff, 0)];
      });
      const [l, w, bb] = [loss.dataSync()[0], gW.dataSync(), gb.dataSync()];
      tf.dispose([loss, gW, gb]);
      let value = l;
      const grad = new Float64Array(theta.length);
      for (let i = 0; i < d * k; i++) {
        value += mu * theta[i] * theta[i];
        grad[i] = (w[i] + 2 * mu * theta[i]) / n;
      }
      for (let c = 0; c < k; c++) grad[d * k + c] = bb[c] / n;
      return { value: value / n, grad };
    };
    let result;
    try {
      result = lbfgs(objective, new Float64Array((d + 1) * k), {
        maxIterations: 500,
        gradientTolerance: 1e-5,
      });
    } finally {
      tf.dispose([X, Xt, Y]);
    }
    const net = network(tf, d, k);
    const weights = [
      tf.tensor2d(Float32Array.from(result.x.subarray(0, d * k)), [d, k]),
      tf.tensor1d(Float32Array.from(result.x.subarray(d * k))),
    ];
    net.setWeights(weights);
    tf.dispose(weights);
    ctx.onProgress?.(1, 1);
    return new TransferModel('logreg', classes, encoder, net, tf, {
      iterations: result.iterations,
      backend: tf.getBackend(),
    });
  },

  load: (dir, saved, classes, ctx) => loadTransfer('logreg', dir, saved, classes, ctx),
};

/** Glorot-uniform initial weights from the seeded generator (as Keras and scikit-learn). */
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

export const mlpTrainer: Trainer<MlpSettings> = {
  kind: 'mlp',
  usesEmbeddings: true,

  async train(docs, labels, classes, o, ctx) {
    const tf = await tensorflow(ctx.backend);
    const rng = new Random(ctx.seed);
    const { encoder, x } = SentenceEncoder.fit(o.features, docs, vectorsFor('mlp', ctx), {
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
        ctx.onProgress?.(epochs, o.maxEpochs);
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
      ctx.onProgress?.(o.maxEpochs, o.maxEpochs);
      const info = {
        epochs,
        validationAccuracy: Xval ? best : null,
        calibration,
        backend: tf.getBackend(),
      };
      return new TransferModel('mlp', classes, encoder, net, tf, info);
    } finally {
      tf.dispose([decay1, ...(Xval ? [Xval] : []), ...bestWeights, ...Object.values(vars)]);
      optimizer.dispose();
    }
  },

  load: (dir, saved, classes, ctx) => loadTransfer('mlp', dir, saved, classes, ctx),
};
