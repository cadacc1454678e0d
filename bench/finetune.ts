/**
 * Fine-tuned networks (issue 17): emb's Kim CNN (static and non-static) and deep averaging
 * network against the same architectures in PyTorch 1.13 (bench/peers/finetune_torch.py, two
 * threads), in the same run, on the same split, tokens and vectors (ANCHORS.md section 3).
 *
 *   flock /tmp/emb-bench.lock node --import tsx bench/finetune.ts
 *       [--sets MR,AG] [--models cnn-static,cnn-non-static,dan] [--seeds 0,1,2]
 *       [--tools emb,torch] [--train N --test N] [--epochs N] [--defaults]
 *       [--baselines hybrid,nbsvm] [--python PATH]
 *
 * The protocol (test/support/finetune-task.ts): one stratified 90/10 split (seed 0; SST-2 keeps
 * its own test file); the network holds out 10% of its training part for validation (emb's
 * own stratified split with the run's seed, which the peer is given); Kim's clean_str tokens;
 * the default GloVe 100d vectors, words without one starting from U(-0.25, 0.25); Adam 1e-3,
 * batches of 50, 10 epochs for the CNN and 20 for the DAN, every epoch run; test accuracy at
 * the epoch of best validation accuracy. --train and --test take stratified subsets of the
 * two parts and --epochs sets the epochs (the tests' floors are measured that way).
 * --defaults trains emb's kinds with their own defaults instead (early stopping with their
 * patience, their most epochs), to see what the protocol's full run changes. --baselines
 * trains emb's other kinds on the same texts and tokens (seed 0), for whether fine-tuning is
 * worth its cost.
 *
 * Seconds per epoch are the training pass plus the validation pass, as each side reports them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findVector } from '../src/embeddings/lookup.js';
import { readVectors } from '../src/formats/index.js';
import { calibrationMetrics } from '../src/experiments/metrics.js';
import { argmaxRow } from '../src/models/kind.js';
import { validationSplit } from '../src/models/nets/training.js';
import { kindNamed, modelSettings, type ModelName } from '../src/models/registry.js';
import { prepareDefault } from '../src/api/convert.js';
import {
  finetuneTask,
  type FinetuneSet,
  type FinetuneTask,
} from '../test/support/finetune-task.js';

const arg = (name: string, fallback?: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const sets = arg('--sets', 'MR,AG')!.split(',') as FinetuneSet[];
const models = arg('--models', 'cnn-static,cnn-non-static,dan')!.split(',').filter(Boolean);
const seeds = arg('--seeds', '0,1,2')!.split(',').map(Number);
const tools = arg('--tools', 'emb,torch')!.split(',');
const python = arg('--python', '/usr/bin/python3')!;
const sizes = {
  train: Number(arg('--train')) || undefined,
  test: Number(arg('--test')) || undefined,
};
const epochsGiven = Number(arg('--epochs')) || undefined;
const defaults = process.argv.includes('--defaults');
const baselines = arg('--baselines', '')!.split(',').filter(Boolean) as ModelName[];
const out = fileURLToPath(new URL('out/', import.meta.url));
const peer = fileURLToPath(new URL('peers/finetune_torch.py', import.meta.url));
mkdirSync(out, { recursive: true });

const emb = readVectors((await prepareDefault()).path).embeddings;

/** Writes what the peer reads: tokens, labels, the split, each seed's validation part, vectors. */
function writeTask(task: FinetuneTask): string {
  const trainLabels = task.train.map((i) => task.data.labels[i]);
  const trainDocs = task.train.map((i) => task.tokens[i]);
  const validation: Record<number, number[]> = {};
  // Seeds 0-9 and those asked: runs with other seeds may read the same file meanwhile.
  for (const seed of new Set([...Array(10).keys(), ...seeds]))
    validation[seed] = validationSplit(trainDocs, trainLabels, 0.1, seed).validation.map(
      (j) => task.train[j],
    );
  const words = [...new Set(task.tokens.flat())].filter((t) => findVector(emb, t));
  const rows = new Float32Array(words.length * emb.dims);
  words.forEach((w, i) => rows.set(findVector(emb, w)!.vector, i * emb.dims));
  const base = `${out}finetune-${task.name}-${task.train.length}-${task.test.length}`;
  // Written whole, then renamed: another run's peer may be reading the same files.
  const write = (path: string, data: string | Float32Array) => {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  };
  write(`${base}.f32`, rows);
  write(
    `${base}.json`,
    JSON.stringify({
      classes: task.data.classes,
      labels: task.data.labels,
      tokens: task.tokens,
      train: task.train,
      test: task.test,
      validation,
      words,
      dims: emb.dims,
    }),
  );
  return `${base}.json`;
}

