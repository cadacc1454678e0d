/**
 * The settings the fine-tuned networks share (cnn, dan): whether the word vectors train, how
 * tokens find them, and Adam with early stopping on a validation split.
 */
import {
  BASE,
  fail,
  fraction,
  oneOf,
  positive,
  VECTORS,
  wholeAtLeast,
  type BaseSettings,
  type Check,
  type Specs,
} from '../setting.js';

export const MODES = ['static', 'non-static'] as const;
export type Mode = (typeof MODES)[number];

export interface NetworkSettings extends BaseSettings {
  /** non-static (default): the word vectors are fine-tuned with the network; static: frozen. */
  mode: Mode;
  /** Tokens without a vector are looked up by their clitic parts; default true (ascii: false). */
  clitics: boolean;
  /** Adam's learning rate; default 1e-3. */
  learningRate: number;
  /** Texts per step; default 50. */
  batchSize: number;
  /** Epochs at most; the weights of the best epoch on the validation split are kept. */
  maxEpochs: number;
  /** Epochs without progress on the validation split before stopping; default 3. */
  patience: number;
  /** Share of the training texts held out for early stopping and calibration; default 0.1. */
  validationFraction: number;
}

export const NETWORK: Specs<NetworkSettings> = {
  ...BASE,
  mode: {
    default: 'non-static',
    check: oneOf(MODES),
    flag: {
      arg: 'mode',
      value: 'word',
      choices: MODES,
      help: 'non-static: fine-tune the word vectors with the network; static: keep them frozen',
    },
  },
  clitics: VECTORS.clitics,
  learningRate: { default: 1e-3, check: positive },
  batchSize: { default: 50, check: wholeAtLeast(1) },
  maxEpochs: {
    default: 10,
    check: wholeAtLeast(1),
    flag: {
      arg: 'n',
      value: 'number',
      help: 'epochs at most (the best on the validation split is kept)',
    },
  },
  patience: { default: 3, check: wholeAtLeast(0) },
  validationFraction: { default: 0.1, check: fraction(true) },
};

/** Whether v is a non-empty list of whole numbers from min to max (layer sizes, filter widths). */
export function isWholeList(v: unknown, min: number, max = Infinity): v is number[] {
  return (
    Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= min && x <= max)
  );
}

export const wholeList =
  (min: number, max = Infinity): Check =>
  (v, name) => {
    if (!isWholeList(v, min, max))
      fail(
        name,
        `a non-empty list of whole numbers ${max < Infinity ? `from ${min} to ${max}` : `of at least ${min}`}`,
        v,
      );
  };
