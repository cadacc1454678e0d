/**
 * Labelled texts from a CSV or TSV file with a header row, as spreadsheets export them: the
 * delimiter (comma, semicolon, tab or pipe) found from the first rows, UTF-8 with or without
 * a byte-order mark, UTF-16 with one, or a named encoding (text/decode.ts); quoted fields
 * (text/csv-parse.ts). The text and label columns are found by name, or given. Rows with an
 * empty text or no label are skipped and counted, never fatal.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { EmbError, option, warning } from '../errors.js';
import { CsvParser, printable, type CsvRow } from './csv-parse.js';
import { fromLabelled, labelWarnings, type LabelledSet } from './dataset.js';
import { decodeStream } from './decode.js';
import { isJsonLinesName, looksLikeJsonLines, openJsonLines } from './jsonl.js';
import { ownString } from './own-string.js';

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
   * 'none' reads '"' as a character like any other (for tab-separated texts that start with a
   * quote they never close); default '"', as RFC 4180.
   */
  quote?: '"' | 'none';
  /**
   * The file's text encoding: `utf-8`, `utf-16le`, `utf-16be`, `latin1` (ISO-8859-1),
   * `windows-1252`, or any label TextDecoder knows. Default: from the byte-order mark, else
   * UTF-8 (checked; undecodable bytes are an error with advice).
   */
  encoding?: string;
}

export interface LabelledFile extends LabelledSet {
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
  delimiter: Delimiter | 'jsonl';
  /** The encoding the file was read with. */
  encoding: string;
  /**
   * Things worth telling the user, one line each, naming the file: labels that differ only
   * in case (`POS` and `pos` are two classes).
   */
  warnings: string[];
}

/** Where the bytes come from when not from the file `path` names (stdin). */
export interface CsvInput {
  /** Read these bytes instead of the file; `path` still names them in messages. */
  input?: AsyncIterable<Uint8Array>;
  /** Bytes of the file read so far, of its size (not called for `input`). */
  onRead?: (done: number, total: number) => void;
}

/**
 * A CSV, TSV or JSON-lines file's header (for JSON lines: the first object's keys), then its
 * data rows as they are read and parsed.
 */
export interface CsvTable {
  header: string[];
  /** The delimiter, or 'jsonl' for JSON lines (one object per line, jsonl.ts). */
  delimiter: Delimiter | 'jsonl';
  /** Fields with text after their closing quote so far (read as Python's csv reads them). */
  lenient: { fields: number; line: number };
  /** The encoding the file is read with. */
  encoding: string;
  /**
   * The data rows, in pieces as they are parsed: blank lines between rows left out (except
   * in a file of one column, where a blank line is an empty field), each row checked against
   * the header's width.
   */
  rows: AsyncGenerator<CsvRow[]>;
}

/** Bytes read at once: large enough that a read costs little, small enough to stay flat. */
const CHUNK = 1 << 16;

/** A file's bytes, chunk by chunk; a file that cannot be read is an E_IO error naming it. */
export async function* fileChunks(
  path: string,
  onRead?: (done: number, total: number) => void,
): AsyncGenerator<Uint8Array> {
  try {
    if (!onRead) return yield* createReadStream(path, { highWaterMark: CHUNK });
    const total = (await stat(path)).size;
    let done = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
      yield chunk as Uint8Array;
      onRead((done += (chunk as Uint8Array).length), total);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof EmbError || code === undefined) throw e;
    throw new EmbError('E_IO', `${path}: cannot read (${code})`, { cause: e });
  }
}

/** Opens a CSV or TSV file (or `input`): decodes and parses it as it is read. */
export async function openCsv(
  path: string,
  options: CsvOptions & CsvInput = {},
): Promise<CsvTable> {
  let encoding = 'utf-8';
  const texts = decodeStream(
    options.input ?? fileChunks(path, options.onRead),
    path,
    options.encoding,
    (e) => (encoding = e),
  );
  const table = await openTable(texts, path, options);
  return { ...table, encoding };
}

/** Reads the file, decodes it, and parses it. */
export async function readLabelled(
  path: string,
  options: CsvOptions & CsvInput = {},
): Promise<LabelledFile> {
  const table = await openCsv(path, options);
  return { ...(await labelled(table, path, options)), encoding: table.encoding };
}

/** Parses decoded text (`path` names it in messages and chooses the default delimiter). */
export async function parseLabelled(
  content: string,
  path: string,
  options: CsvOptions = {},
): Promise<LabelledFile> {
  const table = await openTable(oneText(content), path, options);
  return labelled({ ...table, encoding: 'utf-8' }, path, options);
}

async function* oneText(content: string): AsyncGenerator<string> {
  yield content;
}

