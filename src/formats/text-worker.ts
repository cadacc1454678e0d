/**
 * A worker thread of text-parallel.ts: parses one stretch of whole lines of a text vector file
 * and posts back its words and rows (transferred, not copied). Any error is answered with no
 * parts; the sequential parser then finds it again and names the line.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder } from './builder.js';
import { parseBody } from './text.js';
import type { Encoding } from './words.js';

export interface TextWorkerData {
  path: string;
  start: number;
  end: number;
  dims: number;
  encoding: Encoding;
  port: MessagePort;
  /** [workers done, workers started, then KiB read by each stretch] */
  shared: SharedArrayBuffer;
  index: number;
}

const data = workerData as TextWorkerData;
const shared = new Int32Array(data.shared);
Atomics.add(shared, 1, 1);
try {
  const r = new ByteReader(data.path, { start: data.start, end: data.end });
  try {
    const builder = new VectorsBuilder(
      data.path,
      data.dims,
      Math.ceil((data.end - data.start) / (data.dims * 8)) + 16,
    );
    parseBody(r, builder, 0, data.encoding, (done) => {
      shared[2 + data.index] = Math.floor((done - data.start) / 1024);
    });
    const parts = builder.parts();
    data.port.postMessage({ parts }, [
      parts.offsets.buffer,
      parts.bytes.buffer,
      parts.matrix.buffer,
    ] as ArrayBuffer[]);
  } finally {
    r.close();
  }
} catch {
  data.port.postMessage({});
} finally {
  Atomics.add(shared, 0, 1);
  Atomics.notify(shared, 0);
}
