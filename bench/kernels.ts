/**
 * Kernel SVMs and the network on word counts (issue 18) beside scikit-learn 1.2
 * (bench/peers/kernels_sklearn.py) in the same run, on the same tokens and split:
 * SVC(kernel='rbf', C=1, gamma='scale'), SVC(kernel='precomputed') on the intersection Gram
 * matrix and MLPClassifier((256,), early_stopping=True), each on CountVectorizer(max_features=
 * 5000) counts; then the discussion's protocol, every emb model on SUBJ side by side.
 *
 *   npm run build:native && flock /tmp/emb-bench.lock node --import tsx bench/kernels.ts
 *       [--sets SUBJ,MR,AG] [--skip-protocol] [--python /usr/bin/python3]
 *   node --import tsx bench/kernels.ts --choose [--sets ...] [--skip model/tf/norm,...]
 *
 * Each set is split as ANCHORS.md section 5 splits SUBJ: 5,000 stratified training texts
 * (train_test_split(..., train_size=5000, stratify=y, random_state=0)), the rest for testing;
 * AG News is its 7,600-text test file (4 classes), so 5,000 / 2,600. The tokens are emb's
 * reference tokenizer's (ascii-v1), handed to the peer, so both sides count the same tokens.
 * Every run is its own process (so its peak memory is its own): fit + predict seconds (wall;
 * emb's fit includes its inner folds for calibrated probabilities, the peer's precomputed runs
 * include their Gram matrices), CPU seconds, and peak resident memory. --choose measures what
 * chose the kinds' count defaults instead (accuracy only, so it needs no lock): each kind on
 * each --tf and each --norm, on each set's split.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Csr } from '../src/features/bow.js';
import { COUNT_NORMS, COUNT_TFS, Counts } from '../src/features/counts.js';
import { readVectors } from '../src/formats/index.js';
import { trainBinarySvm } from '../src/models/linear-svm.js';
import { argmaxRow } from '../src/models/kind.js';
import { modelSettings, trainModel, usesVectors } from '../src/models/registry.js';
import { prepareDefaultSync } from '../src/store/default.js';
import type { LabelledSet as Dataset } from '../src/text/dataset.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { loadAGNews, loadMR, loadSUBJ } from '../test/support/datasets.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const python = arg('--python', '/usr/bin/python3');
const out = fileURLToPath(new URL('out/kernels/', import.meta.url));
const here = fileURLToPath(import.meta.url);
const peerScript = fileURLToPath(new URL('peers/kernels_sklearn.py', import.meta.url));
const LOADERS: Record<string, () => Dataset> = { SUBJ: loadSUBJ, MR: loadMR, AG: loadAGNews };
const TRAIN_SIZE = 5000;
const { tokenize } = tokenizerFor('ascii');

interface Run {
  seconds: number;
  cpu: number;
  accuracy: number;
  predicted: number[];
  rssBeforeMb: number;
  rssPeakMb: number;
}

const tokensPath = (set: string) => `${out}${set}.tokens.json`;
const splitPath = (set: string) => `${out}${set}.split.json`;

interface Task {
  docs: string[][];
  labels: number[];
  train: number[];
  test: number[];
}

const task = (set: string): Task => ({
  ...JSON.parse(readFileSync(tokensPath(set), 'utf8')),
  ...JSON.parse(readFileSync(splitPath(set), 'utf8')),
});
const pick = <T>(rows: number[], of: T[]) => rows.map((i) => of[i]);

/** Times fit + predict (the predicted class of each test text), in this process. */
async function timed(t: Task, fitPredict: () => Promise<number[]> | number[]): Promise<Run> {
  const rssBeforeMb = process.resourceUsage().maxRSS / 1024;
  const start = performance.now();
  const cpu = process.cpuUsage();
  const predicted = await fitPredict();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const right = predicted.filter((p, r) => p === t.labels[t.test[r]]).length;
  return {
    seconds,
    cpu: (used.user + used.system) / 1e6,
    accuracy: right / t.test.length,
    predicted,
    rssBeforeMb,
    rssPeakMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** One emb run, in this process (started as a child by the main run). */
async function runOne(set: string, options: Record<string, unknown>): Promise<Run> {
  const t = task(set);
  const classes = [...new Set<number>(t.labels)].sort((a, b) => a - b).map(String);
  const settings = modelSettings({ tokenizer: 'ascii', ...options });
  const embeddings = usesVectors(settings.model)
    ? readVectors(prepareDefaultSync().path).embeddings
    : undefined;
  return timed(t, async () => {
    const model = await trainModel(
      { docs: pick(t.train, t.docs), labels: pick(t.train, t.labels), classes },
      settings,
      { seed: 0, embeddings },
    );
    const scores = await model.predict(pick(t.test, t.docs));
    return t.test.map((_, r) => argmaxRow(scores, classes.length, r));
  });
}

/**
 * The other way to the intersection kernel on whole counts: a linear SVM on thermometer-coded
 * counts (min(a, b) = sum_k [a >= k][b >= k]) by LIBLINEAR's dual coordinate descent (hinge
 * loss, C = 1), whose bias is regularised like a weight where SVC's is not.
 */
function runThermometer(set: string, eps: number): Promise<Run> {
  const t = task(set);
  return timed(t, () => {
    const counts = Counts.fit(pick(t.train, t.docs), { vocab: 5000, tf: 'raw', norm: 'none' });
    const x = counts.transform(pick(t.train, t.docs));
    const most = new Int32Array(x.cols);
    x.indices.forEach((j, p) => (most[j] = Math.max(most[j], x.values[p])));
    const offset = new Int32Array(x.cols + 1);
    most.forEach((m, j) => (offset[j + 1] = offset[j] + m));
    const thermometer = (m: Csr): Csr => {
      const indptr = new Int32Array(m.rows + 1);
      const indices: number[] = [];
      for (let r = 0; r < m.rows; r++) {
        for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
          const j = m.indices[p];
          for (let k = 0; k < Math.min(m.values[p], most[j]); k++) indices.push(offset[j] + k);
        }
        indptr[r + 1] = indices.length;
      }
      const values = new Float32Array(indices.length).fill(1);
      const cols = offset[x.cols];
      return { rows: m.rows, cols, indptr, indices: Int32Array.from(indices), values };
    };
    const y = Int8Array.from(pick(t.train, t.labels), (c) => (c === 0 ? 1 : -1));
    const fit = trainBinarySvm(thermometer(x), y, { C: 1, loss: 'hinge', seed: 0, eps });
    const tt = thermometer(counts.transform(pick(t.test, t.docs)));
    return t.test.map((_, r) => {
      let f = fit.w[tt.cols];
      for (let p = tt.indptr[r]; p < tt.indptr[r + 1]; p++) f += fit.w[tt.indices[p]];
      return f > 0 ? 0 : 1;
    });
  });
}

function child(command: string, args: string[]): Run {
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${run.stderr}`);
  const json = JSON.parse(run.stdout.trim().split('\n').pop()!);
  return {
    ...json,
    rssBeforeMb: json.rssBeforeMb ?? json.rss_before_mb,
    rssPeakMb: json.rssPeakMb ?? json.rss_peak_mb,
  };
}

const ours = (set: string, options: object) =>
  child(process.execPath, ['--import', 'tsx', here, '--one', set, JSON.stringify(options)]);
const theirs = (set: string, method: string) =>
  child(python, [peerScript, tokensPath(set), method]);

/** Writes the set's tokens and the peer's split, once per run. */
function prepare(set: string): { classes: number; train: number; test: number } {
  const data = LOADERS[set]();
  const docs = data.texts.map(tokenize);
  writeFileSync(
    tokensPath(set),
    JSON.stringify({ docs, labels: data.labels, train_size: TRAIN_SIZE }),
  );
  const run = spawnSync(python, [peerScript, tokensPath(set), 'split'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${python} split: ${run.stderr}`);
  writeFileSync(splitPath(set), run.stdout);
  const split = JSON.parse(run.stdout);
  return { classes: data.classes.length, train: split.train.length, test: split.test.length };
}

