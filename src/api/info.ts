/**
 * What a vector file or a model folder is, without using it: what `emb info` prints.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Embeddings } from '../embeddings/embeddings.js';
import type { StorageType } from '../embeddings/kernels.js';
import { verifyEmb } from '../formats/emb.js';
import { META_FILE, readModelMeta } from '../models/model-dir.js';
import { describeFeatures, kindNamed } from '../models/registry.js';
import { embHome } from '../store/home.js';
import type { Vectors } from './vectors.js';

export interface VectorsInfo {
  path: string;
  format: string;
  words: number;
  dims: number;
  bytes: number;
  storage: StorageType;
  provenance: Embeddings['provenance'];
  subwords: { minn: number; maxn: number; bucket: number } | null;
  norms: { min: number; mean: number; max: number; zero: number };
  /** The first ten words. */
  first: string[];
  /** Where converted vectors live ($EMB_HOME, ...). */
  home: string;
  /** With `verify`: every section's checksum checked (.emb only). */
  verified?: ReturnType<typeof verifyEmb>;
}

/** Open vectors' file: format, size, storage, provenance, norms; `verify` checks every checksum. */
export function describeVectors(vectors: Vectors, options: { verify?: boolean } = {}): VectorsInfo {
  const emb = vectors.embeddings;
  const file = vectors.path;
  const format = vectors.format;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zero = 0;
  for (const n of emb.norms) {
    min = Math.min(min, n);
    max = Math.max(max, n);
    sum += n;
    if (n === 0) zero++;
  }
  const info: VectorsInfo = {
    path: file,
    format,
    words: emb.rows,
    dims: emb.dims,
    bytes: statSync(file).size,
    storage: emb.storage.type,
    provenance: emb.provenance,
    subwords: emb.subwords?.settings ?? null,
    norms: { min, mean: sum / emb.rows, max, zero },
    first: Array.from({ length: Math.min(10, emb.rows) }, (_, i) => emb.word(i)),
    home: embHome(),
  };
  if (options.verify && format === 'emb') info.verified = verifyEmb(file);
  return info;
}

export interface ModelInfo {
  path: string;
  kind: string;
  /** The kind's line from the registry. */
  summary: string;
  features: string;
  labels: string[];
  settings: Record<string, unknown>;
  tokenizer: string;
  created: string;
  embVersion: string;
  /** What the model was evaluated to when it was trained (`emb train`'s evaluation). */
  metrics: Record<string, unknown>;
  /** A two-class model's decision threshold: the class answered from that probability. */
  decision: { positive: string; threshold: number } | null;
  /** The vectors it needs (null: none). */
  vectors: { path: string; words: number; dims: number; fingerprint: string } | null;
  /** Its files and their sizes in bytes, model.json included. */
  files: Record<string, number>;
  bytes: number;
}

/** A model folder, read and checked as loading it would, without loading its vectors. */
export function describeModel(dir: string): ModelInfo {
  const meta = readModelMeta(dir);
  const files = { ...meta.files, [META_FILE]: statSync(join(dir, META_FILE)).size };
  return {
    path: dir,
    kind: meta.settings.model,
    summary: kindNamed(meta.settings.model).summary,
    features: describeFeatures(meta.settings),
    labels: meta.labels,
    settings: meta.settings as unknown as Record<string, unknown>,
    tokenizer: meta.tokenizer,
    created: meta.created,
    embVersion: meta.embVersion,
    metrics: meta.metrics,
    decision: meta.decision ?? null,
    vectors: meta.vectors,
    files,
    bytes: Object.values(files).reduce((a, b) => a + b, 0),
  };
}
