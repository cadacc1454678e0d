/**
 * emb's library API: everything the command line does, as typed functions and objects. Each
 * `emb` command parses its arguments, calls these, and prints. docs/api.md documents every
 * name exported here; the lower-level pieces (the matrix, readers, query kernels) are in
 * emb/advanced (src/advanced.ts).
 */

// Word vectors: open, query, evaluate, convert, describe.
export {
  openVectors,
  Vectors,
  ANALOGY_METHODS,
  DEFAULT_RESTRICT,
  type OpenOptions,
  type SimilarOptions,
  type AnalogyOptions,
  type SentenceOptions,
  type AnalogyMethod,
  type Neighbour,
  type QueryResult,
  type Term,
  type BatchAnswer,
  type AnalogyEvalOptions,
  type AnalogyScore,
  type EvalOptions,
  type PairScore,
  type SectionScore,
  type Tally,
} from './api/vectors.js';
export {
  convertVectors,
  prepareDefault,
  defaultVectorsPath,
  embHome,
  FORMAT_NAMES,
  WRITABLE_FORMATS,
  type ConvertCallOptions,
  type Converted,
  type FormatName,
  type WritableFormat,
  type StorageType,
  type Encoding,
} from './api/convert.js';
export { describeVectors, describeModel, type VectorsInfo, type ModelInfo } from './api/info.js';

// Labelled texts and the corpora that ship with emb.
export {
  readDataset,
  openTexts,
  readLines,
  delimiterOption,
  type Dataset,
  type DatasetFile,
  type Delimiter,
  type ReadDatasetOptions,
  type OpenTextsOptions,
  type TextFile,
} from './api/dataset.js';
export { listCorpora, exportCorpus } from './api/corpora.js';

// Classifiers: train, evaluate, predict, explain, save, load, compare.
export {
  train,
  loadClassifier,
  Classifier,
  BATCH_SIZE,
  type Prediction,
  type RowPrediction,
  type Explanation,
  type DecisionTerm,
  type ClassifierMeta,
  type TextRow,
  type LoadOptions,
} from './api/classifier.js';
export {
  predictFile,
  writePredictions,
  writeCrossValidated,
  type PredictFileOptions,
  type WritePredictionsOptions,
} from './api/predict.js';
export type { TrainOptions, RunOptions } from './api/options.js';
export {
  crossValidate,
  type Evaluation,
  type EvaluateOptions,
  type CrossValidatedPrediction,
  type Duplicates,
  type DuplicateRecord,
} from './api/evaluate.js';
export {
  compare,
  writeReport,
  DEFAULT_SIZES,
  type CompareOptions,
  type Comparison,
} from './api/compare.js';

// The model kinds and their settings.
export {
  KINDS,
  MODEL_NAMES,
  DEFAULT_MODEL,
  DEFAULT_METHODS,
  defaultsOf,
  modelSettings,
  usesVectors,
  METRICS,
  defaultMetric,
  metricLabel,
  type ModelName,
  type ModelOptions,
  type ModelSettings,
  type SettingsOf,
  type SvmSettings,
  type NbsvmSettings,
  type LogregSettings,
  type MlpSettings,
  type HybridSettings,
  type CnnSettings,
  type DanSettings,
  type RbfSvmSettings,
  type HikSvmSettings,
  type Chi2SvmSettings,
  type BowMlpSettings,
  type TrainingRecord,
  type ModelKind,
  type Family,
  type Flag,
  type FlagValue,
  type Setting,
  type MetricName,
  type ClassWeight,
  type Threshold,
} from './api/models.js';
export {
  pretrainVectors,
  pretrainRecord,
  type PretrainOptions,
  type PretrainProgress,
  type PretrainRecord,
  type PretrainSettings,
  type PretrainMethod,
  type CorpusSource,
  type CorpusLayout,
} from './api/pretrain.js';
export type { FeatureKind } from './features/sentence.js';
export { setBackend, BACKENDS, type BackendName } from './api/backend.js';
export { tokenize, registerTokenizer, type Tokenizer, type Docs } from './text/tokenize.js';

// Progress, errors: one shape for every long call; every error a caller can cause is an
// EmbError with a stable code.
export type { Progress, OnProgress } from './progress.js';
export { EmbError, ERROR_CODES, type ErrorCode } from './errors.js';
