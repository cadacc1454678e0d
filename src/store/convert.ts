/**
 * Conversions off the main thread: reading a text vector file or the packaged JSON takes
 * seconds of synchronous parsing, which a program's event loop must not wait on. A worker
 * thread converts into the .emb file, which the caller then maps (or, for `emb convert`,
 * keeps); progress and warnings come back as messages, and an AbortSignal stops the worker and
 * removes its temporary file. From source (tsx, where workers cannot load modules) the work
 * runs in this thread.
 */
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tempName } from '../atomic.js';
import { abortError, checkAborted, deserializeError, type SerializedError } from '../errors.js';
import { convertVectorsSync, type ConvertOptions, type Converted } from '../formats/index.js';
import type { OnProgress } from '../progress.js';
import { workersAvailable, workerUrl } from '../worker-url.js';
import { prepareDefaultSync } from './default.js';

/** What a conversion worker does: convert a file, or the packaged default vectors. */
export type ConvertJob =
  | {
      kind: 'file';
      input: string;
      output: string;
      options: Omit<ConvertOptions, 'onProgress' | 'warn'>;
    }
  | { kind: 'default'; force: boolean };

export type ConvertMessage =
  | { progress: { done: number; total: number } }
  | { warning: string }
  | { done: Converted | { path: string; created: boolean } }
  | { error: SerializedError };

export interface RunOptions {
  onProgress?: OnProgress;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/** Runs a job: its result, where the output went, as the job's function returns it. */
export async function run<R>(job: ConvertJob, options: RunOptions, stage: string): Promise<R> {
  checkAborted(options.signal);
  const onProgress = (done: number, total: number) => options.onProgress?.({ stage, done, total });
  if (!workersAvailable) return runHere(job, onProgress, options.onWarning) as R;
  return new Promise<R>((resolve, reject) => {
    const worker = new Worker(workerUrl('convert-worker', import.meta.url), { workerData: job });
    let settled = false;
    const finish = (e: Error | undefined, result?: R) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', aborted);
      if (e) reject(e);
      else resolve(result as R);
    };
    let aborting = false;
    const aborted = () => {
      aborting = true;
      void worker.terminate();
    };
    options.signal?.addEventListener('abort', aborted);
    worker.on('message', (m: ConvertMessage) => {
      if ('progress' in m) onProgress(m.progress.done, m.progress.total);
      else if ('warning' in m) options.onWarning?.(m.warning);
      else if ('error' in m) finish(deserializeError(m.error));
      else finish(undefined, m.done as R);
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => {
      if (!aborting) return finish(new Error(`the conversion worker stopped (exit code ${code})`));
      // Stopped mid-write: its temporary file stays behind unless removed here.
      if (job.kind === 'file') rmSync(tempName(job.output), { force: true });
      finish(abortError(options.signal!));
    });
  });
}

/** The job, in this thread. */
export function runHere(
  job: ConvertJob,
  onProgress: (done: number, total: number) => void,
  onWarning?: (message: string) => void,
): Converted | { path: string; created: boolean } {
  if (job.kind === 'default') return prepareDefaultSync({ force: job.force, onProgress });
  return convertVectorsSync(job.input, job.output, { ...job.options, onProgress, warn: onWarning });
}
