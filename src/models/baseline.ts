import { EmbError } from '../errors.js';
import { BagOfWords, type Csr, type Weighting } from '../features/bow.js';
import { fitCalibration, innerFolds, outOfFoldScores, UNFITTED } from './calibration.js';
import { foldView } from './fold-view.js';
import { LinearBowModel } from './linear-bow-model.js';
import { decisionValues, outputsFor, trainOneVsRest } from './linear-svm.js';
import type { Model, Trainer, TrainContext } from './model.js';
import { trainNbsvm } from './nbsvm.js';
import type { NbsvmSettings, SvmSettings } from './settings.js';

/**
 * The bag-of-words baselines (ANCHORS.md section 2, methods A and B):
 *   svm:   TF-IDF uni+bigrams (sublinear tf, smooth idf, l2 rows) + linear SVM;
 *   nbsvm: binary uni+bigrams scaled by the NB log-count ratio + SVM + interpolation.
 * Settings in settings.ts. Probabilities are the decision values calibrated on out-of-fold
 * decision values of the same method (inner stratified cross-validation, calibration.ts).
 */

type Docs = readonly (readonly string[])[];

/** Rejects what no classifier can learn from, with what was expected and what was found. */
export function checkTrainingData(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
): void {
  if (docs.length === 0)
    throw new EmbError('E_INPUT', 'expected at least one training document, got an empty list');
  if (labels.length !== docs.length) {
    throw new EmbError(
      'E_INPUT',
      `expected one label per document, got ${labels.length} labels for ${docs.length} documents`,
    );
  }
  if (classes.length < 2) {
    throw new EmbError(
      'E_INPUT',
      `expected at least 2 classes, got ${classes.length} (${classes.join(', ') || 'none'})`,
    );
  }
  const seen = new Set<number>();
  for (const y of labels) {
    if (!Number.isInteger(y) || y < 0 || y >= classes.length) {
      throw new EmbError(
        'E_INPUT',
        `expected labels that are class ids 0..${classes.length - 1}, found ${y}`,
      );
    }
    seen.add(y);
  }
  if (seen.size < 2) {
    const only = classes[labels[0]];
    throw new EmbError(
      'E_INPUT',
      `expected training documents of at least 2 classes, found only class '${only}' in ${docs.length} documents`,
    );
  }
}

/**
 * Fits `fit` on the features of all documents, and its calibration on the decision values of
 * the same fit in inner folds, each a view of those features (fold-view.ts): fitting the
 * vocabulary again for each fold tripled the cost of a calibrated svm on MR.
 */
function trainCalibrated(
  kind: 'svm' | 'nbsvm',
  weighting: Weighting,
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  s: SvmSettings | NbsvmSettings,
  ctx: TrainContext,
  fit: (x: Csr, labels: readonly number[], onProgress?: TrainContext['onProgress']) => Float32Array,
): Model {
  checkTrainingData(docs, labels, classes);
  const k = classes.length;
  const { bow, x } = BagOfWords.fitTransform(docs, s, weighting);
  const held = outOfFoldScores(
    labels,
    k,
    innerFolds(labels, k, s.innerFolds),
    ctx.seed + 1,
    (train, test) => {
      const view = foldView(x, train, test, s.minDf, weighting === 'tfidf');
      const trainLabels = train.map((i) => labels[i]);
      return [decisionValues(view.test, fit(view.train, trainLabels), outputsFor(k))];
    },
  );
  const weights = fit(x, labels, ctx.onProgress);
  const calibration = held ? fitCalibration(held[0], labels, k) : UNFITTED;
  return new LinearBowModel(kind, classes, bow, weighting, weights, calibration);
}

export const svmTrainer: Trainer<SvmSettings> = {
  kind: 'svm',
  usesEmbeddings: false,
  async train(docs, labels, classes, s, ctx: TrainContext): Promise<Model> {
    return trainCalibrated(
      'svm',
      'tfidf',
      docs,
      labels,
      classes,
      s,
      ctx,
      (x, y, onProgress) =>
        trainOneVsRest(x, y, classes.length, s, ctx.seed, { onProgress }).weights,
    );
  },
  async load(dir, saved, classes) {
    return LinearBowModel.load('svm', dir, saved, classes);
  },
};

export const nbsvmTrainer: Trainer<NbsvmSettings> = {
  kind: 'nbsvm',
  usesEmbeddings: false,
  async train(docs, labels, classes, s, ctx: TrainContext): Promise<Model> {
    return trainCalibrated(
      'nbsvm',
      'binary',
      docs,
      labels,
      classes,
      s,
      ctx,
      (x, y, onProgress) =>
        trainNbsvm(x, y, classes.length, { ...s, seed: ctx.seed }, { onProgress }).weights,
    );
  },
  async load(dir, saved, classes) {
    return LinearBowModel.load('nbsvm', dir, saved, classes);
  },
};
