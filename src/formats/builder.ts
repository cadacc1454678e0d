import { EmbError, place } from '../errors.js';
import { Embeddings, type Provenance } from '../embeddings/embeddings.js';
import type { Subwords } from '../embeddings/subwords.js';

/**
 * Collects rows as a reader parses them: a growing float32 matrix written in place, duplicate
 * words dropped (the first one wins, as in gensim), non-finite values refused.
 */
export class VectorsBuilder {
  readonly words: string[] = [];
  private readonly seen = new Set<string>();
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
    return this.words.length;
  }

  /** The slot the next row is parsed into (valid until the next call). */
  slot(): Float32Array {
    const need = (this.words.length + 1) * this.dims;
    if (need > this.matrix.length) {
      const bigger = new Float32Array(Math.max(need, this.matrix.length * 2));
      bigger.set(this.matrix);
      this.matrix = bigger;
    }
    return this.matrix.subarray(this.words.length * this.dims, need);
  }

  /** Keeps the row in slot() under `word`, unless the word was seen before. */
  commit(word: string, where: { line?: number; byte?: number }): void {
    const row = this.matrix.subarray(
      this.words.length * this.dims,
      (this.words.length + 1) * this.dims,
    );
    for (let j = 0; j < this.dims; j++) {
      if (!Number.isFinite(row[j])) {
        throw new EmbError(
          'E_FORMAT',
          `${place(this.file, where)}: value ${j + 1} of "${word}" is ${row[j]}, expected a finite float32`,
        );
      }
    }
    if (this.seen.has(word)) {
      this.duplicates++;
      this.firstDuplicate ??= word;
      return;
    }
    this.seen.add(word);
    this.words.push(word);
  }

  /** Warnings worth telling the user (duplicates dropped). */
  warnings(): string[] {
    if (this.duplicates === 0) return [];
    return [
      `${this.file}: ${this.duplicates} duplicate word${this.duplicates > 1 ? 's' : ''} (first: "${this.firstDuplicate}"); kept the first vector of each`,
    ];
  }

  finish(provenance: Provenance, subwords?: Subwords): Embeddings {
    if (this.words.length === 0) throw new EmbError('E_FORMAT', `${this.file}: no vectors found`);
    const size = this.rows * this.dims;
    const matrix = this.matrix.length === size ? this.matrix : this.matrix.slice(0, size);
    return Embeddings.fromRows(this.words, matrix, this.dims, provenance, subwords);
  }
}