interface Result {
  accuracy: number;
  epochSeconds: number;
  bestEpoch: number;
  /** emb's: the expected calibration error of its test probabilities (10 bins). */
  ece?: number;
}

const kindOf = (model: string) => model.slice(0, 3) as ModelName;
const modeOf = (model: string) =>
  model.endsWith('-static') && model !== 'cnn-non-static' ? 'static' : 'non-static';
const epochsOf = (model: string) => epochsGiven ?? (kindOf(model) === 'cnn' ? 10 : 20);

function torchRun(file: string, model: string, seed: number): Result {
  const run = spawnSync(python, [peer, file, model, String(seed), String(epochsOf(model))], {
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
async function embRun(task: FinetuneTask, model: string, seed: number): Promise<Result> {
  const epochs = epochsOf(model);
  // The protocol runs every epoch and keeps the best (a patience as long as the run).
  const settings = baselines.includes(model as ModelName)
    ? modelSettings({
        model,
        ...('clitics' in kindNamed(model as ModelName).settings ? { clitics: false } : {}),
      })
    : modelSettings({
        model: kindOf(model),
        mode: modeOf(model),
        clitics: false,
        ...(defaults ? {} : { maxEpochs: epochs, patience: epochs }),
      });
  const data = {
    docs: task.train.map((i) => task.tokens[i]),
    labels: task.train.map((i) => task.data.labels[i]),
    classes: task.data.classes,
  };
  const trained = await kindNamed(settings.model).train(data, settings, { seed, embeddings: emb });
  const probs = await trained.predict(task.test.map((i) => task.tokens[i]));
  const k = task.data.classes.length;
  const right = task.test.filter((i, r) => argmaxRow(probs, k, r) === task.data.labels[i]).length;
  const record = trained.training ?? { epochSeconds: NaN, bestEpoch: NaN };
  const truth = task.test.map((i) => task.data.labels[i]);
  return {
    accuracy: right / task.test.length,
    epochSeconds: record.epochSeconds,
    bestEpoch: record.bestEpoch,
    ece: calibrationMetrics(probs, truth, k).ece,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => (100 * x).toFixed(2);

console.log(
  '| set | model | tool | test accuracy by seed | mean | s/epoch | best epochs | ECE |\n|---|---|---|---|---|---|---|---|',
);
const summary: string[] = [];
for (const name of sets) {
  const task = finetuneTask(name, sizes);
  const file = writeTask(task);
  for (const model of baselines) {
    const r = await embRun(task, model, 0);
    const cells = [
      `${name} (${task.train.length} / ${task.test.length})`,
      model,
      'emb',
      pct(r.accuracy),
      pct(r.accuracy),
      '',
      '',
      r.ece!.toFixed(3),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  for (const model of models) {
    const byTool: Record<string, Result[]> = {};
    for (const tool of tools) {
      const results: Result[] = [];
      for (const seed of seeds)
        results.push(
          tool === 'torch' ? torchRun(file, model, seed) : await embRun(task, model, seed),
        );
      byTool[tool] = results;
      const cells = [
        `${name} (${task.train.length} / ${task.test.length})`,
        model,
        tool === 'torch' ? 'PyTorch 1.13' : defaults ? 'emb (defaults)' : 'emb',
        results.map((r) => pct(r.accuracy)).join(' / '),
        pct(mean(results.map((r) => r.accuracy))),
        mean(results.map((r) => r.epochSeconds)).toFixed(2),
        results.map((r) => r.bestEpoch).join(', '),
        results[0].ece === undefined ? '' : mean(results.map((r) => r.ece!)).toFixed(3),
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
    const [ours, theirs] = [byTool.emb, byTool.torch];
    if (!ours || !theirs) continue;
    const gap = 100 * (mean(ours.map((r) => r.accuracy)) - mean(theirs.map((r) => r.accuracy)));
    const ratio = mean(ours.map((r) => r.epochSeconds)) / mean(theirs.map((r) => r.epochSeconds));
    // Within 0.5 either way: above it is no loss to a user, but it says the two sides differ.
    const accuracy =
      gap < -0.5
        ? `missed by ${(-0.5 - gap).toFixed(2)}`
        : gap > 0.5
          ? `above by ${(gap - 0.5).toFixed(2)}`
          : 'met';
    summary.push(
      `| ${name} | ${model} | ${gap >= 0 ? '+' : ''}${gap.toFixed(2)} | ${accuracy} | ${ratio.toFixed(2)}x | ${ratio <= 1.5 ? 'met' : 'missed'} |`,
    );
  }
}
if (summary.length) {
  console.log('\nTargets: mean accuracy within 0.5 points of PyTorch, seconds per epoch <= 1.5x\n');
  console.log(
    '| set | model | emb - PyTorch (points) | accuracy | emb / PyTorch s/epoch | speed |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const line of summary) console.log(line);
}
