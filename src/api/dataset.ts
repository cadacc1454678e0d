/**
 * Labelled texts, as programs hold them: `{ texts, labels }` with labels as strings. Read from
 * a CSV or TSV file with readDataset, or built in code; checked once where they enter emb.
 */
import { EmbError } from '../errors.js';
import type { OnProgress } from '../progress.js';

export { delimiterOption, type Delimiter } from '../text/csv.js';
import { readLabelled, readTextRows, type CsvOptions, type TextRow } from '../text/csv.js';
import { decodeStream } from '../text/decode.js';
import { splitLines } from '../text/lines.js';
import { fromLabelled, labelWarnings, type LabelledSet } from '../text/dataset.js';

export interface Dataset {
  texts: readonly string[];
  /** One label per text: strings, or numbers (kept as strings, 2 as "2"). */
  labels: readonly (string | number)[];
}

/** A dataset read from a file, with what the reader found on the way. */
export interface DatasetFile extends Dataset {
  texts: string[];
  labels: string[];
  /** The file, as given. */
  source: string;
  textColumn: string;
  labelColumn: string;
  /** The classes, in the order emb numbers them (first seen). */
  classes: string[];
  /** The line on which each text's row starts (texts[i] is on line lines[i]). */
  lines: number[];
  /** Line numbers of rows left out because their text was empty. */
  skippedEmpty: number[];
  /** Line numbers of rows left out because their label was empty or missing. */
  skippedNoLabel: number[];
  /** Things worth telling the user about the data (rows left out, ...). */
  warnings: string[];
}

export type ReadDatasetOptions = Pick<
  CsvOptions,
  'text' | 'label' | 'delimiter' | 'quote' | 'encoding'
>;

/**
 * Reads labelled texts from a CSV or TSV file with a header row, or a JSON-lines file (.jsonl,
 * .ndjson, or found from its first character: one object per line). The text and label
 * columns (keys) are found by name (text, review, sentence, ...; label, class, ...) or given.
 */
export async function readDataset(
  path: string,
  options: ReadDatasetOptions = {},
): Promise<DatasetFile> {
  const file = await readLabelled(path, {
    text: options.text,
    label: options.label,
    delimiter: options.delimiter,
    quote: options.quote,
    encoding: options.encoding,
  });
  return {
    texts: file.texts,
    labels: file.labels.map((y) => file.classes[y]),
    source: path,
    textColumn: file.textColumn,
    labelColumn: file.labelColumn!,
    classes: file.classes,
    lines: file.lines,
    skippedEmpty: file.skippedEmpty,
    skippedNoLabel: file.skippedNoLabel,
    warnings: [
      ...skipped(path, file.skippedEmpty, 'an empty text'),
      ...skipped(path, file.skippedNoLabel, 'no label'),
      ...file.warnings,
    ],
  };
}

export interface OpenTextsOptions extends Pick<
  CsvOptions,
  'text' | 'delimiter' | 'quote' | 'encoding'
> {
  /** A column to pass through to every row (and so to every prediction), e.g. an id. */
  id?: string;
  /** Read these bytes (stdin) instead of the file; `path` still names them in messages. */
  input?: AsyncIterable<Uint8Array>;
  /** How much of the file has been read, in bytes (stage "reading"); not for `input`. */
  onProgress?: OnProgress;
  /** Called once the rows are read, when a field had text after its closing quote. */
  onWarning?: (message: string) => void;
}

/** A file of texts to label, open: its columns, and its rows as they are read. */
export interface TextFile {
  source: string;
  textColumn: string;
  idColumn?: string;
  delimiter: string;
  encoding: string;
  /**
   * One row per data row of the file, in order, empty texts included; read, decoded and
   * parsed as they are asked for, in constant memory, and so read once.
   */
  rows: AsyncIterable<TextRow>;
}

/**
 * Opens a CSV or TSV file with a header row to label its texts (classifier.predictStream).
 * The header is read and the columns checked at once (an unknown column is an error here);
 * the rows follow as they are read.
 */
