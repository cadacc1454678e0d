import { Vocabulary } from './vocabulary.js';
import type { Subwords } from './subwords.js';

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

/** Result of looking a word up: its row, and whether it matched exactly or only lower-cased. */
export interface Lookup {
  row: number;
  match: 'exact' | 'lower';
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

  /** Exact match first, then the lower-cased word. */
  lookup(word: string): Lookup | undefined {
    const exact = this.vocab.index(word);
    if (exact >= 0) return { row: exact, match: 'exact' };
    const lower = word.toLowerCase();
    if (lower !== word) {
      const row = this.vocab.index(lower);
      if (row >= 0) return { row, match: 'lower' };
    }
    return undefined;
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
   * The vector for a word: its row when the exact spelling is known; else, when the vectors
   * carry subwords, fastText's n-gram vector (fastText's vocabulary is case-sensitive, so
   * "Film" gets its own n-gram vector there, not the row of "film"); else the row of the
   * lower-cased word. Undefined when none exists.
   */
  vector(word: string): WordVector | undefined {
    const exact = this.vocab.index(word);
    if (exact >= 0) return { vector: this.row(exact), row: exact, source: 'vocab' };
    const v = this.subwords?.vector(word);
    if (v && v.some((x) => x !== 0)) return { vector: v, row: -1, source: 'subwords' };
    const hit = this.lookup(word);
    return hit ? { vector: this.row(hit.row), row: hit.row, source: 'vocab' } : undefined;
  }
}

export interface WordVector {
  vector: Float32Array;
  /** Row in the vocabulary, or -1 for a vector built from subwords. */
  row: number;
  source: 'vocab' | 'subwords';
}

function scaled(v: Float32Array, by: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) out[j] = v[j] * by;
  return out;
}
