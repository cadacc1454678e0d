/**
 * A worker thread that trains and tests folds for cross-validate.ts: it opens the vectors
 * itself (a memory-mapped .emb file costs milliseconds) and answers each fold with the test
 * rows' class probabilities.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EmbError } from '../errors.js';
import { readVectors } from '../formats/index.js';
import { trainerFor } from '../models/registry.js';

export interface FoldWorkerData {
  kind: string;
  vectorsPath?: string;
  docs: string[][];
  labels: number[];
  classes: string[];
  seed: number;
  options?: Record<string, unknown>;
}

export interface FoldJob {
  fold: number;
  train: number[];
  test: number[];
}

export type FoldAnswer =
  | { fold: number; probs: Float32Array }
  | { fold: number; error: { message: string; code?: string } };

const data = workerData as FoldWorkerData;
const trainer = trainerFor(data.kind);
const embeddings = data.vectorsPath ? readVectors(data.vectorsPath).embeddings : undefined;

parentPort!.on('message', async ({ fold, train, test }: FoldJob) => {
  try {
    const model = await trainer.train(
      train.map((i) => data.docs[i]),
      train.map((i) => data.labels[i]),
      data.classes,
      { seed: data.seed + fold, embeddings, options: data.options },
    );
    const probs = await model.predict(test.map((i) => data.docs[i]));
    model.dispose();
    parentPort!.postMessage({ fold, probs } satisfies FoldAnswer, [probs.buffer as ArrayBuffer]);
  } catch (e) {
    const code = e instanceof EmbError ? e.code : undefined;
    parentPort!.postMessage({
      fold,
      error: { message: (e as Error).message, code },
    } satisfies FoldAnswer);
  }
});
