/**
 * A saved model folder: emb's metadata (model.json) next to the files the model itself wrote.
 * Written through writeFolderAtomically (a temporary sibling folder, flushed, then renamed),
 * so a full disk, a failure or Ctrl-C never leaves a half-written model. Read back through a
 * schema check of every field (a folder from elsewhere, edited or cut short, is an E_MODEL
 * error, never a crash) and of every listed file's size.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFolderAtomically } from '../atomic.js';
import { fingerprint, type Embeddings } from '../embeddings/embeddings.js';
import { EmbError, option } from '../errors.js';
import { VERSION } from '../version.js';
import type { Decision, Model, SavedModel } from './kind.js';
import { modelSettings, type ModelSettings } from './registry.js';

export const META_FILE = 'model.json';
export const FORMAT = 'emb-model';
/**
 * Version 4: one key style (camelCase) in every JSON document emb writes, and a layout tag for
 * every kind's saved record; models of earlier versions are refused, to be retrained.
 */
export const FORMAT_VERSION = 4;

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
  settings: ModelSettings;
  labels: string[];
  /** The tokenizer's versioned name (unicode-v2): a model is only fed the tokens it learned. */
  tokenizer: string;
  /** The vectors a model that uses them was trained with; null for bag-of-words models. */
  vectors: VectorsInfo | null;
  /** How the model did when it was trained (the evaluation of `emb train`). */
  metrics: Record<string, unknown>;
  /**
   * Each class's share of the training texts: the answer to a text with nothing the model met
   * in training (Model.seen). Absent from models saved before it was recorded.
   */
  prior?: Record<string, number>;
  /** Every file the model wrote, with its size in bytes. */
  files: Record<string, number>;
  /** What Model.save returned: what the model needs to load itself. */
  saved: SavedModel;
  /**
   * A two-class model's decision threshold (the `threshold` setting): the class answered
   * when its probability reaches `threshold`; absent, the more probable class.
   */
  decision?: { positive: string; threshold: number };
}

export function vectorsInfo(emb: Embeddings, path: string): VectorsInfo {
  return { path: resolve(path), words: emb.rows, dims: emb.dims, fingerprint: fingerprint(emb) };
}

/** Writes the model and its metadata to `dir`, replacing an earlier emb model there. */
export async function saveModelDir(
  dir: string,
  model: Model,
  meta: Pick<ModelMeta, 'settings' | 'labels' | 'tokenizer' | 'vectors' | 'metrics' | 'prior'>,
): Promise<void> {
  if (existsSync(dir) && !existsSync(join(dir, META_FILE))) {
    throw new EmbError(
      'E_IO',
      `${dir} exists and is not an emb model folder; choose another folder (${option('out')})`,
    );
  }
  await writeFolderAtomically(
    dir,
    async (tmp) => {
      const { files: written, ...saved } = await model.save(tmp);
      const files: Record<string, number> = {};
      for (const f of written) files[f] = statSync(join(tmp, f)).size;
      const full: ModelMeta = {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        embVersion: VERSION,
        created: new Date().toISOString(),
        ...meta,
        files,
        saved,
        ...(model.decision && {
          decision: {
            positive: model.classes[model.decision.positive],
            threshold: model.decision.threshold,
          },
        }),
      };
      writeFileSync(join(tmp, META_FILE), JSON.stringify(full, null, 2) + '\n');
    },
    { replace: true },
  );
}

