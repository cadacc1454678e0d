/**
 * Probabilities you can trust (issue 11): accuracy, expected calibration error (10 equal-width
 * bins of the top probability) and Brier score of every emb model, beside scikit-learn's
 * CalibratedClassifierCV(LinearSVC()), LogisticRegression and MLPClassifier on the same texts,
 * the same folds and the same features (bench/peers/calibration_sklearn.py), in the same run.
 *
 *   npm run build && node --import tsx bench/calibration.ts [--sets SST-2,MR,SUBJ,SMS,AG]
 *                                                           [--models svm,...] [--python PATH]
 *
 * SST-2 trains on its train part and tests on its test set; MR, SUBJ, SMS and AG News (4
 * classes) are cross-validated with emb's 10 stratified folds (seed 0), which the peer reuses.
 * The peer gets each text's mean word vector from emb, so both sides see identical features.
 * emb runs in this thread (fold workers would blur the times); its seconds are CPU seconds,
 * the peer's are wall seconds of its single-threaded fits.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prepareDefault } from '../src/api/convert.js';
import { readVectors } from '../src/formats/index.js';
import { evaluateFolds, type Plan } from '../src/experiments/cross-validate.js';
import { calibrationMetrics, type CalibrationMetrics } from '../src/experiments/metrics.js';
import { argmaxRow } from '../src/models/kind.js';
import { MODEL_NAMES, modelSettings } from '../src/models/registry.js';
import type { LabelledSet as Dataset } from '../src/text/dataset.js';
import { groupsOf } from '../src/text/duplicates.js';
import { stratifiedKFold } from '../src/text/splits.js';
import { tokenize } from '../src/text/tokenize.js';
import { loadAGNews, loadMR, loadSMS, loadSST2, loadSUBJ } from '../test/support/datasets.js';
import { meanVectors } from '../test/support/mean-vectors.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const sets = arg('--sets', 'SST-2,MR,SUBJ,SMS,AG').split(',');
const models = arg('--models', MODEL_NAMES.join(',')).split(',');
const python = arg('--python', '/usr/bin/python3');
const out = fileURLToPath(new URL('out/', import.meta.url));
mkdirSync(out, { recursive: true });

const path = (await prepareDefault()).path;
const emb = readVectors(path).embeddings;

interface Task {
  texts: string[];
  labels: number[];
  classes: readonly string[];
  /** Each text's test fold; -1: always in training. */
  fold: number[];
  plan: Plan;
  /** The training texts' tokens, then the test set's (SST-2), as evaluateFolds takes them. */
  docs: string[][];
  trainRows: number;
}

function task(name: string): Task {
  if (name === 'SST-2') {
    const train = loadSST2('train');
    const test = loadSST2('test');
    const testLabels = test.labels.map((y) => train.classes.indexOf(test.classes[y]));
    const docs = [...train.texts, ...test.texts].map(tokenize);
    return {
      texts: [...train.texts, ...test.texts],
      labels: [...train.labels, ...testLabels],
      classes: train.classes,
      fold: [...train.labels.map(() => -1), ...testLabels.map(() => 0)],
      plan: { test: { docs: docs.slice(train.texts.length), labels: testLabels } },
      docs,
      trainRows: train.texts.length,
    };
  }
  const loaders: Record<string, () => Dataset> = {
    MR: loadMR,
    SUBJ: loadSUBJ,
    SMS: loadSMS,
    AG: loadAGNews,
  };
  const data = loaders[name]();
  const fold = data.labels.map(() => -1);
  const docs = data.texts.map(tokenize);
  // The folds evaluateFolds makes for { folds: 10 } with seed 0 (copies of a text in one fold).
  stratifiedKFold(data.labels, 10, 0, groupsOf(docs)).forEach((f, k) =>
    f.test.forEach((i) => (fold[i] = k)),
  );
  return {
    texts: data.texts,
    labels: data.labels,
    classes: data.classes,
    fold,
    plan: { folds: 10 },
    docs,
    trainRows: docs.length,
  };
}

interface Row {
  method: string;
  tool: 'emb' | 'scikit-learn';
  accuracy: number;
  metrics: CalibrationMetrics;
  seconds: number;
}

