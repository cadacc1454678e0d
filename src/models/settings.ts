/**
 * Model settings: one typed object per model, discriminated on `model`, validated once where
 * it enters emb (the API or the command line) and passed as is to trainers and worker threads.
 * Defaults are scikit-learn's and LIBLINEAR's where a reference exists (ANCHORS.md), else the
 * values measured best in bench/README.md.
 */
import { EmbError } from '../errors.js';
import { FEATURE_KINDS, type FeatureKind } from '../features/sentence.js';
import {
  STEM_LANGUAGES,
  STOPWORD_LANGUAGES,
  type StemLanguage,
  type StopwordLanguage,
} from '../features/token-filter.js';
import { TOKENIZER_KINDS, type TokenizerKind } from '../text/tokenize.js';

/** What every model shares: the tokens it reads. */
export interface TextSettings {
  /**
   * unicode (default: words in any script, emoji whole, clitics kept for the vectors) or
   * ascii (ANCHORS.md's reference protocol, to reproduce published figures).
   */
  tokenizer: TokenizerKind;
}

/** The n-gram features of the bag-of-words models (svm, nbsvm, hybrid). */
export interface NgramSettings extends TextSettings {
  /** Shortest and longest n-gram, in tokens; default [1, 2]. */
  ngrams: [number, number];
  /** Keep n-grams found in at least this many training texts; default 1. */
  minDf: number;
  /** Stem tokens with natural's Porter stemmer for this language first; default off. */
  stem?: StemLanguage;
  /** Drop natural's stop words for this language first; default off. */
  stopwords?: StopwordLanguage;
}

/** How the models on word vectors (logreg, mlp, hybrid) find a token's vector. */
export interface VectorSettings extends TextSettings {
  /** How word vectors make a sentence vector: mean (default), tfidf (weighted) or sif. */
  features: FeatureKind;
  /**
   * When a token such as "don't" has no vector, use its parts as the vectors spell them
   * ("do" + "n't", else "do" + "not"); default true, false with the ascii tokenizer.
   */
  clitics: boolean;
}

/** The linear SVM's solver (svm, nbsvm, hybrid). */
export interface SvmSolverSettings {
  /** Inverse regularisation strength; default 1. */
  C: number;
  /** squared-hinge (LIBLINEAR -s 1, scikit-learn's default) or hinge (-s 3). */
  loss: 'squared-hinge' | 'hinge';
  /** The solver's stopping tolerance; default 0.1 (LIBLINEAR's; scikit-learn uses 1e-4). */
  eps: number;
}

/** The inner cross-validation of the linear models (svm, nbsvm, hybrid). */
export interface InnerSettings {
  /**
   * Inner stratified folds whose held-out decision values calibrate the probabilities (and,
   * for the hybrid, choose its candidate); absent: 5, or 3 above 2,000 training texts.
   */
  innerFolds?: number;
}

/** The naive Bayes weighting of NBSVM (nbsvm, and the hybrid's NB-weighted block). */
export interface NbSettings {
  /** Smoothing of the feature counts; default 1. */
  alpha: number;
  /** Interpolation toward the mean weight magnitude, 0..1; default 0.25. */
  beta: number;
}

/** TF-IDF n-grams and a linear SVM (ANCHORS.md method A). */
export interface SvmSettings extends NgramSettings, SvmSolverSettings, InnerSettings {
  model: 'svm';
}

/** NBSVM (Wang & Manning 2012; ANCHORS.md method B). */
export interface NbsvmSettings extends NgramSettings, SvmSolverSettings, InnerSettings, NbSettings {
  model: 'nbsvm';
}

/** Softmax regression on sentence vectors (ANCHORS.md method C). */
export interface LogregSettings extends VectorSettings {
  model: 'logreg';
  /** Inverse regularisation strength, as scikit-learn's C; default 1. */
  C: number;
}