export async function openTexts(path: string, options: OpenTextsOptions = {}): Promise<TextFile> {
  const file = await readTextRows(path, {
    text: options.text,
    id: options.id,
    delimiter: options.delimiter,
    quote: options.quote,
    encoding: options.encoding,
    input: options.input,
    onRead:
      options.onProgress &&
      ((done, total) => options.onProgress!({ stage: 'reading', done, total })),
    onWarning: options.onWarning,
  });
  async function* rows() {
    for await (const piece of file.rows) yield* piece;
  }
  return {
    source: path,
    textColumn: file.textColumn,
    idColumn: file.idColumn,
    delimiter: file.delimiter,
    encoding: file.encoding,
    rows: rows(),
  };
}

/**
 * One text per line of a byte stream (stdin), as the bytes arrive: LF, CRLF or CR ends a
 * line, the last line needs none, and a blank line is an empty text. Decoded as UTF-8, or
 * `encoding`; `source` names the stream in messages.
 */
export async function* readLines(
  input: AsyncIterable<Uint8Array>,
  options: { encoding?: string; source?: string } = {},
): AsyncGenerator<string> {
  for await (const lines of splitLines(
    decodeStream(input, options.source ?? 'stdin', options.encoding),
  ))
    yield* lines;
}

function skipped(path: string, lines: number[], why: string): string[] {
  if (lines.length === 0) return [];
  const some = lines.slice(0, 5).join(', ') + (lines.length > 5 ? ', ...' : '');
  return [`${path}: skipped ${lines.length} rows with ${why} (line ${some})`];
}

/**
 * Checks a dataset from a caller and numbers its classes: texts are strings, labels strings or
 * numbers (kept as strings: 2 is "2"), as many as texts, at least one example and (for
 * training) two classes. Labels probably written two ways ("Spam"/"spam", "1"/"1.0") are
 * warned of, unless the dataset came from readDataset, which warned already.
 */
export function encodeDataset(
  data: Dataset,
  what: string,
  options: { needClasses?: number } = {},
): LabelledSet & { warnings: string[] } {
  if (data === null || typeof data !== 'object')
    throw new EmbError('E_INPUT', `${what}: expected { texts: string[], labels: string[] }`);
  const source = (data as Partial<DatasetFile>).source ?? what;
  const { texts, labels } = data;
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string'))
    throw new EmbError('E_INPUT', `${source}: texts must be a list of strings`);
  if (
    !Array.isArray(labels) ||
    !labels.every((l) => typeof l === 'string' || (typeof l === 'number' && Number.isFinite(l)))
  )
    throw new EmbError('E_INPUT', `${source}: labels must be a list of strings or numbers`);
  if (texts.length !== labels.length)
    throw new EmbError(
      'E_INPUT',
      `${source}: expected one label per text, got ${count(labels.length, 'label')} for ${count(texts.length, 'text')}`,
    );
  if (texts.length === 0)
    throw new EmbError('E_INPUT', `${source}: the dataset is empty; expected labelled texts`);
  const encoded = fromLabelled([...texts], labels.map(String), source);
  const need = options.needClasses ?? 2;
  if (encoded.classes.length < need) {
    const column = (data as Partial<DatasetFile>).labelColumn;
    throw new EmbError(
      'E_INPUT',
      `${source}: every text has the label "${encoded.classes[0] ?? ''}"${column ? ` (column "${column}")` : ''}; a classifier needs at least two classes`,
    );
  }
  const fromFile = Array.isArray((data as Partial<DatasetFile>).warnings);
  const { lines } = data as Partial<DatasetFile>;
  if (Array.isArray(lines) && lines.length === texts.length) encoded.lines = [...lines];
  return { ...encoded, warnings: fromFile ? [] : labelWarnings(encoded, source) };
}

/** "1 text", "2,000 texts". */
function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
