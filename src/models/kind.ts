/**
 * What a model kind is: one object, exported by one module of kinds/, that knows everything
 * about the kind (as a tfjs-layers class carries its own config and registers itself, and a
 * scikit-learn estimator carries its tags). The registry lists the kinds; the settings union,
 * the command-line flags, compare's methods, the report's wording and the docs' table of
 * models are derived from it, so that adding a kind is its own file and one registry line.
 */
import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';
import type { Progress } from '../progress.js';
import type { Docs } from '../text/tokenize.js';
import type { BaseSettings, Specs } from './setting.js';

export type { Docs } from '../text/tokenize.js';

/**
 * What a kind learns from, for the report's questions ("do pretrained vectors help?", "does
 * fine-tuning help?"): n-grams or counts alone; frozen word vectors averaged into sentence
 * vectors; both in one model; or word vectors the model itself updates.
 */
export type Family = 'bag-of-words' | 'vectors' | 'combined' | 'fine-tuned';

export interface ModelKind<S extends KindSettings = KindSettings> {
  /** The name users write (--model NAME, { model: NAME }) and model.json records. */
  readonly name: S['model'];
  /** One line for --help, the report and the docs' table of models. */
  readonly summary: string;
  readonly family: Family;
  /** Whether it reads pretrained word vectors (they are opened only for kinds that do). */
  readonly usesVectors: boolean;
  /**
   * How much it asks of whoever deploys it, for "the simplest method within noise of the
   * best": 0 no word vectors and a linear model, 1 vectors and one small matrix, 2 n-grams
   * and vectors with an inner search, 3 a network.
   */
  readonly cost: number;
  /** Whether `compare` runs it when no methods are named (kinds that cost minutes per run do not). */
  readonly comparedByDefault: boolean;
  /** Each setting's default, check and flag. */
  readonly settings: Specs<S>;
  /** What the model reads, in words, for reports and model.json ("tfidf 1-2-grams"). */
  features(settings: S): string;
  train(data: TrainingSet, settings: S, ctx: TrainContext): Promise<Model>;
  /** Reopens a model that Model.save wrote, from what it returned (the `saved` of model.json). */
  load(dir: string, saved: SavedModel, ctx: LoadContext): Promise<Model>;
}

/** What the settings of every kind have: their kind's name and the base settings. */
export interface KindSettings extends BaseSettings {
  model: string;
}

/** Keeps the settings type of a kind's literal (`export const svm = defineKind<SvmSettings>({...})`). */
export function defineKind<S extends KindSettings>(kind: ModelKind<S>): ModelKind<S> {
  return kind;
}

/** Labelled token lists: labels are class ids 0..C-1 into `classes`. */
export interface TrainingSet {
  docs: Docs;
  labels: readonly number[];
  classes: readonly string[];
}

export interface TrainContext {
  /** Seed for everything random in training (initialisation, shuffles, inner splits). */
  seed: number;
  /** The pretrained vectors, for kinds that use them. */
  embeddings?: Embeddings;
  /** Progress within one training run (epochs, inner fits). */
  onProgress?: (progress: Progress) => void;
  /** Stops training: the promise rejects with an E_ABORTED error. */
  signal?: AbortSignal;
}

export interface LoadContext {
  classes: readonly string[];
  embeddings?: Embeddings;
}

