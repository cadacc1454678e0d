/**
 * Word vectors trained on the caller's own text (emb pretrain): from scratch, or adapted from
 * initial vectors (the bundled GloVe, or any vector file) so that a domain's words and senses
 * get vectors while the general ones are kept.
 */
import { availableParallelism } from 'node:os';
import { EmbError } from '../errors.js';
import type { CorpusOptions, CorpusSource } from '../pretrain/corpus.js';
import { pretrain, type PretrainProgress, type PretrainRecord } from '../pretrain/pretrain.js';
import { pretrainSettings, type PretrainSettings } from '../pretrain/settings.js';
import { openVectors, Vectors } from './vectors.js';

export { CORPUS_LAYOUTS, type CorpusSource, type CorpusLayout } from '../pretrain/corpus.js';
export type { PretrainProgress, PretrainRecord } from '../pretrain/pretrain.js';
export {
  DEFAULT_BUCKETS,
  PRETRAIN_METHODS,
  type PretrainSettings,
  type PretrainMethod,
} from '../pretrain/settings.js';
export { TOKENIZER_KINDS } from '../text/tokenize.js';

export interface PretrainOptions extends Partial<PretrainSettings>, CorpusOptions {
  /** The .emb file to write (replaced when complete); without it the vectors are returned. */
  out?: string;
  /**
   * Initial vectors to adapt: "bundled" (the bundled GloVe 6B 100d), a vector file in any
   * supported format, or open Vectors. Every one of their words is kept.
   */
  init?: 'bundled' | string | Vectors;
  /** Reading (bytes), training (words, with the running loss), writing. */
  onProgress?: (progress: PretrainProgress) => void;
  /** Stops the run; nothing is left half-written (the promise rejects with E_ABORTED). */
  signal?: AbortSignal;
}

/**
 * Trains word vectors on `source`: a text file (one document per line), several files, a
 * CSV/TSV/JSON-lines file (the `text` column or field), `{ bytes }` (a stream such as stdin)
 * or `{ texts }` (documents in code). Resolves to the path written when `out` is given, else
 * to the open vectors. What was done is in the vectors' provenance (`pretrain`).
 */
export async function pretrainVectors(
  source: CorpusSource,
  options: PretrainOptions & { out: string },
): Promise<string>;
export async function pretrainVectors(
  source: CorpusSource,
  options?: PretrainOptions & { out?: undefined },
): Promise<Vectors>;
export async function pretrainVectors(
  source: CorpusSource,
  options: PretrainOptions = {},
): Promise<string | Vectors> {
  const { out, init, onProgress, signal, layout, text, encoding, delimiter, ...given } = options;
  if (out !== undefined && (typeof out !== 'string' || out.trim() === ''))
    throw new EmbError('E_INPUT', 'out must be a file name');
  const initial =
    init === undefined
      ? undefined
      : init instanceof Vectors
        ? init
        : await openVectors(init === 'bundled' ? undefined : init);
  const settings = pretrainSettings(given, {
    adapting: initial !== undefined,
    initDims: initial?.dims,
    threads: availableParallelism(),
  });
  const result = await pretrain({
    source,
    corpus: { layout, text, encoding, delimiter },
    settings,
    init: initial && {
      embeddings: initial.embeddings,
      source: init === 'bundled' ? 'bundled' : initial.path,
    },
    out,
    onProgress,
    signal,
  });
  if (result.path !== undefined) return result.path;
  return new Vectors(result.embeddings!, '(pretrained)', 'emb');
}

/** What a pretrained .emb records of its training (undefined for other vectors). */
export function pretrainRecord(vectors: Vectors): PretrainRecord | undefined {
  return (vectors.embeddings.provenance as { pretrain?: PretrainRecord }).pretrain;
}