const pct = (x: number) => (100 * x).toFixed(2);
const agreement = (a: Run, b: Run) =>
  pct(a.predicted.filter((p, i) => p === b.predicted[i]).length / a.predicted.length);
const load = () => loadavg()[0].toFixed(1);

/** The peers: the same counts (raw, no norm) on both sides. */
const PEERED: [string, object, string, number][] = [
  ['rbf-svm', { model: 'rbf-svm', tf: 'raw', norm: 'none' }, 'rbf', 0.3],
  ['hik-svm', { model: 'hik-svm', tf: 'raw', norm: 'none' }, 'hik', 0.3],
  ['bow-mlp', { model: 'bow-mlp', tf: 'raw', norm: 'none' }, 'mlp', 1],
];

/** The discussion's protocol on SUBJ: every model, as configured. */
const PROTOCOL: [string, object][] = [
  ['rbf-svm, raw counts', { model: 'rbf-svm', tf: 'raw', norm: 'none' }],
  ['rbf-svm, its defaults', { model: 'rbf-svm' }],
  ['hik-svm, raw counts', { model: 'hik-svm', tf: 'raw', norm: 'none' }],
  ['hik-svm, its defaults (engineered)', { model: 'hik-svm' }],
  ['chi2-svm, its defaults', { model: 'chi2-svm' }],
  ['bow-mlp, its defaults (one hidden layer of 256)', { model: 'bow-mlp' }],
  ['bow-mlp, two hidden layers (512, 256)', { model: 'bow-mlp', hidden: [512, 256] }],
  ['svm (TF-IDF 1-2-grams, linear)', { model: 'svm' }],
  ['nbsvm', { model: 'nbsvm' }],
  ['hybrid (the default of emb train)', { model: 'hybrid' }],
];

