/**
 * Evaluation of any Trainer: stratified k-fold cross-validation (seeded), a stratified holdout,
 * or a separate test set. Accuracy is averaged over folds (with its spread); macro-F1,
 * per-class scores and the confusion matrix pool the predictions of all folds.
 */
import { EmbError } from '../errors.js';
import { argmaxRow, type TrainContext, type Trainer } from '../models/model.js';
import { evaluate, mean, std, type ClassMetrics } from './metrics.js';
import { stratifiedHoldout, stratifiedKFold, type Fold } from './splits.js';

type Docs = readonly (readonly string[])[];

export type Plan =
  { folds: number } | { holdout: number } | { test: { docs: Docs; labels: readonly number[] } };

export interface Evaluation {
  /** "10-fold", "holdout 0.2" or "test set". */
  protocol: string;
  folds: number;
  accuracy: number;
  accuracyStd: number;
  foldAccuracies: number[];
  macroF1: number;
  perClass: ClassMetrics[];
  confusion: number[][];
}

export async function crossValidate(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  trainer: Trainer,
  ctx: TrainContext,
  plan: Plan,
  onFold?: (done: number, total: number) => void,
): Promise<Evaluation> {
  let allDocs = docs;
  let allLabels = labels;
  let folds: Fold[];
  let protocol: string;
  if ('folds' in plan) {
    folds = stratifiedKFold(labels, plan.folds, ctx.seed);
    protocol = `${plan.folds}-fold`;
  } else if ('holdout' in plan) {
    folds = [stratifiedHoldout(labels, plan.holdout, ctx.seed)];
    protocol = `holdout ${plan.holdout}`;
  } else {
    // The test examples follow the training ones; one "fold" trains on all of the latter.
    allDocs = [...docs, ...plan.test.docs];
    allLabels = [...labels, ...plan.test.labels];
    folds = [{ train: docs.map((_, i) => i), test: plan.test.docs.map((_, i) => docs.length + i) }];
    protocol = 'test set';
  }
  const truth: number[] = [];
  const predicted: number[] = [];
  const foldAccuracies: number[] = [];
  onFold?.(0, folds.length);
  for (const [f, fold] of folds.entries()) {
    const trainLabels = fold.train.map((i) => allLabels[i]);
    if (new Set(trainLabels).size < 2)
      throw new EmbError(
        'E_INPUT',
        `fold ${f + 1} has a single class to train on; use fewer folds or more data`,
      );
    const model = await trainer.train(
      fold.train.map((i) => allDocs[i]),
      trainLabels,
      classes,
      { ...ctx, seed: ctx.seed + f },
    );
    try {
      const probs = await model.predict(fold.test.map((i) => allDocs[i]));
      let right = 0;
      fold.test.forEach((i, r) => {
        const p = argmaxRow(probs, classes.length, r);
        truth.push(allLabels[i]);
        predicted.push(p);
        if (p === allLabels[i]) right++;
      });
      foldAccuracies.push(right / Math.max(1, fold.test.length));
    } finally {
      model.dispose();
    }
    onFold?.(f + 1, folds.length);
  }
  const pooled = evaluate(truth, predicted, classes);
  return {
    protocol,
    folds: folds.length,
    accuracy: mean(foldAccuracies),
    accuracyStd: std(foldAccuracies),
    foldAccuracies,
    macroF1: pooled.macroF1,
    perClass: pooled.perClass,
    confusion: pooled.confusion,
  };
}
