import { writeSync } from 'node:fs';
import { EmbError, place } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { ByteReader } from './byte-reader.js';
import { VectorsBuilder } from './builder.js';
import { parseField, parseNumber } from './numbers.js';
import { formatFloat32 } from './float-text.js';
import { wordBytes, type Encoding } from './words.js';
import type { FormatName, ReadOptions } from './format.js';
import { readParallel } from './text-parallel.js';

const HEADER = /^\s*(\d+)\s+(\d+)\s*$/;

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

/**
 * The text formats: word2vec text and fastText .vec (a "rows dims" header line, then one
 * `word v1 ... vD` line per word) and GloVe (the same without the header; the dimension comes
 * from the first line). CRLF line ends and a UTF-8 byte-order mark are accepted. Large files
 * are parsed by several threads (text-parallel.ts); any problem there is reported by the
 * sequential parser, which names the exact line.
 */
export function readText(path: string, options: ReadOptions = {}): Embeddings {
  const layout = readLayout(path, options);
  const builder = readParallel(layout, options) ?? readSequential(layout, options);
  if (layout.headerRows !== undefined && builder.rows + builder.duplicates !== layout.headerRows) {
    throw new EmbError(
      'E_FORMAT',
      `${path}: the header says ${layout.headerRows} words, but the file has ${builder.rows + builder.duplicates} vector lines; the file may be truncated`,
    );
  }
  options.onProgress?.(layout.size, layout.size);
  for (const w of builder.warnings()) options.warn?.(w);
  return builder.finish({ source: path, sourceFormat: layout.format });
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

/** The next line as buf[start..end), trailing CR, spaces and tabs trimmed; undefined at the end. */
function nextLine(r: ByteReader): { start: number; end: number } | undefined {
  let nl = r.findByte(10);
  if (nl < 0) {
    if (r.pos >= r.end) return undefined;
    nl = r.end; // last line without a newline
  }
  const start = r.pos;
  let end = nl;
  while (end > start && (r.buf[end - 1] === 13 || r.buf[end - 1] === 32 || r.buf[end - 1] === 9))
    end--;
  r.pos = Math.min(nl + 1, r.end);
  return { start, end };
}

function readSequential(layout: TextLayout, options: ReadOptions): VectorsBuilder {
  const r = new ByteReader(layout.file, { start: layout.bodyStart, end: layout.size });
  try {
    const rows = layout.headerRows ?? estimateRows(layout.size, layout.dims);
    const builder = new VectorsBuilder(layout.file, layout.dims, rows);
    parseBody(r, builder, layout.linesBefore, options.encoding ?? 'utf8', options.onProgress);
    return builder;
  } finally {
    r.close();
  }
}

/** Parses every line the reader has into the builder; returns how many lines there were. */
export function parseBody(
  r: ByteReader,
  builder: VectorsBuilder,
  linesBefore: number,
  encoding: Encoding,
  onProgress?: (done: number, total: number) => void,
): number {
  let lineNo = linesBefore;
  let nextProgress = 0;
  for (let line = nextLine(r); line; line = nextLine(r)) {
    lineNo++;
    if (line.end === line.start) continue; // blank line
    parseLine(r.buf, line.start, line.end, builder, {
      file: r.path,
      lineNo,
      encoding,
      offset: r.offsetOf(line.start),
    });
    if (onProgress && r.consumed >= nextProgress) {
      onProgress(r.consumed, r.size);
      nextProgress = r.consumed + (1 << 22);
    }
  }
  return lineNo - linesBefore;
}

interface LineContext {
  file: string;
  lineNo: number;
  encoding: Encoding;
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

/** A generous guess from the file size: about eight bytes per value ("0.12345 "). */
function estimateRows(fileSize: number, dims: number): number {
  return Math.ceil(fileSize / (dims * 8)) + 16;
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
