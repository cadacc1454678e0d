/**
 * Training a fine-tuned network: a stratified validation split of the training texts (the
 * seed's), the word rows of the rest, Adam on shuffled batches with a weighted cross-entropy,
 * the weights of the epoch that scores best on the validation split by the kind's metric,
 * stopping when `patience` epochs bring no progress, then a temperature fitted on the
 * validation split (calibration.ts).
 *
 * The word rows train lazily: a step updates, with Adam, the rows its batch used (their moments
 * too), as TensorFlow's LazyAdam and PyTorch's SparseAdam do; a dense update would touch every
 * row of the vocabulary at every step.
 */
import { checkAborted } from '../../errors.js';
import { Random } from '../../random.js';
import { groupsOf } from '../../text/duplicates.js';
import { stratifiedHoldout } from '../../text/splits.js';
import type { Docs } from '../../text/tokenize.js';
import { fitCalibration, UNFITTED, type Calibration } from '../calibration.js';
import {
  argmaxRow,
  embeddingsOf,
  type TrainContext,
  type TrainingRecord,
  type TrainingSet,
} from '../kind.js';
import { classWeights, scorer } from '../metric.js';
import { logitScores } from '../network-training.js';
import { adamConstants, kernels } from './kernels.js';
import type { Batch, Network, RowGradients } from './layers.js';
import { NetworkModel } from './model.js';
import { WordRows } from './rows.js';
import type { NetworkSettings } from './settings.js';

const f = Math.fround;

/** Builds a kind's network for word rows of `dims`, `classes` outputs and the training texts. */
export type MakeNetwork<S> = (
  settings: S,
  sizes: { dims: number; classes: number; longest: number },
  rng: Random,
) => Network;

/**
 * The validation split a network holds out of its texts (the same one bench/finetune.ts gives
 * the PyTorch peer): stratified, of the share asked, with the run's seed, copies of a text on
 * one side; none below 20 texts.
 */
export function validationSplit(
  docs: Docs,
  labels: readonly number[],
  fraction: number,
  seed: number,
): { fitted: number[]; validation: number[] } {
  if (labels.length < 20) return { fitted: labels.map((_, i) => i), validation: [] };
  const { train, test } = stratifiedHoldout(labels, fraction, seed, groupsOf(docs));
  return { fitted: train, validation: test };
}

/** Rows [from, to) of a batch of sequences, as a batch of their own. */
function slice(all: Batch, docs: readonly number[]): Batch {
  const offsets = new Int32Array(docs.length + 1);
  docs.forEach((d, i) => (offsets[i + 1] = offsets[i] + all.offsets[d + 1] - all.offsets[d]));
  const ids = new Int32Array(offsets[docs.length]);
  docs.forEach((d, i) => ids.set(all.ids.subarray(all.offsets[d], all.offsets[d + 1]), offsets[i]));
  return { ids, offsets };
}

/**
 * The gradient of the mean weighted cross-entropy (weight w_y for a text of class y) with
 * respect to the logits: w_y (softmax - onehot) / batch.
 */
function lossGradient(
  logits: Float32Array,
  labels: readonly number[],
  weight: Float64Array,
  k: number,
): Float32Array {
  const n = labels.length;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c] - max);
    const w = weight[labels[i]] / n;
    for (let c = 0; c < k; c++) {
      const p = Math.exp(logits[i * k + c] - max) / sum;
      out[i * k + c] = w * (p - (c === labels[i] ? 1 : 0));
    }
  }
  return out;
}

/**
 * Adds up each row's gradient over its occurrences, in order, and takes one lazy Adam step on
 * those rows.
 */
function stepRows(
  rows: WordRows,
  state: { m: Float32Array; v: Float32Array },
  g: RowGradients,
  constants: Float32Array,
): void {
  const d = rows.dims;
  const slot = new Map<number, number>();
  const order: number[] = [];
  for (const id of g.ids)
    if (id !== 0 && !slot.has(id)) {
      slot.set(id, order.length);
      order.push(id);
    }
  const sums = new Float32Array(order.length * d);
  g.ids.forEach((id, k) => {
    const s = slot.get(id);
    if (s === undefined) return;
    for (let j = 0; j < d; j++) sums[s * d + j] = f(sums[s * d + j] + g.grads[k * d + j]);
  });
  const own = rows.table.subarray(0, rows.ownRows * d);
  kernels.adam(own, state.m, state.v, sums, constants, Int32Array.from(order), d);
}

