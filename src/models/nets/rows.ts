/**
 * The word rows a fine-tuned network reads: its own table, one row per piece of the training
 * texts, and the pretrained rows of words it meets only when predicting.
 *
 * A token stands for the pieces the one lookup policy gives it (embeddings/lookup.ts): a
 * vocabulary word's row (keyed by that word, so "Film" and "film" share it), a fastText
 * subword vector (keyed by the token), or its clitic parts (`don't` as `do` + `not`). A
 * training token with none of these gets a row of its own, small and random (U(-0.25, 0.25),
 * Kim's). Row 0 is zeros: a token of a text to label that has no row stands there, so a
 * convolution keeps its place, and the average skips it.
 *
 * The rows of the training texts are the model's (saved with it, in non-static mode all of
 * them, in static mode those not read from the vectors); rows found only when predicting are
 * read from the vectors the model was trained with, kept for the next texts, and dropped
 * together when there are too many.
 */
import type { Embeddings } from '../../embeddings/embeddings.js';
import { findTokenVectors } from '../../embeddings/lookup.js';
import { EmbError } from '../../errors.js';
import type { Random } from '../../random.js';
import type { Docs } from '../kind.js';

/** How a row started: a row of the vectors, a fastText subword vector, or random. */
export type Origin = 'vectors' | 'subwords' | 'random';

/** Kim's range for the rows of words without a vector. */
const UNKNOWN_RANGE = 0.25;
/** Rows of words met only when predicting, at most (then they are dropped together). */
const EXTRA_ROWS = 1 << 17;
const NO_IDS = new Int32Array(0);

interface Piece {
  key: string;
  origin: Origin;
  vector?: Float32Array;
}

/** What saving needs to rebuild the table: the keys and origins of the model's own rows. */
export interface RowsState {
  keys: string[];
  origins: Origin[];
}

export class WordRows {
  /** rows x dims; row 0 zeros, then the model's own rows, then rows met when predicting. */
  table: Float32Array;
  private size: number;
  private readonly index = new Map<string, number>();
  private readonly tokens = new Map<string, Int32Array>();
  /** The keys of the rows after the model's own, in order. */
  private extraKeys: string[] = [];

  private constructor(
    private readonly emb: Embeddings,
    readonly clitics: boolean,
    readonly keys: string[],
    readonly origins: Origin[],
    table: Float32Array,
  ) {
    this.table = table;
    this.size = keys.length + 1;
    keys.forEach((k, i) => this.index.set(k, i + 1));
  }

  get dims(): number {
    return this.emb.dims;
  }

  /** The model's own rows (row 0 and the training pieces): the rows that train. */
  get ownRows(): number {
    return this.keys.length + 1;
  }

  /** A table for the pieces of the training texts, in order of first appearance. */
  static build(docs: Docs, emb: Embeddings, clitics: boolean, rng: Random): WordRows {
    const d = emb.dims;
    const keys: string[] = [];
    const origins: Origin[] = [];
    const vectors: (Float32Array | undefined)[] = [];
    const seen = new Set<string>();
    for (const doc of docs)
      for (const token of doc)
        for (const p of piecesOf(emb, token, clitics)) {
          if (seen.has(p.key)) continue;
          seen.add(p.key);
          keys.push(p.key);
          origins.push(p.origin);
          vectors.push(p.vector);
        }
    const table = new Float32Array((keys.length + 1) * d);
    vectors.forEach((v, i) => {
      if (v) table.set(v, (i + 1) * d);
      else
        for (let j = 0; j < d; j++) table[(i + 1) * d + j] = (2 * rng.next() - 1) * UNKNOWN_RANGE;
    });
    return new WordRows(emb, clitics, keys, origins, table);
  }

