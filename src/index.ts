/**
 * emb's library API: everything the command line does, as typed functions and objects. Each
 * `emb` command parses its arguments, calls these, and prints. docs/api.md documents them.
 */

// Word vectors and queries.
export {
  openVectors,
  Vectors,
  type OpenOptions,
  type SimilarOptions,
  type AnalogyOptions,
  type Neighbour,
  type QueryResult,
  type Term,
} from './api/vectors.js';

// Labelled texts, classifiers, evaluation and reports.
export {
  readDataset,
  openTexts,
  readLines,
  type Dataset,
  type DatasetFile,
  type ReadDatasetOptions,
  type OpenTextsOptions,
  type TextFile,
} from './api/dataset.js';
export {
  train,
  loadClassifier,
  Classifier,
  BATCH_SIZE,
  type Prediction,
  type RowPrediction,
  type TextRow,
  type LoadOptions,
} from './api/classifier.js';
export {
  predictFile,
  writePredictions,
  type PredictFileOptions,
  type WritePredictionsOptions,
} from './api/predict.js';
export type { TrainOptions, RunOptions } from './api/options.js';
export { crossValidate, type Evaluation, type EvaluateOptions } from './api/evaluate.js';
export {
  compare,
  writeReport,
  DEFAULT_SIZES,
  DEFAULT_METHODS,
  type CompareOptions,
  type Comparison,
} from './api/compare.js';
export {
  modelSettings,
  defaultsOf,
  DEFAULT_MODEL,
  MODEL_NAMES,
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
} from './models/registry.js';
export type { TrainingRecord } from './models/kind.js';
export type { Progress, OnProgress } from './progress.js';
export type { FeatureKind } from './features/sentence.js';
export type { BackendName } from './models/tfjs/backends.js';
export { tokenize } from './text/tokenize.js';

// Errors: every error a caller can cause is an EmbError with a stable code.
export { EmbError, ERROR_CODES, type ErrorCode } from './errors.js';

// Lower level: vector files, the matrix, and the queries and evaluations on it.
export {
  Embeddings,
  type Provenance,
  type Lookup,
  type WordVector,
} from './embeddings/embeddings.js';
export { Vocabulary } from './embeddings/vocabulary.js';
export type { Subwords, SubwordSettings } from './embeddings/subwords.js';
export { defaultVectorsPath, prepareDefault, embHome } from './store/default.js';
export {
  readVectors,
  writeVectors,
  convertVectors,
  type ConvertOptions,
  type WriteOptions,
  sniffFormat,
  FORMAT_NAMES,
  WRITABLE_FORMATS,
  type FormatName,
  type WritableFormat,
  type ReadOptions,
} from './formats/index.js';
export { cosAdd, cosMul, similarity, doesntMatch, resolve } from './query/queries.js';
export { parseExpression } from './query/expression.js';
export { topK, type Scored } from './query/topk.js';
export { answerBatch, type BatchAnswer, type BatchOptions } from './query/batch.js';
export {
  evaluateAnalogies,
  evaluatePairs,
  type AnalogyOptions as AnalogyEvalOptions,
  type AnalogyScore,
  type EvalOptions,
  type PairScore,
  type SectionScore,
  type Tally,
} from './query/evaluate.js';
export { readAnalogySet, type AnalogySection } from './query/analogy-set.js';
export { readPairSet, type WordPair } from './query/pair-set.js';
