import { EmbError, option } from '../errors.js';
import { fingerprint, type Embeddings } from '../embeddings/embeddings.js';
import { decodeRow, type StorageType } from '../embeddings/kernels.js';
import { writeFileAtomically, type AtomicFile } from '../atomic.js';
import type { RowSink, SinkFactory, SubwordChunks } from './builder.js';
import { EmbWriter, readEmb, verifyEmb } from './emb.js';
import { sniffFormat, type FormatName, type ReadOptions } from './format.js';
import { readText, TextSink } from './text.js';
import { readWinkJson } from './wink-json.js';
import { readWord2vecBinary, Word2vecBinarySink } from './word2vec-binary.js';
import { readFastTextBin } from './fasttext-bin.js';

export { sniffFormat, FORMAT_NAMES, type FormatName, type ReadOptions } from './format.js';

type Reader = (path: string, options: ReadOptions) => Embeddings | undefined;

const READERS: Record<FormatName, Reader> = {
  emb: (path) => readEmb(path),
  'word2vec-binary': readWord2vecBinary,
  'word2vec-text': (path, o) => readText(path, { ...o, format: 'word2vec-text' }),
  'fasttext-vec': (path, o) => readText(path, { ...o, format: 'fasttext-vec' }),
  'glove-text': (path, o) => readText(path, { ...o, format: 'glove-text' }),
  'fasttext-bin': readFastTextBin,
  'wink-json': readWinkJson,
};

/** Reads vectors in any supported format (sniffed unless options.format says) into memory. */
export function readVectors(
  path: string,
  options: ReadOptions = {},
): { embeddings: Embeddings; format: FormatName } {
  const format = options.format ?? sniffFormat(path);
  const embeddings = READERS[format](path, { ...options, sink: undefined });
  if (!embeddings) throw new Error(`readVectors: the ${format} reader kept nothing`);
  return { embeddings, format };
}

export type WritableFormat = 'emb' | 'word2vec-binary' | 'word2vec-text' | 'glove-text';
export const WRITABLE_FORMATS: readonly WritableFormat[] = [
  'emb',
  'word2vec-binary',
  'word2vec-text',
  'glove-text',
];

export interface WriteOptions {
  /** How an .emb stores the matrix: f32 (default), f16, or int8 with a scale per row. */
  quantize?: StorageType;
}

/** The sink that writes `format` into `file`. */
function sinkFor(file: AtomicFile, format: WritableFormat, options: WriteOptions): SinkFactory {
  if (!(format in SINKS))
    throw new EmbError(
      'E_INPUT',
      `cannot write format "${format}"; choose one of ${WRITABLE_FORMATS.join(', ')}`,
    );
  if (options.quantize && options.quantize !== 'f32' && format !== 'emb')
    throw new EmbError('E_INPUT', `${option('quantize')} needs .emb output, not ${format}`);
  return (dims, hints) => SINKS[format](file, dims, hints, options);
}

const SINKS: Record<
  WritableFormat,
  (
    f: AtomicFile,
    dims: number,
    h: { maxRows: number; subwords: boolean },
    o: WriteOptions,
  ) => RowSink
> = {
  emb: (file, dims, hints, o) => {
    const writer = new EmbWriter(file, dims, o.quantize ?? 'f32', hints.subwords);
    return {
      append: (rows, n) => writer.append(rows, n),
      finish: (vocab, provenance, subwords) => writer.finish(vocab, provenance, subwords),
    };
  },
  'word2vec-binary': (file, dims, hints) => new Word2vecBinarySink(file, dims, hints.maxRows),
  'word2vec-text': (file, dims, hints) => new TextSink(file, dims, true, hints.maxRows),
  'glove-text': (file, dims, hints) => new TextSink(file, dims, false, hints.maxRows),
};

/**
 * Hands the rows of `emb` to a sink a block at a time (decoded if compact), giving back the
 * mapped pages of each block once written, so exporting a mapped file of any size keeps
 * little of it resident.
 */
