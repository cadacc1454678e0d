/**
 * Reading and writing the files inside a model folder, for every kind: float32 arrays
 * (little-endian, as the weights are kept in memory, so a reloaded model predicts bit for bit
 * what the trained one did) and JSON documents, each read through one helper that names the
 * file and what was expected. A name ending in .gz is gzipped: large arrays that repeat a lot
 * (the weights of the many n-grams seen in a single text) shrink several times, gunzip takes
 * milliseconds and checks a CRC (bench/README.md section 16).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FEATURE_KINDS, type EncoderState } from '../features/sentence.js';
import { EmbError } from '../errors.js';

/** Writes float32 values (into a model's temporary folder, which is put in place whole). */
export function writeFloats(path: string, data: Float32Array): void {
  writeBytes(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function writeBytes(path: string, bytes: Uint8Array): void {
  writeFileSync(path, gzipped(path) ? gzipSync(bytes) : bytes);
}

/** A model file's bytes. */
export function readBytes(path: string): Uint8Array {
  return read(path);
}

const gzipped = (path: string) => path.endsWith('.gz');

function read(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EmbError(
      'E_IO',
      `${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  if (!gzipped(path)) return bytes;
  try {
    // In one chunk of the size gzip's trailer records (mod 2^32; capped, as it may be damaged):
    // gunzipSync otherwise grows 16 KB chunks and joins them, a quarter of its time here.
    const size = bytes.length >= 4 ? bytes.readUInt32LE(bytes.length - 4) : 0;
    return gunzipSync(bytes, { chunkSize: Math.min(Math.max(size, 64), 1 << 28) });
  } catch (e) {
    throw new EmbError(
      'E_MODEL',
      `${path}: expected gzip data, ${(e as Error).message}; the model folder is damaged, train it again`,
    );
  }
}

export function readFloats(path: string): Float32Array {
  const bytes = read(path);
  if (bytes.byteLength % 4 !== 0)
    throw new EmbError(
      'E_MODEL',
      `${path}: expected 4-byte values, found ${bytes.byteLength} bytes`,
    );
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Writes int32 values (little-endian, as typed arrays hold them here). */
export function writeInts(path: string, data: Int32Array): void {
  writeBytes(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function readInts(path: string): Int32Array {
  const floats = readFloats(path);
  return new Int32Array(floats.buffer, floats.byteOffset, floats.length);
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(read(path).toString('utf8'));
  } catch (e) {
    if (e instanceof EmbError) throw e;
    throw new EmbError('E_MODEL', `${path}: expected JSON, ${(e as Error).message}`);
  }
}

/** A fitted sentence encoder (features.json), its shape checked. */
export function readEncoder(path: string): EncoderState {
  const state = readJson(path) as EncoderState;
  const numbers = (x: unknown, n: number) =>
    Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number');
  const ok =
    typeof state === 'object' &&
    state !== null &&
    FEATURE_KINDS.includes(state.kind) &&
    Number.isInteger(state.dims) &&
    state.dims > 0 &&
    numbers(state.mean, state.dims) &&
    numbers(state.std, state.dims) &&
    (state.component === undefined || numbers(state.component, state.dims)) &&
    (state.known === undefined ||
      (Array.isArray(state.known) && state.known.every((w) => typeof w === 'string'))) &&
    (state.weights === undefined ||
      (typeof state.weights === 'object' &&
        Object.values(state.weights).every((w) => typeof w === 'number')));
  if (!ok)
    throw new EmbError(
      'E_MODEL',
      `${path}: expected a sentence encoder { "kind", "dims", "mean", "std", ... }; the model folder is damaged, train it again`,
    );
  return state;
}
