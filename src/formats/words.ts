import { EmbError, option } from '../errors.js';

/** How the words of a vector file are encoded; utf8 and utf-8 are one encoding, as everywhere in emb. */
export const ENCODINGS = ['utf8', 'utf-8', 'latin1'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** A word as UTF-8 bytes: buf[start..end). */
export interface WordBytes {
  buf: Uint8Array;
  start: number;
  end: number;
}

let scratch = new Uint8Array(1024);

/**
 * A word's bytes as UTF-8, without making a string: UTF-8 input is checked (an error names
 * the file offset of the first bad byte, with the escape hatch for Latin-1 files); Latin-1
 * input is transcoded into a scratch buffer valid until the next call.
 */
export function wordBytes(
  buf: Uint8Array,
  start: number,
  end: number,
  encoding: Encoding,
  file: string,
  fileOffset: number,
): WordBytes {
  let i = start;
  while (i < end && buf[i] < 0x80) i++;
  if (i === end) return { buf, start, end };
  if (encoding === 'latin1') {
    if (scratch.length < (end - start) * 2) scratch = new Uint8Array((end - start) * 2);
    let n = 0;
    for (let k = start; k < end; k++) {
      const b = buf[k];
      if (b < 0x80) scratch[n++] = b;
      else {
        scratch[n++] = 0xc0 | (b >> 6);
        scratch[n++] = 0x80 | (b & 0x3f);
      }
    }
    return { buf: scratch, start: 0, end: n };
  }
  const bad = start + firstInvalidUtf8(buf, start, end);
  if (bad < end) {
    throw new EmbError(
      'E_ENCODING',
      `${file}: byte ${fileOffset + (bad - start)}: invalid UTF-8 (0x${buf[bad].toString(16).padStart(2, '0')}) in a word; if the file is Latin-1, pass ${option('encoding', 'latin1')}`,
    );
  }
  return { buf, start, end };
}

/** Offset (from start) of the first byte that breaks UTF-8, or end - start if none does. */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    let n: number;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b < 0xe0) n = 1;
    else if (b >= 0xe0 && b < 0xf0) n = 2;
    else if (b >= 0xf0 && b < 0xf5) n = 3;
    else return i - start;
    for (let k = 1; k <= n; k++) {
      if (i + k >= end || (buf[i + k] & 0xc0) !== 0x80) return i - start;
    }
    // Overlong and surrogate forms that the lead byte alone does not rule out.
    if ((b === 0xe0 && buf[i + 1] < 0xa0) || (b === 0xed && buf[i + 1] >= 0xa0)) return i - start;
    if ((b === 0xf0 && buf[i + 1] < 0x90) || (b === 0xf4 && buf[i + 1] >= 0x90)) return i - start;
    i += n + 1;
  }
  return end - start;
}