/** The labelled texts of a table: empty texts and missing labels skipped and counted. */
async function labelled(table: CsvTable, path: string, options: CsvOptions): Promise<LabelledFile> {
  const { header, delimiter } = table;
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
  for await (const rows of table.rows) {
    for (const { fields, line } of rows) {
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
      texts.push(ownString(t));
      lines.push(line);
    }
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
    encoding: table.encoding,
    warnings: [...(li >= 0 ? labelWarnings(data, path) : []), ...lenientWarning(table, path)],
  };
}

/** The fields read the way Python's csv module and spreadsheets read them, said once. */
function lenientWarning(table: CsvTable, path: string): string[] {
  const { fields, line } = table.lenient;
  if (fields === 0) return [];
  return [
    warning(
      `${path}: ${fields === 1 ? '1 field has' : `${fields.toLocaleString('en-US')} fields have`} text after a closing quote (the first on line ${line}); read as spreadsheets and Python's csv module read them, the quotes dropped (${option('quote', 'none')} keeps the quotes as text)`,
    ),
  ];
}

/** A text to label, with what comes back with its answer. */
export interface TextRow {
  /** The text (from a file: trimmed, and empty when the row's field is empty or missing). */
  text: string;
  /** Passed through to the answer: the id column's field, when one was asked for. */
  id?: string;
  /** Passed through to the answer: the line on which the row starts, in a file. */
  line?: number;
}

export interface TextRows {
  textColumn: string;
  idColumn?: string;
  delimiter: Delimiter | 'jsonl';
  encoding: string;
  /** Every data row, in order, in pieces as they are parsed (empty texts included). */
  rows: AsyncGenerator<TextRow[]>;
}

/**
 * The texts of a CSV or TSV file (or `input`) to label, with an id column passed through:
 * one per data row, in order, read as they are needed. The columns are checked first.
 */
export async function readTextRows(
  path: string,
  options: Omit<CsvOptions, 'label' | 'needLabel'> &
    CsvInput & { id?: string; onWarning?: (message: string) => void } = {},
): Promise<TextRows> {
  const table = await openCsv(path, options);
  const { header, delimiter } = table;
  const textColumn = pickColumn(header, options.text, TEXT_COLUMNS, 'text', path, delimiter);
  const idColumn =
    options.id === undefined
      ? undefined
      : pickColumn(header, options.id, [], 'id', path, delimiter);
  const ti = header.indexOf(textColumn);
  const ii = idColumn === undefined ? -1 : header.indexOf(idColumn);
  async function* rows(): AsyncGenerator<TextRow[]> {
    for await (const piece of table.rows) {
      yield piece.map(({ fields, line }) => {
        const row: TextRow = { text: (fields[ti] ?? '').trim(), line };
        if (ii >= 0) row.id = fields[ii] ?? '';
        return row;
      });
    }
    // Told once the whole file is read, with the count of every such field.
    for (const w of lenientWarning(table, path)) options.onWarning?.(w);
  }
  return { textColumn, idColumn, delimiter, encoding: table.encoding, rows: rows() };
}

/** Decoded text beyond which the delimiter is chosen from the rows seen so far. */
const SNIFF_LIMIT = 1 << 20;
/** Rows (the header included) the delimiter is chosen from. */
const SNIFF_ROWS = 50;

/**
 * The header and the data rows of decoded text pieces. The delimiter, when not given, is
 * chosen from the first rows (see CsvOptions.delimiter); the pieces read for that are kept
 * and parsed again, so no more than SNIFF_LIMIT of text is ever held.
 */
