import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';
import type { BackendName } from './tfjs/backends.js';
import type { ModelKind, ModelSettings } from './settings.js';

export type { ModelKind } from './settings.js';

/**
 * What every classifier in emb looks like, bag-of-words or transfer, so that training,
 * prediction, cross-validation and learning curves treat them alike. Documents arrive as
 * tokens; labels are class ids 0..C-1 into `classes`.
 */
export type Docs = readonly (readonly string[])[];

export interface TrainContext {
  /** Seed for everything random in training (initialisation, shuffles, inner splits). */
  seed: number;
  /** The pretrained vectors, for models that use them. */
  embeddings?: Embeddings;
  /** TensorFlow.js backend for the transfer models (a run-time choice, not a setting). */
  backend?: BackendName;
  /** Progress within one training run (epochs, iterations). */
  onProgress?: (done: number, total: number) => void;
}

export interface Model {
  readonly kind: ModelKind;
  readonly classes: readonly string[];
  /**
   * Class probabilities, n x C row-major, calibrated (calibration.ts): the linear models'
   * decision values and the mlp's logits scaled by a temperature fitted on held-out data.
   */
  predict(docs: Docs): Float32Array;
  /**
   * Writes the model's files into `dir` (which exists); returns what load() needs back, with
   * the names of the files written (model.json records their sizes).
   */
  save(dir: string): Promise<SavedModel>;
  /** Releases resources (TensorFlow.js tensors). */
  dispose(): void;
}

export type SavedModel = { files: string[] } & Record<string, unknown>;

export interface Trainer<S extends ModelSettings = ModelSettings> {
  readonly kind: S['model'];
  /** Whether the method needs pretrained vectors. */
  readonly usesEmbeddings: boolean;
  train(
    docs: Docs,
    labels: readonly number[],
    classes: readonly string[],
    settings: S,
    ctx: TrainContext,
  ): Promise<Model>;
  /** Reopens a model that save() wrote, given what it returned. */
  load(
    dir: string,
    saved: Record<string, unknown>,
    classes: readonly string[],
    ctx: { embeddings?: Embeddings; backend?: BackendName },
  ): Promise<Model>;
}

/** The index of the largest value in row i of an n x C matrix. */
export function argmaxRow(scores: Float32Array, classes: number, i: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++)
    if (scores[i * classes + c] > scores[i * classes + best]) best = c;
  return best;
}

/** The word vectors a model that uses them was given, or the error that says they are missing. */
export function vectorsFor(kind: ModelKind, ctx: { embeddings?: Embeddings }): Embeddings {
  if (!ctx.embeddings) throw new EmbError('E_INPUT', `the ${kind} model needs word vectors`);
  return ctx.embeddings;
}
