/**
 * What logreg and mlp share: sentence vectors (features/sentence.ts) fed to a TensorFlow.js
 * network that maps them to class probabilities, saved as features.json (the fitted encoder)
 * beside the network's own files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SentenceEncoder } from '../features/sentence.js';
import {
  checkFormat,
  embeddingsOf,
  type Docs,
  type Explanation,
  type LoadContext,
  type Model,
  type SavedFiles,
  type SavedModel,
} from './kind.js';
import { bySize } from './linear-terms.js';
import { readEncoder } from './model-files.js';
import { tensorflow, type Tf } from './tfjs/backend.js';
import { loadNetwork, saveNetwork } from './tfjs/io.js';

const FEATURES_FILE = 'features.json';
/** The layout logreg and mlp save. */
export const SENTENCE_NETWORK_FORMAT = 'emb-sentence-network-1';

/** A fitted encoder plus a network that maps its sentence vectors to class probabilities. */
export class SentenceNetworkModel implements Model {
  constructor(
    readonly kind: string,
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

  seen(docs: Docs): boolean[] {
    return this.encoder.seen(docs);
  }

  async save(dir: string): Promise<SavedFiles> {
    writeFileSync(join(dir, FEATURES_FILE), JSON.stringify(this.encoder.state));
    const files = [FEATURES_FILE, ...(await saveNetwork(this.tf, this.network, dir))];
    return { ...this.info, format: SENTENCE_NETWORK_FORMAT, files };
  }

  dispose(): void {
    this.network.dispose();
  }

  /**
   * A network without a hidden layer (logreg) is linear in the sentence vector, so its
   * decision (class c's logit, or for two classes c's logit minus the other's) splits into
   * the words' shares exactly.
   */
  get explain(): ((doc: readonly string[], c: number) => Explanation) | undefined {
    if (this.network.layers.length !== 1) return undefined;
    return (doc, c) => {
      const [W, b] = this.network.getWeights().map((t) => t.dataSync() as Float32Array);
      const k = this.classes.length;
      const d = this.encoder.dims;
      const other = k === 2 ? 1 - c : -1;
      const at = (j: number, col: number) => (col < 0 ? 0 : W[j * k + col]);
      const direction = Array.from({ length: d }, (_, j) => at(j, c) - at(j, other));
      const { tokens, constant } = this.encoder.contributions(doc, direction);
      const terms = tokens.map((t) => ({
        term: t.token,
        kind: 'vector' as const,
        weight: t.value,
      }));
      return { terms: bySize(terms), bias: b[c] - (other < 0 ? 0 : b[other]) + constant };
    };
  }
}

/**
 * Builds the layers model that carries the trained weights (for prediction and saving): relu
 * layers of the given units, each followed by dropout, then softmax; none for logreg.
 */
export function network(
  tf: Tf,
  dims: number,
  classes: number,
  hidden?: { units: readonly number[]; dropout: number },
): LayersModel {
  const layers = (hidden?.units ?? []).flatMap((units, l) => [
    tf.layers.dense({
      units,
      activation: 'relu',
      ...(l === 0 ? { inputShape: [dims] } : {}),
      kernelInitializer: 'zeros',
    }),
    tf.layers.dropout({ rate: hidden!.dropout }),
  ]);
  layers.push(
    tf.layers.dense({
      units: classes,
      activation: 'softmax',
      ...(layers.length === 0 ? { inputShape: [dims] } : {}),
      kernelInitializer: 'zeros',
    }),
  );
  return tf.sequential({ layers });
}

export async function loadSentenceNetwork(
  kind: string,
  dir: string,
  saved: SavedModel,
  ctx: LoadContext,
): Promise<Model> {
  checkFormat(dir, saved, SENTENCE_NETWORK_FORMAT);
  const encoder = SentenceEncoder.restore(
    readEncoder(join(dir, FEATURES_FILE)),
    embeddingsOf(kind, ctx),
  );
  const tf = await tensorflow();
  const network = await loadNetwork(tf, dir, {
    inputs: encoder.dims,
    outputs: ctx.classes.length,
  });
  return new SentenceNetworkModel(kind, ctx.classes, encoder, network, tf, saved);
}

export function oneHot(labels: readonly number[], classes: number): Float32Array {
  const y = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => (y[i * classes + c] = 1));
  return y;
}
