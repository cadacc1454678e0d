import { fstatSync } from 'node:fs';
import { EmbError } from '../errors.js';
import { native, nativeError } from '../native/addon.js';
import { fnv1a, Vocabulary } from './vocabulary.js';
import type { Subwords } from './subwords.js';
import { findRow, findVector, type Lookup, type WordVector } from './lookup.js';
import { decodeRow, type MatrixStorage } from './kernels.js';

export type { Lookup, WordVector } from './lookup.js';

/** The memory-mapped file a set of vectors lives in: checked before each query touches it. */
export interface Mapping {
  file: string;
  fd: number;
  size: number;
}

/** Where a set of vectors came from; stored in the .emb metadata section. */
export interface Provenance {
  /** The file the vectors were read from, as given. */
  source: string;
  /** Its format: word2vec-binary, word2vec-text, glove-text, fasttext-vec, fasttext-bin, wink-json, emb. */
  sourceFormat: string;
  /** The program that wrote the .emb file, with its version. */
  tool?: string;
  created?: string;
  /**
   * For a compact (f16, int8) file made from float32 vectors: their fingerprint, so that a
   * model trained with them accepts this copy.
   */
  quantizedFrom?: string;
}

/**
 * Word vectors as the original float32 rows plus their L2 norms. Queries divide each dot
 * product by the row's norm (one multiply per row in the scan kernel), which gives cosine
 * similarity without a second, normalised copy of the matrix, and keeps every vector exactly
 * as the source file had it, so export round-trips bit for bit. Backed either by a
 * memory-mapped .emb file or by arrays a reader built. A compact file (float16 or int8
 * storage) has no float32 matrix: `row()` decodes one row, `rowsFloat32()` the first rows.
 */
export class Embeddings {
  readonly rows: number;
  readonly storage: MatrixStorage;
  private inverseNorms?: Float32Array;

  constructor(
    readonly vocab: Vocabulary,
    readonly dims: number,
    /** rows x dims, row-major: the float32 rows as read from the source, or compact storage. */
    matrix: Float32Array | MatrixStorage,
    /** The L2 norm of each row (of its decoded values, for compact storage). */
    readonly norms: Float32Array,
    readonly provenance: Provenance,
    /** Character n-gram vectors for unknown words (fastText), when the source had them. */
    readonly subwords?: Subwords,
    /** The mapped .emb file behind the arrays, if any. */
    readonly mapping?: Mapping,
  ) {
    this.rows = vocab.size;
    this.storage = matrix instanceof Float32Array ? { type: 'f32', data: matrix } : matrix;
  }

  /** Builds from rows a reader parsed: computes the norms and the word index. */
  static fromRows(
    vocab: Vocabulary,
    matrix: Float32Array,
    dims: number,
    provenance: Provenance,
    subwords?: Subwords,
  ): Embeddings {
    return new Embeddings(
      vocab,
      dims,
      matrix,
      rowNorms(matrix, dims, vocab.size),
      provenance,
      subwords,
    );
  }

  /**
   * The float32 matrix (rows x dims). Compact files have none: use row(i) or rowsFloat32(n),
   * which decode.
   */
  get matrix(): Float32Array {
    if (this.storage.type !== 'f32')
      throw new EmbError(
        'E_INPUT',
        `${this.provenance.source}: the vectors are stored as ${this.storage.type}, not as a float32 matrix`,
      );
    return this.storage.data;
  }

  /** The first n rows as one float32 array: a view for float32 storage, decoded otherwise. */
  rowsFloat32(n = this.rows): Float32Array {
    if (this.storage.type === 'f32') return this.storage.data.subarray(0, n * this.dims);
    const out = new Float32Array(n * this.dims);
    for (let i = 0; i < n; i++) decodeRow(this.storage, this.dims, i, out, i * this.dims);
    return out;
  }

