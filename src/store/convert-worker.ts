/** The worker thread of convert.ts: runs one conversion and reports back. */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../errors.js';
import { runHere, type ConvertJob, type ConvertMessage } from './convert.js';

const post = (m: ConvertMessage) => parentPort!.postMessage(m);
try {
  const done = runHere(
    workerData as ConvertJob,
    (d, total) => post({ progress: { done: d, total } }),
    (warning) => post({ warning }),
  );
  post({ done });
} catch (e) {
  post({ error: serializeError(e) });
}