/**
 * The accuracy of each kind on each way of counting, one change from raw counts at a time,
 * the kind's default marked; --skip model/tf/norm,... leaves out rows measured already.
 */
function choose(sets: string[]) {
  for (const set of sets) prepare(set);
  const skip = new Set(arg('--skip', '').split(','));
  const tfs = COUNT_TFS.map((tf) => ({ tf, norm: 'none' }));
  const norms = COUNT_NORMS.filter((n) => n !== 'none').map((norm) => ({ tf: 'raw', norm }));
  const CHOICES: [string, { tf: string; norm: string }[]][] = [
    ['rbf-svm', [...tfs, ...norms]],
    ['hik-svm', [...tfs, ...norms]],
    ['chi2-svm', [...tfs, ...norms]],
    ['bow-mlp', tfs.filter((c) => c.tf !== 'log')],
  ];
  console.log('Count defaults: accuracy % on each split (accuracy only: no lock needed)\n');
  console.log(`| model | tf | norm | ${sets.join(' | ')} | mean |`);
  console.log(`|---|---|---|${sets.map(() => '---|').join('')}---|`);
  for (const [model, choices] of CHOICES) {
    const defaults = modelSettings({ model } as never) as unknown as { tf: string; norm: string };
    for (const c of choices) {
      if (skip.has(`${model}/${c.tf}/${c.norm}`)) continue;
      const runs = sets.map((set) => ours(set, { model, ...c }));
      const mean = runs.reduce((a, r) => a + r.accuracy, 0) / runs.length;
      const mark = c.tf === defaults.tf && c.norm === defaults.norm ? ' (default)' : '';
      console.log(
        `| ${model}${mark} | ${c.tf} | ${c.norm} | ${runs.map((r) => pct(r.accuracy)).join(' | ')} | ${pct(mean)} |`,
      );
    }
  }
}

