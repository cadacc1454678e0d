import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbError } from '../errors.js';
import { BagOfWords, filterOptions, type Weighting } from '../features/bow.js';
import { isCalibration, probabilities, type Calibration } from './calibration.js';
import { decisionValues, outputsFor } from './linear-svm.js';
import type { Model, ModelKind, SavedModel } from './model.js';

/**
 * A trained bag-of-words linear classifier (TF-IDF SVM or NBSVM, whose ratio is folded into its
 * weights): vocabulary + outputs x (terms + 1) float32 weights, the last column the bias, and
 * the calibration that turns decision values into probabilities. Saved as vocabulary.json
 * (terms in column order), weights.f32 and, for TF-IDF, idf.f32 (little-endian float32); the
 * calibration goes into model.json. Everything is float32 in memory too, so a reloaded model
 * predicts bit for bit what the trained one did.
 */
export class LinearBowModel implements Model {
  constructor(
    readonly kind: ModelKind,
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

  async save(dir: string): Promise<SavedModel> {
    writeFloats(join(dir, WEIGHTS), this.weights);
    const bow = saveBagOfWords(dir, this.bow, this.weighting);
    return {
      format: FORMAT,
      ...bow,
      files: [WEIGHTS, ...bow.files],
      outputs: outputsFor(this.classes.length),
      calibration: this.calibration,
    };
  }

  dispose(): void {}

  static load(
    kind: ModelKind,
    dir: string,
    saved: Record<string, unknown>,
    classes: readonly string[],
  ): LinearBowModel {
    if (saved.format !== FORMAT) {
      throw new EmbError(
        'E_MODEL',
        `${dir}: expected a model saved as '${FORMAT}', found '${String(saved.format)}'`,
      );
    }
    const { bow, weighting } = loadBagOfWords(dir, saved);
    const weights = readFloats(join(dir, WEIGHTS));
    return new LinearBowModel(kind, classes, bow, weighting, weights, savedCalibration(dir, saved));
  }
}

/** Version 2 added the calibration. */
const FORMAT = 'emb-linear-bow-2';
const VOCABULARY = 'vocabulary.json';
const WEIGHTS = 'weights.f32';
const IDF = 'idf.f32';

/**
 * Writes a fitted vocabulary as vocabulary.json (terms in column order) and, for TF-IDF,
 * idf.f32; returns the settings that loadBagOfWords needs back.
 */
export function saveBagOfWords(dir: string, bow: BagOfWords, weighting: Weighting): SavedModel {
  const vocabulary = JSON.stringify(bow.terms);
  writeFileSync(join(dir, VOCABULARY), vocabulary);
  if (weighting === 'tfidf') writeFloats(join(dir, IDF), bow.idf);
  return {
    weighting,
    ngrams: [...bow.options.ngrams],
    minDf: bow.options.minDf,
    ...filterOptions({ ...bow.options }),
    terms: bow.size,
    files: weighting === 'tfidf' ? [VOCABULARY, IDF] : [VOCABULARY],
  };
}

export function loadBagOfWords(
  dir: string,
  saved: Record<string, unknown>,
): { bow: BagOfWords; weighting: Weighting } {
  const weighting = saved.weighting;
  if (weighting !== 'tfidf' && weighting !== 'binary') {
    throw new EmbError(
      'E_MODEL',
      `${dir}: expected weighting 'tfidf' or 'binary', found '${String(weighting)}'`,
    );
  }
  const terms = readJson(join(dir, VOCABULARY));
  if (
    !Array.isArray(terms) ||
    !terms.every((t) => typeof t === 'string') ||
    terms.length !== saved.terms
  ) {
    throw new EmbError(
      'E_MODEL',
      `${join(dir, VOCABULARY)}: expected a JSON array of ${String(saved.terms)} strings`,
    );
  }
  const idf =
    weighting === 'tfidf' ? readFloats(join(dir, IDF)) : new Float32Array(terms.length).fill(1);
  const ngrams = saved.ngrams;
  if (!Array.isArray(ngrams) || ngrams.length !== 2) {
    throw new EmbError(
      'E_MODEL',
      `${dir}: expected ngrams [min, max] in the saved model, found ${JSON.stringify(ngrams)}`,
    );
  }
  const bow = BagOfWords.fromTerms(terms as string[], idf, {
    ngrams: [Number(ngrams[0]), Number(ngrams[1])],
    minDf: Number(saved.minDf),
    ...filterOptions(saved),
  });
  return { bow, weighting };
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

/** Writes float32 values (into a model's temporary folder, which is put in place whole). */
export function writeFloats(path: string, data: Float32Array): void {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new EmbError(
      'E_IO',
      `${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code})`,
    );
  }
}

export function readFloats(path: string): Float32Array {
  const bytes = read(path);
  if (bytes.byteLength % 4 !== 0)
    throw new EmbError(
      'E_MODEL',
      `${path}: expected float32 values, found ${bytes.byteLength} bytes`,
    );
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(read(path).toString('utf8'));
  } catch (e) {
    if (e instanceof EmbError) throw e;
    throw new EmbError('E_MODEL', `${path}: expected JSON, ${(e as Error).message}`);
  }
}
