/**
 * Labelled texts, as programs hold them: `{ texts, labels }` with labels as strings. Read from
 * a CSV or TSV file with readDataset, or built in code; checked once where they enter emb.
 */
import { EmbError } from '../errors.js';
import { readLabelled, type CsvOptions } from '../text/csv.js';
import { fromLabelled } from '../text/dataset.js';

export interface Dataset {
  texts: readonly string[];
  labels: readonly string[];
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
  /** Line numbers of rows left out because their text was empty. */
  skippedEmpty: number[];
  /** Line numbers of rows left out because their label was empty or missing. */
  skippedNoLabel: number[];
  /** Things worth telling the user about the data (rows left out, ...). */
  warnings: string[];
}

export type ReadDatasetOptions = Pick<CsvOptions, 'text' | 'label' | 'delimiter' | 'encoding'>;

/**
 * Reads labelled texts from a CSV or TSV file with a header row. The text and label columns
 * are found by name (text, review, sentence, ...; label, class, sentiment, ...) or given.
 */
export async function readDataset(
  path: string,
  options: ReadDatasetOptions = {},
): Promise<DatasetFile> {
  const file = await readLabelled(path, {
    text: options.text,
    label: options.label,
    delimiter: options.delimiter,
    encoding: options.encoding,
  });
  return {
    texts: file.texts,
    labels: file.labels.map((y) => file.classes[y]),
    source: path,
    textColumn: file.textColumn,
    labelColumn: file.labelColumn!,
    classes: file.classes,
    skippedEmpty: file.skippedEmpty,
    skippedNoLabel: file.skippedNoLabel,
    warnings: [
      ...skipped(path, file.skippedEmpty, 'an empty text'),
      ...skipped(path, file.skippedNoLabel, 'no label'),
      ...file.warnings,
    ],
  };
}

/** Unlabelled texts from a CSV or TSV file with a header row (to predict their labels). */
export async function readTexts(
  path: string,
  options: Pick<CsvOptions, 'text'> = {},
): Promise<{ texts: string[]; source: string; textColumn: string; warnings: string[] }> {
  const file = await readLabelled(path, { text: options.text, needLabel: false });
  return {
    texts: file.texts,
    source: path,
    textColumn: file.textColumn,
    warnings: skipped(path, file.skippedEmpty, 'an empty text'),
  };
}

function skipped(path: string, lines: number[], why: string): string[] {
  if (lines.length === 0) return [];
  const some = lines.slice(0, 5).join(', ') + (lines.length > 5 ? ', ...' : '');
  return [`${path}: skipped ${lines.length} rows with ${why} (line ${some})`];
}

/** A dataset as the layers below take it: class ids into `classes`. */
export interface Encoded {
  texts: readonly string[];
  labels: number[];
  classes: string[];
  source: string;
}

/**
 * Checks a dataset from a caller and numbers its classes: texts and labels are lists of
 * strings of the same length, at least one example and (for training) two classes.
 */
export function encodeDataset(
  data: Dataset,
  what: string,
  options: { needClasses?: number } = {},
): Encoded {
  const source = (data as Partial<DatasetFile>).source ?? what;
  if (data === null || typeof data !== 'object')
    throw new EmbError('E_INPUT', `${what}: expected { texts: string[], labels: string[] }`);
  const { texts, labels } = data;
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string'))
    throw new EmbError('E_INPUT', `${source}: texts must be a list of strings`);
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))
    throw new EmbError('E_INPUT', `${source}: labels must be a list of strings`);
  if (texts.length !== labels.length)
    throw new EmbError(
      'E_INPUT',
      `${source}: expected one label per text, got ${labels.length} labels for ${texts.length} texts`,
    );
  if (texts.length === 0)
    throw new EmbError('E_INPUT', `${source}: the dataset is empty; expected labelled texts`);
  const encoded = fromLabelled([...texts], [...labels], source);
  const need = options.needClasses ?? 2;
  if (encoded.classes.length < need) {
    const column = (data as Partial<DatasetFile>).labelColumn;
    throw new EmbError(
      'E_INPUT',
      `${source}: every text has the label "${encoded.classes[0] ?? ''}"${column ? ` (column "${column}")` : ''}; a classifier needs at least two classes`,
    );
  }
  return encoded;
}
