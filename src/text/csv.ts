/**
 * Labelled texts from a CSV or TSV file with a header row, as spreadsheets export them: the
 * delimiter (comma, semicolon, tab or pipe) found from the first rows, UTF-8 with or without
 * a byte-order mark, UTF-16 with one, or a named encoding (text/decode.ts); quoted fields
 * (text/csv-parse.ts). The text and label columns are found by name, or given. Rows with an
 * empty text or no label are skipped and counted, never fatal.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { EmbError } from '../errors.js';
import { parseCsv, printable, type CsvRow } from './csv-parse.js';
import { fromLabelled, type Dataset } from './dataset.js';
import { decodeText } from './decode.js';

export { decodeUtf8 } from './decode.js';

export const TEXT_COLUMNS = ['text', 'review', 'sentence', 'message', 'content', 'body'];
export const LABEL_COLUMNS = ['label', 'class', 'sentiment', 'category', 'target', 'y'];

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', '\t', ';', '|'];
const DELIMITER_NAMES: Readonly<Record<string, Delimiter>> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
  '|': '|',
  pipe: '|',
};

/** A delimiter given by character or name (`,` `;` `\t` `|`, `comma` `semicolon` `tab` `pipe`). */
export function delimiterOption(value: string): Delimiter {
  const d = DELIMITER_NAMES[value];
  if (d === undefined) {
    throw new EmbError(
      'E_INPUT',
      `unknown delimiter "${value}"; expected one of comma, semicolon, tab, pipe (or , ; | \\t)`,
    );
  }
  return d;
}

export interface CsvOptions {
  /** Column names; found by name when absent. */
  text?: string;
  label?: string;
  /** Whether a label column is needed (false for texts to predict). */
  needLabel?: boolean;
  /**
   * The field delimiter. Default: tab for .tsv/.tab files; otherwise the one of comma, tab,
   * semicolon and pipe that splits the header into the most columns with every one of the
   * first 50 rows alike (comma when none splits it).
   */
  delimiter?: Delimiter;
  /**
   * The file's text encoding: `utf-8`, `utf-16le`, `utf-16be`, `latin1` (ISO-8859-1),
   * `windows-1252`, or any label TextDecoder knows. Default: from the byte-order mark, else
   * UTF-8 (checked; undecodable bytes are an error with advice).
   */
  encoding?: string;
}

export interface LabelledFile extends Dataset {
  textColumn: string;
  labelColumn?: string;
  /** Lines of rows skipped because their text was empty. */
  skippedEmpty: number[];
  /** Lines of rows skipped because their label was empty or missing (a short row). */
  skippedNoLabel: number[];
  /** The line on which each kept text's row starts (texts[i] is on line lines[i]). */
  lines: number[];
  /** Data rows in the file (not the header; blank lines only in one-column files), kept or skipped. */
  rows: number;
  delimiter: Delimiter;
  /** The encoding the file was read with. */
  encoding: string;
  /**
   * Things worth telling the user, one line each, naming the file: labels that differ only
   * in case (`POS` and `pos` are two classes).
   */
  warnings: string[];
}

/** Reads the file, decodes it, and parses it. */
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
  const { text, encoding } = decodeText(bytes, path, options.encoding);
  return { ...(await parseLabelled(text, path, options)), encoding };
}

