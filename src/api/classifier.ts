/**
 * Train a classifier on labelled texts, predict with it, explain it, save it to a folder and
 * load it back.
 */
import { existsSync } from 'node:fs';
import { EmbError } from '../errors.js';
import type { Model, DecisionTerm, TrainingRecord } from '../models/kind.js';
import { decide } from '../models/threshold.js';
import {
  checkVectors,
  readModelMeta,
  saveModelDir,
  savedDecision,
  vectorsInfo,
  type ModelMeta,
} from '../models/model-dir.js';
import {
  DEFAULT_MODEL,
  loadModel,
  trainModel,
  usesVectors,
  type ModelSettings,
} from '../models/registry.js';
import type { TextRow } from '../text/csv.js';
import { FUNCTION_TOKENIZER, tokenizerFor, type Tokenizer } from '../text/tokenize.js';
import { tokenizeTexts } from '../text/tokens.js';
import { encodeDataset, type Dataset } from './dataset.js';
import { checkWhole, parseOptions, vectorsFor, type TrainOptions } from './options.js';
import { openVectors, type Vectors } from './vectors.js';

export interface Prediction {
  /**
   * The most probable class (for a model with a decision threshold, the class its threshold
   * gives), or null when the text has nothing to classify (see `reason`).
   */
  label: string | null;
  /** The probability of `label`. */
  probability: number | null;
  /** Every class's probability. */
  probabilities: Record<string, number> | null;
  /**
   * True when the text has nothing the model met in training (bag-of-words models: no n-gram
   * of its vocabulary; models on vectors: no word with a vector; hybrid: neither): `asdf`,
   * `???`, another language. Such a text is answered with the classes' shares of the training
   * texts (the prior), the only thing the model knows about it. Absent for kinds that cannot
   * tell.
   */
  unseen?: boolean;
  /** Why `label` is null. */
  reason?: string;
}

export type { TextRow };

/** A prediction with the text it answers (and its id and line, when the row had them). */
export type RowPrediction = TextRow & Prediction;

/** What a linear model's decision for one text is made of (Classifier.explain). */
export interface Explanation extends Prediction {
  /** The class the terms speak for: the predicted one unless another was asked for. */
  explained: string | null;
  /**
   * The text's n-grams, and its words through their vectors, with their shares of the
   * decision value for `explained` (positive: toward it), the largest `top` by size.
   */
  terms: DecisionTerm[];
  /** The decision value the terms do not account for (the bias, the vectors' centring). */
  bias: number;
}

export type { DecisionTerm };

/**
 * Texts predicted at once by predictStream: a batch of 1,000 costs what 160 to 260 texts
 * cost one by one (each call has a fixed cost; bench/README.md section 11).
 */
export const BATCH_SIZE = 1000;

/** What model.json records of a model: its kind, labels, settings, metrics and vectors. */
export interface ClassifierMeta {
  kind: ModelSettings['model'];
  labels: readonly string[];
  settings: ModelSettings;
  /** The tokenizer's versioned name (unicode-v2), or 'function' for one given in code. */
  tokenizer: string;
  /** How it did when it was trained (what `emb train` and Classifier.save record). */
  metrics: Record<string, unknown>;
  /** When it was trained (ISO 8601), or when it was saved for a model loaded from a folder. */
  created: string;
  /** The vectors it reads (null for bag-of-words models). */
  vectors: { path: string; words: number; dims: number; fingerprint: string } | null;
  /**
   * Each class's share of the training texts, what unseen texts are answered with (null for
   * a model saved before emb recorded it: its unseen texts get the model's own answer).
   */
  prior: Record<string, number> | null;
}

/** A trained model with the vectors and tokenizer it was trained with. */
export class Classifier {
  #model: Model | undefined;
  readonly #tokenizer: Tokenizer;
  readonly #meta: ClassifierMeta;

