import { PairTable, type PairTableState } from './pair-table.js';

/**
 * Ids for word n-grams without building their strings: a token has an id from a Map, and an
 * n-gram of n > 1 tokens is the pair (id of its first n - 1 tokens, id of its last token) in a
 * PairTable. Strings are made only for the n-grams that become features (`text`).
 */
export class NgramIndex {
  private readonly tokens = new Map<string, number>();
  private readonly pairs: PairTable;
  /** For n-gram g: its first n - 1 tokens' id (-1 for a single token) and its last token. */
  private prefix: Int32Array = new Int32Array(1 << 12);
  private last: Int32Array = new Int32Array(1 << 12);
  private readonly words: string[] = [];
  private tok = new Int32Array(64);
  private cur = new Int32Array(64);
  private count = 0;

  /** `expectedPairs`: about how many n-grams of more than one token will get ids. */
  constructor(expectedPairs = 0, state?: NgramIndexState) {
    this.pairs = state ? PairTable.from(state.pairs) : new PairTable(expectedPairs);
    if (!state) return;
    state.tokens.forEach((id, k) => {
      this.tokens.set(state.words[k], id);
      this.words[id] = state.words[k];
    });
    this.prefix = state.prefix;
    this.last = state.last;
    this.count = state.prefix.length;
  }

  /**
   * The index as arrays for another thread (new NgramIndex(0, state) there). The n-grams and
   * the pair table are then in memory both threads read (8 + 32 MB for SpamAssassin's): the
   * arrays are exactly full, so the first n-gram either side adds grows a copy of its own, and
   * the pair table copies its slots first (PairTable.state).
   */
  state(): NgramIndexState {
    this.prefix = sharedCopy(this.prefix.subarray(0, this.count));
    this.last = sharedCopy(this.last.subarray(0, this.count));
    return {
      words: [...this.tokens.keys()],
      tokens: Int32Array.from(this.tokens.values()),
      prefix: this.prefix,
      last: this.last,
      pairs: this.pairs.state(),
    };
  }

  /** How many n-grams have ids (ids are 0 .. size - 1). */
  get size(): number {
    return this.count;
  }

  /**
   * Writes the ids of the n-grams of `tokens` with lo <= n <= hi into `out` from `at`, by
   * length then position, and returns how many (at most `gramCount`). With `add`, unseen
   * n-grams get new ids; without, they are skipped (so are longer n-grams that contain them).
   */
  grams(
    tokens: readonly string[],
    lo: number,
    hi: number,
    add: boolean,
    out: Int32Array,
    at: number,
  ): number {
    const n = tokens.length;
    if (n > this.tok.length) {
      this.tok = new Int32Array(n * 2);
      this.cur = new Int32Array(n * 2);
    }
    const { tok, cur } = this;
    for (let i = 0; i < n; i++) {
      let id = this.tokens.get(tokens[i]);
      if (id === undefined) id = add ? this.newToken(tokens[i]) : -1;
      tok[i] = cur[i] = id;
    }
    let count = at;
    for (let len = 1; len <= hi; len++) {
      // cur[i] becomes the id of the len-gram at i, from the (len - 1)-gram it holds.
      if (len > 1) {
        for (let i = 0; i + len <= n; i++) {
          const a = cur[i];
          const b = tok[i + len - 1];
          if (a < 0 || b < 0) cur[i] = -1;
          else {
            const id = this.pairs.get(a, b);
            cur[i] = id >= 0 ? id : add ? this.newPair(a, b) : -1;
          }
        }
      }
      if (len >= lo) for (let i = 0; i + len <= n; i++) if (cur[i] >= 0) out[count++] = cur[i];
    }
    return count - at;
  }

  /** The n-gram's tokens joined by one space, as scikit-learn spells it. */
  text(id: number): string {
    const p = this.prefix[id];
    return p < 0 ? this.words[id] : this.text(p) + ' ' + this.words[this.last[id]];
  }

  /** The ids of the single tokens of n-gram `id`, first to last. */
  tokensOf(id: number): number[] {
    const out: number[] = [];
    for (let g = id; g >= 0; g = this.prefix[g]) out.push(this.prefix[g] < 0 ? g : this.last[g]);
    return out.reverse();
  }

  /** The token of a single-token id. */
  word(id: number): string {
    return this.words[id];
  }

  /** The id of an n-gram given as its tokens, adding it (and its prefixes) when new. */
  intern(tokens: readonly string[]): number {
    const out = new Int32Array(1);
    this.grams(tokens, tokens.length, tokens.length, true, out, 0);
    return out[0];
  }

  private newToken(word: string): number {
    const id = this.next(-1, -1);
    this.tokens.set(word, id);
    this.words[id] = word;
    return id;
  }

  private newPair(a: number, b: number): number {
    const id = this.next(a, b);
    this.pairs.set(a, b, id);
    return id;
  }

  private next(prefix: number, last: number): number {
    if (this.count === this.prefix.length) {
      this.prefix = grow(this.prefix);
      this.last = grow(this.last);
    }
    this.prefix[this.count] = prefix;
    this.last[this.count] = last;
    return this.count++;
  }
}

/** An NgramIndex as plain arrays: its tokens (words[k] has id tokens[k]) and n-grams. */
export interface NgramIndexState {
  words: string[];
  tokens: Int32Array;
  prefix: Int32Array;
  last: Int32Array;
  pairs: PairTableState;
}

/** The number of n-grams with lo <= n <= hi in `tokens`: room enough for `grams`. */
export function gramCount(tokens: readonly unknown[], lo: number, hi: number): number {
  let total = 0;
  for (let len = lo; len <= hi; len++) total += Math.max(0, tokens.length - len + 1);
  return total;
}

function sharedCopy(a: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(Math.max(1 << 12, a.length * 2));
  b.set(a);
  return b;
}
