/**
 * How a model kind declares its settings: for each one its default, the check of a value a
 * caller gives, and (for the settings a user types) its command-line flag. Settings are
 * checked here once, where they enter emb, and passed on as typed objects. The groups that
 * several kinds share (the tokens, the n-grams, the word vectors, the linear solver) are
 * declared once below, each with its checks and flags.
 */
import { EmbError, setting } from '../errors.js';
import { COUNT_NORMS, COUNT_TFS, type CountNorm, type CountTf } from '../features/counts.js';
import { FEATURE_KINDS, type FeatureKind } from '../features/sentence.js';
import {
  STEM_LANGUAGES,
  STOPWORD_LANGUAGES,
  type StemLanguage,
  type StopwordLanguage,
} from '../features/token-filter.js';
import {
  isTokenizerName,
  TOKENIZER_KINDS,
  tokenizerNames,
  type TokenizerName,
} from '../text/tokenize.js';
import {
  isClassWeight,
  isMetricName,
  METRICS,
  type ClassWeight,
  type MetricName,
} from './metric.js';
import type { Threshold } from './threshold.js';

/** Throws an E_INPUT error naming the setting when `value` is not what it takes. */
export type Check = (value: unknown, name: string) => void;

/**
 * How the command line reads a flag's text: a number, "MIN,MAX", a comma-separated list of
 * numbers or of words, one word, a number or else a word (-C 1, -C auto), "balanced" or
 * LABEL=W pairs, or nothing (a switch). The setting's check then judges it.
 */
export type FlagValue =
  'number' | 'range' | 'numbers' | 'words' | 'word' | 'number-or-word' | 'weights' | 'switch';

export interface Flag {
  /** The placeholder in --help ("n", "min,max"). */
  arg: string;
  /** One line for --help; the command line adds the kinds that take it and their default. */
  help: string;
  value: FlagValue;
  /** The values it takes, for --help and for commander's check of them. */
  choices?: readonly string[];
}

export interface Setting<T> {
  /** The value when the caller gives none (undefined: off, or worked out at training time). */
  default: T;
  check: Check;
  /** The command-line flag, for the settings users type (the flag is the kebab-cased name). */
  flag?: Flag;
}

/** A Setting for every field of a kind's settings but `model`. */
export type Specs<S> = { [K in Exclude<keyof S, 'model'>]-?: Setting<S[K]> };

// ---- checks ----

