import { writeSync } from 'node:fs';
import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder } from './builder.js';
import { wordBytes } from './words.js';
import type { ReadOptions } from './format.js';

/**
 * word2vec's binary format: an ASCII header "rows dims\n", then per word its bytes, a space and
 * dims little-endian float32 values. The C tool ends each row with "\n"; gensim does not; both
 * are read.
 */
export function readWord2vecBinary(path: string, options: ReadOptions = {}): Embeddings {
  const r = new ByteReader(path);
  try {
    return parse(r, options);
  } finally {
    r.close();
  }
}

const MAX_WORD_BYTES = 4096;

function parse(r: ByteReader, options: ReadOptions): Embeddings {
  const file = r.path;
  if (r.size === 0) throw new EmbError('E_FORMAT', `${file}: the file is empty`);
  const nl = r.findByte(10);
  const header = nl < 0 ? '' : Buffer.from(r.buf.subarray(r.pos, nl)).toString('latin1');
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(header);
  if (!m) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: line 1: expected a word2vec header "ROWS DIMS", found "${header.slice(0, 60)}"`,
    );
  }
  const rows = Number(m[1]);
  const dims = Number(m[2]);
  r.pos = nl + 1;
  const builder = new VectorsBuilder(file, dims, rows);
  const bytes = dims * 4;
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
  for (const w of builder.warnings()) options.warn?.(w);
  return builder.finish({ source: file, sourceFormat: 'word2vec-binary' });
}

/** Writes word2vec binary, with the C tool's newline after each row. */
export function writeWord2vecBinary(emb: Embeddings, fd: number): void {
  const encoder = new TextEncoder();
  const chunk: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    writeSync(fd, Buffer.concat(chunk, size));
    chunk.length = 0;
    size = 0;
  };
  const header = encoder.encode(`${emb.rows} ${emb.dims}\n`);
  chunk.push(header);
  size += header.length;
  for (let i = 0; i < emb.rows; i++) {
    const word = encoder.encode(emb.word(i) + ' ');
    const v = emb.row(i);
    const bytes = new Uint8Array(v.byteLength + 1);
    bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    bytes[v.byteLength] = 10;
    chunk.push(word, bytes);
    size += word.length + bytes.length;
    if (size > 1 << 22) flush();
  }
  flush();
}
