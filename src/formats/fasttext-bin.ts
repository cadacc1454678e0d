import { closeSync, readSync } from 'node:fs';
import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { VocabularyBuilder } from '../embeddings/vocabulary.js';
import { fastTextSubwords, ngramBuckets } from '../embeddings/fasttext-ngrams.js';
import { native } from '../native/addon.js';
import type { SubwordSettings, Subwords } from '../embeddings/subwords.js';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder } from './builder.js';
import { openRegularFile } from './open.js';
import { FASTTEXT_MAGIC as MAGIC, type ReadOptions } from './format.js';
import { wordBytes } from './words.js';

const VERSIONS = [11, 12];
const EOS = '</s>';
const utf8 = new TextDecoder();

/** The training settings stored in a model (fastText's Args, in file order). */
export interface FastTextArgs {
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  wordNgrams: number;
  loss: number;
  model: number;
  bucket: number;
  minn: number;
  maxn: number;
  lrUpdateRate: number;
  t: number;
}

/**
 * fastText's binary model (.bin, fastText 0.9): magic and version, the training args, the
 * dictionary (words, then labels, each with count and type, then the prune index), and the
 * input matrix of (nwords + bucket) x dim float32 rows: the words' own rows, then the
 * character n-gram buckets. Each word's vector is the mean of its own row and its n-gram
 * rows, exactly what fastText writes to .vec; the buckets are kept so unknown words get
 * fastText's vector too. The output matrix (for training) is not read.
 */
export function readFastTextBin(
  path: string,
  options?: ReadOptions & { sink?: undefined },
): Embeddings;
export function readFastTextBin(path: string, options: ReadOptions): Embeddings | undefined;
export function readFastTextBin(path: string, options: ReadOptions = {}): Embeddings | undefined {
  const r = new ByteReader(path, undefined, 1 << 20);
  try {
    return parse(r, options);
  } finally {
    r.close();
  }
}

