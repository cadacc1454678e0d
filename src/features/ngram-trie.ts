/**
 * A saved vocabulary's n-grams as a trie in flat arrays, read from the bytes of
 * vocabulary.bin in one sequential pass: node v < tokens is token v, and the children of node v
 * are the nodes first[v] .. first[v + 1] - 1, sorted by their last token, so an n-gram is
 * found with one binary search per token after its first. Loading hashes no n-gram: the
 * SpamAssassin model's 975,209 took a second as JSON strings, then half a second hashed into
 * an NgramIndex.
 *
 * The bytes, little-endian: "EMBV", version 3; the number of tokens, the byte length of their
 * UTF-8 text and that text (tokens joined by "\n", which no token holds, in increasing UTF-16
 * order); the number of levels L (the longest n-gram) and of nodes; then, as unsigned LEB128
 * numbers, level by level, each node in order: its first number times 2, plus 1 if it is a
 * term (else it is only a prefix of longer n-grams), then the rest. Its numbers are (levels
 * after the first) its last token minus the previous sibling's (the first sibling: minus 0) and
 * (levels before the last) how many children it has; a token of a unigram vocabulary has none
 * and writes 0. The columns are the terms in node order.
 *
 * Version 2 (still read) wrote column + 1 after the token (0: no term), in any column order.
 * Version 1 (still read) had neither the node count nor sorted tokens. Start-up of `emb
 * predict` is mostly this decoding (issue 20): with the count the arrays are allocated once,
 * and sorted tokens are found by binary search, so a few lookups need no Map of them all.
 */
/**
 * The n-grams of a vocabulary as sequences of token indices, with their columns, in flat
 * arrays: an array per n-gram and an object per trie node took 280 MB of heap to save the
 * SpamAssassin model's 975,209 n-grams, more than training it.
 */
export interface TermPaths {
  words: readonly string[];
  /** Column j's n-gram is tokens[starts[j] .. starts[j + 1]): indices into `words`. */
  tokens: Int32Array;
  starts: Int32Array;
}

const MAGIC = Uint8Array.from([0x45, 0x4d, 0x42, 0x56]); // "EMBV"

/**
 * The trie's bytes and the order of its columns. Version 3 numbers the columns in the order it
 * stores their nodes, so it needs no column numbers (issue 20: they were random against the
 * node order, most of the file, and did not compress): saved column j is
 * `vocabulary` column keep[j]. Version 2, as emb wrote before (for tests of the files it
 * saved), keeps the columns as they are.
 */
export function encodeTrie(
  vocabulary: TermPaths,
  version: 2 | 3 = 3,
): { bytes: Uint8Array; keep: Int32Array } {
  const { words, levels, count, column, token, under } = trieNodes(vocabulary);
  const out = new ByteWriter();
  out.bytes(MAGIC);
  out.u32(version);
  const text = new TextEncoder().encode(words.join('\n'));
  out.u32(words.length);
  out.u32(text.length);
  out.bytes(text);
  out.u32(levels);
  out.u32(count.reduce((sum, c) => sum + c, 0));
  const keep: number[] = [];
  for (let n = 1; n <= levels; n++) {
    let child = 0;
    for (let k = 0; k < count[n]; k++) {
      const term = column[n][k];
      let delta = 0;
      if (n > 1) {
        const sibling = k > 0 && under(n, k - 1, n, k, n - 1);
        delta = token(n, k, n - 1) - (sibling ? token(n, k - 1, n - 1) : 0);
      }
      let children = 0;
      if (n < levels) {
        const start = child;
        while (child < count[n + 1] && under(n + 1, child, n, k, n)) child++;
        children = child - start;
      }
      if (version === 2) {
        if (n > 1) out.varint(delta);
        out.varint(term + 1);
        if (n < levels) out.varint(children);
        continue;
      }
      if (term >= 0) keep.push(term);
      out.varint(2 * (n > 1 ? delta : children) + (term >= 0 ? 1 : 0));
      if (n > 1 && n < levels) out.varint(children);
    }
  }
  const terms = vocabulary.starts.length - 1;
  return {
    bytes: out.done(),
    keep: version === 2 ? Int32Array.from({ length: terms }, (_, j) => j) : Int32Array.from(keep),
  };
}