  constructor(
    model: Model,
    settings: ModelSettings,
    tokenizer: Tokenizer,
    /** The vectors the model reads (none for bag-of-words models). */
    readonly vectors: Vectors | undefined,
    saved?: ModelMeta,
    /** The classes' shares of the training texts (a loaded model has them in `saved`). */
    prior?: Record<string, number>,
  ) {
    this.#model = model;
    this.#tokenizer = tokenizer;
    this.#meta = {
      kind: settings.model,
      labels: model.classes,
      settings,
      tokenizer: tokenizer.name,
      metrics: saved?.metrics ?? {},
      created: saved?.created ?? new Date().toISOString(),
      vectors: saved?.vectors ?? (vectors ? vectorsInfo(vectors.embeddings, vectors.path) : null),
      prior: saved?.prior ?? prior ?? null,
    };
  }

  private get model(): Model {
    if (!this.#model) throw new EmbError('E_CLOSED', 'this classifier was closed (disposed)');
    return this.#model;
  }

  /** What the classifier is: kind, labels, settings, metrics, when it was made, its vectors. */
  get meta(): ClassifierMeta {
    return this.#meta;
  }

  get settings(): ModelSettings {
    return this.#meta.settings;
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
   * a text with nothing the model met in training is marked unseen and answered with the
   * prior (the classes' shares of the training texts); every other text gets the model's answer.
   */
  async predict(texts: readonly string[]): Promise<Prediction[]> {
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string'))
      throw new EmbError('E_INPUT', 'predict: expected a list of texts (strings)');
    const model = this.model;
    const docs = texts.map((t) => this.#tokenizer.tokenize(t));
    const answerable = docs.map((d, i) => (d.length > 0 ? i : -1)).filter((i) => i >= 0);
    const asked = answerable.map((i) => docs[i]);
    const probs = await model.predict(asked);
    const seen = model.seen?.(asked);
    const prior = this.#meta.prior;
    const k = model.classes.length;
    const out: Prediction[] = texts.map(() => ({
      label: null,
      probability: null,
      probabilities: null,
      reason: 'the text has no words',
    }));
    answerable.forEach((i, r) => {
      const unseen = seen && !seen[r];
      const row =
        unseen && prior ? model.classes.map((c) => prior[c]) : probs.subarray(r * k, (r + 1) * k);
      const best = decide(Float32Array.from(row), k, 0, model.decision);
      const probabilities = Object.fromEntries(model.classes.map((c, j) => [c, row[j]]));
      out[i] = { label: model.classes[best], probability: row[best], probabilities };
      if (seen) out[i].unseen = !seen[r];
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
   * What a linear model's decision for `text` is made of: its n-grams and its words (through
   * their vectors), each with its share of the decision value for the predicted class (or
   * `label`), largest first; the shares and the bias sum to that decision value. For svm,
   * nbsvm, hybrid and logreg; other kinds are not linear in their features.
   */
  async explain(
    text: string,
    options: { top?: number; label?: string } = {},
  ): Promise<Explanation> {
    if (typeof text !== 'string') throw new EmbError('E_INPUT', 'explain: expected a text');
    const model = this.model;
    if (!model.explain)
      throw new EmbError(
        'E_INPUT',
        `explain: the ${this.settings.model} model is not linear in its features, so its decisions do not split into terms`,
      );
    const top = checkWhole('top', options.top ?? 10, 1);
    const [prediction] = await this.predict([text]);
    const explained = options.label ?? prediction.label;
    if (explained === null) return { ...prediction, explained, terms: [], bias: 0 };
    const { terms, bias } = await model.explain(
      this.#tokenizer.tokenize(text),
      this.classIndex(explained),
    );
    return { ...prediction, explained, terms: terms.slice(0, top), bias };
  }

  /** The n-grams with the largest weights toward `label` (svm, nbsvm, hybrid). */
  async topFeatures(label: string, n = 20): Promise<DecisionTerm[]> {
    const model = this.model;
    if (!model.topFeatures)
      throw new EmbError(
        'E_INPUT',
        `topFeatures: the ${this.settings.model} model has no features of its own (no n-grams); explain() shows its words`,
      );
    return model.topFeatures(this.classIndex(label), checkWhole('n', n, 1));
  }

  private classIndex(label: string): number {
    const c = this.labels.indexOf(label);
    if (c < 0)
      throw new EmbError(
        'E_INPUT',
        `no class ${JSON.stringify(label)}; the classes are ${this.labels.map((l) => `"${l}"`).join(', ')}`,
      );
    return c;
  }

  /**
   * Writes the model folder (model.json with the labels, settings, tokenizer, the vectors'
   * fingerprint and `metrics`, next to the model's own files), replacing an earlier model
   * there; any other existing folder is refused. A model trained with a tokenizer function
   * cannot be saved (register the function by name with registerTokenizer).
   */
  async save(dir: string, options: { metrics?: object } = {}): Promise<void> {
    const model = this.model;
    if (this.#tokenizer.name === FUNCTION_TOKENIZER)
      throw new EmbError(
        'E_INPUT',
        'save: this classifier was trained with a tokenizer function, which a model folder cannot hold; register it by name (registerTokenizer) and train with tokenizer: NAME',
      );
    await saveModelDir(dir, model, {
      settings: this.settings,
      labels: [...model.classes],
      tokenizer: this.#tokenizer.name,
      vectors: this.#meta.vectors,
      metrics: { ...this.#meta.metrics, ...(options.metrics ?? {}) },
      ...(this.#meta.prior ? { prior: this.#meta.prior } : {}),
    });
  }

  /** Frees the model's memory (TensorFlow.js tensors); using the classifier after is E_CLOSED. */
  close(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }

  /** The same as close(). */
  dispose(): void {
    this.close();
  }

  /** `using clf = await train(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Trains a model on every example of `data`: `{ model: 'hybrid' }` (the default) or any kind
 * (MODEL_NAMES), with that model's settings, and `seed`, `vectors`, `onProgress`,
 * `onWarning`, `signal`. Labels may be strings or numbers (kept as strings).
 */
export async function train(
  data: Dataset,
  options: TrainOptions = { model: DEFAULT_MODEL },
): Promise<Classifier> {
  const { run } = parseOptions(options);
  const set = encodeDataset(data, 'train');
  for (const w of set.warnings) run.onWarning?.(w);
  const vectors = await vectorsFor(run.settings, run.vectors, run.signal);
  // The caller's own array: training after cross-validating the same data tokenizes once.
  const docs = tokenizeTexts(data.texts, run.tokenizer.tokenize);
  const model = await trainModel({ docs, labels: set.labels, classes: set.classes }, run.settings, {
    seed: run.seed,
    embeddings: vectors?.embeddings,
    onProgress: run.onProgress,
    signal: run.signal,
  });
  const shares = set.classes.map((_, c) => set.labels.filter((y) => y === c).length / docs.length);
  const prior = Object.fromEntries(set.classes.map((c, j) => [c, shares[j]]));
  return new Classifier(model, run.settings, run.tokenizer, vectors, undefined, prior);
}

export interface LoadOptions {
  /**
   * The vectors to use; default the ones recorded in model.json when that file still exists,
   * else the bundled GloVe. Vectors other than those the model was trained with are refused.
   */
  vectors?: Vectors | string;
  /** Told what is worth knowing, e.g. that the vectors are the compact copy of the model's. */
  onWarning?: (message: string) => void;
}

/** Loads a model folder that Classifier.save (or `emb train`) wrote. */
export async function loadClassifier(dir: string, options: LoadOptions = {}): Promise<Classifier> {
  const meta = readModelMeta(dir);
  // The tokens a model is fed must be the tokens it learned from: same tokenizer, same version.
  const tokenizer = tokenizerFor(meta.settings.tokenizer);
  if (tokenizer.name !== meta.tokenizer)
    throw new EmbError(
      'E_MODEL',
      `${dir}: trained with the tokenizer ${meta.tokenizer}; this emb has ${tokenizer.name}; train the model again`,
    );
  let vectors: Vectors | undefined;
  if (usesVectors(meta.settings.model)) {
    const given = options.vectors;
    const recorded = meta.vectors?.path;
    vectors =
      typeof given === 'object'
        ? given
        : await openVectors(given ?? (recorded && existsSync(recorded) ? recorded : undefined));
    const note = checkVectors(meta, vectors.embeddings, vectors.path);
    if (note) options.onWarning?.(note);
  }
  const model = await loadModel(
    meta.settings,
    dir,
    meta.saved,
    { classes: meta.labels, embeddings: vectors?.embeddings },
    savedDecision(meta),
  );
  return new Classifier(model, meta.settings, tokenizer, vectors, meta);
}
