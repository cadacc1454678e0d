import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { EmbError } from '../errors.js';

/** The addon built from native/*.c at install time; see native/common.h. */
export interface NativeAddon {
  /** The whole file, mapped; fd stays open (closed with the mapping) so queries can fstat it. */
  map(path: string, expectedSize: number): { buffer: ArrayBuffer; fd: number };
  /** Gives back the pages of buffer[offset, offset + length) of a mapping (read again if touched). */
  release(buffer: ArrayBuffer, offset: number, length: number): void;
  /** Large blocks mapped and given back when freed, one arena (glibc): for `emb train`. */
  tuneAllocator(): void;
  /** Registers (on) or forgets a temporary file to remove if SIGINT or SIGTERM arrives. */
  guardTemp(path: string, on: boolean): boolean;
  products(
    type: number,
    data: Float32Array | Uint16Array | Int8Array,
    scales: Float32Array,
    dims: number,
    rows: number,
    inv: Float32Array,
    queries: Float32Array,
    out: Float32Array,
    threads: number,
  ): void;
  scan(
    type: number,
    data: Float32Array | Uint16Array | Int8Array,
    scales: Float32Array,
    dims: number,
    rows: number,
    inv: Float32Array,
    queries: Float32Array,
    k: number,
    candidates: number,
    exStart: Int32Array,
    exRows: Int32Array,
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
  parseText(
    buf: Uint8Array,
    start: number,
    end: number,
    dims: number,
    values: Float32Array,
    words: Int32Array,
    threads: number,
    result: Float64Array,
  ): void;
  crc32c(bytes: Uint8Array, crc: number): number;
  /** The fine-tuned networks' arithmetic (native/nets.c; src/models/nets/kernels.ts). */
  convForward(
    table: Float32Array,
    dims: number,
    ids: Int32Array,
    offsets: Int32Array,
    weights: Float32Array,
    bias: Float32Array,
    widths: Int32Array,
    maps: number,
    maxLen: number,
    pooled: Float32Array,
    arg: Int32Array,
    threads: number,
  ): void;
  convBackward(
    table: Float32Array,
    dims: number,
    ids: Int32Array,
    offsets: Int32Array,
    weights: Float32Array,
    widths: Int32Array,
    maps: number,
    dPooled: Float32Array,
    arg: Int32Array,
    dWeights: Float32Array,
    dBias: Float32Array,
    dInputs: Float32Array,
    threads: number,
  ): void;
  denseForward(
    x: Float32Array,
    rows: number,
    inputs: number,
    weights: Float32Array,
    bias: Float32Array,
    outputs: number,
    relu: number,
    out: Float32Array,
    threads: number,
  ): void;
  denseBackward(
    x: Float32Array,
    rows: number,
    inputs: number,
    weights: Float32Array,
    dOut: Float32Array,
    outputs: number,
    dWeights: Float32Array,
    dBias: Float32Array,
    dX: Float32Array,
    threads: number,
  ): void;
  adam(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    grad: Float32Array,
    constants: Float32Array,
    rows: Int32Array,
    dims: number,
  ): void;
  /** The linear SVM's dual coordinate descent (native/linear.c; models/linear-svm.ts). */
  svmDcd(
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    dense: Float32Array,
    dims: number,
    denseAt: number,
    cols: number,
    y: Int8Array,
    params: Float64Array,
    seed: number,
    alpha: Float64Array,
    w: Float64Array,
  ): number;
  /** Adds pool rows (times weights, or 1) into out[outAt ..]: native/sentence.c. */
  sumRows(
    pool: Float32Array,
    dims: number,
    rows: Int32Array,
    weights: Float64Array,
    out: Float32Array,
    outAt: number,
  ): void;
  /** Trains word vectors on a chunk of word ids; native/word2vec.c says what each array holds. */
  w2vTrain(
    syn0: Float32Array,
    syn1: Float32Array,
    ids: Int32Array,
    keep: Uint32Array,
    cum: Uint32Array,
    tables: Float32Array,
    subOff: Int32Array,
    subRows: Int32Array,
    config: Float64Array,
    rng: Uint32Array,
    result: Float64Array,
  ): void;
  /** Kernel SVM problems solved on worker threads (src/models/smo.ts has the JavaScript twin). */
  smoTrain(
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    cols: number,
    kind: number,
    gamma: number,
    rows: Int32Array,
    starts: Int32Array,
    y: Int8Array,
    C: Float64Array,
    eps: number,
    shrinking: number,
    cacheBytes: number,
    alpha: Float64Array,
    info: Float64Array,
    done: Int32Array,
    cancel: Int32Array,
    threads: number,
  ): Promise<void>;
  kernelSums(
    kind: number,
    gamma: number,
    cols: number,
    aIndptr: Int32Array,
    aIndices: Int32Array,
    aValues: Float32Array,
    bIndptr: Int32Array,
    bIndices: Int32Array,
    bValues: Float32Array,
    coef: Float64Array,
    outputs: number,
    out: Float64Array,
    threads: number,
  ): void;
  /** Sparse rows times a dense matrix, or (transpose) its transpose (network-training.ts). */
  sparseProduct(
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    dims: number,
    rows: Int32Array,
    dense: Float32Array,
    units: number,
    out: Float32Array,
    transpose: number,
    threads: number,
  ): void;
}

/**
 * EMB_NO_NATIVE=1 forces the JavaScript fallback (the second test pass runs that way);
 * EMB_REQUIRE_NATIVE=1 makes an addon that failed to build or load an error, so CI cannot go
 * green on the fallback alone.
 */
function loadAddon(): NativeAddon | undefined {
  if (process.env.EMB_NO_NATIVE === '1') return undefined;
  const require = createRequire(import.meta.url);
  const built = fileURLToPath(
    new URL('../../native/build/Release/emb_native.node', import.meta.url),
  );
  try {
    return require(built) as NativeAddon;
  } catch (e) {
    if (process.env.EMB_REQUIRE_NATIVE === '1')
      throw new EmbError(
        'E_IO',
        `EMB_REQUIRE_NATIVE=1 but the native addon did not load (${(e as Error).message.split('\n')[0]}); run "npm run build:native"`,
      );
    return undefined;
  }
}

export const native: NativeAddon | undefined = loadAddon();

/** Worker threads for the native kernels; memory bandwidth saturates at about 2. */
export const kernelThreads = Math.max(1, Math.min(4, availableParallelism()));

/** Codes the addon throws, as emb errors. */
export function nativeError(e: unknown, file: string): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'E_BUS')
    return new EmbError(
      'E_IO',
      `${file}: the file was truncated or replaced while it was in use; open it again`,
    );
  if (code === 'E_NOMEM') return new EmbError('E_INPUT', `${(e as Error).message}; ask for less`);
  return e;
}
