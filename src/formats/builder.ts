import { EmbError, place } from '../errors.js';
import { Embeddings, type Provenance } from '../embeddings/embeddings.js';
import type { Subwords } from '../embeddings/subwords.js';
import { VocabularyBuilder } from '../embeddings/vocabulary.js';
import type { WordBytes } from './words.js';

const decoder = new TextDecoder();

export interface BuilderParts {
  offsets: Uint32Array;
  bytes: Uint8Array;
  matrix: Float32Array;
  duplicates: number;
  firstDuplicate?: string;
}

/**
 * Collects rows as a reader parses them: a growing float32 matrix written in place, words
 * kept as UTF-8 bytes, duplicate words dropped (the first one wins, as in gensim), non-finite
 * values refused.
 */
export class VectorsBuilder {
  private readonly vocab = new VocabularyBuilder();
  private matrix: Float32Array;
  duplicates = 0;
  firstDuplicate?: string;

  constructor(
    readonly file: string,
    readonly dims: number,
    expectedRows = 1024,
  ) {
    if (!Number.isInteger(dims) || dims <= 0) {
      throw new EmbError(
        'E_FORMAT',
        `${file}: the dimension must be a positive whole number, got ${dims}`,
      );
    }
    this.matrix = new Float32Array(Math.max(1, expectedRows) * dims);
  }

  get rows(): number {
    return this.vocab.size;
  }

  /** The slot the next row is parsed into (valid until the next call). */
  slot(): Float32Array {
    const need = (this.rows + 1) * this.dims;
    if (need > this.matrix.length) {
      const bigger = new Float32Array(Math.max(need, this.matrix.length * 2));
      bigger.set(this.matrix);
      this.matrix = bigger;
    }
    return this.matrix.subarray(this.rows * this.dims, need);
  }

  /** Keeps the row in slot() under `word`, unless the word was seen before. */
  commit(word: WordBytes, where: { line?: number; byte?: number }): void {
    const o = this.rows * this.dims;
    for (let j = 0; j < this.dims; j++) {
      if (!Number.isFinite(this.matrix[o + j])) {
        throw new EmbError(
          'E_FORMAT',
          `${place(this.file, where)}: value ${j + 1} of "${decode(word)}" is ${this.matrix[o + j]}, expected a finite float32`,
        );
      }
    }
    if (this.vocab.add(word.buf, word.start, word.end) < 0) {
      this.duplicates++;
      this.firstDuplicate ??= decode(word);
    }
  }

  /** What a worker thread hands back: words, rows and duplicates, as transferable arrays. */
  parts(): BuilderParts {
    const vocab = this.vocab.finish();
    return {
      offsets: vocab.offsets,
      bytes: vocab.bytes,
      matrix: this.matrix.slice(0, this.rows * this.dims),
      duplicates: this.duplicates,
      firstDuplicate: this.firstDuplicate,
    };
  }

  /**
   * Appends another builder's parts (the next stretch of the same file), dropping words seen
   * before: one bulk copy of the rows, then compaction only if a duplicate turns up.
   */
  absorb(parts: BuilderParts): void {
    const d = this.dims;
    const rows = parts.offsets.length - 1;
    const first = this.rows;
    if ((first + rows) * d > this.matrix.length) {
      const bigger = new Float32Array((first + rows) * d);
      bigger.set(this.matrix.subarray(0, first * d));
      this.matrix = bigger;
    }
    this.matrix.set(parts.matrix, first * d);
    let kept = first;
    for (let i = 0; i < rows; i++) {
      if (this.vocab.add(parts.bytes, parts.offsets[i], parts.offsets[i + 1]) < 0) {
        this.duplicates++;
        this.firstDuplicate ??= decoder.decode(
          parts.bytes.subarray(parts.offsets[i], parts.offsets[i + 1]),
        );
        continue;
      }
      if (kept !== first + i)
        this.matrix.copyWithin(kept * d, (first + i) * d, (first + i + 1) * d);
      kept++;
    }
    this.duplicates += parts.duplicates;
    if (parts.firstDuplicate !== undefined) this.firstDuplicate ??= parts.firstDuplicate;
  }

  /** Warnings worth telling the user (duplicates dropped). */
  warnings(): string[] {
    if (this.duplicates === 0) return [];
    return [
      `${this.file}: ${this.duplicates} duplicate word${this.duplicates > 1 ? 's' : ''} (first: "${this.firstDuplicate}"); kept the first vector of each`,
    ];
  }

  finish(provenance: Provenance, subwords?: Subwords): Embeddings {
    if (this.rows === 0) throw new EmbError('E_FORMAT', `${this.file}: no vectors found`);
    const size = this.rows * this.dims;
    // A view when the estimate was close; a copy only when it would waste much memory.
    const matrix =
      this.matrix.length - size < size / 4
        ? this.matrix.subarray(0, size)
        : this.matrix.slice(0, size);
    return Embeddings.fromRows(this.vocab.finish(), matrix, this.dims, provenance, subwords);
  }
}

function decode(word: WordBytes): string {
  return decoder.decode(word.buf.subarray(word.start, word.end));
}
