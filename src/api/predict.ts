/**
 * Labelling many texts: every row of a file predicted as it is read (predictFile), and the
 * answers written as CSV (writePredictions), both in constant memory; cross-validation's
 * out-of-fold answers written beside their texts (writeCrossValidated).
 */
import { writeFileAtomicallyAsync } from '../atomic.js';
import { EmbError } from '../errors.js';
import { csvLine } from '../text/csv-line.js';
import type { Classifier, RowPrediction } from './classifier.js';
import { openTexts, type Dataset, type OpenTextsOptions } from './dataset.js';
import type { Evaluation } from './evaluate.js';

export interface PredictFileOptions extends OpenTextsOptions {
  /** Texts predicted at once (default 1,000). */
  batchSize?: number;
}

/**
 * One prediction per data row of a CSV or TSV file, in order, as the file is read: openTexts
 * then classifier.predictStream. Unknown columns are an error at the first step.
 */
export async function* predictFile(
  classifier: Classifier,
  path: string,
  options: PredictFileOptions = {},
): AsyncGenerator<RowPrediction> {
  const file = await openTexts(path, options);
  yield* classifier.predictStream(file.rows, { batchSize: options.batchSize });
}

export interface WritePredictionsOptions {
  /** The classes, in the order of their columns (classifier.labels). */
  labels: readonly string[];
  /** The name of the first column, which then holds each prediction's id; default "text". */
  idColumn?: string;
}

/**
 * Writes predictions to a CSV file as they come and returns how many: a first column with
 * each one's id (named `idColumn`) or else its text, then `label`, `probability`, one column
 * per class with its probability (named by the class; `p_` before a name that is taken),
 * and `unseen` (true when the text has nothing the model met in training, answered with the
 * prior; empty for kinds that cannot tell). A text with no words has an
 * empty label and empty probabilities. Fields are quoted as RFC 4180 says, lines end with
 * LF. The file is written under a temporary name and renamed when complete; a failure
 * leaves no file. An existing file is replaced; a folder is refused.
 */
export async function writePredictions(
  path: string,
  predictions: AsyncIterable<RowPrediction> | Iterable<RowPrediction>,
  options: WritePredictionsOptions,
): Promise<number> {
  const first = options.idColumn ?? 'text';
  const classColumns = probabilityColumns(options.labels, [
    first,
    'label',
    'probability',
    'unseen',
  ]);
  // Lines reach the disk in large writes: one write per line costs more than predicting it.
  let lines = csvLine([first, 'label', 'probability', ...classColumns, 'unseen']);
  let count = 0;
  await writeFileAtomicallyAsync(path, async (out) => {
    for await (const p of predictions) {
      const probabilities = options.labels.map((c) => p.probabilities?.[c] ?? '');
      const key = options.idColumn === undefined ? p.text : (p.id ?? '');
      const unseen = p.unseen ?? '';
      lines += csvLine([key, p.label ?? '', p.probability ?? '', ...probabilities, unseen]);
      count++;
      if (lines.length >= 1 << 16) {
        out.write(Buffer.from(lines));
        lines = '';
      }
    }
    out.write(Buffer.from(lines));
  });
  return count;
}

/** One column per class, named by the class, with `p_` before a name another column has. */
function probabilityColumns(labels: readonly string[], others: readonly string[]): string[] {
  return labels.map((c) => (others.includes(c) ? `p_${c}` : c));
}

/**
 * Writes crossValidate's out-of-fold predictions as CSV, one row per text of `data` in its
 * order: the text, its label, the predicted label and one column per class with its
 * probability (named as writePredictions names them). Written under a temporary name and
 * renamed when complete, so a failure leaves no file.
 */
export async function writeCrossValidated(
  path: string,
  data: Dataset,
  evaluation: Pick<Evaluation, 'classes' | 'predictions'>,
): Promise<void> {
  const { classes, predictions } = evaluation;
  if (predictions.length !== data.texts.length)
    throw new EmbError(
      'E_INPUT',
      `writeCrossValidated: ${predictions.length} predictions for ${data.texts.length} texts; give the data that was cross-validated`,
    );
  const header = ['text', 'label', 'predicted'];
  await writeFileAtomicallyAsync(path, async (out) => {
    let lines = csvLine([...header, ...probabilityColumns(classes, header)]);
    for (const p of predictions) {
      const row = [data.texts[p.index], p.label, p.predicted];
      lines += csvLine([...row, ...classes.map((c) => p.probabilities[c])]);
      if (lines.length >= 1 << 16) {
        out.write(Buffer.from(lines));
        lines = '';
      }
    }
    out.write(Buffer.from(lines));
  });
}
