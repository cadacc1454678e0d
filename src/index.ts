/** emb's library API: what the CLI uses, for programs that want the same without a shell. */
export { EmbError, type ErrorCode } from './errors.js';
export {
  Embeddings,
  type Provenance,
  type Lookup,
  type WordVector,
} from './embeddings/embeddings.js';
export { Vocabulary } from './embeddings/vocabulary.js';
export type { Subwords, SubwordSettings } from './embeddings/subwords.js';
export { defaultVectorsPath, prepareDefault, embHome } from './embeddings/default.js';
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
export {
  cosAdd,
  cosMul,
  similarity,
  doesntMatch,
  parseExpression,
  resolve,
  type Neighbour,
  type QueryResult,
  type Term,
} from './query/queries.js';
export { topK, type Scored } from './query/topk.js';
export { answerBatch, type BatchAnswer, type BatchOptions } from './query/batch.js';
export {
  evaluateAnalogies,
  evaluatePairs,
  type AnalogyOptions,
  type AnalogyScore,
  type EvalOptions,
  type PairScore,
  type SectionScore,
  type Tally,
} from './query/evaluate.js';
export { readAnalogySet, type AnalogySection } from './query/analogy-set.js';
export { readPairSet, type WordPair } from './query/pair-set.js';
export { tokenize } from './text/tokenize.js';
export type { Dataset } from './text/dataset.js';
export type { Model, Trainer, ModelKind, TrainContext } from './models/model.js';
