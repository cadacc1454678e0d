/**
 * What copies of a text do to cross-validation (issue 16): SMS Spam has 415 texts that repeat
 * another's tokens (290 groups). Every kind on main, 10-fold stratified CV (seed 0), with the
 * folds dealt as before (a copy can be tested after its twin was trained on) and with every
 * copy in its first text's fold (what crossValidate does now), beside scikit-learn's TF-IDF
 * linear SVM with StratifiedKFold and StratifiedGroupKFold in the same run
 * (bench/peers/duplicates_sklearn.py). Also the test copies whose twin was in training.
 *
 *   flock /tmp/emb-bench.lock nice -n 10 node --import tsx bench/duplicates.ts [--python /usr/bin/python3]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
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

async function accuracy(model: ModelName, folds: Fold[]): Promise<number> {
  const settings = modelSettings({ model });
  let right = 0;
  for (const [f, fold] of folds.entries()) {
    const { probabilities } = await runFold({ ...data, docs }, fold, settings, {
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
const script = fileURLToPath(new URL('peers/duplicates_sklearn.py', import.meta.url));
const out = spawnSync(python, [script, DATA], { encoding: 'utf8' });
if (out.status !== 0) console.log(`scikit-learn peer failed: ${out.stderr.trim()}`);
else {
  const r = JSON.parse(out.stdout) as { plain: number; grouped: number };
  console.log(
    `| scikit-learn TF-IDF LinearSVC (StratifiedKFold / StratifiedGroupKFold) | ${(100 * r.plain).toFixed(2)} | ${(100 * r.grouped).toFixed(2)} | ${(100 * (r.grouped - r.plain)).toFixed(2)} |`,
  );
}
console.log(
  `\nload ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
