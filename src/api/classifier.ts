/**
 * Train a classifier on labelled texts, predict with it, save it to a folder and load it back.
 */
import { existsSync } from 'node:fs';
import { EmbError } from '../errors.js';
import { tokenVectorTest } from '../features/sentence.js';
import { argmaxRow, type Model, type TrainingRecord } from '../models/kind.js';
import {
  checkVectors,
  readModelMeta,
  saveModelDir,
  vectorsInfo,
  type ModelMeta,
} from '../models/model-dir.js';
import {
  loadModel,
  tokenLookup,
  trainModel,
  usesVectors,
  type ModelSettings,
} from '../models/registry.js';
import type { BackendName } from '../models/tfjs/backends.js';
import type { TextRow } from '../text/csv.js';
import { tokenizerFor } from '../text/tokenize.js';
import { encodeDataset, type Dataset } from './dataset.js';
import { checkWhole, parseOptions, vectorsFor, type TrainOptions } from './options.js';
import { openVectors, type Vectors } from './vectors.js';

export interface Prediction {
  /** The most probable class, or null when the text has nothing to classify (see `reason`). */
  label: string | null;
  /** The probability of `label`. */
  probability: number | null;
  /** Every class's probability. */
  probabilities: Record<string, number> | null;
  /**
   * True when no word of the text has a vector: the model answered from its fallback (the
   * average sentence vector, and the n-grams for hybrid), which is little more than a guess.
   */
  oov?: boolean;
  /** Why `label` is null. */
  reason?: string;
}

export type { TextRow };

/** A prediction with the text it answers (and its id and line, when the row had them). */
export type RowPrediction = TextRow & Prediction;

/**
 * Texts predicted at once by predictStream: a batch of 1,000 costs what 160 to 260 texts
 * cost one by one (each call has a fixed cost; bench/README.md section 11).
 */
export const BATCH_SIZE = 1000;

/** A trained model with the vectors and tokenizer it was trained with. */
export class Classifier {
  #model: Model | undefined;

  constructor(
    model: Model,
    readonly settings: ModelSettings,
    /** The vectors the model reads (none for bag-of-words models). */
    readonly vectors: Vectors | undefined,
    /** What model.json recorded about the training, when loaded from a folder. */
    readonly meta?: ModelMeta,
  ) {
    this.#model = model;
  }

