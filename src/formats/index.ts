import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { writeFileAtomically } from '../atomic.js';
import { readEmb, writeEmb } from './emb.js';
import { sniffFormat, type FormatName, type ReadOptions } from './format.js';
import { readText, writeText } from './text.js';
import { readWinkJson } from './wink-json.js';
import { readWord2vecBinary, writeWord2vecBinary } from './word2vec-binary.js';
import { readFastTextBin } from './fasttext-bin.js';

export { sniffFormat, FORMAT_NAMES, type FormatName, type ReadOptions } from './format.js';

/** Reads vectors in any supported format (sniffed unless options.format says). */
export function readVectors(
  path: string,
  options: ReadOptions = {},
): { embeddings: Embeddings; format: FormatName } {
  const format = options.format ?? sniffFormat(path);
  const read: Record<FormatName, () => Embeddings> = {
    emb: () => readEmb(path),
    'word2vec-binary': () => readWord2vecBinary(path, options),
    'word2vec-text': () => readText(path, { ...options, format: 'word2vec-text' }),
    'fasttext-vec': () => readText(path, { ...options, format: 'fasttext-vec' }),
    'glove-text': () => readText(path, { ...options, format: 'glove-text' }),
    'fasttext-bin': () => readFastTextBin(path, options),
    'wink-json': () => readWinkJson(path, options),
  };
  return { embeddings: read[format](), format };
}

export type WritableFormat = 'emb' | 'word2vec-binary' | 'word2vec-text' | 'glove-text';
export const WRITABLE_FORMATS: readonly WritableFormat[] = [
  'emb',
  'word2vec-binary',
  'word2vec-text',
  'glove-text',
];

/** Writes vectors to `path` through a temporary file renamed into place. */
export function writeVectors(emb: Embeddings, path: string, format: WritableFormat): void {
  const write: Record<WritableFormat, (fd: number) => void> = {
    emb: (fd) => writeEmb(emb, fd),
    'word2vec-binary': (fd) => writeWord2vecBinary(emb, fd),
    'word2vec-text': (fd) => writeText(emb, fd, true),
    'glove-text': (fd) => writeText(emb, fd, false),
  };
  if (!(format in write))
    throw new EmbError(
      'E_INPUT',
      `cannot write format "${format}"; choose one of ${WRITABLE_FORMATS.join(', ')}`,
    );
  writeFileAtomically(path, write[format]);
}
