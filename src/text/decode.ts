/**
 * Data files as spreadsheets and editors save them: UTF-8 with or without a byte-order mark,
 * UTF-16 LE/BE with one (Excel's "Unicode text"), or a legacy encoding the user names
 * (`latin1`, `windows-1252`, or any label TextDecoder knows: `shift_jis`, `gbk`, `koi8-r`...).
 * Undecodable bytes are an error that names the byte and gives advice that fits the bytes:
 * never "latin1" for what is UTF-16.
 */
import { EmbError, option } from '../errors.js';

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

/** Bytes held back before decoding starts: enough for a byte-order mark and the UTF-16 check. */
const HEAD = 4096;

/**
 * Decodes a file piece by piece, in constant memory: with `encoding` as given, else by its
 * byte-order mark, else as UTF-8 (checked). The byte-order mark is not part of the text.
 * Each piece is cut where a character ends and decoded on its own, so an undecodable byte is
 * reported at its exact offset in the file and on its line, however far into the file it is.
 */
export class ChunkDecoder {
  /** The encoding used, once the first bytes are in (see Decoded.encoding). */
  encoding = '';
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private decode: ((bytes: Uint8Array) => string) | undefined;
  /** How a piece may be cut: after any byte, where a UTF-8 or UTF-16 character ends, or after an LF. */
  private cut: (bytes: Uint8Array) => number = (b) => b.length;
  /** Bytes of an incomplete character (or line) held for the next piece. */
  private carry: Uint8Array = new Uint8Array(0);
  /** File offset of carry[0], and the lines the text before it has. */
  private offset = 0;
  private lines = 0;

  constructor(
    private readonly path: string,
    private readonly given?: string,
  ) {}

  /** The text of `bytes` that is complete, after what earlier pushes returned. */
  push(bytes: Uint8Array): string {
    if (!this.decode) {
      this.head.push(bytes);
      this.headBytes += bytes.length;
      if (this.headBytes < HEAD) return '';
      return this.start();
    }
    return this.piece(bytes, false);
  }

  /** The rest of the text; an incomplete character at the end is an error. */
  end(): string {
    return (this.decode ? '' : this.start()) + this.piece(new Uint8Array(0), true);
  }

  /** Chooses the decoder from the first bytes, then decodes them. */
  private start(): string {
    const first = this.head.length === 1 ? this.head[0] : Buffer.concat(this.head);
    this.head = [];
    const { path, given } = this;
    const bom = bomEncoding(first);
    const label = (given ?? bom ?? 'utf-8').trim().toLowerCase();
    const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    if (ISO_8859_1.has(label)) {
      this.encoding = 'latin1';
      this.decode = (b) => bytes(b).toString('latin1');
      return this.piece(first, false);
    }
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
    } catch {
      throw new EmbError(
        'E_INPUT',
        `${path}: unknown encoding "${given}"; expected utf-8, utf-16le, utf-16be, latin1, windows-1252 or another WHATWG encoding label`,
      );
    }
    this.encoding = decoder.encoding;
    // Every label WHATWG maps to windows-1252 (cp1252, ascii, us-ascii...).
    if (decoder.encoding === 'windows-1252') {
      this.decode = (b) =>
        bytes(b)
          .toString('latin1')
          .replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
      return this.piece(first, false);
    }
    if (given === undefined && !bom) {
      const utf16 = looksUtf16(first);
      if (utf16) {
        throw new EmbError(
          'E_ENCODING',
          `${path}: the file looks like ${utf16.toUpperCase()} without a byte-order mark (every other byte is 0); pass ${option('encoding', utf16)}`,
        );
      }
    }
    this.decode = (b) => decoder.decode(b);
    this.cut = cutterFor(decoder.encoding);
    // A byte-order mark of the encoding read is not text (a U+FEFF later in the file is).
    const skip = bom === decoder.encoding ? BOMS.find((b) => b.encoding === bom)!.bytes.length : 0;
    this.offset = skip;
    return this.piece(first.subarray(skip), false);
  }

  /** Decodes carry + bytes up to the last place a piece may end (all of it at the end). */
  private piece(bytes: Uint8Array, last: boolean): string {
    const all = this.carry.length === 0 ? bytes : Buffer.concat([this.carry, bytes]);
    const at = last ? all.length : this.cut(all);
    const piece = all.subarray(0, at);
    this.carry = all.subarray(at);
    let text: string;
    try {
      text = this.decode!(piece);
    } catch {
      throw this.undecodable(piece);
    }
    this.offset += at;
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) this.lines++;
    return text;
  }

  /** The error for bytes the encoding cannot decode: where, which bytes, and what to do. */
  private undecodable(piece: Uint8Array): EmbError {
    const encoding = this.encoding;
    const utf8 = encoding === 'utf-8';
    const at = utf8 ? firstInvalidUtf8(piece) : lastDecodablePrefix(piece, encoding);
    const before = new TextDecoder(encoding).decode(piece.subarray(0, at));
    const line = this.lines + 1 + before.split('\n').length - 1;
    const shown = `0x${piece[Math.min(at, piece.length - 1)].toString(16).padStart(2, '0')}`;
    const where = `${this.path}: ${utf8 ? 'byte' : 'near byte'} ${this.offset + at} (line ${line}): not valid ${utf8 ? 'UTF-8' : encoding} (${shown})`;
    const advice = encoding.startsWith('utf-16')
      ? `the file is damaged or not ${encoding}; save it again as "Unicode text" or as "CSV UTF-8"`
      : this.given === undefined
        ? `if it came from Excel or another Windows program, pass ${option('encoding', 'windows-1252')} (or the encoding it was saved in, e.g. latin1, shift_jis), or save it as "CSV UTF-8"`
        : `pass the encoding the file was saved in with ${option('encoding')}, or save it as "CSV UTF-8"`;
    return new EmbError('E_ENCODING', `${where}; ${advice}`);
  }
}

