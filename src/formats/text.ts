import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { kernelThreads, native } from '../native/addon.js';
import type { AtomicFile } from '../atomic.js';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder, type RowSink, type WordSource } from './builder.js';
import { formatFloat32 } from './float-text.js';
import { HEADER, HeaderSlot } from './header.js';
import { fieldCount, latin1, nextLine, parseBody, parseLine } from './text-lines.js';
import { wordBytes, type Encoding } from './words.js';
import type { FormatName, ReadOptions } from './format.js';

/** What the first line tells: the dimension, the header's row count, where the vectors start. */
export interface TextLayout {
  file: string;
  size: number;
  dims: number;
  headerRows?: number;
  format: FormatName;
  /** File offset of the first vector line, and the number of lines before it. */
  bodyStart: number;
  linesBefore: number;
}

/** The fewest bytes a vector line can take: a one-byte word, then " 0" per value. */
const minLineBytes = (dims: number) => 2 * dims + 1;

/**
 * The text formats: word2vec text and fastText .vec (a "rows dims" header line, then one
 * `word v1 ... vD` line per word) and GloVe (the same without the header; the dimension comes
 * from the first line). CRLF line ends and a UTF-8 byte-order mark are accepted. With the
 * native addon, stretches of whole lines are parsed on all cores (native/parse.c) and any line
 * it does not take is read here, which names it if it is wrong. With `options.sink`, rows go
 * there as they are read and nothing is returned.
 */
export function readText(path: string, options: ReadOptions = {}): Embeddings | undefined {
  const layout = readLayout(path, options);
  const body = layout.size - layout.bodyStart;
  const { headerRows, dims } = layout;
  if (headerRows !== undefined && headerRows > 0 && headerRows * minLineBytes(dims) > body + 1) {
    throw new EmbError(
      'E_FORMAT',
      `${path}: line ${layout.linesBefore}: the header says ${headerRows} words of ${dims} values, which needs at least ${headerRows * minLineBytes(dims)} bytes, but the file has ${body} after it: it is truncated, or the header is wrong`,
    );
  }
  const builder = new VectorsBuilder(path, dims, {
    expectedRows: headerRows ?? Math.ceil(body / (dims * 8)) + 16,
    maxRows: headerRows ?? Math.floor((body + 1) / minLineBytes(dims)),
    sink: options.sink,
  });
  const r = new ByteReader(path, { start: layout.bodyStart, end: layout.size });
  try {
    const encoding = options.encoding ?? 'utf8';
    if (native) parseNative(r, builder, layout.linesBefore, encoding, options.onProgress);
    else parseBody(r, builder, layout.linesBefore, encoding, options.onProgress);
  } finally {
    r.close();
  }
  if (headerRows !== undefined && builder.rows + builder.duplicates !== headerRows) {
    throw new EmbError(
      'E_FORMAT',
      `${path}: the header says ${headerRows} words, but the file has ${builder.rows + builder.duplicates} vector lines; the file may be truncated`,
    );
  }
  options.onProgress?.(layout.size, layout.size);
  const result = builder.finish({ source: path, sourceFormat: layout.format });
  for (const w of builder.warnings()) options.warn?.(w);
  return result;
}

/**
 * Hands stretches of whole lines (about 16 MB, as the reader holds them) to the native parser;
 * each line it stops at is read by parseLine, and the rest handed back.
 */
function parseNative(
  r: ByteReader,
  builder: VectorsBuilder,
  linesBefore: number,
  encoding: Encoding,
  onProgress?: (done: number, total: number) => void,
): void {
  const dims = builder.dims;
  const result = new Float64Array(3);
  let values = new Float32Array(0);
  let words = new Int32Array(0);
  let lineNo = linesBefore;
  const ctx = { file: r.path, lineNo: 0, encoding, offset: 0 };
  while (r.ensure(1)) {
    r.topUp();
    let end = r.end;
    if (!r.eof) {
      const last = r.buf.lastIndexOf(10, r.end - 1);
      if (last >= r.pos) end = last + 1;
      else {
        const nl = r.findByte(10); // a line longer than the buffer: read until it ends
        end = nl < 0 ? r.end : nl + 1;
      }
    }
    const capacity = Math.floor((end - r.pos) / (minLineBytes(dims) + 1)) + 16;
    if (capacity * dims > values.length) {
      values = new Float32Array(capacity * dims);
      words = new Int32Array(capacity * 2);
    }
    const buf = r.buf;
    const check = (s: number, e: number) => wordBytes(buf, s, e, encoding, r.path, r.offsetOf(s));
    let pos = r.pos;
    while (pos < end) {
      native!.parseText(buf, pos, end, dims, values, words, kernelThreads, result);
      builder.commitBlock(values, words, result[0], buf, check);
      lineNo += result[2];
      pos = result[1];
      if (pos < end) {
        r.pos = pos;
        const line = nextLine(r)!;
        lineNo++;
        ctx.lineNo = lineNo;
        ctx.offset = r.offsetOf(line.start);
        parseLine(buf, line.start, line.end, builder, ctx);
        pos = r.pos;
      }
    }
    r.pos = end;
    onProgress?.(r.consumed, r.size);
  }
}

/** Reads up to the first non-blank line: a header, or the first vector. */
export function readLayout(path: string, options: ReadOptions): TextLayout {
  const r = new ByteReader(path);
  try {
    if (r.size === 0) throw new EmbError('E_FORMAT', `${path}: the file is empty`);
    if (r.ensure(3) && r.buf[0] === 0xef && r.buf[1] === 0xbb && r.buf[2] === 0xbf) r.pos = 3;
    for (let lineNo = 1; ; lineNo++) {
      const line = nextLine(r);
      if (!line) throw new EmbError('E_FORMAT', `${path}: no vectors found`);
      if (line.end === line.start) continue;
      const m = HEADER.exec(latin1(r.buf, line.start, line.end));
      const base = { file: path, size: r.size };
      if (m) {
        const format =
          options.format && options.format !== 'glove-text' ? options.format : 'word2vec-text';
        return {
          ...base,
          dims: Number(m[2]),
          headerRows: Number(m[1]),
          format,
          bodyStart: r.consumed,
          linesBefore: lineNo,
        };
      }
      const dims = fieldCount(r.buf, line.start, line.end) - 1;
      return {
        ...base,
        dims,
        format: options.format ?? 'glove-text',
        bodyStart: r.offsetOf(line.start),
        linesBefore: lineNo - 1,
      };
    }
  } finally {
    r.close();
  }
}

/** Writes word2vec text (with the "rows dims" header) or, with header false, GloVe text. */
export class TextSink implements RowSink {
  private readonly header?: HeaderSlot;

  constructor(
    private readonly file: AtomicFile,
    private readonly dims: number,
    header: boolean,
    maxRows: number,
  ) {
    if (header) this.header = new HeaderSlot(file, dims, maxRows);
  }

  append(rows: Float32Array, n: number, first: number, words: WordSource): void {
    const decoder = new TextDecoder();
    const lines: string[] = [];
    const parts = new Array<string>(this.dims + 1);
    for (let i = 0; i < n; i++) {
      parts[0] = decoder.decode(words.wordBytes(first + i));
      for (let j = 0; j < this.dims; j++) parts[j + 1] = formatFloat32(rows[i * this.dims + j]);
      lines.push(parts.join(' '));
    }
    this.file.write(Buffer.from(lines.join('\n') + '\n'));
  }

  finish(vocab: { size: number }): void {
    this.header?.fill(vocab.size);
  }
}
