/**
 * A saved model folder: emb's metadata (model.json) next to the files the model itself wrote.
 * Written into a temporary sibling folder and renamed into place, so a failed or interrupted
 * training never leaves a half-written model; read back with checks on version, completeness
 * and the vectors it was trained with.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Embeddings } from '../embeddings/embeddings.js';
import { fnv1a } from '../embeddings/vocabulary.js';
import { EmbError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Model, ModelKind } from './model.js';

export const META_FILE = 'model.json';
export const FORMAT = 'emb-model';
export const FORMAT_VERSION = 1;

export interface VectorsInfo {
  path: string;
  words: number;
  dims: number;
  fingerprint: string;
}

export interface ModelMeta {
  format: typeof FORMAT;
  formatVersion: number;
  embVersion: string;
  created: string;
  kind: ModelKind;
  labels: string[];
  tokenizer: string;
  features?: string;
  vectors?: VectorsInfo;
  metrics: Record<string, unknown>;
  /** What Model.save returned (its files and settings). */
  saved: Record<string, unknown>;
}

/**
 * A cheap identity for a set of vectors: sizes plus a hash of 64 evenly spaced rows and their
 * words. Reading them costs microseconds, and any re-training or truncation changes it.
 */
export function fingerprint(emb: Embeddings): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array) => (h = fnv1a(bytes) ^ Math.imul(h, 0x01000193));
  const encoder = new TextEncoder();
  const samples = Math.min(64, emb.rows);
  for (let s = 0; s < samples; s++) {
    const r = Math.floor((s * emb.rows) / samples);
    const v = emb.row(r);
    mix(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    mix(encoder.encode(emb.word(r)));
  }
  return `${emb.rows}x${emb.dims}-${(h >>> 0).toString(16).padStart(8, '0')}`;
}

export function vectorsInfo(emb: Embeddings, path: string): VectorsInfo {
  return { path: resolve(path), words: emb.rows, dims: emb.dims, fingerprint: fingerprint(emb) };
}

/** Writes the model and its metadata to `dir`, replacing an earlier emb model there. */
export async function saveModelDir(
  dir: string,
  model: Model,
  meta: Omit<ModelMeta, 'format' | 'formatVersion' | 'embVersion' | 'created' | 'saved'>,
): Promise<void> {
  if (existsSync(dir) && !existsSync(join(dir, META_FILE))) {
    throw new EmbError(
      'E_IO',
      `${dir} exists and is not an emb model folder; choose another --out`,
    );
  }
  mkdirSync(dirname(resolve(dir)), { recursive: true });
  const tmp = join(dirname(resolve(dir)), `.${basename(dir)}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const saved = await model.save(tmp);
    const full: ModelMeta = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      embVersion: VERSION,
      created: new Date().toISOString(),
      ...meta,
      saved,
    };
    writeFileSync(join(tmp, META_FILE), JSON.stringify(full, null, 2) + '\n');
    if (existsSync(dir)) {
      const old = `${tmp}.old`;
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dir);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Reads and checks model.json and that every file it lists is there. */
export function readModelMeta(dir: string): ModelMeta {
  const path = join(dir, META_FILE);
  if (!existsSync(dir)) throw new EmbError('E_MODEL', `${dir}: no such model folder`);
  if (!existsSync(path))
    throw new EmbError(
      'E_MODEL',
      `${dir}: not a complete emb model folder (no ${META_FILE}); train one with "emb train"`,
    );
  let meta: ModelMeta;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EmbError('E_MODEL', `${path}: not valid JSON (${(e as Error).message})`);
  }
  if (meta.format !== FORMAT)
    throw new EmbError(
      'E_MODEL',
      `${path}: expected format "${FORMAT}", got "${String(meta.format)}"`,
    );
  if (meta.formatVersion !== FORMAT_VERSION) {
    throw new EmbError(
      'E_VERSION',
      `${path}: model format version ${meta.formatVersion}, this emb (${VERSION}) reads version ${FORMAT_VERSION}; retrain it with this emb`,
    );
  }
  const files = (meta.saved?.files as string[] | undefined) ?? [];
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length)
    throw new EmbError(
      'E_MODEL',
      `${dir}: incomplete model folder, missing ${missing.join(', ')}; train it again`,
    );
  return meta;
}

/** Refuses vectors other than those the model was trained with. */
export function checkVectors(meta: ModelMeta, emb: Embeddings, path: string): void {
  const want = meta.vectors;
  if (!want) return;
  const got = fingerprint(emb);
  if (got !== want.fingerprint) {
    throw new EmbError(
      'E_MODEL',
      `${path} (${emb.rows} words x ${emb.dims} dims, fingerprint ${got}) are not the vectors this model was trained with: ${want.path} (${want.words} x ${want.dims}, ${want.fingerprint}); pass those with --vectors`,
    );
  }
}
