import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import type { ReadOptions } from './format.js';

/** fastText's binary model (.bin): words plus character n-gram buckets. */
export function readFastTextBin(path: string, _options: ReadOptions = {}): Embeddings {
  throw new EmbError(
    'E_FORMAT',
    `${path}: fastText .bin models are not supported yet; use the .vec file`,
  );
}
