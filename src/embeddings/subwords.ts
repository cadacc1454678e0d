/**
 * Character n-gram vectors for words outside the vocabulary (fastText). The fastText reader
 * fills this in; the .emb format stores its settings and bucket matrix.
 */
export interface SubwordSettings {
  minn: number;
  maxn: number;
  bucket: number;
}

export interface Subwords {
  readonly settings: SubwordSettings;
  /** bucket x dims, the n-gram vectors as trained (not normalised). */
  readonly buckets: Float32Array;
  /** The fastText vector of an unknown word (not normalised), or undefined if it has no n-gram. */
  vector(word: string): Float32Array | undefined;
}