/** Reads model.json, checks every field against the schema, and every listed file's size. */
export function readModelMeta(dir: string): ModelMeta {
  const path = join(dir, META_FILE);
  if (!existsSync(dir)) throw new EmbError('E_MODEL', `${dir}: no such model folder`);
  if (!existsSync(path))
    throw new EmbError(
      'E_MODEL',
      `${dir}: not a complete emb model folder (no ${META_FILE}); train one with "emb train"`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EmbError('E_MODEL', `${path}: not valid JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
  const meta = checkMeta(raw, path);
  for (const [file, size] of Object.entries(meta.files)) {
    const at = join(dir, file);
    let found: number;
    try {
      found = statSync(at).size;
    } catch {
      throw new EmbError(
        'E_MODEL',
        `${dir}: incomplete model folder, missing ${file}; train it again`,
      );
    }
    if (found !== size)
      throw new EmbError(
        'E_MODEL',
        `${at}: expected ${size} bytes as ${META_FILE} records, found ${found}; the model folder is damaged, train it again`,
      );
  }
  return meta;
}

function checkMeta(raw: unknown, path: string): ModelMeta {
  const bad = (field: string, expected: string): never => {
    throw new EmbError('E_MODEL', `${path}: field "${field}": expected ${expected}`);
  };
  if (!isObject(raw)) return bad('(top level)', 'a JSON object');
  if (raw.format !== FORMAT) bad('format', `"${FORMAT}"`);
  if (raw.formatVersion !== FORMAT_VERSION) {
    throw new EmbError(
      'E_VERSION',
      `${path}: model format version ${JSON.stringify(raw.formatVersion)}, this emb (${VERSION}) reads version ${FORMAT_VERSION}; retrain it with this emb`,
    );
  }
  let settings: ModelSettings;
  try {
    settings = modelSettings(raw.settings);
  } catch (e) {
    throw new EmbError('E_MODEL', `${path}: ${(e as Error).message}`, { cause: e });
  }
  const labels = raw.labels;
  if (
    !Array.isArray(labels) ||
    labels.length < 2 ||
    !labels.every((l) => typeof l === 'string') ||
    new Set(labels).size !== labels.length
  )
    bad('labels', 'a list of at least two distinct strings');
  if (typeof raw.tokenizer !== 'string') bad('tokenizer', 'a tokenizer name such as "unicode-v2"');
  const vectors = raw.vectors;
  if (
    vectors !== null &&
    (!isObject(vectors) ||
      typeof vectors.path !== 'string' ||
      !isWhole(vectors.words) ||
      !isWhole(vectors.dims) ||
      typeof vectors.fingerprint !== 'string')
  )
    bad('vectors', 'null or { "path", "words", "dims", "fingerprint" }');
  const files = raw.files;
  if (
    !isObject(files) ||
    !Object.entries(files).every(([name, size]) => isPlainFileName(name) && isWhole(size))
  )
    bad('files', 'an object of plain file names and their sizes in bytes');
  if (!isObject(raw.saved)) bad('saved', 'an object');
  if (!isObject(raw.metrics)) bad('metrics', 'an object');
  const decision = raw.decision;
  if (
    decision !== undefined &&
    (!isObject(decision) ||
      (labels as string[]).length !== 2 ||
      !(labels as string[]).includes(decision.positive as string) ||
      !(typeof decision.threshold === 'number' && decision.threshold > 0 && decision.threshold < 1))
  )
    bad('decision', 'absent, or { "positive": one of two labels, "threshold": between 0 and 1 }');
  const prior = raw.prior;
  if (
    prior !== undefined &&
    (!isObject(prior) ||
      !(labels as string[]).every((l) => typeof prior[l] === 'number' && prior[l] >= 0) ||
      Object.keys(prior).length !== (labels as string[]).length)
  )
    bad('prior', 'an object of every label and its share of the training texts');
  return { ...(raw as unknown as ModelMeta), settings };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isWhole(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

/** A file inside the folder: no path separators, no "..", nothing hidden. */
function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) && !name.includes('..');
}

/** The decision model.json records, as loadModel takes it (class ids). */
export function savedDecision(meta: ModelMeta): Decision | undefined {
  const d = meta.decision;
  return d && { positive: meta.labels.indexOf(d.positive), threshold: d.threshold };
}

/**
 * Refuses vectors other than those the model was trained with. A compact copy of them
 * (`emb convert --quantize`, which records the fingerprint of the float32 vectors it was made
 * from) is accepted, with a note that says so: its answers can differ slightly.
 */
export function checkVectors(meta: ModelMeta, emb: Embeddings, path: string): string | undefined {
  const want = meta.vectors;
  if (!want) return;
  const got = fingerprint(emb);
  if (got !== want.fingerprint && emb.provenance.quantizedFrom === want.fingerprint)
    return `${path} is the ${emb.storage.type} copy of the vectors this model was trained with (${want.path}); its answers can differ slightly from theirs`;
  if (got !== want.fingerprint) {
    throw new EmbError(
      'E_MODEL',
      `${path} (${emb.rows} words x ${emb.dims} dims, fingerprint ${got}) are not the vectors this model was trained with: ${want.path} (${want.words} x ${want.dims}, ${want.fingerprint}); pass those with ${option('vectors')}`,
    );
  }
}