export const fail = (name: string, expected: string, value: unknown): never => {
  throw new EmbError(
    'E_INPUT',
    `${setting(name)}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
  );
};
export const positive: Check = (v, name) => {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) fail(name, 'a positive number', v);
};
export const nonNegative: Check = (v, name) => {
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) fail(name, 'a number >= 0', v);
};
export const wholeAtLeast =
  (min: number): Check =>
  (v, name) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min))
      fail(name, `a whole number of at least ${min}`, v);
  };
/** 0 <= v < 1 (lowOpen: 0 < v < 1). */
export const fraction =
  (lowOpen: boolean): Check =>
  (v, name) => {
    if (!(typeof v === 'number' && (lowOpen ? v > 0 : v >= 0) && v < 1))
      fail(
        name,
        lowOpen ? 'a number between 0 and 1' : 'a number from 0 up to (not including) 1',
        v,
      );
  };
export const unitInterval: Check = (v, name) => {
  if (!(typeof v === 'number' && v >= 0 && v <= 1)) fail(name, 'a number from 0 to 1', v);
};
export const oneOf =
  (values: readonly string[]): Check =>
  (v, name) => {
    if (!values.includes(v as string)) fail(name, `one of ${values.join(', ')}`, v);
  };
export const boolean: Check = (v, name) => {
  if (typeof v !== 'boolean') fail(name, 'true or false', v);
};
export const range: Check = (v, name) => {
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((n) => Number.isInteger(n)) ||
    v[0] < 1 ||
    v[1] < v[0]
  )
    fail(name, '[min, max] with 1 <= min <= max', v);
};
export const positiveList: Check = (v, name) => {
  if (!Array.isArray(v) || v.length === 0) return fail(name, 'a non-empty list of numbers', v);
  v.forEach((x, i) => positive(x, `${name}[${i}]`));
};
/** A non-empty list of distinct values from `values`. */
export const distinctList =
  (values: readonly string[]): Check =>
  (v, name) => {
    if (!Array.isArray(v) || v.length === 0 || new Set(v).size !== v.length)
      return fail(name, `a non-empty list of distinct values (${values.join(', ')})`, v);
    v.forEach((x, i) => oneOf(values)(x, `${name}[${i}]`));
  };

// ---- the groups several kinds share ----

/** What every model has: the tokens it reads, the measure it is judged by, its class weights. */
export interface BaseSettings {
  /**
   * unicode (default: words in any script, emoji whole, clitics kept for the vectors), ascii
   * (ANCHORS.md's reference protocol, to reproduce published figures), a name given to
   * registerTokenizer, or 'function' for a function given to train (not saveable).
   */
  tokenizer: TokenizerName;
  /**
   * What the model's inner choices (C, gamma, epochs, its threshold) maximise; default
   * accuracy (the API and the command line choose macro-f1 for imbalanced data).
   */
  metric: MetricName;
  /** The weight of each class in the loss; default none (every class 1). */
  classWeight?: ClassWeight;
  /**
   * Two classes only: the probability of the positive class (the one a per-class metric
   * names, else the rarer) at which the model answers it; 'auto' chooses it for the metric
   * by inner cross-validation. Default none: the more probable class. The probabilities
   * stay as they are; only the decision moves.
   */
  threshold?: Threshold;
}

export const BASE: Specs<BaseSettings> = {
  tokenizer: {
    default: 'unicode',
    check: (v, name) => {
      if (!isTokenizerName(v))
        fail(name, `one of ${tokenizerNames().join(', ')}, or a registered name`, v);
    },
    flag: {
      arg: 'kind',
      value: 'word',
      choices: TOKENIZER_KINDS,
      help: 'unicode (words in any script, emoji whole) or ascii (the reference protocol of the published figures)',
    },
  },
  metric: {
    default: 'accuracy',
    check: (v, name) => {
      if (!isMetricName(v)) fail(name, `one of ${METRICS.join(', ')}`, v);
    },
    flag: {
      arg: 'name',
      value: 'word',
      help: `what inner choices and the recommendation maximise: ${METRICS.join(', ')}`,
    },
  },
  classWeight: {
    default: undefined,
    check: (v, name) => {
      if (!isClassWeight(v))
        fail(name, '"balanced" or positive weights by label, e.g. { spam: 5 }', v);
    },
    flag: {
      arg: 'balanced|LABEL=W,...',
      value: 'weights',
      help: 'weigh the classes in the loss: balanced (n / (k * n_class)), or a weight per label',
    },
  },
  threshold: {
    default: undefined,
    check: (v, name) => {
      if (v !== 'auto' && !(typeof v === 'number' && v > 0 && v < 1))
        fail(name, "'auto' or a probability between 0 and 1", v);
    },
    flag: {
      arg: 'auto|p',
      value: 'number-or-word',
      help: "two classes: answer the positive class (the rarer, or the metric's) from this probability; auto: the best for the metric by inner cross-validation",
    },
  },
};

/** The n-gram features of the bag-of-words models. */
export interface NgramSettings extends BaseSettings {
  /** Shortest and longest n-gram, in tokens; default [1, 2]. */
  ngrams: [number, number];
  /** Keep n-grams found in at least this many training texts; default 1. */
  minDf: number;
  /**
   * Keep at most this many n-grams, those in the most training texts (a smaller model folder);
   * default all. On the SpamAssassin corpus (975,209 uni+bigrams) 250,000 make a 3.4 MB model
   * and cost 0.2 points of accuracy (bench/README.md, section 16; the hybrid's prune costs less).
   */
  maxTerms?: number;
  /** Stem tokens with natural's Porter stemmer for this language first; default off. */
  stem?: StemLanguage;
  /** Drop natural's stop words for this language first; default off. */
  stopwords?: StopwordLanguage;
}

export const NGRAMS: Specs<NgramSettings> = {
  ...BASE,
  ngrams: {
    default: [1, 2],
    check: range,
    flag: { arg: 'min,max', value: 'range', help: 'n-gram lengths' },
  },
  minDf: {
    default: 1,
    check: wholeAtLeast(1),
    flag: { arg: 'n', value: 'number', help: 'keep n-grams found in at least n training texts' },
  },
  maxTerms: {
    default: undefined,
    check: wholeAtLeast(1),
    flag: {
      arg: 'n',
      value: 'number',
      help: 'keep at most n n-grams, those in the most training texts',
    },
  },
  stem: {
    default: undefined,
    check: oneOf(STEM_LANGUAGES),
    flag: {
      arg: 'lang',
      value: 'word',
      choices: STEM_LANGUAGES,
      help: "stem tokens first (natural's Porter stemmers)",
    },
  },
  stopwords: {
    default: undefined,
    check: oneOf(STOPWORD_LANGUAGES),
    flag: {
      arg: 'lang',
      value: 'word',
      choices: STOPWORD_LANGUAGES,
      help: 'drop stop words first',
    },
  },
};

/** How the models on word vectors find a token's vector and make a sentence vector. */
export interface VectorSettings extends BaseSettings {
  /** How word vectors make a sentence vector: mean (default), tfidf (weighted) or sif. */
  features: FeatureKind;
  /**
   * When a token such as "don't" has no vector, use its parts as the vectors spell them
   * ("do" + "n't", else "do" + "not"); default true, false with the ascii tokenizer.
   */
  clitics: boolean;
}

/**
 * --features: one flag for what a model reads, sentence vectors for the kinds on word vectors
 * and word counts for the kinds on counts; each kind's check takes only its own.
 */
export const FEATURES_FLAG: Flag = {
  arg: 'kind',
  value: 'word',
  choices: [...FEATURE_KINDS, 'counts'],
  help: 'sentence vectors (mean, TF-IDF-weighted mean, or SIF), or counts (the models on word counts)',
};

export const VECTORS: Specs<VectorSettings> = {
  ...BASE,
  features: {
    default: 'mean',
    check: (v, name) => {
      if (v === 'counts')
        fail(
          name,
          `one of ${FEATURE_KINDS.join(', ')} (counts are for the models on word counts)`,
          v,
        );
      oneOf(FEATURE_KINDS)(v, name);
    },
    flag: FEATURES_FLAG,
  },
  // Clitic parts follow the vectors' tokenization: the reference protocol looks tokens up
  // whole, so the default is worked out from the tokenizer (resolveSettings).
  clitics: { default: true, check: boolean },
};

/** The linear SVM's solver. */
export interface SvmSolverSettings {
  /** Inverse regularisation strength; default 1. */
  C: number;
  /** squared-hinge (LIBLINEAR -s 1, scikit-learn's default) or hinge (-s 3). */
  loss: 'squared-hinge' | 'hinge';
  /** The solver's stopping tolerance; default 0.1 (LIBLINEAR's; scikit-learn uses 1e-4). */
  eps: number;
}

export const SVM_LOSSES = ['squared-hinge', 'hinge'] as const;

/** -C: one flag for every kind with a C (the help says which; the kernel SVMs also take auto). */
export const C_FLAG: Flag = {
  arg: 'c',
  value: 'number-or-word',
  help: 'inverse regularisation strength (kernel SVMs: or auto, chosen by inner cross-validation)',
};

export const SOLVER: Specs<SvmSolverSettings> = {
  C: { default: 1, check: positive, flag: C_FLAG },
  loss: { default: 'squared-hinge', check: oneOf(SVM_LOSSES) },
  eps: { default: 0.1, check: positive },
};

/** The inner cross-validation of the linear models. */
export interface InnerSettings {
  /**
   * Inner stratified folds whose held-out decision values calibrate the probabilities (and,
   * for the hybrid, choose its candidate); absent: 5, or 3 above 2,000 training texts.
   */
  innerFolds?: number;
}

export const INNER: Specs<InnerSettings> = {
  innerFolds: { default: undefined, check: wholeAtLeast(2) },
};

/** The naive Bayes weighting of NBSVM (nbsvm, and the hybrid's NB-weighted block). */
export interface NbSettings {
  /** Smoothing of the feature counts; default 1. */
  alpha: number;
  /** Interpolation toward the mean weight magnitude, 0..1; default 0.25. */
  beta: number;
}

export const NB: Specs<NbSettings> = {
  alpha: { default: 1, check: positive },
  beta: { default: 0.25, check: unitInterval },
};

/** Word counts (features/counts.ts), what the kernel SVMs and bow-mlp read. */
export interface CountSettings extends BaseSettings {
  /** What the model reads: word counts (--features is shared with the kinds on word vectors). */
  features: 'counts';
  /** Count the this many most frequent tokens of the training texts; default 5000. */
  vocab: number;
  /** Each count as itself, 1, 1 + ln(count) or its square root; each kind's default is its best. */
  tf: CountTf;
  /** Rows scaled to a sum of 1 (l1), to unit length (l2), or not; each kind's default is its best. */
  norm: CountNorm;
}

export const COUNTS: Specs<CountSettings> = {
  ...BASE,
  features: { default: 'counts', check: oneOf(['counts']), flag: FEATURES_FLAG },
  vocab: {
    default: 5000,
    check: wholeAtLeast(1),
    flag: {
      arg: 'n',
      value: 'number',
      help: 'count the n most frequent tokens of the training texts',
    },
  },
  tf: {
    default: 'raw',
    check: oneOf(COUNT_TFS),
    flag: {
      arg: 'how',
      value: 'word',
      choices: COUNT_TFS,
      help: 'each count as itself, 1, 1 + ln(count) or its square root',
    },
  },
  norm: {
    default: 'none',
    check: oneOf(COUNT_NORMS),
    flag: {
      arg: 'how',
      value: 'word',
      choices: COUNT_NORMS,
      help: 'scale each row of counts to a sum of 1 (l1), to unit length (l2), or not',
    },
  },
};

/** LIBSVM's solver for the kernel SVMs (models/smo.ts), and what it may be asked. */
export interface KernelSvmSettings extends CountSettings, InnerSettings {
  /** Inverse regularisation strength, or 'auto' (chosen by inner cross-validation); default 1. */
  C: number | 'auto';
  /** Stopping tolerance (LIBSVM's -e, scikit-learn's tol); default 1e-3. */
  eps: number;
  /** Set aside the variables stuck at a bound (LIBSVM's -h); default true. */
  shrinking: boolean;
  /** Megabytes of kernel rows the solver keeps, shared by its threads; default 200. */
  cacheMb: number;
  /**
   * The most training texts accepted: the solver's work grows with their square, so larger
   * sets are refused with an estimate of the time (raise it to train anyway); default 50000.
   */
  maxRows: number;
}

export const KERNEL_SVM: Specs<KernelSvmSettings> = {
  ...COUNTS,
  ...INNER,
  C: {
    default: 1,
    check: (v, name) => {
      if (v !== 'auto') positive(v, name);
    },
    flag: C_FLAG,
  },
  eps: { default: 1e-3, check: positive },
  shrinking: { default: true, check: boolean },
  cacheMb: {
    default: 200,
    check: positive,
    flag: {
      arg: 'mb',
      value: 'number',
      help: 'megabytes of kernel rows a kernel SVM keeps',
    },
  },
  maxRows: {
    default: 50000,
    check: wholeAtLeast(1),
    flag: {
      arg: 'n',
      value: 'number',
      help: 'train a kernel SVM on at most n texts (its work grows with their square)',
    },
  },
};

/** The width of the RBF and chi-squared kernels. */
export interface GammaSettings {
  /**
   * A positive number; 'scale' (default: scikit-learn's 1 / (columns * variance) for the RBF
   * kernel, 1 / mean row sum for chi-squared); or 'auto' (chosen by inner cross-validation).
   */
  gamma: number | 'scale' | 'auto';
}

export const GAMMA: Specs<GammaSettings> = {
  gamma: {
    default: 'scale',
    check: (v, name) => {
      if (v !== 'scale' && v !== 'auto' && !(typeof v === 'number' && v > 0 && Number.isFinite(v)))
        fail(name, "a positive number, 'scale' or 'auto'", v);
    },
    flag: {
      arg: 'g',
      value: 'number-or-word',
      help: 'kernel width: a number, scale (from the variance of the counts) or auto (inner cross-validation)',
    },
  },
};

/** How the dense networks train (models/network-training.ts): mlp and bow-mlp. */
export interface NetworkSettings {
  /** Dropout rate of each hidden layer, 0..1; default 0.2. */
  dropout: number;
  /** Adam's learning rate; default 3e-3. */
  learningRate: number;
  /** Rows per step; default 512 (small sets still get about ten steps per epoch). */
  batchSize: number;
  /** Epochs at most; default 200. */
  maxEpochs: number;
  /** Epochs without progress on the validation split before stopping; default 3. */
  patience: number;
  /** Share of the training texts held out for early stopping; default 0.1. */
  validationFraction: number;
  /** L2 penalty on the weights (scikit-learn's alpha); default 1e-4. */
  alpha: number;
}

export const NETWORK: Specs<NetworkSettings> = {
  dropout: { default: 0.2, check: fraction(false) },
  // scikit-learn uses batches of 200 at 1e-3 and a patience of 10. Fewer, larger steps at a
  // higher rate, stopping after 3 epochs without progress (the best epoch's weights are
  // kept), reach the same accuracy in less time (bench/README.md).
  learningRate: { default: 3e-3, check: positive },
  batchSize: { default: 512, check: wholeAtLeast(1) },
  maxEpochs: { default: 200, check: wholeAtLeast(1) },
  patience: { default: 3, check: wholeAtLeast(0) },
  validationFraction: { default: 0.1, check: fraction(true) },
  alpha: { default: 1e-4, check: nonNegative },
};
