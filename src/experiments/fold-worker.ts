/**
 * A worker thread that trains and tests folds for cross-validate.ts: it opens the vectors
 * itself (a memory-mapped .emb file costs milliseconds) and answers each fold with the test
 * rows' class probabilities (one transferred buffer) and the fold model's decision threshold.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, type SerializedError } from '../errors.js';
import { readVectors } from '../formats/index.js';
import { setBackend, type BackendName } from '../models/tfjs/backend.js';
import type { Decision } from '../models/kind.js';
import type { ModelSettings } from '../models/registry.js';
import { adoptNgrams, type SharedNgrams } from '../features/bow.js';
import { adoptVectorRows, type SharedPool } from '../features/sentence.js';
import { unpackDocs, type PackedDocs } from '../text/tokens.js';
import { runFold } from './fold.js';

/** What a fold worker is started with: the settings, already validated, cross as they are. */
export interface FoldWorkerData {
  settings: ModelSettings;
  vectorsPath?: string;
  /** Packed: a structured clone of the tokens as strings copied every one of them. */
  docs: PackedDocs;
  /** The documents' n-grams, for models of n-grams (bow.ts's shareNgrams). */
  ngrams?: SharedNgrams;
  /** The word vectors this thread copied (sentence.ts's shareVectorRows). */
  vectorRows?: SharedPool[];
  labels: number[];
  classes: string[];
  seed: number;
  /** The backend the main thread chose (setBackend), chosen here the same way. */
  backend: { name: BackendName; production: boolean };
}

export interface FoldJob {
  fold: number;
  train: number[];
  test: number[];
}

export type FoldAnswer =
  | { fold: number; probs: Float32Array; decision?: Decision }
  | { fold: number; error: SerializedError };

const data = workerData as FoldWorkerData;
const docs = unpackDocs(data.docs);
if (data.ngrams) adoptNgrams(docs, data.ngrams);
// workerData lives as long as the thread: without the packed copy once unpacked (37 MB).
delete (data as Partial<FoldWorkerData>).docs;
delete data.ngrams;
setBackend(data.backend.name, { production: data.backend.production });
const embeddings = data.vectorsPath ? readVectors(data.vectorsPath).embeddings : undefined;
if (embeddings && data.vectorRows) adoptVectorRows(embeddings, data.vectorRows);
delete data.vectorRows;

// Folds are trained one after the other, in the order they came (two may be waiting).
let queue = Promise.resolve();
parentPort!.on('message', (job: FoldJob) => {
  queue = queue.then(() => answer(job));
});

async function answer({ fold, train, test }: FoldJob): Promise<void> {
  try {
    const { probabilities: probs, decision } = await runFold(
      { ...data, docs },
      { train, test },
      data.settings,
      {
        seed: data.seed + fold,
        embeddings,
      },
    );
    parentPort!.postMessage({ fold, probs, decision } satisfies FoldAnswer, [
      probs.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    parentPort!.postMessage({ fold, error: serializeError(e) } satisfies FoldAnswer);
  }
}
