import { EmbError, place } from '../errors.js';
import type { ByteReader } from './byte-reader.js';
import type { VectorsBuilder } from './builder.js';
import { parseField, parseNumber } from './numbers.js';
import { wordBytes, type Encoding } from './words.js';

/**
 * The text vector line `word v1 ... vD` read in TypeScript: the whole parse when the native
 * addon is not built, else the lines the native parser hands back (errors, named with their
 * line number, and GloVe 840B's words with spaces in them).
 */
/** The next line as buf[start..end), trailing CR, spaces and tabs trimmed; undefined at the end. */
export function nextLine(r: ByteReader): { start: number; end: number } | undefined {
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

export interface LineContext {
  file: string;
  lineNo: number;
  encoding: Encoding;
  offset: number;
}

const cursor = { end: 0 };

function isSeparator(b: number): boolean {
  return b === 32 || b === 9;
}

export function parseLine(
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

export function fieldCount(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  let inField = false;
  for (let i = start; i < end; i++) {
    const sep = isSeparator(buf[i]);
    if (!sep && !inField) n++;
    inField = !sep;
  }
  return n;
}

export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < Math.min(end, start + 200); i++) s += String.fromCharCode(buf[i]);
  return s;
}