async function openTable(
  texts: AsyncIterable<string>,
  path: string,
  options: Pick<CsvOptions, 'delimiter' | 'quote'>,
): Promise<Omit<CsvTable, 'encoding'>> {
  const given = options.delimiter;
  const source = texts[Symbol.asyncIterator]();
  let first = true;
  const next = async (): Promise<string | undefined> => {
    const r = await source.next();
    if (r.done) return undefined;
    const text = first ? r.value.replace(/^\uFEFF/, '') : r.value;
    first = false;
    return text;
  };
  const sample: string[] = [];
  let ended = false;
  // JSON lines, by name or (no delimiter given) by a first character "{".
  if (given === undefined && !isJsonLinesName(path)) {
    const text = await next();
    if (text === undefined) ended = true;
    else sample.push(text);
  }
  if (given === undefined && (isJsonLinesName(path) || looksLikeJsonLines(sample[0] ?? ''))) {
    async function* all(): AsyncGenerator<string> {
      yield* sample;
      for (let text = ended ? undefined : await next(); text !== undefined; text = await next())
        yield text;
    }
    const table = await openJsonLines(all(), path);
    return { ...table, delimiter: 'jsonl', lenient: { fields: 0, line: 0 } };
  }
  let delimiter = given ?? byExtension(path);
  if (delimiter === undefined) {
    const sniffer = new DelimiterSniffer(path, options.quote !== 'none');
    for (const text of sample) sniffer.push(text);
    while (!ended && !sniffer.decided()) {
      const text = await next();
      if (text === undefined) {
        ended = true;
        break;
      }
      sample.push(text);
      sniffer.push(text);
    }
    delimiter = sniffer.choice(ended);
  }
  const parser = new CsvParser(delimiter, path, options.quote !== 'none');
  async function* parsed(): AsyncGenerator<CsvRow[]> {
    for (const text of sample.splice(0)) yield parser.push(text).take();
    for (let text = ended ? undefined : await next(); text !== undefined; text = await next())
      yield parser.push(text).take();
    yield parser.end().take();
  }
  const pieces = parsed();
  let headerRow: CsvRow | undefined;
  let rest: CsvRow[] = [];
  // Not for-await: leaving that loop would end the generator.
  for (let r = await pieces.next(); !r.done; r = await pieces.next()) {
    if (r.value.length === 0) continue;
    [headerRow, ...rest] = r.value;
    break;
  }
  if (!headerRow)
    throw new EmbError(
      'E_INPUT',
      `${path}: the file is empty; expected a header row, then one row per text`,
    );
  const header = headerRow.fields.map((h) => h.trim());
  async function* data(): AsyncGenerator<CsvRow[]> {
    for (let rows = rest; ;) {
      const kept = rows.filter(
        // A blank line between rows is no row; in a one-column file it is an empty text, so
        // that a caller can give one answer per line.
        (r) => !(r.fields.length === 1 && r.fields[0].trim() === '' && header.length > 1),
      );
      for (const r of kept) checkWidth(r.fields, header.length, path, r.line);
      if (kept.length > 0) yield kept;
      const more = await pieces.next();
      if (more.done) return;
      rows = more.value;
    }
  }
  return { header, delimiter, rows: data(), lenient: parser.lenient };
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

function byExtension(path: string): Delimiter | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.tsv' || ext === '.tab' ? '\t' : undefined;
}

/**
 * Chooses the delimiter (see CsvOptions.delimiter) from the first SNIFF_ROWS rows, parsed
 * with each candidate as the text arrives, each up to its first error (reported once the
 * delimiter is known).
 */
class DelimiterSniffer {
  private readonly tries: { d: Delimiter; parser: CsvParser; rows: CsvRow[]; done: boolean }[];
  private length = 0;

  constructor(path: string, quotes: boolean) {
    this.tries = DELIMITERS.map((d) => ({
      d,
      parser: new CsvParser(d, path, quotes),
      rows: [],
      done: false,
    }));
  }

  push(text: string): void {
    this.length += text.length;
    for (const t of this.tries) if (!t.done) this.feed(t, () => t.parser.push(text));
  }

  decided(): boolean {
    return this.length >= SNIFF_LIMIT || this.tries.every((t) => t.done);
  }

  /** The delimiter; `ended` when the text ended before the sniffer decided. */
  choice(ended: boolean): Delimiter {
    if (ended) for (const t of this.tries) if (!t.done) this.feed(t, () => t.parser.end());
    let best: { d: Delimiter; width: number; alike: number } | undefined;
    for (const { d, rows } of this.tries) {
      const width = rows[0]?.fields.length ?? 0;
      if (width < 2) continue;
      const data = rows.slice(1).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
      const alike = data.filter((r) => r.fields.length === width).length / Math.max(1, data.length);
      if (!best || alike > best.alike || (alike === best.alike && width > best.width))
        best = { d, width, alike };
    }
    return best?.d ?? ',';
  }

  private feed(t: DelimiterSniffer['tries'][number], step: () => void): void {
    try {
      step();
    } catch {
      t.done = true;
    }
    t.rows.push(...t.parser.take().slice(0, SNIFF_ROWS - t.rows.length));
    if (t.rows.length >= SNIFF_ROWS) t.done = true;
  }
}

function pickColumn(
  header: string[],
  given: string | undefined,
  names: string[],
  what: string,
  path: string,
  delimiter: Delimiter | 'jsonl',
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
    header.length === 1 && delimiter !== 'jsonl'
      ? ` (read with the delimiter "${printable(delimiter)}"; give the right one: ${option('delimiter')})`
      : '';
  throw new EmbError(
    'E_INPUT',
    `${path}: no ${what} column found (looked for ${names.join(', ')}); the columns are ${existing}${split}; name it with ${option(what, 'COLUMN')}`,
  );
}
