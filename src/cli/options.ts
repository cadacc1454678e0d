/**
 * Groups of flags that several commands share, declared once: the data file's columns, the
 * model's settings, the seed and the TensorFlow.js backend.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { EmbError, flagName } from '../errors.js';
import {
  DEFAULT_MODEL,
  KINDS,
  MODEL_NAMES,
  modelSettings,
  type Flag,
  type FlagValue,
  type ModelKind,
  type ModelName,
  type ModelOptions,
  type Setting,
} from '../api/models.js';
import { BACKENDS, type BackendName } from '../api/backend.js';
import { delimiterOption, type Delimiter } from '../api/dataset.js';
import { positiveInt, wholeNumber } from './parse.js';

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
    .addOption(
      new Option(
        '--quote <char>',
        "none: read '\"' as a character like any other (for texts that open a quote they never close)",
      ).choices(['"', 'none']),
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
  quote?: '"' | 'none';
  encoding?: string;
}

/**
 * The data file, and the --test file read with the columns found in it and the same encoding
 * (its delimiter is found on its own).
 */
export async function readDataAndTest(file: string, opts: ColumnFlags & { test?: string }) {
  const { readDataset } = await import('../api/dataset.js');
  const data = await readDataset(file, opts);
  const { encoding, quote } = opts;
  const columns = { text: opts.text ?? data.textColumn, label: opts.label ?? data.labelColumn };
  const test = opts.test
    ? await readDataset(opts.test, { ...columns, encoding, quote })
    : undefined;
  return { data, test };
}

/** A model setting the command line can set, with the kinds that take it. */
interface ModelFlag {
  setting: string;
  flag: Flag;
  kinds: ModelKind[];
}

/**
 * Every model flag, from the kinds' settings (registry.ts): a setting that several kinds take
 * is one flag, declared once in setting.ts, so its kinds must agree on it.
 */
export function modelFlags(): ModelFlag[] {
  const flags = new Map<string, ModelFlag>();
  for (const kind of KINDS as readonly ModelKind[]) {
    for (const [setting, spec] of Object.entries(
      kind.settings as Record<string, Setting<unknown>>,
    )) {
      if (!spec.flag) continue;
      const seen = flags.get(setting);
      if (seen && seen.flag !== spec.flag)
        throw new Error(
          `${kind.name} declares its own ${flagName(setting)}; share the other kinds' flag`,
        );
      if (seen) seen.kinds.push(kind);
      else flags.set(setting, { setting, flag: spec.flag, kinds: [kind] });
    }
  }
  return [...flags.values()];
}

/** The flag's text read as its setting takes it; the setting's own check judges the value. */
function flagParser(name: string, value: FlagValue): ((raw: string) => unknown) | undefined {
  const number = (raw: string) => {
    const x = Number(raw);
    return raw.trim() !== '' && Number.isFinite(x) ? x : expected(name, 'a number', raw);
  };
  const items = (raw: string) =>
    raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
  switch (value) {
    case 'number':
      return number;
    case 'range':
      return (raw) => {
        const parts = items(raw).map(number);
        if (parts.length === 1) return [parts[0], parts[0]];
        return parts.length === 2 ? parts : expected(name, 'MIN,MAX, e.g. 1,2', raw);
      };
    case 'numbers':
      return (raw) => items(raw).map(number);
    case 'number-or-word':
      return (raw) => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw);
    case 'words':
      return items;
    case 'weights':
      return (raw) => {
        if (raw.trim() === 'balanced') return 'balanced';
        const pairs = items(raw).map((item) => {
          const at = item.lastIndexOf('=');
          if (at <= 0)
            return expected(name, 'balanced, or LABEL=WEIGHT pairs such as spam=5,ham=1', raw);
          return [item.slice(0, at), number(item.slice(at + 1))];
        });
        return Object.fromEntries(pairs);
      };
    default:
      return undefined;
  }
}

const expected = (flag: string, what: string, value: string): never => {
  throw new EmbError('E_INPUT', `${flag} must be ${what}, got "${value}"`);
};

/** "(svm, nbsvm; default 1)": which kinds take a flag, and its default when they share one. */
function takenBy(f: ModelFlag): string {
  const defaults = new Set(
    f.kinds.map((k) =>
      JSON.stringify((k.settings as Record<string, Setting<unknown>>)[f.setting].default),
    ),
  );
  const [only] = defaults;
  const who =
    f.kinds.length === KINDS.length ? 'every model' : f.kinds.map((k) => k.name).join(', ');
  const value =
    defaults.size === 1 && only !== undefined ? `; default ${String(JSON.parse(only))}` : '';
  return ` (${who}${value})`;
}

/** --model (for commands that train one) and every model flag, derived from the registry. */
export function addModelOptions(cmd: Command, options: { model: boolean }): Command {
  if (options.model)
    cmd.addOption(
      new Option('--model <kind>', KINDS.map((k) => k.name).join(', '))
        .choices(MODEL_NAMES)
        .default(DEFAULT_MODEL),
    );
  for (const f of modelFlags()) {
    const name = flagName(f.setting);
    const option = new Option(
      f.flag.value === 'switch' ? name : `${name} <${f.flag.arg}>`,
      f.flag.help + takenBy(f),
    );
    const parse = flagParser(name, f.flag.value);
    if (f.flag.choices) option.choices(f.flag.choices);
    else if (parse) option.argParser(parse);
    cmd.addOption(option);
  }
  return cmd;
}

/**
 * The model settings the user typed, for each kind asked for: a flag goes to every kind that
 * takes it, and a flag that none of them takes is an error before any work.
 */
export function modelOptionsFrom(command: Command, names: readonly ModelName[]): ModelOptions[] {
  const opts = command.opts();
  const typed = modelFlags().filter((f) => command.getOptionValueSource(f.setting) === 'cli');
  for (const f of typed)
    if (!names.some((n) => f.kinds.some((k) => k.name === n)))
      throw new EmbError(
        'E_INPUT',
        `${flagName(f.setting)} does not apply to ${names.length === 1 ? `the ${names[0]} model` : `any of ${names.join(', ')}`}; it is for ${f.kinds.map((k) => k.name).join(', ')}`,
      );
  return names.map((model) => {
    const given: Record<string, unknown> = { model };
    for (const f of typed)
      if (f.kinds.some((k) => k.name === model)) given[f.setting] = opts[f.setting];
    modelSettings(given); // at once, before any work; its messages name the flags (main.ts)
    return given as ModelOptions;
  });
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
