import { join } from 'node:path';
import { checkAborted, EmbError } from '../errors.js';
import {
  BagOfWords,
  filterOptions,
  STEM_LANGUAGES,
  STOPWORD_LANGUAGES,
  type Csr,
  type StemLanguage,
  type StopwordLanguage,
  type Weighting,
} from '../features/bow.js';
import type { FilterOptions } from '../features/token-filter.js';
import { groupsOf } from '../text/duplicates.js';
import {
  fitCalibration,
  innerFolds,
  isCalibration,
  outOfFoldScores,
  probabilities,
  UNFITTED,
  type Calibration,
} from './calibration.js';
import { foldView } from './fold-view.js';
import {
  checkFormat,
  type Docs,
  type Model,
  type SavedFiles,
  type SavedModel,
  type TrainContext,
  type TrainingSet,
  type Explanation,
  type DecisionTerm,
} from './kind.js';
import { decisionValues, outputsFor } from './linear-svm.js';
import { bySize, ngramTerms, strongestNgrams } from './linear-terms.js';
import { readBytes, readFloats, writeBytes, writeFloats } from './model-files.js';
import type { InnerSettings, NgramSettings } from './setting.js';

/**
 * A trained bag-of-words linear classifier (TF-IDF SVM or NBSVM, whose ratio is folded into its
 * weights): vocabulary + outputs x (terms + 1) float32 weights, the last column the bias, and
 * the calibration that turns decision values into probabilities. Saved by saveBagOfWords; the
 * calibration goes into model.json. Everything is float32 in memory too, so a reloaded model
 * predicts bit for bit what the trained one did.
 */
export class LinearBowModel implements Model {
  constructor(
    readonly kind: string,
    readonly classes: readonly string[],
    readonly bow: BagOfWords,
    readonly weighting: Weighting,
    readonly weights: Float32Array,
    readonly calibration: Calibration,
  ) {
    const expected = outputsFor(classes.length) * (bow.size + 1);
    if (weights.length !== expected) {
      throw new EmbError(
        'E_MODEL',
        `expected ${expected} weights for ${classes.length} classes and ${bow.size} terms, found ${weights.length}`,
      );
    }
  }

  /** Calibrated probabilities of the SVM's decision values (calibration.ts). */
  predict(docs: readonly (readonly string[])[]): Float32Array {
    const x = this.bow.transform(docs, this.weighting);
    const k = this.classes.length;
    const decision = decisionValues(x, this.weights, outputsFor(k));
    return probabilities(decision, docs.length, k, this.calibration.scale);
  }

  seen(docs: Docs): boolean[] {
    return this.bow.seen(docs);
  }

  async save(dir: string): Promise<SavedFiles> {
    const outputs = outputsFor(this.classes.length);
    const bow = saveBagOfWords(dir, this.bow, this.weighting, this.weights, outputs);
    return {
      format: LINEAR_BOW_FORMAT,
      ...bow,
      outputs,
      calibration: this.calibration,
    };
  }

  dispose(): void {}

  explain(doc: readonly string[], c: number): Explanation {
    const stride = this.bow.size + 1;
    const k = this.classes.length;
    const { terms, bias } = ngramTerms(this.bow, this.weighting, this.weights, stride, k, doc, c);
    return { terms: bySize(terms), bias };
  }

  topFeatures(c: number, n: number): DecisionTerm[] {
    return strongestNgrams(this.bow, this.weights, this.bow.size + 1, this.classes.length, c, n);
  }

  static load(
    kind: string,
    dir: string,
    saved: SavedModel,
    classes: readonly string[],
  ): LinearBowModel {
    const format = checkFormat(dir, saved, LINEAR_BOW_FORMAT, 'emb-linear-bow-3');
    const { bow, weighting, weights } = loadBagOfWords(dir, saved, format === LINEAR_BOW_FORMAT);
    return new LinearBowModel(kind, classes, bow, weighting, weights, savedCalibration(dir, saved));
  }
}

/**
 * Fits `fit` on the n-gram rows of all documents, and its calibration on the decision values
 * of the same fit in inner folds, each a view of those rows (fold-view.ts): fitting the
 * vocabulary again for each fold tripled the cost of a calibrated svm on MR.
 */
export function trainLinearBow(
  kind: string,
  weighting: Weighting,
  data: TrainingSet,
  s: NgramSettings & InnerSettings,
  ctx: TrainContext,
  fit: (x: Csr, labels: readonly number[]) => Float32Array,
): LinearBowModel {
  const { docs, labels, classes } = data;
  const k = classes.length;
  const { bow, x } = BagOfWords.fitTransform(docs, s, weighting);
  const folds = innerFolds(labels, k, s.innerFolds);
  const fits = Math.max(0, folds) + 1;
  let done = 0;
  const held = outOfFoldScores(
    labels,
    k,
    folds,
    ctx.seed + 1,
    (train, test) => {
      checkAborted(ctx.signal);
      const view = foldView(x, train, test, s.minDf, weighting === 'tfidf');
      const trainLabels = train.map((i) => labels[i]);
      const scores = decisionValues(view.test, fit(view.train, trainLabels), outputsFor(k));
      ctx.onProgress?.({ stage: 'inner folds', done: ++done, total: fits });
      return [scores];
    },
    groupsOf(docs),
  );
  const weights = fit(x, labels);
  ctx.onProgress?.({ stage: 'inner folds', done: fits, total: fits });
  const calibration = held ? fitCalibration(held[0], labels, k) : UNFITTED;
  return new LinearBowModel(kind, classes, bow, weighting, weights, calibration);
}

