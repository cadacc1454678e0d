import { EmbError, place } from '../errors.js';
import { Embeddings, type Provenance } from '../embeddings/embeddings.js';
import type { Subwords } from '../embeddings/subwords.js';
import { VocabularyBuilder, type Vocabulary } from '../embeddings/vocabulary.js';
import type { WordBytes } from './words.js';

const decoder = new TextDecoder();

/** Where a writer finds the UTF-8 bytes of row i's word. */
export interface WordSource {
  wordBytes(i: number): Uint8Array;
}

/** The subword buckets as a writer streams them. */
export interface SubwordChunks {
  settings: Subwords['settings'];
  chunks: Iterable<Uint8Array>;
}

/**
 * Where rows go when they are not kept in memory: an output file being written (a conversion
 * of a file of any size then needs memory for one block of rows and the words only).
 */
export interface RowSink {
  /** n rows (n x dims) whose words are rows first .. first + n - 1 of `words`. */
  append(rows: Float32Array, n: number, first: number, words: WordSource): void;
  finish(vocab: Vocabulary, provenance: Provenance, subwords?: SubwordChunks): void;
}

/** Makes the sink once a reader knows the dimension and at most how many rows will come. */
export type SinkFactory = (dims: number, hints: { maxRows: number; subwords: boolean }) => RowSink;

/** Rows staged before they go to a sink: about 4 MB. */
const STAGE_BYTES = 4 << 20;
/** The most floats allocated ahead of need, whatever a header promises. */
const MAX_AHEAD = 1 << 26;

/**
 * Collects rows as a reader parses them, words kept as UTF-8 bytes, duplicate words dropped
 * (the first one wins, as in gensim), non-finite values refused. Rows are kept in a growing
 * float32 matrix, or, with a sink, staged and handed on a block at a time.
 */
export class VectorsBuilder {
  private readonly vocab = new VocabularyBuilder();
  private matrix: Float32Array;
  /** Rows already handed to the sink. */
  private flushed = 0;
  private readonly sink?: RowSink;
  duplicates = 0;
  firstDuplicate?: string;

  constructor(
    readonly file: string,
    readonly dims: number,
    options: {
      expectedRows?: number;
      maxRows?: number;
      sink?: SinkFactory;
      subwords?: boolean;
    } = {},
  ) {
    if (!Number.isInteger(dims) || dims <= 0 || dims > 1 << 20) {
      throw new EmbError(
        'E_FORMAT',
        `${file}: the dimension must be a whole number from 1 to ${1 << 20}, got ${dims}`,
      );
    }
    const expected = Math.max(1, options.expectedRows ?? 1024);
    this.sink = options.sink?.(dims, {
      maxRows: options.maxRows ?? expected,
      subwords: !!options.subwords,
    });
    const rows = this.sink
      ? Math.max(1, Math.floor(STAGE_BYTES / (dims * 4)))
      : Math.min(expected, Math.max(1, Math.floor(MAX_AHEAD / dims)));
    this.matrix = new Float32Array(rows * dims);
  }

  get rows(): number {
    return this.vocab.size;
  }

  /** The slot the next row is parsed into (valid until the next call). */
  slot(): Float32Array {
    const at = this.rows - this.flushed;
    if ((at + 1) * this.dims > this.matrix.length) {
      if (this.sink) return this.flush().slot();
      const bigger = new Float32Array(Math.max((at + 1) * this.dims, this.matrix.length * 2));
      bigger.set(this.matrix);
      this.matrix = bigger;
    }
    return this.matrix.subarray(at * this.dims, (at + 1) * this.dims);
  }

  /** Hands the staged rows to the sink. */
  private flush(): this {
    const n = this.rows - this.flushed;
    if (this.sink && n > 0) {
      this.sink.append(this.matrix, n, this.flushed, this.vocab);
      this.flushed = this.rows;
    }
    return this;
  }

  /** Keeps the row in slot() under `word`, unless the word was seen before. */
  commit(word: WordBytes, where: { line?: number; byte?: number }): void {
    const o = (this.rows - this.flushed) * this.dims;
    for (let j = 0; j < this.dims; j++) {
      if (!Number.isFinite(this.matrix[o + j])) {
        throw new EmbError(
          'E_FORMAT',
          `${place(this.file, where)}: value ${j + 1} of "${decode(word)}" is ${this.matrix[o + j]}, expected a finite float32`,
        );
      }
    }
    this.add(word.buf, word.start, word.end);
  }

  /** Adds a word whose row (already checked) is in slot(); false for a duplicate. */
  private add(buf: Uint8Array, start: number, end: number): boolean {
    if (this.vocab.add(buf, start, end) >= 0) return true;
    this.duplicates++;
    this.firstDuplicate ??= decoder.decode(buf.subarray(start, end));
    return false;
  }

  /**
   * Appends rows parsed elsewhere (the native parser), known to be finite: row i is
   * values[i * dims ..] under the word words[2i] .. words[2i + 1] of buf. `check` validates
   * each word's bytes (and may transcode them).
   */
  commitBlock(
    values: Float32Array,
    words: Int32Array,
    n: number,
    buf: Uint8Array,
    check: (start: number, end: number) => WordBytes,
  ): void {
    const d = this.dims;
    for (let i = 0; i < n; i++) {
      const w = check(words[2 * i], words[2 * i + 1]);
      this.slot().set(values.subarray(i * d, (i + 1) * d));
      this.add(w.buf, w.start, w.end);
    }
  }

  /** Warnings worth telling the user (duplicates dropped). */
  warnings(): string[] {
    if (this.duplicates === 0) return [];
    return [
      `${this.file}: ${this.duplicates} duplicate word${this.duplicates > 1 ? 's' : ''} (first: "${this.firstDuplicate}"); kept the first vector of each`,
    ];
  }

  /** The vectors (kept in memory), or undefined once a sink has them all. */
  finish(
    provenance: Provenance,
    subwords?: { object?: Subwords; chunks?: SubwordChunks },
  ): Embeddings | undefined {
    if (this.rows === 0) throw new EmbError('E_FORMAT', `${this.file}: no vectors found`);
    if (this.sink) {
      this.flush().sink!.finish(this.vocab.finish(), provenance, subwords?.chunks);
      return undefined;
    }
    const size = this.rows * this.dims;
    // A view when the estimate was close; a copy only when it would waste much memory.
    const matrix =
      this.matrix.length - size < size / 4
        ? this.matrix.subarray(0, size)
        : this.matrix.slice(0, size);
    return Embeddings.fromRows(
      this.vocab.finish(),
      matrix,
      this.dims,
      provenance,
      subwords?.object,
    );
  }
}

function decode(word: WordBytes): string {
  return decoder.decode(word.buf.subarray(word.start, word.end));
}
