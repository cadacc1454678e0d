import { writeSync } from 'node:fs';
import { EmbError, place } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder } from './builder.js';
import { parseField, parseNumber } from './numbers.js';
import { formatFloat32 } from './float-text.js';
import { wordBytes } from './words.js';
import type { ReadOptions } from './format.js';

const HEADER = /^\s*(\d+)\s+(\d+)\s*$/;

/**
 * The text formats: word2vec text and fastText .vec (a "rows dims" header line, then one
 * `word v1 ... vD` line per word) and GloVe (the same without the header; the dimension comes
 * from the first line). CRLF line ends and a UTF-8 byte-order mark are accepted.
 */
export function readText(path: string, options: ReadOptions = {}): Embeddings {
  const r = new ByteReader(path);
  try {
    return parse(r, options);
  } finally {
    r.close();
  }
}

function parse(r: ByteReader, options: ReadOptions): Embeddings {
  const file = r.path;
  const encoding = options.encoding ?? 'utf8';
  if (r.size === 0) throw new EmbError('E_FORMAT', `${file}: the file is empty`);
  if (r.ensure(3) && r.buf[0] === 0xef && r.buf[1] === 0xbb && r.buf[2] === 0xbf) r.pos = 3;

  let lineNo = 0;
  let builder: VectorsBuilder | undefined;
  let headerRows: number | undefined;
  let format = options.format ?? 'glove-text';
  let nextProgress = 0;

  for (;;) {
    let nl = r.findByte(10);
    if (nl < 0) {
      if (r.pos >= r.end) break;
      nl = r.end; // last line without a newline
    }
    lineNo++;
    const buf = r.buf;
    const start = r.pos;
    let end = nl;
    while (end > start && (buf[end - 1] === 13 || buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
    r.pos = Math.min(nl + 1, r.end);

    if (end === start) continue; // blank line
    if (lineNo === 1 || (builder === undefined && headerRows === undefined)) {
      const m = HEADER.exec(latin1(buf, start, end));
      if (m) {
        headerRows = Number(m[1]);
        builder = new VectorsBuilder(file, Number(m[2]), headerRows);
        if (options.format === undefined || format === 'glove-text') format = 'word2vec-text';
        continue;
      }
    }
    if (!builder)
      builder = new VectorsBuilder(
        file,
        fieldCount(buf, start, end) - 1,
        estimateRows(r.size, end - start),
      );
    parseLine(buf, start, end, builder, { file, lineNo, encoding, offset: r.offsetOf(start) });
    if (options.onProgress && r.consumed >= nextProgress) {
      options.onProgress(r.consumed, r.size);
      nextProgress = r.consumed + (1 << 22);
    }
  }
  if (!builder) throw new EmbError('E_FORMAT', `${file}: no vectors found`);
  if (headerRows !== undefined && builder.rows + builder.duplicates !== headerRows) {
    throw new EmbError(
      'E_FORMAT',
      `${file}: the header says ${headerRows} words, but the file has ${builder.rows + builder.duplicates} vector lines; the file may be truncated`,
    );
  }
  options.onProgress?.(r.size, r.size);
  for (const w of builder.warnings()) options.warn?.(w);
  return builder.finish({ source: file, sourceFormat: format });
}

interface LineContext {
  file: string;
  lineNo: number;
  encoding: 'utf8' | 'latin1';
  offset: number;
}

const cursor = { end: 0 };

function isSeparator(b: number): boolean {
  return b === 32 || b === 9;
}

function parseLine(
  buf: Uint8Array,
  start: number,
  end: number,
  builder: VectorsBuilder,
  ctx: LineContext,
): void {
  let i = start;
  while (i < end && !isSeparator(buf[i])) i++;
  const wordEnd = i;
  const slot = builder.slot();
  const dims = builder.dims;
  let count = 0;
  while (i < end) {
    while (i < end && isSeparator(buf[i])) i++;
    if (i >= end) break;
    const fieldStart = i;
    if (count === dims) {
      throw new EmbError(
        'E_FORMAT',
        `${place(ctx.file, { line: ctx.lineNo })}: expected ${dims} values after the word, found ${fieldCount(buf, start, end) - 1}`,
      );
    }
    const v = parseField(buf, fieldStart, end, cursor);
    i = cursor.end;
    if (Number.isNaN(v)) {
      // GloVe 840B has words with spaces in them (". . ."): the word is what precedes the
      // last `dims` fields.
      if (count === 0 && fieldCount(buf, start, end) > dims + 1)
        return parseLineWithSpaces(buf, start, end, builder, ctx);
      throw new EmbError(
        'E_FORMAT',
        `${place(ctx.file, { line: ctx.lineNo })}: value ${count + 1} "${latin1(buf, fieldStart, i)}" is not a number`,
      );
    }
    slot[count++] = v;
  }
  if (count !== dims) {
    throw new EmbError(
      'E_FORMAT',
      `${place(ctx.file, { line: ctx.lineNo })}: expected ${dims} values after the word, found ${count}`,
    );
  }
  builder.commit(wordBytes(buf, start, wordEnd, ctx.encoding, ctx.file, ctx.offset), {
    line: ctx.lineNo,
  });
}

/** The word is everything before the last `dims` fields. */
function parseLineWithSpaces(
  buf: Uint8Array,
  start: number,
  end: number,
  builder: VectorsBuilder,
  ctx: LineContext,
): void {
  const dims = builder.dims;
  const fields: [number, number][] = [];
  let i = start;
  while (i < end) {
    while (i < end && isSeparator(buf[i])) i++;
    const s = i;
    while (i < end && !isSeparator(buf[i])) i++;
    if (i > s) fields.push([s, i]);
  }
  const wordFields = fields.length - dims;
  const slot = builder.slot();
  for (let k = 0; k < dims; k++) {
    const [s, e] = fields[wordFields + k];
    const v = parseNumber(buf, s, e);
    if (Number.isNaN(v)) {
      throw new EmbError(
        'E_FORMAT',
        `${place(ctx.file, { line: ctx.lineNo })}: expected ${dims} values after the word, found "${latin1(buf, s, e)}"`,
      );
    }
    slot[k] = v;
  }
  const wordEnd = fields[wordFields - 1][1];
  builder.commit(wordBytes(buf, start, wordEnd, ctx.encoding, ctx.file, ctx.offset), {
    line: ctx.lineNo,
  });
}

function fieldCount(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  let inField = false;
  for (let i = start; i < end; i++) {
    const sep = isSeparator(buf[i]);
    if (!sep && !inField) n++;
    inField = !sep;
  }
  return n;
}

function estimateRows(fileSize: number, firstLineLength: number): number {
  return Math.ceil(fileSize / Math.max(1, firstLineLength + 1)) + 16;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < Math.min(end, start + 200); i++) s += String.fromCharCode(buf[i]);
  return s;
}

/** Writes word2vec text (with the "rows dims" header) or, with header false, GloVe text. */
export function writeText(emb: Embeddings, fd: number, header: boolean): void {
  const lines: string[] = header ? [`${emb.rows} ${emb.dims}`] : [];
  let size = 0;
  const flush = () => {
    writeSync(fd, lines.join('\n') + '\n');
    lines.length = 0;
    size = 0;
  };
  for (let i = 0; i < emb.rows; i++) {
    const v = emb.row(i);
    const parts = new Array<string>(v.length + 1);
    parts[0] = emb.word(i);
    for (let j = 0; j < v.length; j++) parts[j + 1] = formatFloat32(v[j]);
    const line = parts.join(' ');
    lines.push(line);
    size += line.length;
    if (size > 1 << 22) flush();
  }
  if (lines.length > 0) flush();
}
