import { EmbError } from '../errors.js';
import { BagOfWords } from '../features/bow.js';
import { LinearBowModel } from './linear-bow-model.js';
import { trainOneVsRest } from './linear-svm.js';
import type { Model, Trainer, TrainContext } from './model.js';
import { trainNbsvm } from './nbsvm.js';
import type { NbsvmSettings, SvmSettings } from './settings.js';

/**
 * The bag-of-words baselines (ANCHORS.md section 2, methods A and B):
 *   svm:   TF-IDF uni+bigrams (sublinear tf, smooth idf, l2 rows) + linear SVM;
 *   nbsvm: binary uni+bigrams scaled by the NB log-count ratio + SVM + interpolation.
 * Settings in settings.ts. predict() returns a softmax of decision values, which is not a
 * calibrated probability.
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

export const svmTrainer: Trainer<SvmSettings> = {
  kind: 'svm',
  usesEmbeddings: false,
  async train(docs, labels, classes, s, ctx: TrainContext): Promise<Model> {
    checkTrainingData(docs, labels, classes);
    const { bow, x } = BagOfWords.fitTransform(docs, s, 'tfidf');
    const weights = trainOneVsRest(x, labels, classes.length, s, ctx.seed, ctx.onProgress);
    return new LinearBowModel('svm', classes, bow, 'tfidf', weights);
  },
  async load(dir, saved, classes) {
    return LinearBowModel.load('svm', dir, saved, classes);
  },
};

export const nbsvmTrainer: Trainer<NbsvmSettings> = {
  kind: 'nbsvm',
  usesEmbeddings: false,
  async train(docs, labels, classes, s, ctx: TrainContext): Promise<Model> {
    checkTrainingData(docs, labels, classes);
    const { bow, x } = BagOfWords.fitTransform(docs, s, 'binary');
    const weights = trainNbsvm(
      x,
      labels,
      classes.length,
      { C: s.C, loss: s.loss, eps: s.eps, seed: ctx.seed, alpha: s.alpha, beta: s.beta },
      ctx.onProgress,
    );
    return new LinearBowModel('nbsvm', classes, bow, 'binary', weights);
  },
  async load(dir, saved, classes) {
    return LinearBowModel.load('nbsvm', dir, saved, classes);
  },
};
