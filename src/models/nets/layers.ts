/**
 * What the fine-tuned networks are made of: parameters with their Adam moments, dense layers,
 * dropout, and the shape every network has for the training loop (nets/training.ts).
 */
import type { Random } from '../../random.js';
import { kernels, NO_INPUTS } from './kernels.js';

const f = Math.fround;

/** Values, their gradient and Adam's two moments. */
export class Param {
  readonly grad: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;

  constructor(readonly value: Float32Array) {
    this.grad = new Float32Array(value.length);
    this.m = new Float32Array(value.length);
    this.v = new Float32Array(value.length);
  }
}

/** PyTorch's default for weights and biases of a layer: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function layerInit(n: number, fanIn: number, rng: Random): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * bound);
}

/** A batch of word sequences: ids[offsets[b] .. offsets[b+1]) are example b's rows. */
export interface Batch {
  ids: Int32Array;
  offsets: Int32Array;
}

/** The gradient of each row occurrence of a batch (one row of dims per id). */
export interface RowGradients {
  ids: Int32Array;
  grads: Float32Array;
}

export interface Network {
  /** Every parameter but the word rows, in the order they are saved. */
  readonly params: Param[];
  /** The sizes that rebuild the network (saved in network.json). */
  readonly shape: object;
  /** Logits (batch x classes); with `train`, dropout on and what backward needs kept. */
  forward(table: Float32Array, batch: Batch, train?: Random): Float32Array;
  /** Fills the params' gradients; returns the word rows' when `rows` (non-static mode). */
  backward(dLogits: Float32Array, rows: boolean): RowGradients | undefined;
}

/** A dense layer, outs x inputs weights and a bias, relu or not. */
export class Dense {
  readonly weights: Param;
  readonly bias: Param;
  private x: Float32Array = NO_INPUTS;
  private out: Float32Array = NO_INPUTS;
  private rows = 0;

  constructor(
    readonly inputs: number,
    readonly outs: number,
    readonly relu: boolean,
    rng: Random,
  ) {
    this.weights = new Param(layerInit(outs * inputs, inputs, rng));
    this.bias = new Param(layerInit(outs, inputs, rng));
  }

  forward(x: Float32Array, rows: number): Float32Array {
    const out = new Float32Array(rows * this.outs);
    const { inputs, outs, relu } = this;
    kernels.denseForward(x, rows, inputs, this.weights.value, this.bias.value, outs, relu, out);
    [this.x, this.out, this.rows] = [x, out, rows];
    return out;
  }

  /** The gradient of the last forward's output in, that of its input out (when asked). */
  backward(dOut: Float32Array, wantInputs: boolean): Float32Array {
    if (this.relu) for (let i = 0; i < dOut.length; i++) if (!(this.out[i] > 0)) dOut[i] = 0;
    const dX = wantInputs ? new Float32Array(this.rows * this.inputs) : NO_INPUTS;
    const { x, rows, inputs, outs, weights, bias } = this;
    kernels.denseBackward(x, rows, inputs, weights.value, dOut, outs, weights.grad, bias.grad, dX);
    return dX;
  }
}

/**
 * Inverted dropout: each value kept with probability 1 - rate and scaled by 1 / (1 - rate);
 * returns the mask (0 or the scale) for the backward pass.
 */
export function dropout(x: Float32Array, rate: number, rng: Random): Float32Array {
  const scale = f(1 / (1 - rate));
  const mask = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    mask[i] = rng.next() < rate ? 0 : scale;
    x[i] = f(x[i] * mask[i]);
  }
  return mask;
}
