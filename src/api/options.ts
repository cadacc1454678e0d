/**
 * The options of train, crossValidate and compare: the model's settings (registry.ts) side
 * by side with how to run it (seed, vectors, tokenizer function, progress, warnings, signal),
 * separated and checked here, once, where they enter emb.
 */
import { EmbError } from '../errors.js';
import {
  modelSettings,
  usesVectors,
  type ModelOptions,
  type ModelSettings,
} from '../models/registry.js';
import type { OnProgress } from '../progress.js';
import {
  checkedTokens,
  FUNCTION_TOKENIZER,
  tokenizerFor,
  type Tokenizer,
} from '../text/tokenize.js';
import { openVectors, Vectors } from './vectors.js';

export interface RunOptions {
  /** Seed for everything random (splits, initialisation, shuffles); default 0. */
  seed?: number;
  /** The word vectors: an open Vectors object or a path; default the bundled GloVe. */
  vectors?: Vectors | string;
  /** Progress of the long steps: what runs, and how much of it is done. */
  onProgress?: OnProgress;
  /** Notes worth telling the user (labels written two ways, texts without a known word). */
  onWarning?: (message: string) => void;
  /** Stops the work: the promise rejects with an E_ABORTED error and nothing is left half-written. */
  signal?: AbortSignal;
}

/**
 * A model's settings and how to run it, as `train` and `crossValidate` take them. `tokenizer`
 * may also be a function from text to tokens (such a model cannot be saved: register the
 * function by name with registerTokenizer to save it).
 */
export type TrainOptions = ModelOptions & RunOptions;

export interface Run {
  settings: ModelSettings;
  /** The tokenizer the settings name, or the function given. */
  tokenizer: Tokenizer;
  seed: number;
  onProgress?: OnProgress;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  vectors?: Vectors | string;
}

const RUN_KEYS = ['seed', 'vectors', 'onProgress', 'onWarning', 'signal'] as const;

/** Splits options into checked model settings, run options, and the `extra` keys given. */
export function parseOptions<E extends string>(
  options: object | undefined,
  extra: readonly E[] = [],
): { run: Run; extra: Partial<Record<E, unknown>> } {
  const given = { ...(options ?? {}) } as Record<string, unknown>;
  const taken: Record<string, unknown> = {};
  for (const key of [...RUN_KEYS, ...extra]) {
    if (key in given) taken[key] = given[key];
    delete given[key];
  }
  if ('backend' in given)
    throw new EmbError(
      'E_INPUT',
      "backend: choose TensorFlow.js's backend once for the process with setBackend(), not per call",
    );
  const seed = taken.seed ?? 0;
  if (!(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0))
    throw new EmbError(
      'E_INPUT',
      `seed: expected a whole number >= 0, got ${JSON.stringify(seed)}`,
    );
  const vectors = taken.vectors;
  if (vectors !== undefined && typeof vectors !== 'string' && !(vectors instanceof Vectors))
    throw new EmbError('E_INPUT', 'vectors: expected a path or the result of openVectors()');
  for (const hook of ['onProgress', 'onWarning'] as const)
    if (taken[hook] !== undefined && typeof taken[hook] !== 'function')
      throw new EmbError('E_INPUT', `${hook}: expected a function`);
  if (taken.signal !== undefined && !(taken.signal instanceof AbortSignal))
    throw new EmbError('E_INPUT', 'signal: expected an AbortSignal');
  const fn = typeof given.tokenizer === 'function' ? given.tokenizer : undefined;
  if (fn) given.tokenizer = FUNCTION_TOKENIZER;
  const settings = modelSettings(given);
  const tokenizer: Tokenizer = fn
    ? {
        name: FUNCTION_TOKENIZER,
        kind: FUNCTION_TOKENIZER as Tokenizer['kind'],
        version: 0,
        description: 'a function given in code',
        tokenize: checkedTokens('function', fn as (text: string) => string[]),
      }
    : tokenizerFor(settings.tokenizer);
  const extraGiven: Partial<Record<E, unknown>> = {};
  for (const key of extra) if (taken[key] !== undefined) extraGiven[key] = taken[key];
  return {
    run: {
      settings,
      tokenizer,
      seed,
      onProgress: taken.onProgress as Run['onProgress'],
      onWarning: taken.onWarning as Run['onWarning'],
      signal: taken.signal as AbortSignal | undefined,
      vectors: vectors as Vectors | string | undefined,
    },
    extra: extraGiven,
  };
}

/** The vectors a model needs (opened from a path or the default), or none for bag-of-words. */
export async function vectorsFor(
  settings: ModelSettings,
  given: Vectors | string | undefined,
  signal?: AbortSignal,
): Promise<Vectors | undefined> {
  if (!usesVectors(settings.model)) return undefined;
  return given instanceof Vectors ? given : openVectors(given, { signal });
}

export function checkWhole(name: string, value: unknown, min: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min))
    throw new EmbError(
      'E_INPUT',
      `${name}: expected a whole number of at least ${min}, got ${JSON.stringify(value)}`,
    );
  return value;
}