/**
 * Where a piece of bytes in `encoding` may be cut so that both parts decode on their own:
 * before an incomplete UTF-8 sequence, after a whole UTF-16 character, and for the other
 * multi-byte encodings (shift_jis, gbk, big5, euc-*...) after the last LF, a byte that is a
 * line break in all of them and never part of a longer character.
 */
function cutterFor(encoding: string): (b: Uint8Array) => number {
  if (encoding === 'utf-8') {
    return (b) => {
      // Back to the last byte that starts a character; keep it if its sequence is whole.
      let k = b.length - 1;
      while (k >= 0 && k > b.length - 4 && (b[k] & 0xc0) === 0x80) k--;
      if (k < 0) return b.length;
      const c = b[k];
      const len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return k + len <= b.length ? b.length : k;
    };
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const high = encoding === 'utf-16le' ? 1 : 0;
    return (b) => {
      const even = b.length & ~1;
      // A high surrogate as the last unit waits for its pair.
      const last = even >= 2 ? b[even - 2 + high] : 0;
      return last >= 0xd8 && last <= 0xdb ? even - 2 : even;
    };
  }
  return (b) => b.lastIndexOf(LF) + 1;
}

const LF = 10;

/**
 * Decodes a whole data file (see ChunkDecoder): with `encoding` as given, else by its
 * byte-order mark, else as UTF-8 (checked).
 */
export function decodeText(bytes: Uint8Array, path: string, encoding?: string): Decoded {
  const decoder = new ChunkDecoder(path, encoding);
  const text = decoder.push(bytes) + decoder.end();
  return { text, encoding: decoder.encoding };
}

/** The text of UTF-8 bytes, or an error naming the byte offset of the first invalid sequence. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  return decodeText(bytes, path, 'utf-8').text;
}

/**
 * Decoded text of a byte stream (a file, stdin), piece by piece as the bytes arrive, in
 * constant memory (see ChunkDecoder); `onEncoding` learns the encoding used once it is known.
 */
export async function* decodeStream(
  chunks: AsyncIterable<Uint8Array>,
  path: string,
  encoding?: string,
  onEncoding?: (encoding: string) => void,
): AsyncGenerator<string> {
  const decoder = new ChunkDecoder(path, encoding);
  let told = false;
  const tell = () => {
    if (told || !decoder.encoding) return;
    told = true;
    onEncoding?.(decoder.encoding);
  };
  for await (const chunk of chunks) {
    const text = decoder.push(chunk);
    tell();
    if (text) yield text;
  }
  const rest = decoder.end();
  tell();
  if (rest) yield rest;
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