async function main() {
  if (process.argv[2] === '--one') {
    console.log(JSON.stringify(await runOne(process.argv[3], JSON.parse(process.argv[4]))));
    return;
  }
  if (process.argv[2] === '--thermometer') {
    console.log(JSON.stringify(await runThermometer(process.argv[3], Number(process.argv[4]))));
    return;
  }
  mkdirSync(out, { recursive: true });
  const sets = arg('--sets', 'SUBJ,MR,AG').split(',');
  if (process.argv.includes('--choose')) return choose(sets);
  const only = new Set(arg('--models', PEERED.map((p) => p[0]).join(',')).split(','));
  console.log(
    `Kernel models and the network on counts against scikit-learn (${new Date().toISOString().slice(0, 10)})\n`,
  );
  console.log(
    '| set | model | emb acc % | sklearn acc % | diff | target | same predictions % | emb s | sklearn s | sklearn / emb | emb CPU s | sklearn CPU s | emb peak MiB | sklearn peak MiB | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const set of sets) {
    const shape = prepare(set);
    const name = `${set} (${shape.classes} classes, ${shape.train}/${shape.test})`;
    for (const [model, options, method, tolerance] of PEERED) {
      if (!only.has(model)) continue;
      const peer = theirs(set, method);
      const mine = ours(set, options);
      const diff = 100 * (mine.accuracy - peer.accuracy);
      const met = diff >= -tolerance ? 'met' : `missed by ${(-diff - tolerance).toFixed(2)}`;
      console.log(
        `| ${name} | ${model} / ${method} | ${pct(mine.accuracy)} | ${pct(peer.accuracy)} | ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} | within ${tolerance}: ${met} | ${agreement(mine, peer)} | ${mine.seconds.toFixed(2)} | ${peer.seconds.toFixed(2)} | ${(peer.seconds / mine.seconds).toFixed(1)}x | ${mine.cpu.toFixed(2)} | ${peer.cpu.toFixed(2)} | ${mine.rssPeakMb.toFixed(0)} | ${peer.rssPeakMb.toFixed(0)} | ${load()} |`,
      );
    }
  }
  if (sets.includes('SUBJ') && only.has('hik-svm')) {
    const peer = theirs('SUBJ', 'hik');
    console.log(
      '\nThe intersection kernel on whole counts, SUBJ: SMO against a linear SVM on thermometer-coded counts\n',
    );
    console.log('| solver | acc % | same predictions as SVC % | s | CPU s | sklearn s | load |');
    console.log('|---|---|---|---|---|---|---|');
    const smo = ours('SUBJ', { model: 'hik-svm', tf: 'raw', norm: 'none' });
    console.log(
      `| hik-svm (SMO, with its calibration folds) | ${pct(smo.accuracy)} | ${agreement(smo, peer)} | ${smo.seconds.toFixed(2)} | ${smo.cpu.toFixed(2)} | ${peer.seconds.toFixed(2)} | ${load()} |`,
    );
    for (const eps of [0.1, 1e-3]) {
      const run = child(process.execPath, [
        '--import',
        'tsx',
        here,
        '--thermometer',
        'SUBJ',
        String(eps),
      ]);
      console.log(
        `| thermometer + dual coordinate descent, eps ${eps} (no calibration) | ${pct(run.accuracy)} | ${agreement(run, peer)} | ${run.seconds.toFixed(2)} | ${run.cpu.toFixed(2)} | ${peer.seconds.toFixed(2)} | ${load()} |`,
      );
    }
    console.log('\nPeak memory against the cache, SUBJ, rbf-svm on raw counts\n');
    console.log('| cacheMb | acc % | s | CPU s | peak MiB | load |');
    console.log('|---|---|---|---|---|---|');
    for (const cacheMb of [10, 50, 200, 800]) {
      const run = ours('SUBJ', { model: 'rbf-svm', tf: 'raw', norm: 'none', cacheMb });
      console.log(
        `| ${cacheMb} | ${pct(run.accuracy)} | ${run.seconds.toFixed(2)} | ${run.cpu.toFixed(2)} | ${run.rssPeakMb.toFixed(0)} | ${load()} |`,
      );
    }
  }
  if (process.argv.includes('--skip-protocol')) return;
  if (!sets.includes('SUBJ')) prepare('SUBJ');
  console.log(
    "\nThe discussion's protocol: SUBJ, 5,000 stratified training texts, 5,000 held out\n",
  );
  console.log('| model | accuracy % | fit + predict s | CPU s | peak MiB | load |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, options] of PROTOCOL) {
    const run = ours('SUBJ', options);
    console.log(
      `| ${label} | ${pct(run.accuracy)} | ${run.seconds.toFixed(2)} | ${run.cpu.toFixed(2)} | ${run.rssPeakMb.toFixed(0)} | ${load()} |`,
    );
  }
}

await main();
