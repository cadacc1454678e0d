/**
 * The vocabulary as three flat arrays, so that a memory-mapped file can serve lookups at once,
 * without building a 341k-entry Map at start-up:
 *   offsets  Uint32Array(n + 1): word i is bytes[offsets[i] .. offsets[i + 1]) (UTF-8)
 *   bytes    Uint8Array: the words, concatenated
 *   table    Uint32Array(capacity, a power of two): open addressing on FNV-1a of the UTF-8 bytes,
 *            linear probing; each slot holds row + 1, or 0 when empty.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function fnv1a(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Finds the slot of key[start..end) in an open-addressing table: the slot holding it (entry
 * > 0) or the empty slot where it would go (entry 0); -1 when the table is full without it
 * (a damaged file: probing stops after one round instead of spinning for ever).
 */
function probe(
  table: Uint32Array,
  offsets: Uint32Array,
  bytes: Uint8Array,
  key: Uint8Array,
  start: number,
  end: number,
): number {
  const mask = table.length - 1;
  const len = end - start;
  let slot = fnv1a(key, start, end) & mask;
  for (let probes = 0; probes < table.length; probes++) {
    const entry = table[slot];
    if (entry === 0) return slot;
    const a = offsets[entry - 1];
    if (offsets[entry] - a === len) {
      let k = 0;
      while (k < len && bytes[a + k] === key[start + k]) k++;
      if (k === len) return slot;
    }
    slot = (slot + 1) & mask;
  }
  return -1;
}

export class Vocabulary {
  readonly size: number;
  private scratch = new Uint8Array(256);

  constructor(
    readonly offsets: Uint32Array,
    readonly bytes: Uint8Array,
    readonly table: Uint32Array,
  ) {
    this.size = offsets.length - 1;
  }

  /** Builds the arrays for words that are already unique. */
  static build(words: readonly string[]): Vocabulary {
    const builder = new VocabularyBuilder();
    for (const w of words) {
      const bytes = encoder.encode(w);
      builder.add(bytes, 0, bytes.length);
    }
    return builder.finish();
  }

  word(i: number): string {
    return decoder.decode(this.bytes.subarray(this.offsets[i], this.offsets[i + 1]));
  }

  /** Row of `word`, or -1. */
  index(word: string): number {
    if (this.scratch.length < word.length * 3) this.scratch = new Uint8Array(word.length * 3);
    const { written } = encoder.encodeInto(word, this.scratch);
    return this.indexOfBytes(this.scratch, 0, written);
  }

  /** Row of the UTF-8 word key[start..end), or -1. */
  indexOfBytes(key: Uint8Array, start: number, end: number): number {
    const slot = probe(this.table, this.offsets, this.bytes, key, start, end);
    return slot < 0 ? -1 : this.table[slot] - 1;
  }

  /** The UTF-8 bytes of word i (a view). */
  wordBytes(i: number): Uint8Array {
    return this.bytes.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  has(word: string): boolean {
    return this.index(word) >= 0;
  }

  /** All words, decoded (costs a string per word: for export and tests, not for queries). */
  words(): string[] {
    const out = new Array<string>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.word(i);
    return out;
  }
}

/**
 * Grows a vocabulary word by word from UTF-8 bytes, as readers parse, with no string per
 * word; duplicates are detected by the index itself.
 */
export class VocabularyBuilder {
  private offsets = new Uint32Array(1025);
  private bytes = new Uint8Array(1 << 16);
  private table = new Uint32Array(2048);
  size = 0;

  /** Adds key[start..end) and returns its row, or -1 when the word is already there. */
  add(key: Uint8Array, start: number, end: number): number {
    let slot = probe(this.table, this.offsets, this.bytes, key, start, end);
    if (this.table[slot] !== 0) return -1;
    const at = this.offsets[this.size];
    const len = end - start;
    if (at + len > this.bytes.length) this.bytes = grow(this.bytes, at + len);
    this.bytes.set(key.subarray(start, end), at);
    if (this.size + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.size + 2);
    this.offsets[this.size + 1] = at + len;
    if ((this.size + 1) * 2 > this.table.length) {
      this.rehash(this.table.length * 2);
      slot = probe(this.table, this.offsets, this.bytes, key, start, end);
    }
    this.table[slot] = ++this.size;
    return this.size - 1;
  }

  /** The UTF-8 bytes of word i (a view, valid until the next add). */
  wordBytes(i: number): Uint8Array {
    return this.bytes.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  private rehash(capacity: number): void {
    const table = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let row = 0; row < this.size; row++) {
      let slot = fnv1a(this.bytes, this.offsets[row], this.offsets[row + 1]) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = row + 1;
    }
    this.table = table;
  }

  finish(): Vocabulary {
    const offsets = this.offsets.slice(0, this.size + 1);
    return new Vocabulary(offsets, this.bytes.slice(0, offsets[this.size]), this.table);
  }
}

function grow<T extends Uint8Array | Uint32Array>(a: T, need: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  bigger.set(a);
  return bigger;
}
