/**
 * Labelled texts from a CSV or TSV file with a header row (fast-csv: quoted fields, embedded
 * delimiters and line breaks). The text and label columns are found by name, or given.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseString } from 'fast-csv';
import { EmbError } from '../errors.js';
import { fromLabelled, type Dataset } from './dataset.js';

export const TEXT_COLUMNS = ['text', 'review', 'sentence', 'message', 'content', 'body'];
export const LABEL_COLUMNS = ['label', 'class', 'sentiment', 'category', 'target', 'y'];

export interface CsvOptions {
  /** Column names; found by name when absent. */
  text?: string;
  label?: string;
  /** Whether a label column is needed (false for texts to predict). */
  needLabel?: boolean;
}

export interface LabelledFile extends Dataset {
  textColumn: string;
  labelColumn?: string;
  /** Rows skipped because their text was empty, with their line numbers. */
  skippedEmpty: number[];
}

/** Reads the file, checks it is UTF-8, and parses it. */
export async function readLabelled(path: string, options: CsvOptions = {}): Promise<LabelledFile> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EmbError(
      'E_IO',
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const text = decodeUtf8(bytes, path).replace(/^\uFEFF/, '');
  return parseLabelled(text, path, options);
}

export async function parseLabelled(
  content: string,
  path: string,
  options: CsvOptions = {},
): Promise<LabelledFile> {
  const rows = await parseRows(content, delimiterFor(path, content), path);
  if (rows.length === 0)
    throw new EmbError(
      'E_INPUT',
      `${path}: the file is empty; expected a header row, then one row per text`,
    );
  const header = rows[0].fields.map((h) => h.trim());
  const textColumn = pickColumn(header, options.text, TEXT_COLUMNS, 'text', path);
  const needLabel = options.needLabel ?? true;
  const labelColumn =
    needLabel || options.label
      ? pickColumn(header, options.label, LABEL_COLUMNS, 'label', path)
      : undefined;
  const ti = header.indexOf(textColumn);
  const li = labelColumn === undefined ? -1 : header.indexOf(labelColumn);
  const texts: string[] = [];
  const labels: string[] = [];
  const skippedEmpty: number[] = [];
  for (const { fields, line } of rows.slice(1)) {
    if (fields.length === 0 || (fields.length === 1 && fields[0] === '')) continue; // a blank line
    if (fields.length !== header.length) {
      throw new EmbError(
        'E_FORMAT',
        `${path}: line ${line}: expected ${header.length} fields as in the header, got ${fields.length}`,
      );
    }
    const t = fields[ti].trim();
    if (t === '') {
      skippedEmpty.push(line);
      continue;
    }
    if (li >= 0) {
      const l = fields[li].trim();
      if (l === '')
        throw new EmbError(
          'E_INPUT',
          `${path}: line ${line}: empty label in column "${labelColumn}"`,
        );
      labels.push(l);
    }
    texts.push(t);
  }
  const data = fromLabelled(texts, li >= 0 ? labels : texts.map(() => ''), path);
  return { ...data, classes: li >= 0 ? data.classes : [], textColumn, labelColumn, skippedEmpty };
}

function pickColumn(
  header: string[],
  given: string | undefined,
  names: string[],
  what: string,
  path: string,
): string {
  const existing = header.map((h) => `"${h}"`).join(', ');
  if (given !== undefined) {
    if (header.includes(given)) return given;
    throw new EmbError('E_INPUT', `${path}: no column "${given}"; the columns are ${existing}`);
  }
  const lower = header.map((h) => h.toLowerCase());
  for (const name of names) {
    const i = lower.indexOf(name);
    if (i >= 0) return header[i];
  }
  throw new EmbError(
    'E_INPUT',
    `${path}: no ${what} column found (looked for ${names.join(', ')}); the columns are ${existing}; name it with --${what} COLUMN`,
  );
}

/** Tab for .tsv/.tab files, comma for .csv; otherwise whichever the header line has more of. */
function delimiterFor(path: string, content: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return '\t';
  if (ext === '.csv') return ',';
  const first = content.slice(0, content.indexOf('\n') >>> 0);
  const count = (c: string) => first.split(c).length;
  return [',', '\t', ';', '|'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

interface Row {
  fields: string[];
  /** Line on which the row starts (1-based). */
  line: number;
}

function parseRows(content: string, delimiter: string, path: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    let line = 1;
    parseString<string[], string[]>(content, { delimiter, headers: false, ignoreEmpty: false })
      .on('data', (fields: string[]) => {
        rows.push({ fields, line });
        // Quoted fields may span lines; keep counting so messages can name the right line.
        line += 1 + fields.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
      })
      .on('error', (e: Error) => {
        const what = e.message
          .replace(/^Parse Error: /, '')
          .replace(/ at '.*$/s, '')
          .replace(/ in line:.*$/s, '');
        reject(
          new EmbError(
            'E_FORMAT',
            `${path}: line ${line}: broken CSV (${what}); quote fields that contain the delimiter, quotes or line breaks`,
          ),
        );
      })
      .on('end', () => resolve(rows));
  });
}

/** The text, or an error naming the byte offset of the first invalid UTF-8 sequence. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = 1 + bytes.subarray(0, at).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
    throw new EmbError(
      'E_ENCODING',
      `${path}: byte ${at} (line ${line}): not valid UTF-8 (0x${bytes[at].toString(16).padStart(2, '0')}); convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8`,
    );
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const len =
      c < 0x80
        ? 1
        : c >= 0xc2 && c < 0xe0
          ? 2
          : c >= 0xe0 && c < 0xf0
            ? 3
            : c >= 0xf0 && c < 0xf5
              ? 4
              : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    if (len === 3 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0)))
      return i;
    if (len === 4 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90)))
      return i;
    i += len;
  }
  return b.length;
}