function peerRows(name: string, t: Task): Row[] | string {
  const base = `${out}calibration-${name}`;
  writeFileSync(
    `${base}.json`,
    JSON.stringify({
      texts: t.texts,
      labels: t.labels,
      classes: t.classes,
      fold: t.fold,
      dims: emb.dims,
    }),
  );
  const vectors = meanVectors(emb, t.docs);
  writeFileSync(`${base}.f32`, new Uint8Array(vectors.buffer));
  const script = fileURLToPath(new URL('peers/calibration_sklearn.py', import.meta.url));
  const run = spawnSync(python, [script, `${base}.json`, `${base}.f32`], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) return `${python} failed: ${run.error?.message ?? run.stderr.trim()}`;
  const doc = JSON.parse(run.stdout) as {
    methods: Record<string, { seconds: number; probabilities: (number[] | null)[] }>;
  };
  const k = t.classes.length;
  return Object.entries(doc.methods).map(([method, r]) => {
    const tested = r.probabilities.flatMap((p, i) => (p ? [i] : []));
    const probs = Float32Array.from(tested.flatMap((i) => r.probabilities[i]!));
    const truth = tested.map((i) => t.labels[i]);
    const right = truth.filter((y, r) => argmaxRow(probs, k, r) === y).length;
    return {
      method,
      tool: 'scikit-learn' as const,
      accuracy: right / truth.length,
      metrics: calibrationMetrics(probs, truth, k),
      seconds: r.seconds,
    };
  });
}

async function embRows(t: Task): Promise<Row[]> {
  const rows: Row[] = [];
  for (const model of models) {
    const cpu = process.cpuUsage();
    const e = await evaluateFolds(
      t.docs.slice(0, t.trainRows),
      t.labels.slice(0, t.trainRows),
      t.classes,
      modelSettings({ model }),
      { seed: 0, embeddings: emb },
      t.plan,
    );
    const used = process.cpuUsage(cpu);
    // Pooled over every test text, as the peer's figures are.
    rows.push({
      method: model,
      tool: 'emb',
      accuracy: e.correct / e.tested,
      metrics: e.calibration,
      seconds: (used.user + used.system) / 1e6,
    });
  }
  return rows;
}

const summary: string[] = [];
for (const name of sets) {
  const t = task(name);
  const rows = await embRows(t);
  const peer = peerRows(name, t);
  console.log(`\n${name} (${'folds' in t.plan ? '10-fold CV' : 'test set'})\n`);
  console.log('| method | tool | accuracy % | ECE | Brier | log loss | seconds |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of [...rows, ...(typeof peer === 'string' ? [] : peer)]) {
    const m = r.metrics;
    console.log(
      `| ${r.method} | ${r.tool} | ${(100 * r.accuracy).toFixed(2)} | ${m.ece.toFixed(4)} | ${m.brier.toFixed(4)} | ${m.logLoss.toFixed(4)} | ${r.seconds.toFixed(1)} |`,
    );
  }
  if (typeof peer === 'string') {
    console.log(`\nscikit-learn peer not run: ${peer}`);
    continue;
  }
  const best = peer.reduce((a, b) => (b.metrics.brier < a.metrics.brier ? b : a));
  const worstEce = rows.reduce((a, b) => (b.metrics.ece > a.metrics.ece ? b : a));
  for (const r of rows.filter((r) => r.method === 'hybrid')) {
    const ok = r.metrics.ece <= 0.05 && r.metrics.brier <= best.metrics.brier;
    summary.push(
      `| ${name} | ${r.metrics.ece.toFixed(4)} | ${r.metrics.brier.toFixed(4)} | ${best.metrics.brier.toFixed(4)} (${best.method}) | ${worstEce.metrics.ece.toFixed(4)} (${worstEce.method}) | ${ok ? 'met' : 'missed'} |`,
    );
  }
}
if (summary.length) {
  console.log("\nTarget: ECE <= 0.05 and Brier no worse than scikit-learn's best\n");
  console.log(
    '| set | hybrid ECE | hybrid Brier | scikit-learn best Brier | largest emb ECE | target |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const line of summary) console.log(line);
}