/** Pauses for the event loop now and then, so that an abort signal can arrive. */
function yielder(signal: AbortSignal | undefined): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    checkAborted(signal);
  };
}

export async function trainNetwork<S extends NetworkSettings>(
  kind: string,
  { docs, labels, classes }: TrainingSet,
  s: S,
  ctx: TrainContext,
  make: MakeNetwork<S>,
): Promise<NetworkModel> {
  checkAborted(ctx.signal);
  const emb = embeddingsOf(kind, ctx);
  const k = classes.length;
  const rng = new Random(ctx.seed);
  const { fitted, validation } = validationSplit(docs, labels, s.validationFraction, ctx.seed);
  const rows = WordRows.build(
    fitted.map((i) => docs[i]),
    emb,
    s.clitics,
    rng,
  );
  const all = rows.sequences(docs);
  let longest = 1;
  for (let i = 0; i < docs.length; i++)
    longest = Math.max(longest, all.offsets[i + 1] - all.offsets[i]);
  const net = make(s, { dims: emb.dims, classes: k, longest }, rng);
  const weight = classWeights(
    s.classWeight,
    fitted.map((i) => labels[i]),
    classes,
  );
  const score = scorer(s.metric, classes);
  const valBatch = slice(all, validation);
  const yVal = validation.map((i) => labels[i]);
  const trainable = s.mode === 'non-static';
  const d = emb.dims;
  const ownLength = rows.ownRows * d;
  const rowState = trainable
    ? { m: new Float32Array(ownLength), v: new Float32Array(ownLength) }
    : undefined;

  const snapshot = () => ({
    params: net.params.map((p) => p.value.slice()),
    table: trainable ? rows.table.slice(0, ownLength) : undefined,
  });
  const validationLogits = () => net.forward(rows.table, valBatch);
  const pause = yielder(ctx.signal);

  let best = -Infinity;
  let bestEpoch = 0;
  let kept = snapshot();
  let stale = 0;
  let epochs = 0;
  let seconds = 0;
  let t = 0;
  const order = [...fitted];
  for (let epoch = 1; epoch <= s.maxEpochs; epoch++) {
    const started = performance.now();
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += s.batchSize) {
      await pause();
      const part = order.slice(start, start + s.batchSize);
      const batch = slice(all, part);
      const logits = net.forward(rows.table, batch, rng);
      const dLogits = lossGradient(
        logits,
        part.map((i) => labels[i]),
        weight,
        k,
      );
      const rowGrads = net.backward(dLogits, trainable);
      const constants = adamConstants(s.learningRate, ++t);
      for (const p of net.params) kernels.adam(p.value, p.m, p.v, p.grad, constants, NO_ROWS, 0);
      if (rowGrads && rowState) stepRows(rows, rowState, rowGrads, constants);
    }
    epochs = epoch;
    if (validation.length > 0) {
      const logits = validationLogits();
      const predicted = yVal.map((_, i) => argmaxRow(logits, k, i));
      const value = score(yVal, predicted);
      stale = value < best + 1e-4 ? stale + 1 : 0;
      if (value > best) {
        best = value;
        bestEpoch = epoch;
        kept = snapshot();
      }
    }
    seconds += (performance.now() - started) / 1000;
    ctx.onProgress?.({ stage: 'epoch', done: epoch, total: s.maxEpochs });
    if (validation.length > 0 && stale > s.patience) break;
  }
  let calibration: Calibration = UNFITTED;
  if (validation.length > 0) {
    net.params.forEach((p, i) => p.value.set(kept.params[i]));
    if (kept.table) rows.table.set(kept.table);
    calibration = fitCalibration(logitScores(validationLogits(), k), yVal, k);
  } else bestEpoch = epochs;
  ctx.onProgress?.({ stage: 'epoch', done: s.maxEpochs, total: s.maxEpochs });
  const training: TrainingRecord = {
    epochs,
    bestEpoch,
    epochSeconds: seconds / epochs,
    validationScore: validation.length > 0 ? best : null,
  };
  return new NetworkModel(kind, classes, net, rows, s.mode, calibration, training);
}

const NO_ROWS = new Int32Array(0);
