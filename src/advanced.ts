/**
 * emb/advanced: the lower-level pieces under the API (docs/api.md, "Lower level"): the
 * matrix and its vocabulary, the format readers and writers, and the query and evaluation
 * kernels that Vectors calls, for programs that work on the matrix directly.
 */
export {
  Embeddings,
  type Provenance,
  type Lookup,
  type WordVector,
} from './embeddings/embeddings.js';
export { Vocabulary } from './embeddings/vocabulary.js';
export type { Subwords, SubwordSettings } from './embeddings/subwords.js';
export {
  readVectors,
  writeVectors,
  sniffFormat,
  type WriteOptions,
  type ReadOptions,
} from './formats/index.js';
export {
  cosAdd,
  cosMul,
  similarity,
  similarByVector,
  doesntMatch,
  resolve,
  type QueryOptions,
  type MissingWords,
  type Resolution,
} from './query/queries.js';
export { parseExpression } from './query/expression.js';
export { topK, type Scored } from './query/topk.js';
export { answerBatch, type BatchOptions } from './query/batch.js';
export { evaluateAnalogies, evaluatePairs } from './query/evaluate.js';
export { readAnalogySet, type AnalogySection } from './query/analogy-set.js';
export { readPairSet, type WordPair } from './query/pair-set.js';
