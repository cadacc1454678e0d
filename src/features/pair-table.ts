/**
 * A hash table from pairs of non-negative int32 to non-negative int32 ids (open addressing,
 * linear probing). The bag-of-words builder names an n-gram by the pair (id of its first n-1
 * tokens, id of its last token), so looking one up allocates no string. Each slot is four
 * int32 (first, second, id, unused) side by side, so a probe touches one cache line.
 */
export class PairTable {
  private slots: Int32Array;
  private mask: number;
  /** Whether the slots are shared with another thread (state, from): copied before a write. */
  private shared = false;
  size = 0;

  /** `expected`: about how many pairs will be stored (sizes the table once, up to 2^20 slots). */
  constructor(expected = 0) {
    let capacity = 1 << 12;
    while (capacity < 2 * expected && capacity < 1 << 20) capacity *= 2;
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
  }

  /**
   * The table for another thread (PairTable.from there), in memory both then read: 32 MB for
   * SpamAssassin's n-grams. Whichever first adds a pair copies the slots first (set), so
   * neither ever sees the other write.
   */
  state(): PairTableState {
    if (!this.shared) {
      const slots = new Int32Array(new SharedArrayBuffer(this.slots.byteLength));
      slots.set(this.slots);
      this.slots = slots;
      this.shared = true;
    }
    return { slots: this.slots, size: this.size };
  }

  static from(state: PairTableState): PairTable {
    const table = new PairTable();
    table.slots = state.slots;
    table.mask = state.slots.length / 4 - 1;
    table.size = state.size;
    table.shared = true;
    return table;
  }

  /** The id of (a, b), or -1. */
  get(a: number, b: number): number {
    const slots = this.slots;
    for (let s = hash(a, b) & this.mask; ; s = (s + 1) & this.mask) {
      const id = slots[4 * s + 2];
      if (id < 0 || (slots[4 * s] === a && slots[4 * s + 1] === b)) return id;
    }
  }

  /** Gives (a, b), which must not be in the table yet, the id `id` (>= 0). */
  set(a: number, b: number, id: number): void {
    if (this.shared) {
      this.slots = this.slots.slice();
      this.shared = false;
    }
    let s = hash(a, b) & this.mask;
    while (this.slots[4 * s + 2] >= 0) s = (s + 1) & this.mask;
    this.slots[4 * s] = a;
    this.slots[4 * s + 1] = b;
    this.slots[4 * s + 2] = id;
    // Keep the table at most half full so probes stay short.
    if (++this.size * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
    for (let s = 0; s < old.length; s += 4) {
      if (old[s + 2] < 0) continue;
      let t = hash(old[s], old[s + 1]) & this.mask;
      while (this.slots[4 * t + 2] >= 0) t = (t + 1) & this.mask;
      this.slots.set(old.subarray(s, s + 3), 4 * t);
    }
  }
}

export interface PairTableState {
  slots: Int32Array;
  size: number;
}

function emptySlots(capacity: number): Int32Array {
  return new Int32Array(4 * capacity).fill(-1);
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
