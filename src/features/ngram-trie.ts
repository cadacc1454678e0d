/**
 * A saved vocabulary's n-grams as a trie in flat arrays, read from the bytes of
 * vocabulary.bin in one sequential pass: node v < tokens is token v, and the children of node v
 * are the nodes first[v] .. first[v + 1] - 1, sorted by their last token, so an n-gram is
 * found with one binary search per token after its first. Loading hashes no n-gram: the
 * SpamAssassin model's 975,209 took a second as JSON strings, then half a second hashed into
 * an NgramIndex.
 *
 * The bytes, little-endian: "EMBV", version 1; the number of tokens, the byte length of their
 * UTF-8 text and that text (tokens joined by "\n", which no token holds); the number of
 * levels L (the longest n-gram); then, as unsigned LEB128 numbers, level by level, each node
 * in order: (levels after the first) its last token minus the previous sibling's (the first
 * sibling: minus 0), its column + 1 (0: the node is only a prefix of longer n-grams), and
 * (levels before the last) how many children it has.
 */
/** The n-grams of a vocabulary as sequences of token indices, with their columns. */
export interface TermPaths {
  words: readonly string[];
  /** Column j's n-gram: token indices into `words`. */
  paths: readonly (readonly number[])[];
}

const MAGIC = Uint8Array.from([0x45, 0x4d, 0x42, 0x56]); // "EMBV"

export function encodeTrie({ words, paths }: TermPaths): Uint8Array {
  const levels = paths.reduce((m, p) => Math.max(m, p.length), 1);
  // The n-grams sorted by their tokens (a prefix before its extensions): the distinct
  // prefixes of each length then come in runs, in the order the trie stores its levels.
  const order = Array.from(paths.keys()).sort((a, b) => compareTokens(paths[a], paths[b]));
  const byLevel: { path: readonly number[]; column: number }[][] = [
    words.map((_, t) => ({ path: [t], column: -1 })),
  ];
  for (let n = 2; n <= levels; n++) byLevel.push([]);
  for (const j of order) {
    const p = paths[j];
    if (p.length === 1) byLevel[0][p[0]].column = j;
    for (let n = 2; n <= p.length; n++) {
      const nodes = byLevel[n - 1];
      const top = nodes[nodes.length - 1];
      if (!top || !samePrefix(top.path, p, n)) nodes.push({ path: p, column: -1 });
      if (p.length === n) nodes[nodes.length - 1].column = j;
    }
  }
  const out = new ByteWriter();
  out.bytes(MAGIC);
  out.u32(1);
  const text = new TextEncoder().encode(words.join('\n'));
  out.u32(words.length);
  out.u32(text.length);
  out.bytes(text);
  out.u32(levels);
  for (let n = 1; n <= levels; n++) {
    const nodes = byLevel[n - 1];
    const next = byLevel[n];
    let child = 0;
    for (let k = 0; k < nodes.length; k++) {
      const { path, column } = nodes[k];
      if (n > 1) {
        const sibling = k > 0 && samePrefix(nodes[k - 1].path, path, n - 1);
        out.varint(path[n - 1] - (sibling ? nodes[k - 1].path[n - 1] : 0));
      }
      out.varint(column + 1);
      if (n < levels) {
        const start = child;
        while (child < next.length && samePrefix(next[child].path, path, n)) child++;
        out.varint(child - start);
      }
    }
  }
  return out.done();
}

/** Token by token; a prefix before the n-grams it begins. */
function compareTokens(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function samePrefix(a: readonly number[], b: readonly number[], n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A read-only n-gram index: gram ids are node ids, and each node knows its column. */
export class NgramTrie {
  private readonly tokenIds = new Map<string, number>();
  private tok = new Int32Array(64);
  private cur = new Int32Array(64);

  private constructor(
    private readonly words: string[],
    /** The column of each node, -1 for a prefix only. */
    readonly column: Int32Array,
    private readonly first: Int32Array,
    private readonly last: Int32Array,
    private readonly parent: Int32Array,
  ) {
    words.forEach((w, t) => this.tokenIds.set(w, t));
  }

  /** The trie encodeTrie wrote; `bad` throws the error that names the file. */
  static decode(bytes: Uint8Array, bad: (what: string) => never): NgramTrie {
    const r = new ByteReader(bytes, bad);
    if (!MAGIC.every((b, i) => bytes[i] === b)) bad('not an emb vocabulary');
    r.at = 4;
    if (r.u32() !== 1) bad('expected vocabulary version 1');
    const tokens = r.u32();
    const text = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(r.u32()));
    const words = tokens === 0 ? [] : text.split('\n');
    if (words.length !== tokens) bad(`expected ${tokens} tokens, found ${words.length}`);
    if (new Set(words).size !== tokens) bad('expected distinct tokens, found duplicates');
    const levels = r.u32();
    if (levels < 1 || levels > 64) bad(`expected 1 to 64 levels, found ${levels}`);
    // Nodes in the order they are stored (level by level): each node's children are the next
    // nodes of the level below, so first[v] is the count of nodes stored before them.
    const room = Math.max(16, 2 * tokens);
    let column: Int32Array = new Int32Array(room);
    let first: Int32Array = new Int32Array(room + 1);
    let last: Int32Array = new Int32Array(room);
    let parent: Int32Array = new Int32Array(room);
    let total = tokens;
    let level = 1;
    let levelEnd = tokens;
    for (let v = 0; v < total; v++) {
      if (v === levelEnd) [level, levelEnd] = [level + 1, total];
      if (level === 1) {
        last[v] = v;
        parent[v] = -1;
      } else {
        const sibling = v > first[parent[v]];
        last[v] = r.varint() + (sibling ? last[v - 1] : 0);
        if (last[v] >= tokens || (sibling && last[v] <= last[v - 1]))
          bad(`n-gram ${v}: expected increasing tokens below ${tokens}`);
      }
      column[v] = r.varint() - 1;
      first[v] = total;
      if (level === levels) continue;
      const count = r.varint();
      if (total + count > 2 ** 30) bad('too many n-grams');
      if (total + count > parent.length) {
        const size = Math.max(2 * parent.length, total + count);
        [column, first, last, parent] = [column, first, last, parent].map((a) => grow(a, size));
      }
      parent.fill(v, total, total + count);
      total += count;
    }
    first[total] = total;
    if (r.at !== bytes.length) bad('the n-grams do not fill the file');
    const nodes = total;
    return new NgramTrie(
      words,
      column.slice(0, nodes),
      first.slice(0, nodes + 1),
      last.slice(0, nodes),
      parent.slice(0, nodes),
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
    for (let i = 0; i < n; i++) tok[i] = cur[i] = this.tokenIds.get(tokens[i]) ?? -1;
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
    return this.words[t];
  }

  /** The n-gram's tokens joined by one space. */
  text(v: number): string {
    return this.tokensOf(v)
      .map((t) => this.words[t])
      .join(' ');
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size + 1);
  b.set(a);
  return b;
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
    if (this.at < buf.length && buf[this.at] < 0x80) return buf[this.at++];
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.at >= buf.length) this.bad('cut short');
      const b = buf[this.at++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    return this.bad('a number is too long');
  }

  bytes(n: number): Uint8Array {
    if (this.at + n > this.buf.length) this.bad('cut short');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
