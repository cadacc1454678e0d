/**
 * The fine-tuned networks' protocol (ANCHORS.md section 3), shared by bench/finetune.ts and
 * the tests' floors: Kim's clean_str tokens, one stratified 90/10 split (seed 0) of MR, SUBJ
 * and AG News (SST-2 keeps its own train and test files), and optionally stratified subsets of
 * both parts, so that a test can train in seconds on the very texts the PyTorch figure it
 * checks was measured on.
 */
import { Random } from '../../src/random.js';
import type { LabelledSet } from '../../src/text/dataset.js';
import { stratifiedHoldout, stratifiedSample } from '../../src/text/splits.js';
import { loadAGNews, loadMR, loadSST2, loadSUBJ } from './datasets.js';

export const FINETUNE_SETS = ['MR', 'SUBJ', 'SST-2', 'AG'] as const;
export type FinetuneSet = (typeof FINETUNE_SETS)[number];

/**
 * Kim's clean_str (CNN_sentence, process_data.py): letters, digits and ( ) , ! ? ' ` kept,
 * every other character a space; English clitics and those punctuation marks split off as
 * tokens of their own; lower-cased.
 */
export function cleanStr(text: string): string[] {
  const s = text
    .replace(/[^A-Za-z0-9(),!?'`]/g, ' ')
    .replace(/('s|'ve|n't|'re|'d|'ll)/g, ' $1')
    .replace(/([,!()?])/g, ' $1 ');
  return s.toLowerCase().split(/\s+/).filter(Boolean);
}

export interface FinetuneTask {
  name: FinetuneSet;
  data: LabelledSet;
  tokens: string[][];
  /** Indices into data of the training and test parts. */
  train: number[];
  test: number[];
}

/** The set's split; `sizes` takes stratified subsets of its parts (seed 0). */
export function finetuneTask(
  name: FinetuneSet,
  sizes: { train?: number; test?: number } = {},
): FinetuneTask {
  let data: LabelledSet;
  let split: { train: number[]; test: number[] };
  if (name === 'SST-2') {
    const [train, test] = [loadSST2('train'), loadSST2('test')];
    const labels = [
      ...train.labels,
      ...test.labels.map((y) => train.classes.indexOf(test.classes[y])),
    ];
    data = {
      texts: [...train.texts, ...test.texts],
      labels,
      classes: train.classes,
      source: 'SST-2',
    };
    const n = train.texts.length;
    split = { train: train.texts.map((_, i) => i), test: test.texts.map((_, i) => n + i) };
  } else {
    data = { MR: loadMR, SUBJ: loadSUBJ, AG: loadAGNews }[name]();
    const { train, test } = stratifiedHoldout(data.labels, 0.1, 0);
    split = { train, test };
  }
  const rng = new Random(0);
  const part = (rows: number[], size?: number) =>
    size === undefined ? rows : stratifiedSample(data.labels, rows, size, rng);
  return {
    name,
    data,
    tokens: data.texts.map(cleanStr),
    train: part(split.train, sizes.train),
    test: part(split.test, sizes.test),
  };
}