/**
 * The trie's nodes level by level, in the order it stores them, in flat arrays: level 1's node
 * t is token t; node k of level n > 1 is the first n tokens of the n-gram of column ref[n][k],
 * and column[n][k] is its own column (-1: it is only a prefix).
 */
function trieNodes(vocabulary: TermPaths) {
  const { words, tokens, starts } = sortTokens(vocabulary);
  const terms = starts.length - 1;
  const length = (j: number) => starts[j + 1] - starts[j];
  let levels = 1;
  for (let j = 0; j < terms; j++) levels = Math.max(levels, length(j));
  // The n-grams sorted by their tokens (a prefix before its extensions): the distinct
  // prefixes of each length then come in runs, in the order the trie stores its levels.
  const order = Int32Array.from({ length: terms }, (_, j) => j).sort((a, b) => {
    const n = Math.min(length(a), length(b));
    for (let i = 0; i < n; i++) {
      const d = tokens[starts[a] + i] - tokens[starts[b] + i];
      if (d !== 0) return d;
    }
    return length(a) - length(b);
  });
  const count = new Int32Array(levels + 1);
  const ref: Int32Array[] = [];
  const column: Int32Array[] = [new Int32Array(0), new Int32Array(words.length).fill(-1)];
  count[1] = words.length;
  for (let n = 2; n <= levels; n++) {
    let longer = 0;
    for (let j = 0; j < terms; j++) if (length(j) >= n) longer++;
    ref[n] = new Int32Array(longer);
    column[n] = new Int32Array(longer);
  }
  // Token i of column a and of column b are the same, for i < n.
  const sameStart = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) if (tokens[starts[a] + i] !== tokens[starts[b] + i]) return false;
    return true;
  };
  for (const j of order) {
    const p = length(j);
    if (p === 1) column[1][tokens[starts[j]]] = j;
    for (let n = 2; n <= p; n++) {
      const top = count[n] - 1;
      if (top < 0 || !sameStart(ref[n][top], j, n)) {
        ref[n][count[n]] = j;
        column[n][count[n]++] = -1;
      }
      if (p === n) column[n][count[n] - 1] = j;
    }
  }
  /** Token i of node k of level n. */
  const token = (n: number, k: number, i: number) => (n === 1 ? k : tokens[starts[ref[n][k]] + i]);
  /** Whether node a of level m and node b of level n share their first `prefix` tokens. */
  const under = (m: number, a: number, n: number, b: number, prefix: number) => {
    for (let i = 0; i < prefix; i++) if (token(m, a, i) !== token(n, b, i)) return false;
    return true;
  };
  return { words, levels, count, column, token, under };
}

/** The same n-grams over the tokens renumbered in increasing order (`<` on strings). */
function sortTokens({ words, tokens, starts }: TermPaths): TermPaths {
  const order = Array.from(words.keys()).sort((a, b) => (words[a] < words[b] ? -1 : 1));
  const rank = new Int32Array(words.length);
  order.forEach((t, k) => (rank[t] = k));
  return { words: order.map((t) => words[t]), tokens: tokens.map((t) => rank[t]), starts };
}

/** A read-only n-gram index: gram ids are node ids, and each node knows its column. */
export class NgramTrie {
  /**
   * Token ids by text, built on first use for unsorted (version 1) tokens, else after as many
   * binary searches as there are tokens (by then the Map costs at most as much again).
   */
  private tokenIds?: Map<string, number>;
  private searches = 0;
  private tok = new Int32Array(64);
  private cur = new Int32Array(64);

  private constructor(
    private readonly words: JoinedTokens,
    /** Whether `words` increase, so that binary search finds a token. */
    private readonly sorted: boolean,
    /** The column of each node, -1 for a prefix only. */
    readonly column: Int32Array,
    private readonly first: Int32Array,
    private readonly last: Int32Array,
    private readonly parent: Int32Array,
  ) {}

