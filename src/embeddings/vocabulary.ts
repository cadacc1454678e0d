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

export interface VocabularyArrays {
  offsets: Uint32Array;
  bytes: Uint8Array;
  table: Uint32Array;
}

export class Vocabulary {
  readonly size: number;
  private readonly mask: number;
  private scratch = new Uint8Array(256);

  constructor(
    readonly offsets: Uint32Array,
    readonly bytes: Uint8Array,
    readonly table: Uint32Array,
  ) {
    this.size = offsets.length - 1;
    this.mask = table.length - 1;
  }

  /** Builds the arrays for words that are already unique. */
  static build(words: readonly string[]): Vocabulary {
    const encoded = words.map((w) => encoder.encode(w));
    const total = encoded.reduce((s, e) => s + e.length, 0);
    const offsets = new Uint32Array(words.length + 1);
    const bytes = new Uint8Array(total);
    let at = 0;
    encoded.forEach((e, i) => {
      offsets[i] = at;
      bytes.set(e, at);
      at += e.length;
    });
    offsets[words.length] = at;
    const table = new Uint32Array(tableCapacity(words.length));
    const mask = table.length - 1;
    for (let i = 0; i < encoded.length; i++) {
      let slot = fnv1a(encoded[i]) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = i + 1;
    }
    return new Vocabulary(offsets, bytes, table);
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

  /** Row of the UTF-8 word bytes[start..end), or -1. */
  indexOfBytes(key: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let slot = fnv1a(key, start, end) & this.mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) return -1;
      const row = entry - 1;
      const a = this.offsets[row];
      if (this.offsets[row + 1] - a === len) {
        let same = true;
        for (let k = 0; k < len; k++) {
          if (this.bytes[a + k] !== key[start + k]) {
            same = false;
            break;
          }
        }
        if (same) return row;
      }
      slot = (slot + 1) & this.mask;
    }
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

/** A power of two at least twice the number of words (load factor <= 0.5). */
export function tableCapacity(n: number): number {
  let c = 16;
  while (c < n * 2) c *= 2;
  return c;
}
