/**
 * The options of train, crossValidate and compare: the model's settings (settings.ts) side by
 * side with how to run it (seed, vectors, backend, progress), separated and checked here,
 * once, where they enter emb.
 */
import { EmbError } from '../errors.js';
import { BACKENDS, type BackendName } from '../models/tfjs/backends.js';
import {
  modelSettings,
  usesVectors,
  type ModelOptions,
  type ModelSettings,
} from '../models/registry.js';
import type { OnProgress } from '../progress.js';
import { openVectors, Vectors } from './vectors.js';

export interface RunOptions {
  /** Seed for everything random (splits, initialisation, shuffles); default 0. */
  seed?: number;
  /** The word vectors: an open Vectors object or a path; default the bundled GloVe. */
  vectors?: Vectors | string;
  /** TensorFlow.js backend of the transfer models; default auto (tfjs-node, wasm, cpu). */
  backend?: BackendName;
  /** Progress of the long steps: what runs, and how much of it is done. */
  onProgress?: OnProgress;
  /** Stops the work: the promise rejects with an E_ABORTED error and nothing is left half-written. */
  signal?: AbortSignal;
}

/** A model's settings and how to run it, as `train` takes them. */
export type TrainOptions = ModelOptions & RunOptions;

export interface Run {
  settings: ModelSettings;
  seed: number;
  backend: BackendName;
  onProgress?: OnProgress;
  signal?: AbortSignal;
  vectors?: Vectors | string;
}

const RUN_KEYS = ['seed', 'vectors', 'backend', 'onProgress', 'signal'] as const;

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
  const seed = taken.seed ?? 0;
  if (!(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0))
    throw new EmbError(
      'E_INPUT',
      `seed: expected a whole number >= 0, got ${JSON.stringify(seed)}`,
    );
  const backend = taken.backend ?? 'auto';
  if (!BACKENDS.includes(backend as BackendName))
    throw new EmbError(
      'E_INPUT',
      `backend: expected one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`,
    );
  const vectors = taken.vectors;
  if (vectors !== undefined && typeof vectors !== 'string' && !(vectors instanceof Vectors))
    throw new EmbError('E_INPUT', 'vectors: expected a path or the result of openVectors()');
  if (taken.onProgress !== undefined && typeof taken.onProgress !== 'function')
    throw new EmbError('E_INPUT', 'onProgress: expected a function');
  if (taken.signal !== undefined && !(taken.signal instanceof AbortSignal))
    throw new EmbError('E_INPUT', 'signal: expected an AbortSignal');
  const extraGiven: Partial<Record<E, unknown>> = {};
  for (const key of extra) if (taken[key] !== undefined) extraGiven[key] = taken[key];
  return {
    run: {
      settings: modelSettings(given),
      seed,
      backend: backend as BackendName,
      onProgress: taken.onProgress as Run['onProgress'],
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
): Promise<Vectors | undefined> {
  if (!usesVectors(settings.model)) return undefined;
  return given instanceof Vectors ? given : openVectors(given);
}

export function checkWhole(name: string, value: unknown, min: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min))
    throw new EmbError(
      'E_INPUT',
      `${name}: expected a whole number of at least ${min}, got ${JSON.stringify(value)}`,
    );
  return value;
}