  /**
   * Throws a clear error if the mapped file was truncated since it was opened: the next read
   * of a page past its new end would kill the process with SIGBUS. (A file replaced by rename
   * is harmless: the mapping keeps the old one.)
   */
  checkMapping(): void {
    if (!this.mapping) return;
    let size = -1;
    try {
      size = fstatSync(this.mapping.fd).size;
    } catch {
      // a closed descriptor: reported below
    }
    if (size < this.mapping.size)
      throw new EmbError(
        'E_IO',
        `${this.mapping.file}: the file was truncated while in use (${size} bytes, ${this.mapping.size} when opened); open it again`,
      );
  }

  /**
   * Gives back the mapped pages of rows [from, to) (read again from the file if touched): a
   * pass over the matrix, or a training run that copied the rows it needs, need not keep the
   * whole file resident in every thread that mapped it. Nothing for vectors held in memory.
   */
  releaseRows(from = 0, to = this.rows): void {
    if (!native || !this.mapping || to <= from) return;
    const data = this.storage.data;
    const rowBytes = this.dims * data.BYTES_PER_ELEMENT;
    try {
      native.release(
        data.buffer as ArrayBuffer,
        data.byteOffset + from * rowBytes,
        (to - from) * rowBytes,
      );
    } catch (e) {
      throw nativeError(e, this.mapping.file);
    }
  }

  /** 1 / norm per row (0 for a zero row): the scale that turns dot products into cosines. */
  get scale(): Float32Array {
    if (!this.inverseNorms) {
      const inv = new Float32Array(this.rows);
      for (let i = 0; i < this.rows; i++) inv[i] = this.norms[i] > 0 ? 1 / this.norms[i] : 0;
      this.inverseNorms = inv;
    }
    return this.inverseNorms;
  }

  /** The row of a word: exact spelling, else lower-cased (embeddings/lookup.ts). */
  lookup(word: string): Lookup | undefined {
    return findRow(this, word);
  }

  word(row: number): string {
    return this.vocab.word(row);
  }

  /** The vector of a row as the source had it (a view, not a copy; decoded if compact). */
  row(row: number): Float32Array {
    if (this.storage.type === 'f32')
      return this.storage.data.subarray(row * this.dims, (row + 1) * this.dims);
    return decodeRow(this.storage, this.dims, row, new Float32Array(this.dims));
  }

  /** A unit-length copy of a row. */
  unitRow(row: number): Float32Array {
    return scaled(this.row(row), this.norms[row] > 0 ? 1 / this.norms[row] : 0);
  }

  /**
   * The vector for a word by the one lookup policy (embeddings/lookup.ts): exact spelling,
   * then fastText subwords when the vectors have them, then lower-cased. Undefined when none.
   */
  vector(word: string): WordVector | undefined {
    return findVector(this, word);
  }
}

function scaled(v: Float32Array, by: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) out[j] = v[j] * by;
  return out;
}

/** The L2 norm of each of `rows` rows, summed in double in order, stored as float32. */
export function rowNorms(
  matrix: Float32Array,
  dims: number,
  rows: number,
  out = new Float32Array(rows),
): Float32Array {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = i * dims, e = j + dims; j < e; j++) s += matrix[j] * matrix[j];
    out[i] = Math.sqrt(s);
  }
  return out;
}

/**
 * A cheap identity for a set of vectors: sizes plus a hash of 64 evenly spaced rows and their
 * words. Reading them costs microseconds, and any re-training or truncation changes it.
 */
export function fingerprint(emb: Embeddings): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array) => (h = fnv1a(bytes) ^ Math.imul(h, 0x01000193));
  const encoder = new TextEncoder();
  const samples = Math.min(64, emb.rows);
  for (let s = 0; s < samples; s++) {
    const r = Math.floor((s * emb.rows) / samples);
    const v = emb.row(r);
    mix(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    mix(encoder.encode(emb.word(r)));
  }
  // The kernel maps a megabyte or so of the file around each row read: 75 MB of the bundled
  // GloVe counted in the process's memory for 64 rows, unless given back.
  emb.releaseRows();
  return `${emb.rows}x${emb.dims}-${(h >>> 0).toString(16).padStart(8, '0')}`;
}