/** Parses decoded text (`path` names it in messages and chooses the default delimiter). */
export async function parseLabelled(
  content: string,
  path: string,
  options: CsvOptions = {},
): Promise<LabelledFile> {
  const text = content.replace(/^\uFEFF/, '');
  const delimiter = options.delimiter ?? sniffDelimiter(text, path);
  const rows = parseCsv(text, delimiter, path);
  if (rows.length === 0)
    throw new EmbError(
      'E_INPUT',
      `${path}: the file is empty; expected a header row, then one row per text`,
    );
  const header = rows[0].fields.map((h) => h.trim());
  const textColumn = pickColumn(header, options.text, TEXT_COLUMNS, 'text', path, delimiter);
  const needLabel = options.needLabel ?? true;
  const labelColumn =
    needLabel || options.label
      ? pickColumn(header, options.label, LABEL_COLUMNS, 'label', path, delimiter)
      : undefined;
  const ti = header.indexOf(textColumn);
  const li = labelColumn === undefined ? -1 : header.indexOf(labelColumn);
  const texts: string[] = [];
  const labels: string[] = [];
  const skippedEmpty: number[] = [];
  const skippedNoLabel: number[] = [];
  const lines: number[] = [];
  let count = 0;
  for (const { fields, line } of rows.slice(1)) {
    // A blank line between rows is no row; in a one-column file it is an empty text, counted,
    // so that a caller can give one answer per line.
    if (fields.length === 1 && fields[0].trim() === '' && header.length > 1) continue;
    checkWidth(fields, header.length, path, line);
    count++;
    const t = (fields[ti] ?? '').trim();
    if (t === '') {
      skippedEmpty.push(line);
      continue;
    }
    if (li >= 0) {
      const l = (fields[li] ?? '').trim();
      if (l === '') {
        skippedNoLabel.push(line);
        continue;
      }
      labels.push(l);
    }
    texts.push(t);
    lines.push(line);
  }
  const data = fromLabelled(texts, li >= 0 ? labels : texts.map(() => ''), path);
  return {
    ...data,
    classes: li >= 0 ? data.classes : [],
    textColumn,
    labelColumn,
    skippedEmpty,
    skippedNoLabel,
    lines,
    rows: count,
    delimiter,
    encoding: 'utf-8',
    warnings: li >= 0 ? caseWarnings(data, path) : [],
  };
}

/**
 * A row with more fields than the header is an error (a delimiter inside an unquoted text
 * would shift every column after it), unless the extra fields are empty (spreadsheets pad
 * rows). A shorter row is read as far as it goes: its missing fields are empty.
 */
function checkWidth(fields: string[], width: number, path: string, line: number): void {
  if (fields.length <= width) return;
  if (fields.slice(width).every((f) => f.trim() === '')) return;
  throw new EmbError(
    'E_FORMAT',
    `${path}: line ${line}: expected ${width} fields as in the header, got ${fields.length}; quote fields that contain the delimiter`,
  );
}

/** One warning per group of class names that are equal but for case. */
function caseWarnings(data: Dataset, path: string): string[] {
  const counts = new Array<number>(data.classes.length).fill(0);
  for (const y of data.labels) counts[y]++;
  const groups = new Map<string, number[]>();
  data.classes.forEach((c, i) => {
    const key = c.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map(
      (g) =>
        `${path}: labels ${g.map((i) => `"${data.classes[i]}" (${counts[i]} rows)`).join(', ')} differ only in case and are different classes; write them alike if they mean the same`,
    );
}

/** See CsvOptions.delimiter. */
function sniffDelimiter(content: string, path: string): Delimiter {
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return '\t';
  let best: { d: Delimiter; width: number; alike: number } | undefined;
  for (const d of DELIMITERS) {
    // Up to a broken row: that error is reported once the delimiter is known.
    const rows: CsvRow[] = parseCsv(content, d, path, { maxRows: 50, upToError: true });
    const width = rows[0]?.fields.length ?? 0;
    if (width < 2) continue;
    const data = rows.slice(1).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
    const alike = data.filter((r) => r.fields.length === width).length / Math.max(1, data.length);
    if (!best || alike > best.alike || (alike === best.alike && width > best.width))
      best = { d, width, alike };
  }
  return best?.d ?? ',';
}

function pickColumn(
  header: string[],
  given: string | undefined,
  names: string[],
  what: string,
  path: string,
  delimiter: Delimiter,
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
  const split =
    header.length === 1
      ? ` (read with the delimiter "${printable(delimiter)}"; give the right one with --delimiter)`
      : '';
  throw new EmbError(
    'E_INPUT',
    `${path}: no ${what} column found (looked for ${names.join(', ')}); the columns are ${existing}${split}; name it with --${what} COLUMN`,
  );
}
