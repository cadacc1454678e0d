import { Vocabulary } from './vocabulary.js';
import type { Subwords } from './subwords.js';
import { findRow, findVector, type Lookup, type WordVector } from './lookup.js';

export type { Lookup, WordVector } from './lookup.js';

/** Where a set of vectors came from; stored in the .emb metadata section. */
export interface Provenance {
  /** The file the vectors were read from, as given. */
  source: string;
  /** Its format: word2vec-binary, word2vec-text, glove-text, fasttext-vec, fasttext-bin, wink-json, emb. */
  sourceFormat: string;
  /** The program that wrote the .emb file, with its version. */
  tool?: string;
  created?: string;
}

/**
 * Word vectors as the original float32 rows plus their L2 norms. Queries divide each dot
 * product by the row's norm (one multiply per row in the scan kernel), which gives cosine
 * similarity without a second, normalised copy of the matrix, and keeps every vector exactly
 * as the source file had it, so export round-trips bit for bit. Backed either by a
 * memory-mapped .emb file or by arrays a reader built.
 */
export class Embeddings {
  readonly rows: number;
  private inverseNorms?: Float32Array;

  constructor(
    readonly vocab: Vocabulary,
    readonly dims: number,
    /** rows x dims, row-major, as read from the source. */
    readonly matrix: Float32Array,
    readonly norms: Float32Array,
    readonly provenance: Provenance,
    /** Character n-gram vectors for unknown words (fastText), when the source had them. */
    readonly subwords?: Subwords,
  ) {
    this.rows = vocab.size;
  }

  /** Builds from rows a reader parsed: computes the norms and the word index. */
  static fromRows(
    vocab: Vocabulary,
    matrix: Float32Array,
    dims: number,
    provenance: Provenance,
    subwords?: Subwords,
  ): Embeddings {
    const norms = new Float32Array(vocab.size);
    for (let i = 0; i < vocab.size; i++) {
      let s = 0;
      for (let j = i * dims, e = j + dims; j < e; j++) s += matrix[j] * matrix[j];
      norms[i] = Math.sqrt(s);
    }
    return new Embeddings(vocab, dims, matrix, norms, provenance, subwords);
  }

  /** 1 / norm per row (0 for a zero row): the scale that turns dot products into cosines. */
  get scale(): Float32Array {
    if (!this.inverseNorms) {
      const inv = new Float32Array(this.rows);
      for (let i = 0; i < this.rows; i++) inv[i] = this.norms[i] > 0 ? 1 / this.norms[i] : 0;
      this.inverseNorms = inv;
    }
    return this.inverseNorms;
  }

  /** The row of a word: exact spelling, else lower-cased (embeddings/lookup.ts). */
  lookup(word: string): Lookup | undefined {
    return findRow(this, word);
  }

  word(row: number): string {
    return this.vocab.word(row);
  }

  /** The vector of a row as the source had it (a view, not a copy). */
  row(row: number): Float32Array {
    return this.matrix.subarray(row * this.dims, (row + 1) * this.dims);
  }

  /** A unit-length copy of a row. */
  unitRow(row: number): Float32Array {
    return scaled(this.row(row), this.norms[row] > 0 ? 1 / this.norms[row] : 0);
  }

  /**
   * The vector for a word by the one lookup policy (embeddings/lookup.ts): exact spelling,
   * then fastText subwords when the vectors have them, then lower-cased. Undefined when none.
   */
  vector(word: string): WordVector | undefined {
    return findVector(this, word);
  }
}

function scaled(v: Float32Array, by: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) out[j] = v[j] * by;
  return out;
}
