/**
 * A trained fine-tuned network as a Model: predictions (the logits scaled by the temperature
 * fitted on the validation split), and its folder: network.json (the sizes, the keys of its
 * word rows), weights.bin (every parameter but the rows) and rows.bin (only the rows the
 * vectors cannot give back: in non-static mode every row of the training texts, which
 * training changed; in static mode the rows of words the vectors lack). The other rows are
 * read from the vectors the model was trained with, which model.json's fingerprint pins.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbError } from '../../errors.js';
import { isCalibration, probabilities, type Calibration } from '../calibration.js';
import {
  checkFormat,
  embeddingsOf,
  type Docs,
  type LoadContext,
  type Model,
  type SavedFiles,
  type SavedModel,
  type TrainingRecord,
} from '../kind.js';
import { readFloats, readJson, writeFloats } from '../model-files.js';
import { logitScores } from '../network-training.js';
import type { Network } from './layers.js';
import { WordRows, type Origin, type RowsState } from './rows.js';
import { MODES, type Mode } from './settings.js';

export const NETWORK_FORMAT = 'emb-finetuned-network-1';
const NETWORK_FILE = 'network.json';
const WEIGHTS_FILE = 'weights.bin';
const ROWS_FILE = 'rows.bin';
/** Texts a forward pass takes at once when predicting. */
const PREDICT_BATCH = 1000;

interface NetworkFile {
  shape: object;
  mode: Mode;
  clitics: boolean;
  rows: RowsState;
}

/** The rows a folder stores: all of them when they trained, else those the vectors lack. */
const savedRow =
  (mode: Mode) =>
  (origin: Origin): boolean =>
    mode === 'non-static' || origin !== 'vectors';

export class NetworkModel implements Model {
  constructor(
    readonly kind: string,
    readonly classes: readonly string[],
    private readonly net: Network,
    private readonly rows: WordRows,
    private readonly mode: Mode,
    private readonly calibration: Calibration,
    readonly training: TrainingRecord,
  ) {}

  predict(docs: Docs): Float32Array {
    const k = this.classes.length;
    const out = new Float32Array(docs.length * k);
    for (let start = 0; start < docs.length; start += PREDICT_BATCH) {
      const part = docs.slice(start, start + PREDICT_BATCH);
      const batch = this.rows.sequences(part);
      const logits = this.net.forward(this.rows.table, batch);
      out.set(
        probabilities(logitScores(logits, k), part.length, k, this.calibration.scale),
        start * k,
      );
    }
    return out;
  }

  async save(dir: string): Promise<SavedFiles> {
    const network: NetworkFile = {
      shape: this.net.shape,
      mode: this.mode,
      clitics: this.rows.clitics,
      rows: this.rows.state,
    };
    writeFileSync(join(dir, NETWORK_FILE), JSON.stringify(network));
    const params = this.net.params.map((p) => p.value);
    const weights = new Float32Array(params.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of params) {
      weights.set(p, at);
      at += p.length;
    }
    writeFloats(join(dir, WEIGHTS_FILE), weights);
    writeFloats(join(dir, ROWS_FILE), this.rows.savedRows(savedRow(this.mode)));
    return {
      format: NETWORK_FORMAT,
      files: [NETWORK_FILE, WEIGHTS_FILE, ROWS_FILE],
      calibration: this.calibration,
      training: this.training,
    };
  }

  dispose(): void {}
}

/**
 * Reopens a folder NetworkModel.save wrote; `rebuild` makes the kind's network from its saved
 * shape (an E_MODEL error when the shape is not one it makes).
 */
export function loadNetworkModel(
  kind: string,
  dir: string,
  saved: SavedModel,
  ctx: LoadContext,
  rebuild: (shape: unknown, dims: number, classes: number) => Network,
): NetworkModel {
  checkFormat(dir, saved, NETWORK_FORMAT);
  const emb = embeddingsOf(kind, ctx);
  const at = join(dir, NETWORK_FILE);
  const file = readJson(at) as NetworkFile;
  const rowsOk =
    typeof file?.rows === 'object' &&
    Array.isArray(file.rows.keys) &&
    Array.isArray(file.rows.origins) &&
    file.rows.keys.length === file.rows.origins.length &&
    file.rows.keys.every((k) => typeof k === 'string') &&
    file.rows.origins.every((o) => ['vectors', 'subwords', 'random'].includes(o));
  if (
    !rowsOk ||
    typeof file.shape !== 'object' ||
    !MODES.includes(file.mode) ||
    typeof file.clitics !== 'boolean' ||
    !isCalibration(saved.calibration)
  )
    throw new EmbError(
      'E_MODEL',
      `${at}: expected { "shape", "mode", "clitics", "rows" } and a calibration; the model folder is damaged, train it again`,
    );
  const net = rebuild(file.shape, emb.dims, ctx.classes.length);
  const weights = readFloats(join(dir, WEIGHTS_FILE));
  const wanted = net.params.reduce((n, p) => n + p.value.length, 0);
  if (weights.length !== wanted)
    throw new EmbError(
      'E_MODEL',
      `${join(dir, WEIGHTS_FILE)}: expected ${wanted} weights, found ${weights.length}; train the model again`,
    );
  let offset = 0;
  for (const p of net.params) {
    p.value.set(weights.subarray(offset, offset + p.value.length));
    offset += p.value.length;
  }
  const rowsAt = join(dir, ROWS_FILE);
  const rows = WordRows.restore(
    file.rows,
    readFloats(rowsAt),
    savedRow(file.mode),
    emb,
    file.clitics,
    rowsAt,
  );
  return new NetworkModel(
    kind,
    ctx.classes,
    net,
    rows,
    file.mode,
    saved.calibration as Calibration,
    saved.training as TrainingRecord,
  );
}
