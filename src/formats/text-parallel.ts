import { availableParallelism } from 'node:os';
import { closeSync, openSync, readSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder, type BuilderParts } from './builder.js';
import { parseBody } from './text.js';
import { workerUrl, workersAvailable } from '../worker-url.js';
import type { ReadOptions } from './format.js';
import type { TextLayout } from './text.js';
import type { TextWorkerData } from './text-worker.js';

/** Below this size one thread is as fast: starting workers costs tens of milliseconds. */
const PARALLEL_BYTES = 32 << 20;

/**
 * Parses a large text vector file on several threads, one stretch of whole lines each: this
 * thread takes the first stretch, worker threads the others, and their words and rows are
 * appended in file order (duplicates across stretches dropped as in one pass). The caller stays
 * synchronous: after its own stretch it blocks on an Atomics counter the workers bump when done,
 * waking every 100 ms to report progress. Returns undefined when it should not or could not run
 * in parallel (small file, one core, or an error in a worker, which the sequential parser then
 * reports with its exact line).
 */
export function readParallel(layout: TextLayout, options: ReadOptions): VectorsBuilder | undefined {
  const threads = Math.min(4, availableParallelism());
  const body = layout.size - layout.bodyStart;
  if (threads < 2 || body < PARALLEL_BYTES || !workersAvailable || process.env.EMB_NO_THREADS)
    return undefined;
  const bounds = lineAlignedBounds(layout.file, layout.bodyStart, layout.size, threads);
  const encoding = options.encoding ?? 'utf8';
  // [workers done, workers started, then KiB read by each stretch]
  const shared = new Int32Array(new SharedArrayBuffer(4 * (2 + threads)));
  const jobs = bounds.slice(1, -1).map((start, i) => {
    const channel = new MessageChannel();
    const workerData: TextWorkerData = {
      path: layout.file,
      start,
      end: bounds[i + 2],
      dims: layout.dims,
      encoding,
      port: channel.port2,
      shared: shared.buffer as SharedArrayBuffer,
      index: i + 1,
    };
    const worker = new Worker(workerUrl('text-worker', import.meta.url), {
      workerData,
      transferList: [channel.port2],
      execArgv: [],
    });
    // Failures show as a missing answer (and the sequential parser takes over); the event
    // itself, arriving later, must not become an uncaught exception.
    worker.on('error', () => {});
    return { worker, port: channel.port1 };
  });
  const report = () => {
    let read = 0;
    for (let i = 0; i < threads; i++) read += shared[2 + i] * 1024;
    options.onProgress?.(layout.bodyStart + Math.min(read, body), layout.size);
  };
  try {
    const builder = new VectorsBuilder(
      layout.file,
      layout.dims,
      Math.ceil(body / (layout.dims * 8)) + 16,
    );
    const r = new ByteReader(layout.file, { start: bounds[0], end: bounds[1] });
    try {
      parseBody(r, builder, layout.linesBefore, encoding, (done) => {
        shared[2] = Math.floor((done - bounds[0]) / 1024);
        report();
      });
    } finally {
      r.close();
    }
    // A worker that could not start (its module failed to load) must not hang emb: give up
    // on threads if one has not started after 10 s, or not finished in a generous time.
    const started = Date.now();
    const deadline = started + 60_000 + body / 1e5;
    for (let done = 0; done < jobs.length; done = Atomics.load(shared, 0)) {
      const late = Atomics.load(shared, 1) < jobs.length && Date.now() > started + 10_000;
      if (late || Date.now() > deadline) return undefined;
      Atomics.wait(shared, 0, done, 100);
      report();
    }
    for (const j of jobs) {
      const answer = receiveMessageOnPort(j.port)?.message as { parts?: BuilderParts } | undefined;
      if (!answer?.parts) return undefined;
      builder.absorb(answer.parts);
    }
    return builder;
  } finally {
    for (const j of jobs) {
      j.port.close();
      void j.worker.terminate();
    }
  }
}

/**
 * `parts` + 1 offsets from start to end, each (but the ends) just after a newline. This thread
 * takes a slightly smaller first stretch than the workers: the merge after it is its work too.
 */
function lineAlignedBounds(path: string, start: number, end: number, parts: number): number[] {
  const fd = openSync(path, 'r');
  try {
    const bounds = [start];
    const probe = Buffer.alloc(1 << 16);
    const first = (0.9 * (end - start)) / parts;
    for (let k = 1; k < parts; k++) {
      const target = start + first + ((end - start - first) * (k - 1)) / (parts - 1);
      let at = Math.max(bounds[bounds.length - 1], Math.floor(target));
      for (;;) {
        const n = readSync(fd, probe, 0, probe.length, at);
        if (n === 0) {
          at = end;
          break;
        }
        const nl = probe.subarray(0, n).indexOf(10);
        if (nl >= 0) {
          at += nl + 1;
          break;
        }
        at += n;
      }
      bounds.push(Math.min(at, end));
    }
    bounds.push(end);
    return bounds;
  } finally {
    closeSync(fd);
  }
}
