import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The optional addon built from native/emb_native.c at install time. */
export interface NativeAddon {
  map(path: string, expectedSize: number): ArrayBuffer;
  products(
    matrix: Float32Array,
    dims: number,
    rows: number,
    scale: Float32Array,
    queries: Float32Array,
    out: Float32Array,
    threads: number,
  ): void;
  nearest(
    matrix: Float32Array,
    dims: number,
    rows: number,
    scale: Float32Array,
    queries: Float32Array,
    k: number,
    exclude: Int32Array,
    outRows: Int32Array,
    outScores: Float32Array,
    threads: number,
  ): void;
  analogyTopK(
    matrix: Float32Array,
    dims: number,
    rows: number,
    scale: Float32Array,
    words: Float32Array,
    wordRows: Int32Array,
    questions: Int32Array,
    method: number,
    k: number,
    outRows: Int32Array,
    outScores: Float32Array,
    threads: number,
  ): void;
}

function loadAddon(): NativeAddon | undefined {
  if (process.env.EMB_NO_NATIVE) return undefined;
  const require = createRequire(import.meta.url);
  const built = fileURLToPath(
    new URL('../../native/build/Release/emb_native.node', import.meta.url),
  );
  try {
    return require(built) as NativeAddon;
  } catch {
    return undefined;
  }
}

export const native: NativeAddon | undefined = loadAddon();

/** Worker threads for the native kernels; memory bandwidth saturates at about 2. */
export const kernelThreads = Math.max(1, Math.min(4, availableParallelism()));
