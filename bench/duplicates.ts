/**
 * What copies of a text do to cross-validation (issue 16): SMS Spam has 415 texts that repeat
 * another's tokens (290 groups). Every kind on main, 10-fold stratified CV (seed 0), with the
 * folds dealt as before (a copy can be tested after its twin was trained on) and with every
 * copy in its first text's fold (what crossValidate does now), beside scikit-learn's TF-IDF
 * linear SVM, LogisticRegression and MLPClassifier on emb's mean vectors (ANCHORS.md section
 * 2's methods A, C, D, reference tokens) with StratifiedKFold and StratifiedGroupKFold, in the
 * same run (bench/peers/duplicates_sklearn.py). Also the test copies whose twin was trained on.
 *
 *   flock /tmp/emb-bench.lock nice -n 10 node --import tsx bench/duplicates.ts [--python /usr/bin/python3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openVectors } from '../src/api/vectors.js';
import { runFold } from '../src/experiments/fold.js';
import { argmaxRow } from '../src/models/kind.js';
import { modelSettings, type ModelName } from '../src/models/registry.js';
import { groupsOf } from '../src/text/duplicates.js';
import { stratifiedKFold, type Fold } from '../src/text/splits.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { DATA, loadSMS } from '../test/support/datasets.js';

const data = loadSMS();
const { tokenize } = tokenizerFor('unicode');
const docs = data.texts.map((t) => tokenize(t));
const groups = groupsOf(docs);
const vectors = await openVectors();

function leaks(folds: Fold[]): number {
  let n = 0;
  for (const { train, test } of folds) {
    const trained = new Set(train.map((i) => groups[i]));
    n += test.filter((i) => trained.has(groups[i])).length;
  }
  return n;
}

async function accuracy(
  model: ModelName,
  folds: Fold[],
  tokenizer: 'unicode' | 'ascii' = 'unicode',
): Promise<number> {
  const settings = modelSettings({ model, tokenizer });
  const { tokenize: split } = tokenizerFor(tokenizer);
  const tokens = tokenizer === 'unicode' ? docs : data.texts.map((t) => split(t));
  let right = 0;
  for (const [f, fold] of folds.entries()) {
    const { probabilities } = await runFold({ ...data, docs: tokens }, fold, settings, {
      seed: f,
      embeddings: vectors.embeddings,
    });
    fold.test.forEach((i, r) => {
      if (argmaxRow(probabilities, data.classes.length, r) === data.labels[i]) right++;
    });
  }
  return (100 * right) / docs.length;
}

const plain = stratifiedKFold(data.labels, 10, 0);
const grouped = stratifiedKFold(data.labels, 10, 0, groups);
const at = process.argv.indexOf('--python');
const python = at > 0 ? process.argv[at + 1] : '/usr/bin/python3';
console.log(
  `SMS Spam, 10-fold stratified CV (seed 0), load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(
  `test texts whose copy was trained on: plain folds ${leaks(plain)}, grouped ${leaks(grouped)}\n`,
);
console.log('| method | copies anywhere % | copies in one fold % | change |\n|---|---|---|---|');
for (const model of ['svm', 'nbsvm', 'logreg', 'mlp', 'hybrid'] as ModelName[]) {
  const a = await accuracy(model, plain);
  const b = await accuracy(model, grouped);
  console.log(`| emb ${model} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b - a).toFixed(2)} |`);
}
// The reference protocol (ascii tokens) for the kinds on vectors, beside scikit-learn's C and D.
for (const model of ['logreg', 'mlp'] as ModelName[]) {
  const a = await accuracy(model, plain, 'ascii');
  const b = await accuracy(model, grouped, 'ascii');
  console.log(
    `| emb ${model}, ascii | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b - a).toFixed(2)} |`,
  );
}
/** Each text's plain mean word vector (ascii tokens looked up whole), for the peer. */
const ascii = data.texts.map((t) => tokenizerFor('ascii').tokenize(t));
const d = vectors.embeddings.dims;
const means = new Float32Array(ascii.length * d);
ascii.forEach((doc, i) => {
  let found = 0;
  for (const t of doc) {
    const v = vectors.embeddings.vector(t)?.vector;
    if (!v) continue;
    found++;
    for (let j = 0; j < d; j++) means[i * d + j] += v[j];
  }
  if (found) for (let j = 0; j < d; j++) means[i * d + j] /= found;
});
const file = join(mkdtempSync(join(tmpdir(), 'emb-dup-')), 'means.f32');
writeFileSync(file, new Uint8Array(means.buffer));
const script = fileURLToPath(new URL('peers/duplicates_sklearn.py', import.meta.url));
const out = spawnSync(python, [script, DATA, file], { encoding: 'utf8' });
if (out.status !== 0) console.log(`scikit-learn peer failed: ${out.stderr.trim()}`);
else {
  const r = JSON.parse(out.stdout) as Record<string, { plain: number; grouped: number }>;
  const names = { svm: 'TF-IDF LinearSVC', logreg: 'LogisticRegression', mlp: 'MLPClassifier' };
  for (const [k, name] of Object.entries(names))
    console.log(
      `| scikit-learn ${name} (StratifiedKFold / StratifiedGroupKFold) | ${(100 * r[k].plain).toFixed(2)} | ${(100 * r[k].grouped).toFixed(2)} | ${(100 * (r[k].grouped - r[k].plain)).toFixed(2)} |`,
    );
}
console.log(
  `\nload ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