  /**
   * Reopens a saved table: `saved` holds the rows of the keys `savedRow` marks (in order), the
   * others are read from the vectors by their word.
   */
  static restore(
    state: RowsState,
    saved: Float32Array,
    savedRow: (origin: Origin) => boolean,
    emb: Embeddings,
    clitics: boolean,
    where: string,
  ): WordRows {
    const d = emb.dims;
    const table = new Float32Array((state.keys.length + 1) * d);
    let at = 0;
    state.keys.forEach((key, i) => {
      if (savedRow(state.origins[i])) {
        if ((at + 1) * d > saved.length)
          throw new EmbError('E_MODEL', `${where}: fewer saved rows than the model lists`);
        table.set(saved.subarray(at * d, (at + 1) * d), (i + 1) * d);
        at++;
        return;
      }
      const row = emb.vocab.index(key);
      if (row < 0)
        throw new EmbError(
          'E_MODEL',
          `${where}: the vectors have no word "${key}", which the model reads from them`,
        );
      table.set(emb.row(row), (i + 1) * d);
    });
    if (at * d !== saved.length)
      throw new EmbError('E_MODEL', `${where}: more saved rows than the model lists`);
    return new WordRows(emb, clitics, [...state.keys], [...state.origins], table);
  }

  get state(): RowsState {
    return { keys: this.keys, origins: this.origins };
  }

  /** The model's own rows that `savedRow` marks, in order (what a model folder stores). */
  savedRows(savedRow: (origin: Origin) => boolean): Float32Array {
    const d = this.dims;
    const rows = this.origins.flatMap((o, i) => (savedRow(o) ? [i + 1] : []));
    const out = new Float32Array(rows.length * d);
    rows.forEach((r, k) => out.set(this.table.subarray(r * d, (r + 1) * d), k * d));
    return out;
  }

  /**
   * The row ids of each document's pieces, concatenated, and where each document's start
   * (offsets, one more than the documents). Training documents have every piece; others
   * read the vectors for pieces the model has not seen, and the zero row for tokens with none.
   */
  sequences(docs: Docs): { ids: Int32Array; offsets: Int32Array } {
    if (this.size - this.ownRows > EXTRA_ROWS) this.dropExtraRows();
    const parts = docs.map((doc) => doc.map((t) => this.idsOf(t)));
    const offsets = new Int32Array(docs.length + 1);
    parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.reduce((a, x) => a + x.length, 0)));
    const ids = new Int32Array(offsets[docs.length]);
    parts.forEach((p, i) => {
      let at = offsets[i];
      for (const x of p) {
        ids.set(x, at);
        at += x.length;
      }
    });
    return { ids, offsets };
  }

  private idsOf(token: string): Int32Array {
    let ids = this.tokens.get(token);
    if (ids) return ids;
    const pieces = piecesOf(this.emb, token, this.clitics);
    ids = pieces.length === 0 ? NO_IDS : Int32Array.from(pieces, (p) => this.rowOf(p));
    this.tokens.set(token, ids);
    return ids;
  }

  private rowOf(p: Piece): number {
    const known = this.index.get(p.key);
    if (known !== undefined) return known;
    if (!p.vector) return 0;
    const d = this.dims;
    if ((this.size + 1) * d > this.table.length) {
      const grown = new Float32Array(Math.max(this.table.length * 2, (this.size + 1) * d));
      grown.set(this.table);
      this.table = grown;
    }
    this.table.set(p.vector, this.size * d);
    this.index.set(p.key, this.size);
    this.extraKeys.push(p.key);
    return this.size++;
  }

  /** Forgets the rows met when predicting (the next texts read them again). */
  private dropExtraRows(): void {
    for (const key of this.extraKeys) this.index.delete(key);
    this.extraKeys = [];
    this.size = this.ownRows;
    this.tokens.clear();
  }
}

/** A token's pieces by the one lookup policy; one random piece (keyed by it) when it has none. */
function piecesOf(emb: Embeddings, token: string, clitics: boolean): Piece[] {
  const vectors = findTokenVectors(emb, token, { clitics });
  if (vectors.length === 0) return [{ key: token, origin: 'random' }];
  return vectors.map((v, i) =>
    v.row >= 0
      ? { key: emb.word(v.row), origin: 'vectors', vector: v.vector }
      : // A subword vector: the token's own, or (clitic parts) its i-th part's.
        {
          key: vectors.length === 1 ? token : `${token}\u0000${i}`,
          origin: 'subwords',
          vector: v.vector,
        },
  );
}
