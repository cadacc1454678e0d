/**
 * Fine-tuned networks (issue 17): emb's Kim CNN (static and non-static) and deep averaging
 * network against the same architectures in PyTorch 1.13 (bench/peers/finetune_torch.py, two
 * threads), in the same run, on the same split, tokens and vectors (ANCHORS.md section 3).
 *
 *   flock /tmp/emb-bench.lock node --import tsx bench/finetune.ts
 *       [--sets MR,AG] [--models cnn-static,cnn-non-static,dan] [--seeds 0,1,2]
 *       [--tools emb,torch] [--python PATH]
 *
 * The protocol: one stratified 90/10 split (seed 0); the network holds out 10% of its training
 * part for validation (emb's own stratified split with the run's seed, which the peer is given);
 * Kim's clean_str tokens; the default GloVe 100d vectors, words without one starting from
 * U(-0.25, 0.25); Adam 1e-3, batches of 50, 10 epochs for the CNN and 20 for the DAN; test
 * accuracy at the epoch of best validation accuracy. MR is rt-polarity (10,662 snippets); AG is
 * AG News's 7,600 texts (title and description, 4 classes).
 *
 * Seconds per epoch are the training pass plus the validation pass, as each side reports them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAGNews, loadMR } from '../test/support/datasets.js';
import { readVectors } from '../src/formats/index.js';
import { findVector } from '../src/embeddings/lookup.js';
import { prepareDefault } from '../src/store/default.js';
import { stratifiedHoldout } from '../src/text/splits.js';
import type { LabelledSet } from '../src/text/dataset.js';
import { argmaxRow, type Model } from '../src/models/kind.js';
import { kindNamed, modelSettings, type ModelName } from '../src/models/registry.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const sets = arg('--sets', 'MR,AG').split(',');
const models = arg('--models', 'cnn-static,cnn-non-static,dan').split(',');
const seeds = arg('--seeds', '0,1,2').split(',').map(Number);
const tools = arg('--tools', 'emb,torch').split(',');
const python = arg('--python', '/usr/bin/python3');
const out = fileURLToPath(new URL('out/', import.meta.url));
const peer = fileURLToPath(new URL('peers/finetune_torch.py', import.meta.url));
mkdirSync(out, { recursive: true });

const emb = readVectors(prepareDefault().path).embeddings;

/**
 * Kim's clean_str (CNN_sentence, process_data.py), the tokens of ANCHORS.md section 3: letters,
 * digits and ( ) , ! ? ' ` kept, every other character a space; English clitics and those
 * punctuation marks split off as tokens of their own; lower-cased.
 */
function cleanStr(text: string): string[] {
  const s = text
    .replace(/[^A-Za-z0-9(),!?'`]/g, ' ')
    .replace(/('s|'ve|n't|'re|'d|'ll)/g, ' $1')
    .replace(/([,!()?])/g, ' $1 ');
  return s.toLowerCase().split(/\s+/).filter(Boolean);
}

interface Task {
  name: string;
  data: LabelledSet;
  tokens: string[][];
  train: number[];
  test: number[];
  /** For each seed, the validation part (indices into the set) of the training part. */
  validation: Record<number, number[]>;
}

function prepare(name: string): Task {
  const data = name === 'MR' ? loadMR() : loadAGNews();
  const tokens = data.texts.map(cleanStr);
  const outer = stratifiedHoldout(data.labels, 0.1, 0);
  const trainLabels = outer.train.map((i) => data.labels[i]);
  const validation: Record<number, number[]> = {};
  // The validation split each network makes of the texts it is given (nets/training.ts).
  for (const seed of seeds)
    validation[seed] = stratifiedHoldout(trainLabels, 0.1, seed).test.map((j) => outer.train[j]);
  const words = [...new Set(tokens.flat())].filter((t) => findVector(emb, t));
  const rows = new Float32Array(words.length * emb.dims);
  words.forEach((w, i) => rows.set(findVector(emb, w)!.vector, i * emb.dims));
  const base = `${out}finetune-${name}`;
  writeFileSync(`${base}.f32`, rows);
  writeFileSync(
    `${base}.json`,
    JSON.stringify({
      classes: data.classes,
      labels: data.labels,
      tokens,
      train: outer.train,
      test: outer.test,
      validation,
      words,
      dims: emb.dims,
    }),
  );
  return { name, data, tokens, train: outer.train, test: outer.test, validation };
}

interface Result {
  accuracy: number;
  epochSeconds: number;
  bestEpoch: number;
}

function torchRun(task: Task, model: string, seed: number): Result {
  const run = spawnSync(python, [peer, `${out}finetune-${task.name}.json`, model, String(seed)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`${peer} failed:\n${run.stderr}`);
  const doc = JSON.parse(run.stdout.trim().split('\n').pop()!);
  return {
    accuracy: doc.test_accuracy,
    epochSeconds: doc.epoch_seconds,
    bestEpoch: doc.best_epoch,
  };
}

/** emb's side: the kind trained on the training part, scored on the test part. */
async function embRun(task: Task, model: string, seed: number): Promise<Result> {
  const [name, mode] = [
    model.slice(0, 3) as ModelName,
    model.endsWith('non-static') ? 'non-static' : model === 'dan' ? 'non-static' : 'static',
  ];
  const epochs = name === 'cnn' ? 10 : 20;
  // The protocol runs every epoch and keeps the best (patience longer than the run).
  const settings = modelSettings({
    model: name,
    mode,
    clitics: false,
    maxEpochs: epochs,
    patience: epochs,
  });
  const data = {
    docs: task.train.map((i) => task.tokens[i]),
    labels: task.train.map((i) => task.data.labels[i]),
    classes: task.data.classes,
  };
  const trained: Model = await kindNamed(name).train(data, settings, { seed, embeddings: emb });
  const probs = await trained.predict(task.test.map((i) => task.tokens[i]));
  const k = task.data.classes.length;
  const right = task.test.filter((i, r) => argmaxRow(probs, k, r) === task.data.labels[i]).length;
  const record = trained.training!;
  return {
    accuracy: right / task.test.length,
    epochSeconds: record.epochSeconds,
    bestEpoch: record.bestEpoch,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => (100 * x).toFixed(2);

console.log(
  '| set | model | tool | test accuracy by seed | mean | s/epoch | best epochs |\n|---|---|---|---|---|---|---|',
);
for (const name of sets) {
  const task = prepare(name);
  for (const model of models) {
    for (const tool of tools) {
      const results: Result[] = [];
      for (const seed of seeds)
        results.push(
          tool === 'torch' ? torchRun(task, model, seed) : await embRun(task, model, seed),
        );
      const cells = [
        name,
        model,
        tool === 'torch' ? 'PyTorch 1.13' : 'emb',
        results.map((r) => pct(r.accuracy)).join(' / '),
        pct(mean(results.map((r) => r.accuracy))),
        mean(results.map((r) => r.epochSeconds)).toFixed(2),
        results.map((r) => r.bestEpoch).join(', '),
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
}
