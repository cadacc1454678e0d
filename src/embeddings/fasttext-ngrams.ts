import type { SubwordSettings, Subwords } from './subwords.js';

const encoder = new TextEncoder();

/**
 * fastText's bucket ids for the character n-grams of `<word>`: n from minn to maxn counted in
 * UTF-8 characters, hashed with 32-bit FNV-1a over the bytes, each byte sign-extended before
 * the XOR as fastText's C++ does, modulo bucket. Lone "<" and ">" are not n-grams.
 */
export function ngramBuckets(word: string, settings: SubwordSettings): number[] {
  const { minn, maxn, bucket } = settings;
  const ids: number[] = [];
  if (maxn <= 0 || bucket <= 0) return ids;
  const bytes = encoder.encode(`<${word}>`);
  const isContinuation = (b: number) => (b & 0xc0) === 0x80;
  for (let i = 0; i < bytes.length; i++) {
    if (isContinuation(bytes[i])) continue;
    let h = 0x811c9dc5;
    let j = i;
    for (let n = 1; j < bytes.length && n <= maxn; n++) {
      do {
        h = Math.imul(h ^ ((bytes[j] << 24) >> 24), 0x01000193) >>> 0;
        j++;
      } while (j < bytes.length && isContinuation(bytes[j]));
      if (n >= minn && !(n === 1 && (i === 0 || j === bytes.length))) ids.push(h % bucket);
    }
  }
  return ids;
}

/** Subword vectors as fastText computes them for a word outside the vocabulary. */
export function fastTextSubwords(
  settings: SubwordSettings,
  buckets: Float32Array,
  dims: number,
): Subwords {
  return {
    settings: { minn: settings.minn, maxn: settings.maxn, bucket: settings.bucket },
    buckets,
    vector(word: string): Float32Array | undefined {
      const ids = ngramBuckets(word, settings);
      if (ids.length === 0) return undefined;
      const out = new Float32Array(dims);
      for (const id of ids) {
        const o = id * dims;
        for (let j = 0; j < dims; j++) out[j] += buckets[o + j];
      }
      for (let j = 0; j < dims; j++) out[j] /= ids.length;
      return out;
    },
  };
}
