/**
 * Evaluation of any Trainer: stratified k-fold cross-validation (seeded), a stratified holdout,
 * or a separate test set. Accuracy is averaged over folds (with its spread); macro-F1,
 * per-class scores and the confusion matrix pool the predictions of all folds.
 */
import { Worker } from 'node:worker_threads';
import { workerUrl, workersAvailable } from '../worker-url.js';
import { abortError, checkAborted, deserializeError, EmbError } from '../errors.js';
import { chosenBackend } from '../models/tfjs/backend.js';
import type { Decision, Docs, TrainContext } from '../models/kind.js';
import { checkThreshold, decide } from '../models/threshold.js';
import { usesVectors, type ModelSettings } from '../models/registry.js';
import { runFold } from './fold.js';
import {
  calibrationMetrics,
  evaluate,
  mean,
  std,
  type CalibrationMetrics,
  type ClassMetrics,
} from './metrics.js';
import { groupsOf } from '../text/duplicates.js';
import { stratifiedHoldout, stratifiedKFold, type Fold } from '../text/splits.js';
import { packDocs } from '../text/tokens.js';
import { shareNgrams } from '../features/bow.js';
import { shareVectorRows } from '../features/sentence.js';
import type { FoldAnswer, FoldWorkerData } from './fold-worker.js';

export type Plan =
  { folds: number } | { holdout: number } | { test: { docs: Docs; labels: readonly number[] } };

export interface Evaluation {
  /** "10-fold", "holdout 0.2" or "test set". */
  protocol: string;
  folds: number;
  accuracy: number;
  accuracyStd: number;
  foldAccuracies: number[];
  /** Test predictions pooled over folds: how many, and how many right. */
  tested: number;
  correct: number;
  /** Accuracy of always answering each fold's most frequent training class. */
  majorityAccuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  confusion: number[][];
  /** How well the predicted probabilities match the outcomes, over every test prediction. */
  calibration: CalibrationMetrics;
  /**
   * Every test prediction, pooled over folds in fold order: the row (an index into the data,
   * or into the test set for a test plan), its true and predicted class ids, and its class
   * probabilities (`tested` x classes, row-major, in the same order).
   */
  rows: number[];
  truth: number[];
  predicted: number[];
  probabilities: Float32Array;
  /** Each fold's decision threshold (undefined for a model without one). */
  decisions: (Decision | undefined)[];
}

/** One fold's answers: its test rows' probabilities and the decision its model chose. */
interface FoldResult {
  probabilities: Float32Array;
  decision?: Decision;
}

/**
 * Folds can run in worker threads (each opens the vectors itself, so give the path of a .emb
 * file, which maps in milliseconds). Results do not depend on it: fold f is seeded seed + f.
 */
export interface Parallel {
  workers: number;
  vectorsPath?: string;
}

export async function evaluateFolds(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  settings: ModelSettings,
  ctx: TrainContext,
  plan: Plan,
  onFold?: (done: number, total: number) => void,
  parallel?: Parallel,
): Promise<Evaluation> {
  checkThreshold(settings.threshold, classes);
  let allDocs = docs;
  let allLabels = labels;
  let folds: Fold[];
  let protocol: string;
  if ('folds' in plan) {
    // Copies of a text stay in one fold: a copy in training would grade memory, not skill.
    folds = stratifiedKFold(labels, plan.folds, ctx.seed, groupsOf(docs));
    protocol = `${plan.folds}-fold`;
  } else if ('holdout' in plan) {
    folds = [stratifiedHoldout(labels, plan.holdout, ctx.seed, groupsOf(docs))];
    protocol = `holdout ${plan.holdout}`;
  } else {
    // The test examples follow the training ones; one "fold" trains on all of the latter.
    allDocs = [...docs, ...plan.test.docs];
    allLabels = [...labels, ...plan.test.labels];
    folds = [{ train: docs.map((_, i) => i), test: plan.test.docs.map((_, i) => docs.length + i) }];
    protocol = 'test set';
  }
  folds.forEach((fold, f) => {
    if (new Set(fold.train.map((i) => allLabels[i])).size < 2) {
      throw new EmbError(
        'E_INPUT',
        `fold ${f + 1} has a single class to train on; use fewer folds or more data`,
      );
    }
  });
  onFold?.(0, folds.length);
  const results =
    parallel && workersAvailable && parallel.workers > 1 && folds.length > 1
      ? await inThreads(allDocs, allLabels, classes, settings, ctx, folds, parallel, onFold)
      : await inThisThread(allDocs, allLabels, classes, settings, ctx, folds, onFold);
  const truth: number[] = [];
  const predicted: number[] = [];
  const rows: number[] = [];
  const offset = 'test' in plan ? docs.length : 0;
  const pooled = new Float32Array(folds.reduce((a, f) => a + f.test.length, 0) * classes.length);
  const foldAccuracies: number[] = [];
  let correct = 0;
  let majorityRight = 0;
  folds.forEach((fold, f) => {
    let right = 0;
    const majority = mostFrequent(
      fold.train.map((i) => allLabels[i]),
      classes.length,
    );
    const { probabilities, decision } = results[f];
    pooled.set(probabilities, truth.length * classes.length);
    fold.test.forEach((i, r) => {
      const p = decide(probabilities, classes.length, r, decision);
      rows.push(i - offset);
      truth.push(allLabels[i]);
      predicted.push(p);
      if (p === allLabels[i]) right++;
      if (allLabels[i] === majority) majorityRight++;
    });
    correct += right;
    foldAccuracies.push(right / Math.max(1, fold.test.length));
  });
  const metrics = evaluate(truth, predicted, classes);
  return {
    protocol,
    folds: folds.length,
    accuracy: mean(foldAccuracies),
    accuracyStd: std(foldAccuracies),
    foldAccuracies,
    tested: truth.length,
    correct,
    majorityAccuracy: majorityRight / Math.max(1, truth.length),
    macroF1: metrics.macroF1,
    perClass: metrics.perClass,
    confusion: metrics.confusion,
    calibration: calibrationMetrics(pooled, truth, classes.length),
    rows,
    truth,
    predicted,
    probabilities: pooled,
    decisions: results.map((r) => r.decision),
  };
}

