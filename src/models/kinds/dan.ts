/**
 * dan: the deep averaging network of Iyyer et al. (2015), "Deep Unordered Composition Rivals
 * Syntactic Methods for Text Classification". The mean of a text's word vectors, each word
 * dropped with probability 0.3 while training (a text that would lose them all keeps them),
 * two hidden layers of 300 relu units and a softmax layer; the vectors fine-tuned (non-static,
 * the default) or frozen (static).
 */
import { EmbError } from '../../errors.js';
import { Random } from '../../random.js';
import { defineKind } from '../kind.js';
import { Dense, type Batch, type Network, type Param, type RowGradients } from '../nets/layers.js';
import { loadNetworkModel } from '../nets/model.js';
import { isWholeList, NETWORK, wholeList, type NetworkSettings } from '../nets/settings.js';
import { trainNetwork } from '../nets/training.js';
import { fraction } from '../setting.js';

export interface DanSettings extends NetworkSettings {
  model: 'dan';
  /** Units of each hidden relu layer; default [300, 300]. */
  hidden: number[];
  /** Probability of dropping each word of a training text, 0..1; default 0.3. */
  wordDropout: number;
}

interface DanShape {
  hidden: number[];
  wordDropout: number;
}

const f = Math.fround;

class Dan implements Network {
  private readonly layers: Dense[];
  private last?: { kept: Batch; counts: Int32Array };

  constructor(
    readonly shape: DanShape,
    private readonly dims: number,
    classes: number,
    rng: Random,
  ) {
    const sizes = [dims, ...shape.hidden];
    this.layers = shape.hidden.map((h, i) => new Dense(sizes[i], h, true, rng));
    this.layers.push(new Dense(sizes[sizes.length - 1], classes, false, rng));
  }

  get params(): Param[] {
    return this.layers.flatMap((l) => [l.weights, l.bias]);
  }

  forward(table: Float32Array, batch: Batch, train?: Random): Float32Array {
    const n = batch.offsets.length - 1;
    const d = this.dims;
    const rate = train ? this.shape.wordDropout : 0;
    // The rows each text averages: its words that have one (row 0 stands for none), minus
    // those dropped.
    const ids: number[] = [];
    const offsets = new Int32Array(n + 1);
    for (let b = 0; b < n; b++) {
      const start = ids.length;
      for (let i = batch.offsets[b]; i < batch.offsets[b + 1]; i++) {
        const id = batch.ids[i];
        if (id !== 0 && !(rate > 0 && train!.next() < rate)) ids.push(id);
      }
      if (ids.length === start && rate > 0)
        for (let i = batch.offsets[b]; i < batch.offsets[b + 1]; i++)
          if (batch.ids[i] !== 0) ids.push(batch.ids[i]);
      offsets[b + 1] = ids.length;
    }
    const kept = { ids: Int32Array.from(ids), offsets };
    const counts = new Int32Array(n);
    const mean = new Float32Array(n * d);
    for (let b = 0; b < n; b++) {
      const o = b * d;
      for (let i = offsets[b]; i < offsets[b + 1]; i++) {
        const r = kept.ids[i] * d;
        for (let j = 0; j < d; j++) mean[o + j] = f(mean[o + j] + table[r + j]);
      }
      counts[b] = offsets[b + 1] - offsets[b];
      if (counts[b] > 0) for (let j = 0; j < d; j++) mean[o + j] = f(mean[o + j] / counts[b]);
    }
    if (train) this.last = { kept, counts };
    return this.layers.reduce<Float32Array>((x, layer) => layer.forward(x, n), mean);
  }

  backward(dLogits: Float32Array, rows: boolean): RowGradients | undefined {
    const { kept, counts } = this.last!;
    let g = dLogits;
    for (let l = this.layers.length - 1; l >= 0; l--) g = this.layers[l].backward(g, l > 0 || rows);
    if (!rows) return undefined;
    const d = this.dims;
    const grads = new Float32Array(kept.ids.length * d);
    for (let b = 0; b + 1 < kept.offsets.length; b++)
      for (let i = kept.offsets[b]; i < kept.offsets[b + 1]; i++)
        for (let j = 0; j < d; j++) grads[i * d + j] = f(g[b * d + j] / counts[b]);
    return { ids: kept.ids, grads };
  }
}

export const dan = defineKind<DanSettings>({
  name: 'dan',
  summary: 'deep averaging network: mean of the word vectors, word dropout, two relu layers',
  family: 'fine-tuned',
  usesVectors: true,
  cost: 3,
  comparedByDefault: false,
  settings: {
    ...NETWORK,
    maxEpochs: { ...NETWORK.maxEpochs, default: 20 },
    hidden: { default: [300, 300], check: wholeList(1) },
    wordDropout: { default: 0.3, check: fraction(false) },
  },
  features: (s) => `mean word vectors (${s.mode})`,

  train: (data, s, ctx) =>
    trainNetwork('dan', data, s, ctx, (o, { dims, classes }, rng) => {
      return new Dan({ hidden: o.hidden, wordDropout: o.wordDropout }, dims, classes, rng);
    }),

  load: async (dir, saved, ctx) =>
    loadNetworkModel('dan', dir, saved, ctx, (shape, dims, classes) => {
      const s = shape as DanShape;
      if (!isWholeList(s.hidden, 1) || typeof s.wordDropout !== 'number')
        throw new EmbError('E_MODEL', `${dir}: not the shape of a dan; train the model again`);
      return new Dan(s, dims, classes, new Random(0));
    }),
});
