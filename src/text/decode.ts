/**
 * Data files as spreadsheets and editors save them: UTF-8 with or without a byte-order mark,
 * UTF-16 LE/BE with one (Excel's "Unicode text"), or a legacy encoding the user names
 * (`latin1`, `windows-1252`, or any label TextDecoder knows: `shift_jis`, `gbk`, `koi8-r`...).
 * Undecodable bytes are an error that names the byte and gives advice that fits the bytes:
 * never "latin1" for what is UTF-16.
 */
import { EmbError } from '../errors.js';

export interface Decoded {
  text: string;
  /** The encoding used: from the byte-order mark, the option, or utf-8. */
  encoding: string;
}

const BOMS: readonly { encoding: string; bytes: readonly number[] }[] = [
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

/**
 * TextDecoder follows the WHATWG Encoding standard, where "latin1" and "iso-8859-1" mean
 * windows-1252 (0x80-0x9f are curly quotes, the euro sign...). Python, iconv and Node's
 * Buffer read them as ISO-8859-1 proper (0x80-0x9f are C1 controls): emb does too, and
 * "windows-1252" is there for the other.
 */
const ISO_8859_1 = new Set(['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'l1']);

/**
 * windows-1252's 0x80-0x9f (the rest is ISO-8859-1). Node 20's TextDecoder decodes
 * "windows-1252" as ISO-8859-1, so emb maps these itself; the five bytes the code page leaves
 * undefined stay C1 controls, as the WHATWG standard has them.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** The encoding of a byte-order mark at the start of `bytes`, if any. */
function bomEncoding(bytes: Uint8Array): string | undefined {
  return BOMS.find((b) => b.bytes.every((x, i) => bytes[i] === x))?.encoding;
}

/**
 * Decodes a data file: with `encoding` as given, else by its byte-order mark, else as UTF-8
 * (checked). The byte-order mark is not part of the text.
 */
export function decodeText(bytes: Uint8Array, path: string, encoding?: string): Decoded {
  const bom = bomEncoding(bytes);
  const label = (encoding ?? bom ?? 'utf-8').trim().toLowerCase();
  if (ISO_8859_1.has(label)) {
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' };
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: false });
  } catch {
    throw new EmbError(
      'E_INPUT',
      `${path}: unknown encoding "${encoding}"; expected utf-8, utf-16le, utf-16be, latin1, windows-1252 or another WHATWG encoding label`,
    );
  }
  // Every label WHATWG maps to windows-1252 (cp1252, ascii, us-ascii...).
  if (decoder.encoding === 'windows-1252') {
    const text = Buffer.from(bytes)
      .toString('latin1')
      .replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
    return { text, encoding: 'windows-1252' };
  }
  if (encoding === undefined && !bom) {
    const utf16 = looksUtf16(bytes);
    if (utf16) {
      throw new EmbError(
        'E_ENCODING',
        `${path}: the file looks like ${utf16.toUpperCase()} without a byte-order mark (every other byte is 0); pass --encoding ${utf16}`,
      );
    }
  }
  try {
    // TextDecoder drops a byte-order mark of its own encoding (ignoreBOM: false).
    return { text: decoder.decode(bytes), encoding: decoder.encoding };
  } catch {
    throw undecodable(bytes, path, decoder.encoding, encoding === undefined);
  }
}

/** The text of UTF-8 bytes, or an error naming the byte offset of the first invalid sequence. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  return decodeText(bytes, path, 'utf-8').text;
}

/**
 * "utf-16le" or "utf-16be" when a third or more of the first 4 KB's even (BE) or odd (LE)
 * bytes are 0 and nearly none of the others: what ASCII text in UTF-16 looks like, and
 * valid UTF-8 (NUL is a character) that no one means.
 */
function looksUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const half = n / 2;
  if (odd >= half / 3 && even <= half / 20) return 'utf-16le';
  if (even >= half / 3 && odd <= half / 20) return 'utf-16be';
  return undefined;
}

/** The error for bytes `encoding` cannot decode: where, which bytes, and what to do. */
function undecodable(
  bytes: Uint8Array,
  path: string,
  encoding: string,
  guessed: boolean,
): EmbError {
  const utf8 = encoding === 'utf-8';
  const at = utf8 ? firstInvalidUtf8(bytes) : lastDecodablePrefix(bytes, encoding);
  const line = 1 + bytes.subarray(0, at).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
  const shown = `0x${bytes[Math.min(at, bytes.length - 1)].toString(16).padStart(2, '0')}`;
  const where = `${path}: ${utf8 ? 'byte' : 'near byte'} ${at} (line ${line}): not valid ${utf8 ? 'UTF-8' : encoding} (${shown})`;
  const advice = encoding.startsWith('utf-16')
    ? `the file is damaged or not ${encoding}; save it again as "Unicode text" or as "CSV UTF-8"`
    : guessed
      ? 'if it came from Excel or another Windows program, pass --encoding windows-1252 (or the encoding it was saved in, e.g. latin1, shift_jis), or save it as "CSV UTF-8"'
      : 'pass the encoding the file was saved in with --encoding, or save it as "CSV UTF-8"';
  return new EmbError('E_ENCODING', `${where}; ${advice}`);
}

/**
 * The length of the longest prefix `encoding` decodes without error (a binary search). In
 * streaming mode an incomplete sequence at a prefix's end only waits for more bytes, so the
 * error lies in the sequence that reaches past it.
 */
function lastDecodablePrefix(bytes: Uint8Array, encoding: string): number {
  const fine = (k: number) => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, k), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fine(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The offset of the first byte that starts an invalid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const len =
      c < 0x80
        ? 1
        : c >= 0xc2 && c < 0xe0
          ? 2
          : c >= 0xe0 && c < 0xf0
            ? 3
            : c >= 0xf0 && c < 0xf5
              ? 4
              : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    if (len === 3 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0)))
      return i;
    if (len === 4 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90)))
      return i;
    i += len;
  }
  return b.length;
}
