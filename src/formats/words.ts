import { EmbError } from '../errors.js';

export type Encoding = 'utf8' | 'latin1';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a word's bytes. Invalid UTF-8 is an error naming the file offset of the first bad
 * byte, with the escape hatch for files written in Latin-1.
 */
export function decodeWord(
  buf: Uint8Array,
  start: number,
  end: number,
  encoding: Encoding,
  file: string,
  fileOffset: number,
): string {
  if (encoding === 'latin1') {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    const bad = start + firstInvalidUtf8(buf, start, end);
    throw new EmbError(
      'E_ENCODING',
      `${file}: byte ${fileOffset + (bad - start)}: invalid UTF-8 (0x${buf[bad].toString(16).padStart(2, '0')}) in a word; if the file is Latin-1, pass --encoding latin1`,
    );
  }
}

/** Offset (from start) of the first byte that breaks UTF-8. */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    const n =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (n < 0) return i - start;
    for (let k = 1; k <= n; k++) {
      if (i + k >= end || (buf[i + k] & 0xc0) !== 0x80) return i - start;
    }
    i += n + 1;
  }
  return end - start;
}