  private get model(): Model {
    if (!this.#model) throw new EmbError('E_INPUT', 'this classifier was disposed');
    return this.#model;
  }

  /** How training went, for models that train by epochs (cnn, dan). */
  get training(): TrainingRecord | undefined {
    return this.model.training;
  }

  /** The classes, in the order of each prediction's probabilities. */
  get labels(): readonly string[] {
    return this.model.classes;
  }

  /**
   * One prediction per text, in order. A text with no token gets label null and a reason;
   * a text with no known word still gets the model's answer, marked oov.
   */
  async predict(texts: readonly string[]): Promise<Prediction[]> {
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string'))
      throw new EmbError('E_INPUT', 'predict: expected a list of texts (strings)');
    const { tokenize } = tokenizerFor(this.settings.tokenizer);
    const docs = texts.map((t) => tokenize(t));
    const answerable = docs.map((d, i) => (d.length > 0 ? i : -1)).filter((i) => i >= 0);
    const probs = await this.model.predict(answerable.map((i) => docs[i]));
    const emb = this.vectors?.embeddings;
    const lookup = tokenLookup(this.settings);
    const known = emb && tokenVectorTest(emb, lookup);
    const k = this.labels.length;
    const out: Prediction[] = texts.map(() => ({
      label: null,
      probability: null,
      probabilities: null,
      reason: 'the text has no words',
    }));
    answerable.forEach((i, r) => {
      const best = argmaxRow(probs, k, r);
      const probabilities = Object.fromEntries(this.labels.map((c, j) => [c, probs[r * k + j]]));
      out[i] = { label: this.labels[best], probability: probs[r * k + best], probabilities };
      if (known) out[i].oov = !docs[i].some(known);
    });
    return out;
  }

  /**
   * One prediction per text or row of `texts`, in order, as they are read: `batchSize`
   * texts (default 1,000) are predicted at once and no more are read until their answers
   * have been taken, so a stream of any length is labelled in constant memory.
   */
  async *predictStream(
    texts: AsyncIterable<string | TextRow> | Iterable<string | TextRow>,
    options: { batchSize?: number } = {},
  ): AsyncGenerator<RowPrediction> {
    const size = checkWhole('batchSize', options.batchSize ?? BATCH_SIZE, 1);
    let batch: TextRow[] = [];
    const answer = async (rows: TextRow[]) => {
      const predictions = await this.predict(rows.map((r) => r.text));
      return rows.map((r, i) => ({ ...r, ...predictions[i] }));
    };
    for await (const t of texts) {
      if (typeof t === 'string') batch.push({ text: t });
      else if (typeof t?.text === 'string') batch.push(t);
      else
        throw new EmbError('E_INPUT', 'predictStream: expected texts (strings) or { text } rows');
      if (batch.length >= size) {
        yield* await answer(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* await answer(batch);
  }

  /**
   * Writes the model folder (model.json with the labels, settings, tokenizer, the vectors'
   * fingerprint and `metrics`, next to the model's own files), replacing an earlier model
   * there; any other existing folder is refused.
   */
  async save(dir: string, options: { metrics?: object } = {}): Promise<void> {
    await saveModelDir(dir, this.model, {
      settings: this.settings,
      labels: [...this.labels],
      tokenizer: tokenizerFor(this.settings.tokenizer).name,
      vectors: this.vectors ? vectorsInfo(this.vectors.embeddings, this.vectors.path) : null,
      metrics: { ...(this.meta?.metrics ?? {}), ...(options.metrics ?? {}) },
    });
  }

  /** Frees the model's TensorFlow.js tensors; the classifier cannot predict after this. */
  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }
}

/**
 * Trains a model on every example of `data`: `{ model: 'hybrid' }` (the default), 'svm',
 * 'nbsvm', 'logreg' or 'mlp', with that model's settings, and `seed`, `vectors`, `backend`,
 * `onProgress`.
 */
export async function train(
  data: Dataset,
  options: TrainOptions = { model: 'hybrid' },
): Promise<Classifier> {
  const { run } = parseOptions(options);
  const set = encodeDataset(data, 'train');
  const vectors = await vectorsFor(run.settings, run.vectors);
  const { tokenize } = tokenizerFor(run.settings.tokenizer);
  const docs = set.texts.map((t) => tokenize(t));
  const model = await trainModel({ docs, labels: set.labels, classes: set.classes }, run.settings, {
    seed: run.seed,
    embeddings: vectors?.embeddings,
    backend: run.backend,
    onProgress: run.onProgress,
  });
  return new Classifier(model, run.settings, vectors);
}

export interface LoadOptions {
  /**
   * The vectors to use; default the ones recorded in model.json when that file still exists,
   * else the bundled GloVe. Vectors other than those the model was trained with are refused.
   */
  vectors?: Vectors | string;
  backend?: BackendName;
}

/** Loads a model folder that Classifier.save (or `emb train`) wrote. */
export async function loadClassifier(dir: string, options: LoadOptions = {}): Promise<Classifier> {
  const meta = readModelMeta(dir);
  // The tokens a model is fed must be the tokens it learned from: same tokenizer, same version.
  if (tokenizerFor(meta.settings.tokenizer).name !== meta.tokenizer)
    throw new EmbError(
      'E_MODEL',
      `${dir}: trained with the tokenizer ${meta.tokenizer}; this emb has ${tokenizerFor(meta.settings.tokenizer).name}; train the model again`,
    );
  let vectors: Vectors | undefined;
  if (usesVectors(meta.settings.model)) {
    const given = options.vectors;
    const recorded = meta.vectors?.path;
    vectors =
      typeof given === 'object'
        ? given
        : await openVectors(given ?? (recorded && existsSync(recorded) ? recorded : undefined));
    checkVectors(meta, vectors.embeddings, vectors.path);
  }
  const model = await loadModel(meta.settings, dir, meta.saved, {
    classes: meta.labels,
    embeddings: vectors?.embeddings,
    backend: options.backend,
  });
  return new Classifier(model, meta.settings, vectors, meta);
}