/**
 * The layout svm and nbsvm save; version 2 added the calibration, version 3 the binary
 * vocabulary (vocabulary.bin: the SpamAssassin model's vocabulary.json was 16 MB and took a
 * second to read back), version 4 the gzipped files of saveBagOfWords.
 */
export const LINEAR_BOW_FORMAT = 'emb-linear-bow-4';

/**
 * The files of a vocabulary and its weights, gzipped (model-files.ts) since emb-linear-bow-4
 * and emb-hybrid-4, which also save vocabulary.bin version 3: together they cut the default
 * SpamAssassin model to about a third (issue 20, bench/README.md section 16).
 */
function bagFiles(gzipped: boolean): { vocabulary: string; weights: string; idf: string } {
  const z = gzipped ? '.gz' : '';
  return { vocabulary: `vocabulary.bin${z}`, weights: `weights.f32${z}`, idf: `idf.f32${z}` };
}

/**
 * Writes a fitted vocabulary (BagOfWords.toBytes), for TF-IDF its idf, and the weights of a
 * linear model over it (outputs rows, each the vocabulary's columns first), the columns in the
 * order the vocabulary saves them; returns the settings that loadBagOfWords needs back.
 */
export function saveBagOfWords(
  dir: string,
  bow: BagOfWords,
  weighting: Weighting,
  weights: Float32Array,
  outputs: number,
): { files: string[]; [field: string]: unknown } {
  const { bytes, keep } = bow.toBytes();
  const names = bagFiles(true);
  writeBytes(join(dir, names.vocabulary), bytes);
  writeFloats(join(dir, names.weights), keepColumns(weights, outputs, bow.size, keep));
  if (weighting === 'tfidf')
    writeFloats(
      join(dir, names.idf),
      Float32Array.from(keep, (j) => bow.idf[j]),
    );
  return {
    weighting,
    ngrams: [...bow.options.ngrams],
    minDf: bow.options.minDf,
    ...filterOptions(bow.options),
    terms: bow.size,
    files: [names.vocabulary, names.weights, ...(weighting === 'tfidf' ? [names.idf] : [])],
  };
}

/**
 * Weights of `outputs` rows whose first `cols` columns are n-grams, with only the n-gram
 * columns `keep`, in that order (BagOfWords.select(keep)), the other columns after them as
 * before.
 */
export function keepColumns(
  weights: Float32Array,
  outputs: number,
  cols: number,
  keep: Int32Array,
): Float32Array {
  const stride = weights.length / outputs;
  const kept = stride - cols + keep.length;
  const out = new Float32Array(outputs * kept);
  for (let o = 0; o < outputs; o++) {
    const from = weights.subarray(o * stride, (o + 1) * stride);
    const to = out.subarray(o * kept, (o + 1) * kept);
    keep.forEach((j, n) => (to[n] = from[j]));
    to.set(from.subarray(cols), keep.length);
  }
  return out;
}

/** What saveBagOfWords wrote; `gzipped` for the formats that gzip it (bagFiles). */
export function loadBagOfWords(
  dir: string,
  saved: Record<string, unknown>,
  gzipped: boolean,
): { bow: BagOfWords; weighting: Weighting; weights: Float32Array } {
  const names = bagFiles(gzipped);
  const weighting = saved.weighting;
  if (weighting !== 'tfidf' && weighting !== 'binary') {
    throw new EmbError(
      'E_MODEL',
      `${dir}: expected weighting 'tfidf' or 'binary', found '${String(weighting)}'`,
    );
  }
  const terms = saved.terms;
  if (!(typeof terms === 'number' && Number.isInteger(terms) && terms >= 1))
    throw new EmbError(
      'E_MODEL',
      `${dir}: expected "terms" (a whole number >= 1) in the saved model, found ${JSON.stringify(terms)}`,
    );
  const idf =
    weighting === 'tfidf' ? readFloats(join(dir, names.idf)) : new Float32Array(terms).fill(1);
  // The saved record is read as model.json's settings are: a damaged one is E_MODEL.
  const { ngrams, minDf, stem, stopwords } = saved;
  const whole = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 1;
  if (
    !Array.isArray(ngrams) ||
    ngrams.length !== 2 ||
    !whole(ngrams[0]) ||
    !whole(ngrams[1]) ||
    ngrams[1] < ngrams[0] ||
    !whole(minDf) ||
    (stem !== undefined && !STEM_LANGUAGES.includes(stem as StemLanguage)) ||
    (stopwords !== undefined && !STOPWORD_LANGUAGES.includes(stopwords as StopwordLanguage))
  )
    throw new EmbError(
      'E_MODEL',
      `${dir}: expected the n-gram settings (ngrams [min, max], minDf, stem, stopwords) in the saved model, found ${JSON.stringify({ ngrams, minDf, stem, stopwords })}`,
    );
  const path = join(dir, names.vocabulary);
  const bow = BagOfWords.fromBytes(
    readBytes(path),
    idf,
    {
      ngrams: [ngrams[0], ngrams[1]],
      minDf,
      ...filterOptions({ stem, stopwords } as FilterOptions),
    },
    path,
  );
  if (bow.size !== terms)
    throw new EmbError('E_MODEL', `${path}: expected ${terms} terms, found ${bow.size}`);
  return { bow, weighting, weights: readFloats(join(dir, names.weights)) };
}

/** The calibration a linear model saved, checked. */
export function savedCalibration(dir: string, saved: Record<string, unknown>): Calibration {
  if (!isCalibration(saved.calibration))
    throw new EmbError(
      'E_MODEL',
      `${dir}: expected a calibration { "method": "temperature", "scale" > 0, "fittedOn" } in the saved model, found ${JSON.stringify(saved.calibration)}`,
    );
  return saved.calibration;
}
