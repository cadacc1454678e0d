import { EmbError } from '../errors.js';
import { BagOfWords, filterOptions, type BowOptions } from '../features/bow.js';
import { LinearBowModel } from './linear-bow-model.js';
import { checkSvmOptions, trainOneVsRest, type SvmLoss } from './linear-svm.js';
import type { Model, Trainer, TrainContext } from './model.js';
import { trainNbsvm } from './nbsvm.js';

/**
 * The bag-of-words baselines (ANCHORS.md section 2, methods A and B):
 *   svm:   TF-IDF uni+bigrams (sublinear tf, smooth idf, l2 rows) + linear SVM;
 *   nbsvm: binary uni+bigrams scaled by the NB log-count ratio + SVM + interpolation.
 * Options (ctx.options): C (1), ngrams ([1, 2]), minDf (1), loss ('squared-hinge' | 'hinge'),
 * eps (0.1, the solver's tolerance), and for nbsvm alpha (1) and beta (0.25). predict()
 * returns a softmax of decision values, which is not a calibrated probability.
 */

type Docs = readonly (readonly string[])[];

export interface BaselineOptions extends BowOptions {
  C: number;
  loss: SvmLoss;
  /** The solver's stopping tolerance (LIBLINEAR's 0.1; scikit-learn's LinearSVC uses 1e-4). */
  eps: number;
}

export function readOptions(options: Record<string, unknown> = {}): BaselineOptions {
  let ngrams = options.ngrams ?? [1, 2];
  // From a command line: "1,2".
  if (typeof ngrams === 'string') ngrams = ngrams.split(',').map(Number);
  if (!Array.isArray(ngrams) || ngrams.length !== 2) {
    throw new EmbError('E_INPUT', `ngrams must be [min, max], got ${JSON.stringify(ngrams)}`);
  }
  const loss =
    options.loss === 'squared_hinge' ? 'squared-hinge' : (options.loss ?? 'squared-hinge');
  const out: BaselineOptions = {
    C: numberOption(options.C, 1),
    loss: loss as SvmLoss,
    ngrams: [Number(ngrams[0]), Number(ngrams[1])],
    minDf: numberOption(options.minDf, 1),
    eps: numberOption(options.eps, 0.1),
    ...filterOptions(options),
  };
  checkSvmOptions(out);
  if (!(out.eps > 0))
    throw new EmbError('E_INPUT', `eps must be a positive number, got ${String(out.eps)}`);
  return out;
}

/** A number option, also from its command-line spelling ("0.5"). */
export function numberOption(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : (value as number);
}

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

export const svmTrainer: Trainer = {
  kind: 'svm',
  usesEmbeddings: false,
  async train(docs, labels, classes, ctx: TrainContext): Promise<Model> {
    checkTrainingData(docs, labels, classes);
    const o = readOptions(ctx.options);
    const { bow, x } = BagOfWords.fitTransform(docs, o, 'tfidf');
    const weights = trainOneVsRest(x, labels, classes.length, o, ctx.seed, ctx.onProgress);
    return new LinearBowModel('svm', classes, bow, 'tfidf', weights, { C: o.C, loss: o.loss });
  },
  async load(dir, saved, classes) {
    return LinearBowModel.load('svm', dir, saved, classes);
  },
};

export const nbsvmTrainer: Trainer = {
  kind: 'nbsvm',
  usesEmbeddings: false,
  async train(docs, labels, classes, ctx: TrainContext): Promise<Model> {
    checkTrainingData(docs, labels, classes);
    const o = readOptions(ctx.options);
    const alpha = numberOption(ctx.options?.alpha, 1);
    const beta = numberOption(ctx.options?.beta, 0.25);
    const { bow, x } = BagOfWords.fitTransform(docs, o, 'binary');
    const weights = trainNbsvm(
      x,
      labels,
      classes.length,
      { C: o.C, loss: o.loss, eps: o.eps, seed: ctx.seed, alpha, beta },
      ctx.onProgress,
    );
    return new LinearBowModel('nbsvm', classes, bow, 'binary', weights, {
      C: o.C,
      loss: o.loss,
      alpha,
      beta,
    });
  },
  async load(dir, saved, classes) {
    return LinearBowModel.load('nbsvm', dir, saved, classes);
  },
};
