/**
 * cnn: Kim (2014), "Convolutional Neural Networks for Sentence Classification". Each text is
 * the sequence of its word vectors (padded: wmax - 1 zero rows before it, and after it up to
 * the longest training text plus wmax - 1), filters of widths 3, 4 and 5 with 100 maps each,
 * relu, max over time, dropout 0.5 and a softmax layer; static (frozen vectors) or non-static
 * (the vectors fine-tuned, the default). The arithmetic is nets/kernels.ts (native/nets.c).
 */
import { Random } from '../../random.js';
import { defineKind } from '../kind.js';
import { kernels, NO_INPUTS, type Filters } from '../nets/kernels.js';
import { Dense, dropout, layerInit, Param, type Batch, type Network } from '../nets/layers.js';
import { loadNetworkModel } from '../nets/model.js';
import { isWholeList, NETWORK, wholeList, type NetworkSettings } from '../nets/settings.js';
import { trainNetwork } from '../nets/training.js';
import { fraction, wholeAtLeast } from '../setting.js';
import { EmbError } from '../../errors.js';

export interface CnnSettings extends NetworkSettings {
  model: 'cnn';
  /** Filter widths, in tokens; default [3, 4, 5]. */
  widths: number[];
  /** Filters (feature maps) of each width; default 100. */
  maps: number;
  /** Dropout rate on the pooled features, 0..1; default 0.5. */
  dropout: number;
}

interface CnnShape {
  widths: number[];
  maps: number;
  dropout: number;
  /** The longest training text, in rows: every text is padded to it. */
  longest: number;
}

const f = Math.fround;

class Cnn implements Network {
  private readonly filters: Filters;
  private readonly conv: Param;
  private readonly convBias: Param;
  private readonly out: Dense;
  private last?: { batch: Batch; table: Float32Array; arg: Int32Array; mask?: Float32Array };

  constructor(
    readonly shape: CnnShape,
    private readonly dims: number,
    classes: number,
    rng: Random,
  ) {
    const { widths, maps } = shape;
    // PyTorch's Conv1d default: U(+-1/sqrt(fan-in)), the fan-in of a width-w filter w x dims.
    const weights = new Float32Array(maps * widths.reduce((a, w) => a + w, 0) * dims);
    const bias = new Float32Array(widths.length * maps);
    let at = 0;
    widths.forEach((w, g) => {
      weights.set(layerInit(maps * w * dims, w * dims, rng), at);
      bias.set(layerInit(maps, w * dims, rng), g * maps);
      at += maps * w * dims;
    });
    this.conv = new Param(weights);
    this.convBias = new Param(bias);
    this.filters = { widths: Int32Array.from(widths), maps, weights, bias };
    this.out = new Dense(widths.length * maps, classes, false, rng);
  }

  get params(): Param[] {
    return [this.conv, this.convBias, this.out.weights, this.out.bias];
  }

  forward(table: Float32Array, batch: Batch, train?: Random): Float32Array {
    const n = batch.offsets.length - 1;
    const features = this.filters.widths.length * this.shape.maps;
    const pooled = new Float32Array(n * features);
    const arg = new Int32Array(n * features);
    const seqs = { table, dims: this.dims, ...batch };
    kernels.convForward(seqs, this.filters, this.shape.longest, pooled, arg);
    const mask =
      train && this.shape.dropout > 0 ? dropout(pooled, this.shape.dropout, train) : undefined;
    if (train) this.last = { batch, table, arg, mask };
    return this.out.forward(pooled, n);
  }

  backward(dLogits: Float32Array, rows: boolean) {
    const { batch, table, arg, mask } = this.last!;
    const dPooled = this.out.backward(dLogits, true);
    if (mask) for (let i = 0; i < dPooled.length; i++) dPooled[i] = f(dPooled[i] * mask[i]);
    const dInputs = rows ? new Float32Array(batch.ids.length * this.dims) : NO_INPUTS;
    kernels.convBackward(
      { table, dims: this.dims, ...batch },
      this.filters,
      dPooled,
      arg,
      this.conv.grad,
      this.convBias.grad,
      dInputs,
    );
    return rows ? { ids: batch.ids, grads: dInputs } : undefined;
  }
}

function isShape(x: unknown): x is CnnShape {
  const s = x as CnnShape;
  return (
    typeof x === 'object' &&
    x !== null &&
    isWholeList(s.widths, 1, 64) &&
    Number.isInteger(s.maps) &&
    s.maps >= 1 &&
    typeof s.dropout === 'number' &&
    Number.isInteger(s.longest) &&
    s.longest >= 1
  );
}

export const cnn = defineKind<CnnSettings>({
  name: 'cnn',
  summary: "Kim's CNN on the word vectors (widths 3-5, max over time), fine-tuned or static",
  family: 'fine-tuned',
  usesVectors: true,
  cost: 3,
  comparedByDefault: false,
  settings: {
    ...NETWORK,
    // native/nets.c takes filters up to 64 tokens wide.
    widths: { default: [3, 4, 5], check: wholeList(1, 64) },
    maps: { default: 100, check: wholeAtLeast(1) },
    dropout: { default: 0.5, check: fraction(false) },
  },
  features: (s) => `word vector sequences (${s.mode})`,

  train: (data, s, ctx) =>
    trainNetwork('cnn', data, s, ctx, (o, { dims, classes, longest }, rng) => {
      const shape = { widths: o.widths, maps: o.maps, dropout: o.dropout, longest };
      return new Cnn(shape, dims, classes, rng);
    }),

  load: async (dir, saved, ctx) =>
    loadNetworkModel('cnn', dir, saved, ctx, (shape, dims, classes) => {
      if (!isShape(shape))
        throw new EmbError('E_MODEL', `${dir}: not the shape of a cnn; train the model again`);
      return new Cnn(shape, dims, classes, new Random(0));
    }),
});
