import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import type { AtomicFile } from '../atomic.js';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder, type RowSink, type WordSource } from './builder.js';
import { HEADER, HeaderSlot } from './header.js';
import { wordBytes } from './words.js';
import type { ReadOptions } from './format.js';

/**
 * word2vec's binary format: an ASCII header "rows dims\n", then per word its bytes, a space and
 * dims little-endian float32 values. The C tool ends each row with "\n"; gensim does not; both
 * are read.
 */
export function readWord2vecBinary(
  path: string,
  options: ReadOptions = {},
): Embeddings | undefined {
  const r = new ByteReader(path);
  try {
    return parse(r, options);
  } finally {
    r.close();
  }
}

const MAX_WORD_BYTES = 4096;

function parse(r: ByteReader, options: ReadOptions): Embeddings | undefined {
  const file = r.path;
  if (r.size === 0) throw new EmbError('E_FORMAT', `${file}: the file is empty`);
  const nl = r.findByte(10);
  const header = nl < 0 ? '' : Buffer.from(r.buf.subarray(r.pos, nl)).toString('latin1');
  const m = HEADER.exec(header);
  if (!m) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: line 1: expected a word2vec header "ROWS DIMS", found "${header.slice(0, 60)}"`,
    );
  }
  const rows = Number(m[1]);
  const dims = Number(m[2]);
  r.pos = nl + 1;
  const bytes = dims * 4;
  // Each row is at least a one-byte word, a space and its values: check before allocating.
  if (dims > 0 && rows * (bytes + 2) > r.size - r.pos) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: line 1: the header says ${rows} words of ${dims} values, which needs at least ${rows * (bytes + 2)} bytes, but the file has ${r.size - r.pos} after it: it is truncated, or the header is wrong`,
    );
  }
  const builder = new VectorsBuilder(file, dims, { expectedRows: rows, sink: options.sink });
  let nextProgress = 0;
  for (let row = 0; row < rows; row++) {
    // Skip the newline the C tool writes after each vector.
    while (r.ensure(1) && (r.buf[r.pos] === 10 || r.buf[r.pos] === 13)) r.pos++;
    const rowStart = r.offsetOf(r.pos);
    const sp = r.findByte(32);
    if (sp < 0 || sp - r.pos > MAX_WORD_BYTES) {
      throw new EmbError(
        'E_FORMAT',
        sp < 0
          ? `${file}: byte ${rowStart}: the file ends before row ${row + 1} of ${rows}; it is truncated`
          : `${file}: byte ${rowStart}: row ${row + 1} has no word followed by a space; is this really word2vec binary?`,
      );
    }
    // Word and vector together in the buffer (ensure() may move it).
    const wordLength = sp - r.pos;
    if (!r.ensure(wordLength + 1 + bytes)) {
      const word = new TextDecoder().decode(r.buf.subarray(r.pos, r.pos + wordLength));
      throw new EmbError(
        'E_FORMAT',
        `${file}: byte ${r.size}: the file ends inside the vector of row ${row + 1} ("${word}"), which needs ${bytes} bytes from byte ${rowStart + wordLength + 1}; it is truncated`,
      );
    }
    const encoding = options.encoding ?? 'utf8';
    const word = wordBytes(r.buf, r.pos, r.pos + wordLength, encoding, file, rowStart);
    const at = r.pos + wordLength + 1;
    const slot = builder.slot();
    new Uint8Array(slot.buffer, slot.byteOffset, bytes).set(r.buf.subarray(at, at + bytes));
    builder.commit(word, { byte: rowStart });
    r.pos = at + bytes;
    if (options.onProgress && r.consumed >= nextProgress) {
      options.onProgress(r.consumed, r.size);
      nextProgress = r.consumed + (1 << 22);
    }
  }
  while (r.ensure(1) && (r.buf[r.pos] === 10 || r.buf[r.pos] === 13 || r.buf[r.pos] === 32))
    r.pos++;
  if (r.ensure(1)) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: byte ${r.offsetOf(r.pos)}: the header says ${rows} words, but the file goes on after them`,
    );
  }
  options.onProgress?.(r.size, r.size);
  const result = builder.finish({ source: file, sourceFormat: 'word2vec-binary' });
  for (const w of builder.warnings()) options.warn?.(w);
  return result;
}

/** Writes word2vec binary, with the C tool's newline after each row. */
export class Word2vecBinarySink implements RowSink {
  private readonly header: HeaderSlot;

  constructor(
    private readonly file: AtomicFile,
    private readonly dims: number,
    maxRows: number,
  ) {
    this.header = new HeaderSlot(file, dims, maxRows);
  }

  append(rows: Float32Array, n: number, first: number, words: WordSource): void {
    const d = this.dims;
    const parts: Uint8Array[] = [];
    const space = Uint8Array.of(32);
    const newline = Uint8Array.of(10);
    for (let i = 0; i < n; i++) {
      const v = rows.subarray(i * d, (i + 1) * d);
      parts.push(
        words.wordBytes(first + i),
        space,
        new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
        newline,
      );
    }
    this.file.write(Buffer.concat(parts));
  }

  finish(vocab: { size: number }): void {
    this.header.fill(vocab.size);
  }
}
