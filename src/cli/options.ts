/**
 * Groups of flags that several commands share, declared once: the data file's columns, the
 * model's settings, the seed and the TensorFlow.js backend.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { EmbError } from '../errors.js';
import { FEATURE_KINDS } from '../features/sentence.js';
import {
  DEFAULT_MODEL,
  MODEL_KINDS,
  modelSettings,
  type ModelOptions,
} from '../models/settings.js';
import { BACKENDS, type BackendName } from '../models/tfjs/backends.js';
import { STEM_LANGUAGES, STOPWORD_LANGUAGES } from '../features/token-filter.js';
import { delimiterOption, type Delimiter } from '../text/csv.js';
import { TOKENIZER_KINDS } from '../text/tokenize.js';
import { ngramRange, positiveInt, positiveNumber, wholeNumber } from './parse.js';

/** --text, --label, --delimiter and --encoding: how to read a CSV or TSV data file. */
export function addColumnOptions(cmd: Command, label = true): Command {
  cmd.option('--text <column>', 'the text column (default: found by name)');
  if (label) cmd.option('--label <column>', 'the label column (default: found by name)');
  return cmd
    .option(
      '--delimiter <d>',
      'comma, semicolon, tab or pipe (default: found from the first rows)',
      delimiterOption,
    )
    .option(
      '--encoding <name>',
      "the data file's encoding: utf-8, utf-16le, latin1, windows-1252, ... (default: from its byte-order mark, else UTF-8)",
    );
}

export interface ColumnFlags {
  text?: string;
  label?: string;
  delimiter?: Delimiter;
  encoding?: string;
}

/**
 * The data file, and the --test file read with the columns found in it and the same encoding
 * (its delimiter is found on its own).
 */
export async function readDataAndTest(file: string, opts: ColumnFlags & { test?: string }) {
  const { readDataset } = await import('../api/dataset.js');
  const data = await readDataset(file, opts);
  const { encoding } = opts;
  const columns = { text: opts.text ?? data.textColumn, label: opts.label ?? data.labelColumn };
  const test = opts.test ? await readDataset(opts.test, { ...columns, encoding }) : undefined;
  return { data, test };
}

/** Flags that set model settings, by commander's option name -> the setting they set. */
export const MODEL_FLAGS: Record<string, string> = {
  tokenizer: 'tokenizer',
  features: 'features',
  ngrams: 'ngrams',
  minDf: 'minDf',
  stem: 'stem',
  stopwords: 'stopwords',
  C: 'C',
};

/** --tokenizer: the tokens every model of the run reads. */
export function tokenizerOption(): Option {
  return new Option(
    '--tokenizer <kind>',
    'unicode (words in any script, emoji whole) or ascii (the reference protocol of the published figures)',
  )
    .choices(TOKENIZER_KINDS)
    .default('unicode');
}

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
        .choices(FEATURE_KINDS)
        .default('mean'),
    )
    .addOption(tokenizerOption())
    .option('--ngrams <min,max>', 'n-gram lengths of svm, nbsvm and hybrid', ngramRange, [1, 2])
    .option(
      '--min-df <n>',
      'keep n-grams found in at least n training texts',
      positiveInt('--min-df'),
      1,
    )
    .addOption(
      new Option(
        '--stem <lang>',
        "stem tokens first (svm, nbsvm, hybrid; natural's Porter stemmers)",
      ).choices(STEM_LANGUAGES),
    )
    .addOption(
      new Option('--stopwords <lang>', 'drop stop words first (svm, nbsvm, hybrid)').choices(
        STOPWORD_LANGUAGES,
      ),
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

/**
 * The model settings given on the command line: --model and the model flags the user typed
 * (a flag left at its default is not sent, so `--model svm` is not told about --features);
 * checked at once, so a flag that does not apply to the model is an error before any work.
 */
export function modelOptionsFrom(command: Command, flags: Record<string, string>): ModelOptions {
  const opts = command.opts();
  const given: Record<string, unknown> = { model: opts.model };
  for (const [option, setting] of Object.entries(flags))
    if (command.getOptionValueSource(option) === 'cli') given[setting] = opts[option];
  try {
    modelSettings(given);
  } catch (e) {
    // Name the flag, not the setting: "setting "features"" -> "--features".
    const message = (e as Error).message.replace(/setting "(\w+)"/, (_, s: string) => {
      const flag = Object.entries(flags).find(([, v]) => v === s)?.[0] ?? s;
      return flag.length === 1
        ? `-${flag}`
        : `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    });
    throw new EmbError('E_INPUT', message, { cause: e });
  }
  return given as ModelOptions;
}