/** The most frequent class id (the first of equals). */
export function mostFrequent(labels: readonly number[], classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  return counts.indexOf(Math.max(...counts));
}

async function inThisThread(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  settings: ModelSettings,
  ctx: TrainContext,
  folds: Fold[],
  onFold?: (done: number, total: number) => void,
): Promise<FoldResult[]> {
  const out: FoldResult[] = [];
  for (const [f, fold] of folds.entries()) {
    checkAborted(ctx.signal);
    const { probabilities, decision } = await runFold({ docs, labels, classes }, fold, settings, {
      ...ctx,
      seed: ctx.seed + f,
    });
    out.push({ probabilities, decision });
    onFold?.(f + 1, folds.length);
  }
  return out;
}

/**
 * Runs the folds in this thread and in `parallel.workers - 1` worker threads. This thread
 * holds the documents already, and a thread training on the SpamAssassin corpus holds about
 * half a gigabyte (its tokens, n-grams and rows), so it works instead of waiting. It answers
 * messages only between its own folds, so each worker is kept two folds ahead.
 */
async function inThreads(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  settings: ModelSettings,
  ctx: TrainContext,
  folds: Fold[],
  parallel: Parallel,
  onFold?: (done: number, total: number) => void,
): Promise<FoldResult[]> {
  // Let go once the workers have their copies: the packed ids are 37 MB on SpamAssassin.
  let workerData: FoldWorkerData | undefined = {
    settings,
    vectorsPath: usesVectors(settings.model) ? parallel.vectorsPath : undefined,
    docs: packDocs(docs),
    ngrams: 'ngrams' in settings ? shareNgrams(docs, settings) : undefined,
    vectorRows: ctx.embeddings && shareVectorRows(ctx.embeddings),
    labels: [...labels],
    classes: [...classes],
    seed: ctx.seed,
    backend: chosenBackend(),
  };
  const out: FoldResult[] = new Array(folds.length);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let failure: Error | undefined;
  let finished: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const settle = (f: number, result: FoldResult) => {
    out[f] = result;
    done++; // not inside onFold?.(...): without a callback its arguments are never evaluated
    onFold?.(done, folds.length);
    if (done === folds.length) finished();
  };
  const fail = (e: Error) => {
    failure ??= e;
    finished();
  };
  const aborted = () => fail(abortError(ctx.signal!));
  ctx.signal?.addEventListener('abort', aborted);
  // Folds a worker has been given and not answered: at most two, so it never waits for this
  // thread to finish a fold before it can start its next one.
  const queued = new Map<Worker, number>();
  const topUp = () => {
    for (const w of workers)
      while ((queued.get(w) ?? 0) < 2 && next < folds.length && !failure) {
        const f = next++;
        queued.set(w, (queued.get(w) ?? 0) + 1);
        w.postMessage({ fold: f, train: folds[f].train, test: folds[f].test });
      }
  };
  try {
    for (let k = 0; k < Math.min(parallel.workers - 1, folds.length - 1); k++) {
      const w = new Worker(workerUrl('fold-worker', import.meta.url), { workerData });
      workers.push(w);
      w.on('message', (answer: FoldAnswer) => {
        if (failure) return;
        if ('error' in answer) return fail(deserializeError(answer.error));
        queued.set(w, queued.get(w)! - 1);
        settle(answer.fold, { probabilities: answer.probs, decision: answer.decision });
        topUp();
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (done < folds.length) fail(new Error(`a fold worker stopped (exit code ${code})`));
      });
      // One fold each first, so that this thread gets one too when there are only two.
      const f = next++;
      queued.set(w, 1);
      w.postMessage({ fold: f, train: folds[f].train, test: folds[f].test });
    }
    workerData = undefined;
    while (next < folds.length && !failure) {
      checkAborted(ctx.signal);
      const f = next++;
      topUp();
      const { probabilities, decision } = await runFold(
        { docs, labels, classes },
        folds[f],
        settings,
        { ...ctx, seed: ctx.seed + f },
      );
      settle(f, { probabilities, decision });
      // Let the workers' answers in, so that each gets its next fold.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    fail(e as Error);
  }
  await allDone;
  ctx.signal?.removeEventListener('abort', aborted);
  await Promise.all(workers.map((w) => w.terminate()));
  if (failure) throw failure;
  return out;
}
