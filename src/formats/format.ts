import { closeSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { EmbError } from '../errors.js';
import { isEmb } from './emb.js';
import type { Encoding } from './words.js';
import type { SinkFactory } from './builder.js';
import { HEADER } from './header.js';
import { openRegularFile } from './open.js';

export type FormatName =
  | 'emb'
  | 'word2vec-binary'
  | 'word2vec-text'
  | 'glove-text'
  | 'fasttext-vec'
  | 'fasttext-bin'
  | 'wink-json';

export const FORMAT_NAMES: readonly FormatName[] = [
  'emb',
  'word2vec-binary',
  'word2vec-text',
  'glove-text',
  'fasttext-vec',
  'fasttext-bin',
  'wink-json',
];

export interface ReadOptions {
  /** How words are decoded (default utf8). */
  encoding?: Encoding;
  /** Skip sniffing. */
  format?: FormatName;
  /** Called now and then with bytes read and the file size. */
  onProgress?: (done: number, total: number) => void;
  /** Called with warnings (duplicate words dropped, ...), once the file has been read. */
  warn?: (message: string) => void;
  /** Rows go there as they are read instead of into memory (conversions; see convert.ts). */
  sink?: SinkFactory;
}

/** 0x2f4f16ba, the little-endian int32 at the start of a fastText .bin. */
export const FASTTEXT_MAGIC = 793712314;

/**
 * Tells the format from the first bytes, which is where the formats differ with certainty;
 * the extension only separates fastText .vec from word2vec text (the same layout).
 */
export function sniffFormat(path: string): FormatName {
  const fd = openRegularFile(path);
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n === 0) throw new EmbError('E_FORMAT', `${path}: the file is empty`);
  const bytes = head.subarray(0, n);
  if (isEmb(bytes)) return 'emb';
  if (n >= 4 && bytes.readInt32LE(0) === FASTTEXT_MAGIC) return 'fasttext-bin';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  while (
    start < n &&
    (bytes[start] === 32 || bytes[start] === 10 || bytes[start] === 13 || bytes[start] === 9)
  )
    start++;
  if (bytes[start] === 0x7b /* { */) return 'wink-json';
  const nl = bytes.indexOf(10, start);
  const first = bytes.subarray(start, nl < 0 ? n : nl).toString('latin1');
  const header = HEADER.exec(first);
  if (!header) return 'glove-text';
  // A header: binary or text? Text rows are words followed by printable numbers.
  const dims = Number(header[2]);
  const body = bytes.subarray(nl + 1);
  const sp = body.findIndex((b) => b === 32 || b === 9);
  const lineEnd = body.indexOf(10, sp + 1);
  const values = body.subarray(
    sp + 1,
    Math.min(lineEnd < 0 ? body.length : lineEnd, sp + 1 + dims * 4),
  );
  const numeric = (b: number) =>
    (b >= 48 && b <= 57) || [45, 46, 43, 101, 69, 32, 9, 13].includes(b);
  const textual = sp >= 0 && values.every(numeric);
  if (!textual) return 'word2vec-binary';
  return extname(path).toLowerCase() === '.vec' ? 'fasttext-vec' : 'word2vec-text';
}
