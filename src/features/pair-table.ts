/**
 * A hash table from pairs of non-negative int32 to non-negative int32 ids (open addressing,
 * linear probing). The bag-of-words builder names an n-gram by the pair (id of its first n-1
 * tokens, id of its last token), so looking one up allocates no string.
 */
export class PairTable {
  private first = new Int32Array(1 << 12);
  private second = new Int32Array(1 << 12);
  private ids = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  size = 0;

  /** The id of (a, b), or -1. */
  get(a: number, b: number): number {
    for (let s = hash(a, b) & this.mask; ; s = (s + 1) & this.mask) {
      const id = this.ids[s];
      if (id < 0 || (this.first[s] === a && this.second[s] === b)) return id;
    }
  }

  /** Gives (a, b), which must not be in the table yet, the id `id` (>= 0). */
  set(a: number, b: number, id: number): void {
    let s = hash(a, b) & this.mask;
    while (this.ids[s] >= 0) s = (s + 1) & this.mask;
    this.first[s] = a;
    this.second[s] = b;
    this.ids[s] = id;
    // Keep the table at most half full so probes stay short.
    if (++this.size * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const { first, second, ids } = this;
    const capacity = ids.length * 2;
    this.first = new Int32Array(capacity);
    this.second = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let s = 0; s < ids.length; s++) {
      if (ids[s] < 0) continue;
      let t = hash(first[s], second[s]) & this.mask;
      while (this.ids[t] >= 0) t = (t + 1) & this.mask;
      this.first[t] = first[s];
      this.second[t] = second[s];
      this.ids[t] = ids[s];
    }
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
