/**
 * The settings of a pretraining run, with word2vec.c's defaults, checked once where they enter.
 */
import { EmbError } from '../errors.js';
import type { SubwordSettings } from '../embeddings/subwords.js';

export type PretrainMethod = 'skipgram' | 'cbow';
export const PRETRAIN_METHODS: readonly PretrainMethod[] = ['skipgram', 'cbow'];

export interface PretrainSettings {
  /** skipgram (default) or cbow. */
  method: PretrainMethod;
  /** Vector size (default 100; with an initial set of vectors, theirs). */
  dims: number;
  /** The largest distance between a word and its context (default 5), shrunk at random per word. */
  window: number;
  /** Negative examples per positive one (default 5). */
  negative: number;
  /** Words seen fewer times are left out (default 5); initial vectors' words are always kept. */
  minCount: number;
  /** The subsampling threshold of frequent words (default 1e-3, word2vec.c's; 0: none). */
  sample: number;
  /** Passes over the corpus (default 5). */
  epochs: number;
  /**
   * The starting learning rate, decayed linearly to lr / 10,000 (default 0.025 for skip-gram,
   * 0.05 for CBOW, as word2vec.c; adapting initial vectors: see docs/api.md).
   */
  lr: number;
  /** Threads (default: the machine's cores, at most 8); 1 gives the same file every run. */
  threads: number;
  seed: number;
  /** fastText's character n-grams, so unknown words get vectors (default: none). */
  subwords?: SubwordSettings;
  /** Keep the initial vectors' rows fixed for the whole run (default false). */
  freezeInit: boolean;
  /** Epochs at the start during which the initial rows stay fixed (default: see docs/api.md). */
  warmupEpochs: number;
  /** The tokenizer's name (default unicode, the one the classifiers use). */
  tokenizer: string;
}

/** fastText's default number of n-gram buckets. */
export const DEFAULT_BUCKETS = 2_000_000;

/**
 * Learning rate and warm-up epochs when adapting initial vectors, as measured (bench/README.md,
 * "Word vectors from your own text").
 */
export const ADAPT_DEFAULTS = { lr: 0.01, warmupEpochs: 1 };

/** Every setting with its default filled in and checked; `adapting`: initial vectors given. */
export function pretrainSettings(
  given: Partial<PretrainSettings>,
  context: { adapting: boolean; initDims?: number; threads: number },
): PretrainSettings {
  const method = given.method ?? 'skipgram';
  if (!PRETRAIN_METHODS.includes(method))
    bad('method', `one of ${PRETRAIN_METHODS.join(', ')}`, method);
  const s: PretrainSettings = {
    method,
    dims: given.dims ?? context.initDims ?? 100,
    window: given.window ?? 5,
    negative: given.negative ?? 5,
    minCount: given.minCount ?? 5,
    sample: given.sample ?? 1e-3,
    epochs: given.epochs ?? 5,
    lr: given.lr ?? (context.adapting ? ADAPT_DEFAULTS.lr : method === 'cbow' ? 0.05 : 0.025),
    threads: given.threads ?? Math.min(8, context.threads),
    seed: given.seed ?? 1,
    subwords: given.subwords,
    freezeInit: given.freezeInit ?? false,
    warmupEpochs: given.warmupEpochs ?? (context.adapting ? ADAPT_DEFAULTS.warmupEpochs : 0),
    tokenizer: given.tokenizer ?? 'unicode',
  };
  whole('dims', s.dims, 1, 10_000);
  whole('window', s.window, 1, 1000);
  whole('negative', s.negative, 1, 1000);
  whole('minCount', s.minCount, 1, 2 ** 31);
  whole('epochs', s.epochs, 1, 10_000);
  whole('threads', s.threads, 1, 8);
  whole('seed', s.seed, 0, 2 ** 32 - 1);
  whole('warmupEpochs', s.warmupEpochs, 0, s.epochs);
  if (!(typeof s.sample === 'number' && s.sample >= 0 && s.sample < 1))
    bad('sample', 'a number from 0 to below 1', s.sample);
  if (!(typeof s.lr === 'number' && s.lr > 0 && s.lr <= 1)) bad('lr', 'a number in (0, 1]', s.lr);
  if (s.subwords) {
    const { minn, maxn, bucket } = s.subwords;
    whole('subwords.minn', minn, 1, 100);
    whole('subwords.maxn', maxn, minn, 100);
    whole('subwords.bucket', bucket, 1, 2 ** 28);
  }
  if (context.initDims !== undefined && s.dims !== context.initDims)
    throw new EmbError(
      'E_INPUT',
      `dims = ${s.dims}, but the initial vectors have ${context.initDims} dims; leave dims out or make them equal`,
    );
  if (!context.adapting && (given.freezeInit || given.warmupEpochs))
    throw new EmbError('E_INPUT', 'freezeInit and warmupEpochs need initial vectors (init)');
  return s;
}

function whole(name: string, v: unknown, min: number, max: number): void {
  if (!(Number.isInteger(v) && (v as number) >= min && (v as number) <= max))
    bad(name, `a whole number from ${min} to ${max}`, v);
}

function bad(name: string, what: string, v: unknown): never {
  throw new EmbError('E_INPUT', `${name} must be ${what}, got ${JSON.stringify(v)}`);
}
