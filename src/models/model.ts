import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';

/**
 * What every classifier in emb looks like, bag-of-words or transfer, so that `emb train`,
 * `emb predict`, cross-validation and `emb compare` treat them alike. Documents arrive as
 * tokens from text/tokenize.ts; labels are class ids 0..C-1 into `classes`.
 */
export type ModelKind = 'logreg' | 'mlp' | 'svm' | 'nbsvm' | 'hybrid';

export interface TrainContext {
  /** Seed for everything random in training (initialisation, shuffles, inner splits). */
  seed: number;
  /** The pretrained vectors, for models that use them. */
  embeddings?: Embeddings;
  /** Method-specific settings (C, ngrams, minDf, features, hidden, epochs, ...). */
  options?: Record<string, unknown>;
  /** Progress within one training run (epochs, iterations). */
  onProgress?: (done: number, total: number) => void;
}

export interface Model {
  readonly kind: ModelKind;
  readonly classes: readonly string[];
  /**
   * Class probabilities, n x C row-major. Linear SVMs have no probabilities: they return a
   * softmax of their decision values, which ranks classes the same way.
   */
  predict(docs: readonly (readonly string[])[]): Promise<Float32Array>;
  /** Writes the model's files into `dir` (which exists); returns what model.json records. */
  save(dir: string): Promise<Record<string, unknown>>;
  /** Releases resources (TensorFlow.js tensors). */
  dispose(): void;
}

export interface Trainer {
  readonly kind: ModelKind;
  /** Whether the method needs pretrained vectors. */
  readonly usesEmbeddings: boolean;
  train(
    docs: readonly (readonly string[])[],
    labels: readonly number[],
    classes: readonly string[],
    ctx: TrainContext,
  ): Promise<Model>;
  /** Reopens a model that save() wrote, given what it returned. */
  load(
    dir: string,
    saved: Record<string, unknown>,
    classes: readonly string[],
    ctx: { embeddings?: Embeddings },
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