  /** The trie encodeTrie wrote; `bad` throws the error that names the file. */
  static decode(bytes: Uint8Array, bad: (what: string) => never): NgramTrie {
    const r = new ByteReader(bytes, bad);
    if (!MAGIC.every((b, i) => bytes[i] === b)) bad('not an emb vocabulary');
    r.at = 4;
    const version = r.u32();
    if (version < 1 || version > 3) bad(`expected vocabulary version 1 to 3, found ${version}`);
    const tokens = r.u32();
    const text = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(r.u32()));
    const words = new JoinedTokens(text, tokens, bad);
    const sorted = version >= 2;
    // Version 3 numbers the columns in node order, so a node says only whether it is a term.
    const compact = version === 3;
    let terms = 0;
    if (sorted) {
      if (!words.increasing()) bad('expected distinct tokens in increasing order');
    } else if (new Set(words.all()).size !== tokens)
      bad('expected distinct tokens, found duplicates');
    const levels = r.u32();
    if (levels < 1 || levels > 64) bad(`expected 1 to 64 levels, found ${levels}`);
    // Version 1 has no node count, but every node takes at least one byte.
    const nodes = sorted ? r.u32() : Math.max(tokens, bytes.length - r.at);
    if (nodes < tokens || nodes > 2 ** 30)
      bad(`expected ${tokens} to 2^30 n-grams, found ${nodes}`);
    // Nodes in the order they are stored (level by level): each node's children are the next
    // nodes of the level below, so first[v] is the count of nodes stored before them.
    const column = new Int32Array(nodes);
    const first = new Int32Array(nodes + 1);
    const last = new Int32Array(nodes);
    const parent = new Int32Array(nodes);
    let total = tokens;
    let level = 1;
    let levelEnd = tokens;
    for (let v = 0; v < total; v++) {
      if (v === levelEnd) {
        level++;
        levelEnd = total;
      }
      // Version 3: the node's first number (its token's delta, or at level 1 its child count)
      // times 2, plus 1 for a term.
      let head = 0;
      let term = false;
      if (compact) {
        const h = r.varint();
        term = h % 2 === 1;
        head = (h - (term ? 1 : 0)) / 2;
      }
      if (level === 1) {
        last[v] = v;
        parent[v] = -1;
      } else {
        const sibling = v > first[parent[v]];
        last[v] = (compact ? head : r.varint()) + (sibling ? last[v - 1] : 0);
        if (last[v] >= tokens || (sibling && last[v] <= last[v - 1]))
          bad(`n-gram ${v}: expected increasing tokens below ${tokens}`);
      }
      column[v] = compact ? (term ? terms++ : -1) : r.varint() - 1;
      first[v] = total;
      if (level === levels) continue;
      const count = compact && level === 1 ? head : r.varint();
      if (total + count > nodes) bad(`expected ${nodes} n-grams, found more`);
      parent.fill(v, total, total + count);
      total += count;
    }
    first[total] = total;
    if (r.at !== bytes.length) bad('the n-grams do not fill the file');
    if (sorted && total !== nodes) bad(`expected ${nodes} n-grams, found ${total}`);
    if (sorted) return new NgramTrie(words, true, column, first, last, parent);
    return new NgramTrie(
      words,
      false,
      column.slice(0, total),
      first.slice(0, total + 1),
      last.slice(0, total),
      parent.slice(0, total),
    );
  }

  /** How many nodes (gram ids are 0 .. size - 1). */
  get size(): number {
    return this.column.length;
  }

  /**
   * As NgramIndex.grams, but never adding (a saved vocabulary is what it is): the ids of the
   * n-grams the trie has, by length then position.
   */
  grams(
    tokens: readonly string[],
    lo: number,
    hi: number,
    _add: boolean,
    out: Int32Array,
    at: number,
  ): number {
    const n = tokens.length;
    if (n > this.tok.length) {
      this.tok = new Int32Array(n * 2);
      this.cur = new Int32Array(n * 2);
    }
    const { tok, cur } = this;
    for (let i = 0; i < n; i++) tok[i] = cur[i] = this.token(tokens[i]);
    let count = at;
    for (let len = 1; len <= hi; len++) {
      if (len > 1)
        for (let i = 0; i + len <= n; i++) {
          const b = tok[i + len - 1];
          cur[i] = cur[i] < 0 || b < 0 ? -1 : this.child(cur[i], b);
        }
      if (len >= lo) for (let i = 0; i + len <= n; i++) if (cur[i] >= 0) out[count++] = cur[i];
    }
    return count - at;
  }

  /** The index of token w, or -1. */
  private token(w: string): number {
    const words = this.words;
    if (!this.tokenIds && (!this.sorted || ++this.searches > words.length)) {
      this.tokenIds = new Map();
      words.all().forEach((word, t) => this.tokenIds!.set(word, t));
    }
    if (this.tokenIds) return this.tokenIds.get(w) ?? -1;
    let lo = 0;
    let hi = words.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const order = words.compare(w, mid);
      if (order > 0) lo = mid + 1;
      else if (order < 0) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /** The child of node v whose last token is t, or -1. */
  private child(v: number, t: number): number {
    let lo = this.first[v];
    let hi = this.first[v + 1] - 1;
    const last = this.last;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (last[mid] < t) lo = mid + 1;
      else if (last[mid] > t) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /** The token indices of node v's n-gram, first to last. */
  tokensOf(v: number): number[] {
    const out: number[] = [];
    for (let g = v; g >= 0; g = this.parent[g]) out.push(this.last[g]);
    return out.reverse();
  }

  word(t: number): string {
    return this.words.word(t);
  }

  /** The n-gram's tokens joined by one space. */
  text(v: number): string {
    return this.tokensOf(v)
      .map((t) => this.words.word(t))
      .join(' ');
  }
}

/**
 * Tokens in the text that joins them by "\n", each found by where it starts: splitting the
 * SpamAssassin model's 183,145 into strings was a third of loading its vocabulary, and a
 * prediction of a few texts looks up a few.
 */
class JoinedTokens {
  /** Token t is text[starts[t] .. starts[t + 1] - 1). */
  private readonly starts: Int32Array;

  constructor(
    private readonly text: string,
    readonly length: number,
    bad: (what: string) => never,
  ) {
    const starts = (this.starts = new Int32Array(length + 1));
    let at = -1;
    for (let t = 1; t < length; t++) {
      at = text.indexOf('\n', at + 1);
      if (at < 0) bad(`expected ${length} tokens, found ${t}`);
      starts[t] = at + 1;
    }
    starts[length] = text.length + 1;
    if (length > 0 && text.indexOf('\n', at + 1) >= 0) bad(`expected ${length} tokens, found more`);
  }

  word(t: number): string {
    return this.text.slice(this.starts[t], this.starts[t + 1] - 1);
  }

  all(): string[] {
    return Array.from({ length: this.length }, (_, t) => this.word(t));
  }

  /** The sign of w minus token t, as `<` on strings orders them (by UTF-16 code units). */
  compare(w: string, t: number): number {
    return this.order(w, 0, w.length, t);
  }

  /** Whether every token is before the next, read in place. */
  increasing(): boolean {
    const { starts } = this;
    for (let t = 1; t < this.length; t++)
      if (this.order(this.text, starts[t - 1], starts[t] - 1 - starts[t - 1], t) >= 0) return false;
    return true;
  }

  /** compare() for w[from .. from + n). */
  private order(w: string, from: number, n: number, t: number): number {
    const { text } = this;
    const at = this.starts[t];
    const size = this.starts[t + 1] - 1 - at;
    for (let i = 0; i < Math.min(n, size); i++) {
      const d = w.charCodeAt(from + i) - text.charCodeAt(at + i);
      if (d !== 0) return d;
    }
    return n - size;
  }
}

/** Little-endian u32s, LEB128 numbers and bytes into one growing buffer. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buf.length, this.at + n));
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }

  u32(v: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.at, v, true);
    this.at += 4;
  }

  varint(v: number): void {
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.at++] = v;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

/** Reads what ByteWriter wrote; `bad` throws for a read past the end or a number too long. */
class ByteReader {
  at = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly bad: (what: string) => never,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  u32(): number {
    if (this.at + 4 > this.buf.length) this.bad('cut short');
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  varint(): number {
    const buf = this.buf;
    // Four bytes (28 bits) with bitwise operators, which keep 32: the numbers of a trie (token
    // and column indices) take 1 to 3 bytes, and reading them is most of its decoding.
    let v = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.at >= buf.length) this.bad('cut short');
      const b = buf[this.at++];
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    if (this.at >= buf.length) this.bad('cut short');
    const b = buf[this.at++];
    if (b < 0x80) return v + b * 2 ** 28;
    return this.bad('a number is too long');
  }

  bytes(n: number): Uint8Array {
    if (this.at + n > this.buf.length) this.bad('cut short');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
