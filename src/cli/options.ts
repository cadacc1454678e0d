/**
 * Groups of flags that several commands share, declared once: the data file's columns, the
 * model's settings, the seed and the TensorFlow.js backend.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { DEFAULT_MODEL, MODEL_KINDS } from '../models/settings.js';
import { BACKENDS, type BackendName } from '../models/tfjs/backend.js';
import { ngramRange, positiveInt, positiveNumber, wholeNumber } from './parse.js';

/** --text and --label: the columns of a CSV or TSV data file. */
export function addColumnOptions(cmd: Command, label = true): Command {
  cmd.option('--text <column>', 'the text column (default: found by name)');
  return label ? cmd.option('--label <column>', 'the label column (default: found by name)') : cmd;
}

export interface ColumnFlags {
  text?: string;
  label?: string;
}

/** Flags that set model settings, by commander's option name -> the setting they set. */
export const MODEL_FLAGS: Record<string, string> = {
  features: 'features',
  ngrams: 'ngrams',
  minDf: 'minDf',
  C: 'C',
};

/** --model and the model settings (sent to the library only when typed; see parse.ts). */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--model <kind>',
        'hybrid (n-grams + vectors), svm (TF-IDF), nbsvm, logreg or mlp (on vectors)',
      )
        .choices(MODEL_KINDS)
        .default(DEFAULT_MODEL),
    )
    .addOption(
      new Option(
        '--features <kind>',
        'sentence vectors of logreg, mlp, hybrid: mean, TF-IDF-weighted mean, or SIF',
      )
        .choices(['mean', 'tfidf', 'sif'])
        .default('mean'),
    )
    .option('--ngrams <min,max>', 'n-gram lengths of svm, nbsvm and hybrid', ngramRange, [1, 2])
    .option(
      '--min-df <n>',
      'keep n-grams found in at least n training texts',
      positiveInt('--min-df'),
      1,
    )
    .option('-C <c>', 'inverse regularisation strength (all but mlp)', positiveNumber('-C'), 1);
}

/** --seed. */
export function addSeedOption(cmd: Command, what: string): Command {
  return cmd.option('--seed <n>', `seed for ${what}`, wholeNumber('--seed'), 0);
}

/** --backend, and --workers for commands that train folds in worker threads. */
export function addTrainingOptions(cmd: Command, workers: boolean): Command {
  cmd.addOption(
    new Option(
      '--backend <name>',
      'TensorFlow.js backend (auto: tfjs-node if installed, else wasm, else cpu)',
    )
      .choices(BACKENDS)
      .default('auto'),
  );
  return workers
    ? cmd.option(
        '--workers <n>',
        'folds trained at once, in worker threads',
        positiveInt('--workers'),
        availableParallelism(),
      )
    : cmd;
}

export interface TrainingFlags {
  backend: BackendName;
  workers: number;
  seed: number;
}