function parse(r: ByteReader, options: ReadOptions): Embeddings | undefined {
  const file = r.path;
  const need = (n: number, what: string) => {
    if (!r.ensure(n)) {
      throw new EmbError(
        'E_FORMAT',
        `${file}: byte ${r.size}: the file ends inside the ${what} (at byte ${r.offsetOf(r.pos)}); it is truncated`,
      );
    }
  };
  const view = () => new DataView(r.buf.buffer, r.buf.byteOffset);
  const i32 = (what: string) => {
    need(4, what);
    const v = view().getInt32(r.pos, true);
    r.pos += 4;
    return v;
  };
  const i64 = (what: string) => {
    need(8, what);
    const v = Number(view().getBigInt64(r.pos, true));
    r.pos += 8;
    return v;
  };
  const f64 = (what: string) => {
    need(8, what);
    const v = view().getFloat64(r.pos, true);
    r.pos += 8;
    return v;
  };
  const u8 = (what: string) => {
    need(1, what);
    return r.buf[r.pos++];
  };

  const magic = i32('header');
  if (magic !== MAGIC)
    throw new EmbError(
      'E_FORMAT',
      `${file}: byte 0: not a fastText model (magic ${magic}, expected ${MAGIC})`,
    );
  const version = i32('header');
  if (!VERSIONS.includes(version)) {
    throw new EmbError(
      'E_VERSION',
      `${file}: byte 4: fastText model version ${version}, expected ${VERSIONS.join(' or ')} (fastText 0.9); re-save it with fastText 0.9, or use its .vec file`,
    );
  }
  const ints = [
    'dim',
    'ws',
    'epoch',
    'minCount',
    'neg',
    'wordNgrams',
    'loss',
    'model',
    'bucket',
    'minn',
    'maxn',
    'lrUpdateRate',
  ] as const;
  const args = {} as FastTextArgs;
  for (const name of ints) args[name] = i32('training arguments');
  args.t = f64('training arguments');
  // Old supervised models (version 11) had no character n-grams.
  if (version === 11 && args.model === 3) args.maxn = 0;
  const bad = (byte: number, what: string): never => {
    throw new EmbError(
      'E_FORMAT',
      `${file}: byte ${byte}: ${what}; is this a fastText .bin model?`,
    );
  };
  if (args.dim <= 0 || args.dim > 100000) bad(8, `dimension ${args.dim} is out of range`);
  if (args.bucket < 0 || args.minn < 0 || args.maxn < 0 || args.maxn > 100)
    bad(40, `bad n-gram settings (bucket ${args.bucket}, minn ${args.minn}, maxn ${args.maxn})`);

  const dictAt = r.offsetOf(r.pos);
  const size = i32('dictionary');
  const nwords = i32('dictionary');
  const nlabels = i32('dictionary');
  i64('dictionary'); // ntokens
  const pruneSize = i64('dictionary');
  if (nwords < 0 || nlabels < 0 || size !== nwords + nlabels)
    bad(
      dictAt,
      `dictionary counts do not add up (size ${size}, words ${nwords}, labels ${nlabels})`,
    );
  const words: string[] = [];
  const vocab = new VocabularyBuilder();
  let nextProgress = 0;
  for (let i = 0; i < size; i++) {
    const at = r.offsetOf(r.pos);
    const nul = r.findByte(0);
    if (nul < 0) need(r.size, `dictionary entry ${i + 1} of ${size}`);
    const wb = wordBytes(r.buf, r.pos, nul, options.encoding ?? 'utf8', file, at);
    const word = utf8.decode(wb.buf.subarray(wb.start, wb.end));
    r.pos = nul + 1;
    i64('dictionary'); // count
    const type = u8('dictionary');
    if (type !== (i < nwords ? 0 : 1))
      bad(
        at,
        `dictionary entry ${i + 1} "${word}" has type ${type}, expected ${i < nwords ? '0 (word)' : '1 (label)'}`,
      );
    if (i < nwords) {
      if (vocab.add(wb.buf, wb.start, wb.end) < 0)
        bad(at, `the word "${word}" is in the dictionary twice`);
      words.push(word);
    }
    if (options.onProgress && r.consumed >= nextProgress) {
      options.onProgress(r.consumed, r.size);
      nextProgress = r.consumed + (1 << 22);
    }
  }
  if (pruneSize > 0) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: the model has a pruned n-gram index (fasttext quantize -cutoff), which emb does not read; use the model before quantization, or its .vec file`,
    );
  }
  if (u8('quantization flag') !== 0) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: a quantized fastText model (.ftz); emb reads only full .bin models: use the .bin it was quantized from, or its .vec file`,
    );
  }
  const matrixAt = r.offsetOf(r.pos);
  const m = i64('input matrix header');
  const n = i64('input matrix header');
  if (m !== nwords + args.bucket || n !== args.dim) {
    bad(
      matrixAt,
      `the input matrix is ${m} x ${n}, expected ${nwords + args.bucket} x ${args.dim} (words + buckets x dim)`,
    );
  }
  const dataAt = r.offsetOf(r.pos);
  const end = dataAt + m * n * 4;
  if (r.size < end) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: byte ${r.size}: the file ends inside the input matrix, which needs ${m} x ${n} float32 from byte ${dataAt} to byte ${end}; it is truncated`,
    );
  }
  const dims = args.dim;
  // pruneidx_size 0 means "no n-grams"; -1 means "all buckets, unpruned".
  const settings: SubwordSettings = {
    minn: args.minn,
    maxn: pruneSize === 0 ? 0 : args.maxn,
    bucket: args.bucket,
  };
  const hasSubwords = settings.maxn > 0 && settings.bucket > 0;
  const fd = openRegularFile(file);
  try {
    checkOutputMatrix(fd, file, end, r.size);
    const bucketsAt = dataAt + nwords * dims * 4;
    const buckets =
      options.sink && native && args.bucket * dims * 4 > bucketBudget()
        ? mappedBuckets(file, r.size, bucketsAt, args.bucket, dims)
        : inMemoryBuckets(
            readFloats(fd, file, bucketsAt, args.bucket * dims, options, r.size),
            settings,
            dims,
          );
    const builder = new VectorsBuilder(file, dims, {
      expectedRows: nwords,
      sink: options.sink,
      subwords: hasSubwords,
    });
    // The words' own rows a block at a time, each turned into fastText's word vector.
    const block = Math.max(1, Math.floor((1 << 22) / (dims * 4)));
    const encoder = new TextEncoder();
    for (let w0 = 0; w0 < nwords; w0 += block) {
      const count = Math.min(block, nwords - w0);
      const own = readFloats(fd, file, dataAt + w0 * dims * 4, count * dims, options, r.size);
      for (let i = 0; i < count; i++) {
        wordVector(
          words[w0 + i],
          own.subarray(i * dims, (i + 1) * dims),
          buckets.add,
          settings,
          builder.slot(),
        );
        const bytes = encoder.encode(words[w0 + i]);
        builder.commit(
          { buf: bytes, start: 0, end: bytes.length },
          { byte: dataAt + (w0 + i) * dims * 4 },
        );
      }
    }
    options.onProgress?.(r.size, r.size);
    return builder.finish(
      { source: file, sourceFormat: 'fasttext-bin' },
      hasSubwords
        ? { object: buckets.object?.(), chunks: { settings, chunks: buckets.chunks() } }
        : undefined,
    );
  } finally {
    closeSync(fd);
  }
}

/**
 * After the input matrix comes the output matrix (a quantization flag, rows and columns as
 * int64, the values); the file must end exactly after it. A byte inserted or lost anywhere
 * in the input matrix shows here, instead of shifting every value into garbage.
 */
function checkOutputMatrix(fd: number, file: string, at: number, size: number): void {
  const head = Buffer.alloc(17);
  const got = readSync(fd, head, 0, 17, at);
  const fail = (what: string): never => {
    throw new EmbError(
      'E_FORMAT',
      `${file}: byte ${at}: ${what}; the input matrix before it may have bytes inserted or missing`,
    );
  };
  if (got < 17) fail('the file ends before the output matrix');
  if (head[0] > 1) fail(`expected the output quantization flag (0 or 1), found ${head[0]}`);
  if (head[0] === 1) return; // a quantized output matrix: its own layout, not needed here
  const rows = head.readBigInt64LE(1);
  const cols = head.readBigInt64LE(9);
  const expected = BigInt(at) + 17n + rows * cols * 4n;
  if (rows < 0n || cols < 0n || expected !== BigInt(size))
    fail(
      `the output matrix (${rows} x ${cols}) would end at byte ${expected}, but the file has ${size} bytes`,
    );
}

/** Reads `count` little-endian float32 values at byte `at` straight into a new array. */
function readFloats(
  fd: number,
  file: string,
  at: number,
  count: number,
  options: ReadOptions,
  total: number,
): Float32Array {
  const out = new Float32Array(count);
  const bytes = new Uint8Array(out.buffer);
  for (let done = 0; done < bytes.length;) {
    const got = readSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 26), at + done);
    if (got === 0)
      throw new EmbError(
        'E_FORMAT',
        `${file}: byte ${at + done}: the file ended while it was read`,
      );
    done += got;
    options.onProgress?.(at + done, total);
  }
  for (let i = 0; i < count; i++)
    if (!Number.isFinite(out[i]))
      throw new EmbError(
        'E_FORMAT',
        `${file}: byte ${at + i * 4}: the value there is ${out[i]}, expected a finite float32; the file is damaged`,
      );
  return out;
}

/**
 * fastText's word vector: the mean of the word's own row and the rows of its n-grams,
 * summed in float32 and scaled by 1/count, as Vector::addRow and Vector::mul do.
 */
function wordVector(
  word: string,
  own: Float32Array,
  add: (id: number, out: Float32Array) => void,
  settings: SubwordSettings,
  out: Float32Array,
): void {
  out.set(own);
  const ids = word === EOS ? [] : ngramBuckets(word, settings);
  for (const id of ids) add(id, out);
  const by = Math.fround(1 / (ids.length + 1));
  for (let j = 0; j < out.length; j++) out[j] *= by;
}

/** The n-gram bucket rows: added into word vectors, streamed to a writer, or kept. */
interface Buckets {
  add(id: number, out: Float32Array): void;
  chunks(): Iterable<Uint8Array>;
  object?: () => Subwords;
}

/**
 * Above this many bytes of buckets a conversion maps them instead of reading them, so its
 * memory stays bounded (EMB_BUCKET_BUDGET overrides it: the tests use the mapped path on a
 * small model).
 */
const bucketBudget = () => Number(process.env.EMB_BUCKET_BUDGET ?? 128 << 20);

function inMemoryBuckets(buckets: Float32Array, settings: SubwordSettings, dims: number): Buckets {
  return {
    add: (id, out) => {
      for (let j = 0, o = id * dims; j < dims; j++) out[j] += buckets[o + j];
    },
    chunks: () => [new Uint8Array(buckets.buffer, buckets.byteOffset, buckets.byteLength)],
    object: () => fastTextSubwords(settings, buckets, dims),
  };
}

/**
 * The buckets of a large model (crawl's are 2.4 GB) read from a mapping of the file, a row
 * copied out at a time (it need not be 4-byte aligned there), with the mapped pages given back
 * every 64 MB of rows touched, so a conversion's memory stays bounded.
 */
function mappedBuckets(
  file: string,
  size: number,
  at: number,
  count: number,
  dims: number,
): Buckets {
  const { buffer } = native!.map(file, size);
  const bytes = new Uint8Array(buffer, at, count * dims * 4);
  const row = new Float32Array(dims);
  const rowBytes = new Uint8Array(row.buffer);
  let touched = 0;
  const release = () => {
    native!.release(buffer, at, bytes.length);
    touched = 0;
  };
  return {
    add: (id, out) => {
      rowBytes.set(bytes.subarray(id * dims * 4, (id + 1) * dims * 4));
      for (let j = 0; j < dims; j++) out[j] += row[j];
      if (++touched * dims * 4 > 64 << 20) release();
    },
    *chunks() {
      const piece = new Float32Array(1 << 22);
      const pieceBytes = new Uint8Array(piece.buffer);
      for (let o = 0; o < bytes.length; o += pieceBytes.length) {
        const n = Math.min(pieceBytes.length, bytes.length - o);
        pieceBytes.set(bytes.subarray(o, o + n));
        for (let i = 0; i < n / 4; i++)
          if (!Number.isFinite(piece[i]))
            throw new EmbError(
              'E_FORMAT',
              `${file}: byte ${at + o + i * 4}: the value there is ${piece[i]}, expected a finite float32; the file is damaged`,
            );
        yield pieceBytes.subarray(0, n);
        native!.release(buffer, at + o, n);
      }
    },
  };
}