function pump(
  emb: Embeddings,
  make: SinkFactory,
  onProgress?: (done: number, total: number) => void,
): void {
  const subwords = emb.subwords;
  const sink = make(emb.dims, { maxRows: emb.rows, subwords: !!subwords });
  const block = Math.max(1, Math.floor((4 << 20) / (emb.dims * 4)));
  const buf = new Float32Array(block * emb.dims);
  for (let first = 0; first < emb.rows; first += block) {
    const n = Math.min(block, emb.rows - first);
    let rows: Float32Array;
    if (emb.storage.type === 'f32')
      rows = emb.storage.data.subarray(first * emb.dims, (first + n) * emb.dims);
    else {
      for (let i = 0; i < n; i++) decodeRow(emb.storage, emb.dims, first + i, buf, i * emb.dims);
      rows = buf;
    }
    sink.append(rows, n, first, emb.vocab);
    emb.releaseRows(first, first + n);
    const rowBytes = emb.dims * emb.storage.data.BYTES_PER_ELEMENT;
    onProgress?.((first + n) * rowBytes, emb.rows * rowBytes);
  }
  let chunks: SubwordChunks | undefined;
  if (subwords) {
    const b = subwords.buckets;
    chunks = {
      settings: subwords.settings,
      chunks: [new Uint8Array(b.buffer, b.byteOffset, b.byteLength)],
    };
  }
  // A compact copy records which float32 vectors it was made from (a compact source, the
  // float32 vectors it was made from); a float32 copy has their fingerprint itself.
  const quantizedFrom =
    emb.provenance.quantizedFrom ?? (emb.storage.type === 'f32' ? fingerprint(emb) : undefined);
  sink.finish(emb.vocab, { ...emb.provenance, quantizedFrom }, chunks);
}

/** Writes vectors to `path` through a temporary file renamed into place. */
export function writeVectors(
  emb: Embeddings,
  path: string,
  format: WritableFormat,
  options: WriteOptions = {},
): void {
  writeFileAtomically(path, (file) => {
    pump(emb, sinkFor(file, format, options));
    if (format === 'emb') verifyEmb(file.tmp);
  });
}

export interface ConvertOptions extends WriteOptions, Omit<ReadOptions, 'sink'> {
  to: WritableFormat;
}

/** What a conversion read and wrote. */
export interface Converted {
  from: FormatName;
  words: number;
  dims: number;
  storage: StorageType;
}

/**
 * Converts a vector file, streaming: rows go to the temporary output as they are read (an
 * .emb input is mapped and its pages given back as they are written), so memory stays
 * bounded whatever the size of the file. An .emb output is verified (every checksum, read
 * back from the file) before it is renamed into place.
 */
export function convertVectorsSync(
  input: string,
  output: string,
  options: ConvertOptions,
): Converted {
  const from = options.format ?? sniffFormat(input);
  const shape = { words: 0, dims: 0 };
  writeFileAtomically(output, (file) => {
    const make = sinkFor(file, options.to, options);
    const sink: SinkFactory = (dims, hints) => {
      const inner = make(dims, hints);
      shape.dims = dims;
      if (hints.subwords && options.to !== 'emb')
        options.warn?.(
          `${options.to} cannot hold subword vectors; only the word vectors are written`,
        );
      return {
        append: (rows, n, first, words) => inner.append(rows, n, first, words),
        finish: (vocab, provenance, subwords) => {
          shape.words = vocab.size;
          inner.finish(vocab, provenance, subwords);
        },
      };
    };
    // An .emb source reports the matrix's bytes written (its reader reports nothing).
    if (from === 'emb') pump(readEmb(input), sink, options.onProgress);
    else {
      // A reader that cannot stream (the wink JSON's rows come in any order) returns the
      // vectors it read instead of handing them to the sink.
      const whole = READERS[from](input, { ...options, format: from, sink });
      if (whole) pump(whole, sink);
    }
    if (options.to === 'emb') verifyEmb(file.tmp);
  });
  return { from, ...shape, storage: options.to === 'emb' ? (options.quantize ?? 'f32') : 'f32' };
}