/** One hidden relu layer with dropout on sentence vectors (ANCHORS.md method D). */
export interface MlpSettings extends VectorSettings {
  model: 'mlp';
  /** Hidden units; default 256. */
  hidden: number;
  /** Dropout rate of the hidden layer, 0..1; default 0.2. */
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

/** The n-gram block of the hybrid: as the svm's (TF-IDF) or as NBSVM's (NB-weighted binary). */
export type SparseBlock = 'tfidf' | 'nb';
export const SPARSE_BLOCKS: readonly SparseBlock[] = ['tfidf', 'nb'];

/**
 * N-grams and the standardised sentence vector in one linear SVM; the candidate with the best
 * inner cross-validation accuracy is trained on all the data (hybrid.ts).
 */
export interface HybridSettings
  extends NgramSettings, SvmSolverSettings, InnerSettings, NbSettings, VectorSettings {
  model: 'hybrid';
  /** The vector block's weight (0: the n-grams alone); absent: searched among `gammas`. */
  gamma?: number;
  /** Candidates for gamma at every size; default [1, 2]. */
  gammas: number[];
  /** Candidates for the n-gram block; default ['tfidf', 'nb']. The first is used below `wideFrom`. */
  sparse: SparseBlock[];
  /**
   * From this many training texts the search also tries the other n-gram blocks and gamma 0
   * (the n-grams alone); below it, the first block with `gammas`. Default 2,000.
   */
  wideFrom: number;
}

export type ModelSettings =
  SvmSettings | NbsvmSettings | LogregSettings | MlpSettings | HybridSettings;

export type ModelKind = ModelSettings['model'];
export type SettingsOf<K extends ModelKind> = Extract<ModelSettings, { model: K }>;

/** What a caller writes: the model's name and any settings to change from the defaults. */
export type ModelOptions = {
  [K in ModelKind]: { model: K } & Partial<Omit<SettingsOf<K>, 'model'>>;
}[ModelKind];

const TEXT: TextSettings = { tokenizer: 'unicode' };
const NGRAMS: NgramSettings = { ...TEXT, ngrams: [1, 2], minDf: 1 };
const VECTORS: VectorSettings = { ...TEXT, features: 'mean', clitics: true };
const SOLVER: SvmSolverSettings = { C: 1, loss: 'squared-hinge', eps: 0.1 };
const NB: NbSettings = { alpha: 1, beta: 0.25 };

export const DEFAULTS: { [K in ModelKind]: SettingsOf<K> } = {
  svm: { model: 'svm', ...NGRAMS, ...SOLVER },
  nbsvm: { model: 'nbsvm', ...NGRAMS, ...SOLVER, ...NB },
  logreg: { model: 'logreg', ...VECTORS, C: 1 },
  mlp: {
    model: 'mlp',
    ...VECTORS,
    hidden: 256,
    dropout: 0.2,
    // scikit-learn uses batches of 200 at 1e-3 and a patience of 10. Fewer, larger steps at a
    // higher rate, stopping after 3 epochs without progress (the best epoch's weights are
    // kept), reach the same accuracy in less time (bench/README.md).
    learningRate: 3e-3,
    batchSize: 512,
    maxEpochs: 200,
    patience: 3,
    validationFraction: 0.1,
    alpha: 1e-4,
  },
  hybrid: {
    model: 'hybrid',
    ...NGRAMS,
    ...SOLVER,
    ...NB,
    ...VECTORS,
    gammas: [1, 2],
    sparse: ['tfidf', 'nb'],
    wideFrom: 2000,
  },
};

export const MODEL_KINDS = Object.keys(DEFAULTS) as ModelKind[];

/** The model emb trains unless told otherwise: the most accurate on every public set. */
export const DEFAULT_MODEL: ModelKind = 'hybrid';

/** Whether a model reads pretrained word vectors. */
export function usesVectors(kind: ModelKind): boolean {
  return kind === 'logreg' || kind === 'mlp' || kind === 'hybrid';
}

/** How a model finds its tokens' vectors (one without vectors: the default, clitic parts on). */
export function tokenLookup(s: ModelSettings): { clitics: boolean } {
  return { clitics: 'clitics' in s ? s.clitics : true };
}

type Check = (value: unknown, name: string) => void;

const fail = (name: string, expected: string, value: unknown): never => {
  throw new EmbError(
    'E_INPUT',
    `setting "${name}": expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
  );
};
const positive: Check = (v, name) => {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) fail(name, 'a positive number', v);
};
const nonNegative: Check = (v, name) => {
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) fail(name, 'a number >= 0', v);
};
const wholeAtLeast =
  (min: number): Check =>
  (v, name) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min))
      fail(name, `a whole number of at least ${min}`, v);
  };
const fraction =
  (lowOpen: boolean): Check =>
  (v, name) => {
    if (!(typeof v === 'number' && (lowOpen ? v > 0 : v >= 0) && v < 1))
      fail(
        name,
        lowOpen ? 'a number between 0 and 1' : 'a number from 0 up to (not including) 1',
        v,
      );
  };
const unitInterval: Check = (v, name) => {
  if (!(typeof v === 'number' && v >= 0 && v <= 1)) fail(name, 'a number from 0 to 1', v);
};
const oneOf =
  (values: readonly string[]): Check =>
  (v, name) => {
    if (!values.includes(v as string)) fail(name, `one of ${values.join(', ')}`, v);
  };
const ngramRange: Check = (v, name) => {
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((n) => Number.isInteger(n)) ||
    v[0] < 1 ||
    v[1] < v[0]
  )
    fail(name, '[min, max] with 1 <= min <= max', v);
};
const positiveList: Check = (v, name) => {
  if (!Array.isArray(v) || v.length === 0) return fail(name, 'a non-empty list of numbers', v);
  v.forEach((x, i) => positive(x, `${name}[${i}]`));
};

const boolean: Check = (v, name) => {
  if (typeof v !== 'boolean') fail(name, 'true or false', v);
};
const TEXT_CHECKS: Record<keyof TextSettings, Check> = { tokenizer: oneOf(TOKENIZER_KINDS) };
const NGRAM_CHECKS: Record<keyof NgramSettings, Check> = {
  ...TEXT_CHECKS,
  ngrams: ngramRange,
  minDf: wholeAtLeast(1),
  stem: oneOf(STEM_LANGUAGES),
  stopwords: oneOf(STOPWORD_LANGUAGES),
};
const VECTOR_CHECKS: Record<keyof VectorSettings, Check> = {
  ...TEXT_CHECKS,
  features: oneOf(FEATURE_KINDS),
  clitics: boolean,
};
const SOLVER_CHECKS: Record<keyof SvmSolverSettings, Check> = {
  C: positive,
  loss: oneOf(['squared-hinge', 'hinge']),
  eps: positive,
};
const INNER_CHECKS: Record<keyof InnerSettings, Check> = { innerFolds: wholeAtLeast(2) };
const NB_CHECKS: Record<keyof NbSettings, Check> = { alpha: positive, beta: unitInterval };
const sparseList: Check = (v, name) => {
  if (!Array.isArray(v) || v.length === 0 || new Set(v).size !== v.length)
    return fail(name, `a non-empty list of distinct blocks (${SPARSE_BLOCKS.join(', ')})`, v);
  v.forEach((x, i) => oneOf(SPARSE_BLOCKS)(x, `${name}[${i}]`));
};

const CHECKS: { [K in ModelKind]: Record<Exclude<keyof SettingsOf<K>, 'model'>, Check> } = {
  svm: { ...NGRAM_CHECKS, ...SOLVER_CHECKS, ...INNER_CHECKS },
  nbsvm: { ...NGRAM_CHECKS, ...SOLVER_CHECKS, ...INNER_CHECKS, ...NB_CHECKS },
  logreg: { ...VECTOR_CHECKS, C: positive },
  mlp: {
    ...VECTOR_CHECKS,
    hidden: wholeAtLeast(1),
    dropout: fraction(false),
    learningRate: positive,
    batchSize: wholeAtLeast(1),
    maxEpochs: wholeAtLeast(1),
    patience: wholeAtLeast(0),
    validationFraction: fraction(true),
    alpha: nonNegative,
  },
  hybrid: {
    ...NGRAM_CHECKS,
    ...SOLVER_CHECKS,
    ...INNER_CHECKS,
    ...NB_CHECKS,
    ...VECTOR_CHECKS,
    gamma: nonNegative,
    gammas: positiveList,
    sparse: sparseList,
    wideFrom: wholeAtLeast(0),
  },
};

/**
 * Checks settings from a caller (an object from code, JSON or the command line) and fills in
 * the defaults: an unknown model, an unknown setting for the model, or a value of the wrong
 * type or range is an E_INPUT error naming the setting and what it expects.
 */
export function modelSettings(input: unknown): ModelSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return fail('model', `an object such as { model: 'hybrid' }`, input);
  const given = input as Record<string, unknown>;
  const kind = given.model ?? DEFAULT_MODEL;
  if (!MODEL_KINDS.includes(kind as ModelKind))
    fail('model', `one of ${MODEL_KINDS.join(', ')}`, kind);
  const checks = CHECKS[kind as ModelKind] as Record<string, Check>;
  const out: Record<string, unknown> = { ...DEFAULTS[kind as ModelKind] };
  for (const [name, value] of Object.entries(given)) {
    if (name === 'model' || value === undefined) continue;
    const check = Object.hasOwn(checks, name) ? checks[name] : undefined;
    if (!check)
      throw new EmbError(
        'E_INPUT',
        `setting "${name}" does not apply to the ${String(kind)} model; its settings are ${Object.keys(checks).join(', ')}`,
      );
    check(value, name);
    out[name] = Array.isArray(value) ? [...value] : value;
  }
  out.model = kind;
  // Clitic parts follow the vectors' tokenization; the reference protocol looks tokens up whole.
  if ('clitics' in out && given.clitics === undefined) out.clitics = out.tokenizer !== 'ascii';
  return out as unknown as ModelSettings;
}

/** A short description of what a model reads, for reports and model.json. */
export function describeFeatures(s: ModelSettings): string {
  switch (s.model) {
    case 'svm':
      return `tfidf ${s.ngrams.join('-')}-grams`;
    case 'nbsvm':
      return `nb-weighted binary ${s.ngrams.join('-')}-grams`;
    case 'hybrid':
      return `tfidf ${s.ngrams.join('-')}-grams + ${s.features} vectors`;
    default:
      return `${s.features} vectors`;
  }
}
