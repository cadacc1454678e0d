/**
 * JSON lines (.jsonl, .ndjson): one JSON object per line, read as a table whose columns are
 * the first object's keys, so that the text and label are found by the same names as in a CSV
 * (text, review, ...; label, class, ...). A string field is kept as it is; numbers and booleans
 * as they are written; null and a missing key are empty; an object or array is its JSON. Blank
 * lines are no rows. A line that is not a JSON object is an error that names it.
 */
import { EmbError } from '../errors.js';
import type { CsvRow } from './csv-parse.js';
import { splitLines } from './lines.js';

/** Whether a file's first text looks like JSON lines (its first non-blank character is "{"). */
export function looksLikeJsonLines(text: string): boolean {
  return /^\s*\{/.test(text);
}

export function isJsonLinesName(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

/** The header (the first object's keys) and the rows, in pieces, as they are read. */
export async function openJsonLines(
  texts: AsyncIterable<string>,
  path: string,
): Promise<{ header: string[]; rows: AsyncGenerator<CsvRow[]> }> {
  const pieces = splitLines(texts)[Symbol.asyncIterator]();
  let line = 0;
  const parse = (text: string): Record<string, unknown> | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new EmbError(
        'E_FORMAT',
        `${path}: line ${line}: not valid JSON (${(e as Error).message}); JSON lines hold one object per line`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new EmbError(
        'E_FORMAT',
        `${path}: line ${line}: expected a JSON object such as {"text": "...", "label": "..."}, got ${Array.isArray(value) ? 'an array' : typeof value}`,
      );
    return value as Record<string, unknown>;
  };
  let header: string[] | undefined;
  let first: CsvRow[] = [];
  const fieldsOf = (o: Record<string, unknown>) =>
    header!.map((k) => {
      const v = o[k];
      if (v === undefined || v === null) return '';
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  // The header comes from the first object: read until it is found.
  while (!header) {
    const r = await pieces.next();
    if (r.done) break;
    for (const text of r.value) {
      const o = parse(text);
      if (!o) continue;
      header ??= Object.keys(o);
      first.push({ fields: fieldsOf(o), line });
    }
  }
  if (!header)
    throw new EmbError(
      'E_INPUT',
      `${path}: the file is empty; expected one JSON object per line, e.g. {"text": "...", "label": "..."}`,
    );
  async function* rows(): AsyncGenerator<CsvRow[]> {
    if (first.length > 0) yield first;
    first = [];
    for (let r = await pieces.next(); !r.done; r = await pieces.next()) {
      const out: CsvRow[] = [];
      for (const text of r.value) {
        const o = parse(text);
        if (o) out.push({ fields: fieldsOf(o), line });
      }
      if (out.length > 0) yield out;
    }
  }
  return { header, rows: rows() };
}