export interface Model {
  readonly kind: string;
  readonly classes: readonly string[];
  /**
   * Class probabilities, n x C row-major, calibrated (calibration.ts). A kind whose arithmetic
   * runs elsewhere (a network in worker threads) may answer asynchronously.
   */
  predict(docs: Docs): Float32Array | Promise<Float32Array>;
  /**
   * Whether each text has anything the model met in training (an n-gram of its vocabulary, a
   * word with a vector): a text with none is answered from what is left (the bias, the
   * average sentence vector), the same for every such text and unrelated to it, so the
   * classifier answers it with the training data's class prior instead.
   */
  seen?(docs: Docs): boolean[];
  /**
   * Writes the model's files into `dir` (which exists); returns what load() needs back, with
   * its format tag and the names of the files written (model.json records their sizes).
   */
  save(dir: string): Promise<SavedFiles>;
  /**
   * Two-class models trained with a threshold (threshold.ts): the class answered when its
   * probability reaches `threshold`. Absent: the more probable class is answered.
   */
  readonly decision?: Decision;
  /** Releases resources (TensorFlow.js tensors, native memory). */
  dispose(): void;
  /**
   * Linear kinds: what moved a text's decision value for class `c` (for two classes, the
   * value that decides between c and the other), term by term, and the rest (the bias).
   */
  explain?(doc: readonly string[], c: number): Promise<Explanation> | Explanation;
  /** Kinds with features of their own (n-grams): the largest weights toward class `c`. */
  topFeatures?(c: number, n: number): DecisionTerm[];
  /** How training went, for kinds that train by epochs (`emb train --json` prints it). */
  readonly training?: TrainingRecord;
}

/** One term of a linear decision: an n-gram, or a word through its vector. */
export interface DecisionTerm {
  term: string;
  kind: 'ngram' | 'vector';
  /** Its share of the decision value (its weight times its feature value, for n-grams). */
  weight: number;
}

export interface Explanation {
  /** Every term the text has, largest share first (by magnitude). */
  terms: DecisionTerm[];
  /** What the text's terms do not account for: the bias, and the vector block's centring. */
  bias: number;
}

/** What a kind that trains by epochs reports of its training. */
export interface TrainingRecord {
  /** Epochs run (fewer than the most allowed when early stopping ended them). */
  epochs: number;
  /** The epoch whose weights were kept (the best on the validation split). */
  bestEpoch: number;
  /** Mean seconds per epoch. */
  epochSeconds: number;
  /** The kept epoch's score on the validation split by the kind's metric (null: none). */
  validationScore: number | null;
}

/**
 * What a model records in model.json to load itself: its layout's tag (load refuses another),
 * and each kind's own fields beside it, checked by its load.
 */
export interface SavedModel {
  format: string;
  [field: string]: unknown;
}

/** What Model.save returns: the saved record and the files written beside it. */
export interface SavedFiles extends SavedModel {
  files: string[];
}

/** A two-class decision: the positive class's id and the probability it needs. */
export interface Decision {
  positive: number;
  threshold: number;
}

/** The index of the largest value in row i of an n x C matrix. */
export function argmaxRow(scores: Float32Array, classes: number, i: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++)
    if (scores[i * classes + c] > scores[i * classes + best]) best = c;
  return best;
}

/** The word vectors a kind that uses them was given, or the error that says they are missing. */
export function embeddingsOf(kind: string, ctx: { embeddings?: Embeddings }): Embeddings {
  if (!ctx.embeddings) throw new EmbError('E_INPUT', `the ${kind} model needs word vectors`);
  return ctx.embeddings;
}

/**
 * Refuses a saved model whose layout is neither the one this kind writes nor an older one it
 * still reads; returns which it is.
 */
export function checkFormat(
  dir: string,
  saved: SavedModel,
  format: string,
  ...older: string[]
): string {
  const found = String(saved.format);
  if (found === format || older.includes(found)) return found;
  // Formats are named <layout>-<version>: a later version of ours came from a newer emb.
  const [, layout, version] = /^(.*)-(\d+)$/.exec(format) ?? [];
  const newer =
    found.startsWith(`${layout}-`) && Number(found.slice(layout.length + 1)) > Number(version);
  throw new EmbError(
    'E_MODEL',
    newer
      ? `${dir}: the model was saved as '${found}' by a newer emb; this one reads '${format}' and older, so upgrade emb`
      : `${dir}: expected a model saved as '${[format, ...older].join("' or '")}', found '${found}'`,
  );
}
