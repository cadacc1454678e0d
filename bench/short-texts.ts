/**
 * The mlp on short multi-class texts (issue 17): AG News titles alone (7,600 titles of 4
 * classes, 7 to 8 tokens on average), 10 stratified folds (seed 0), emb's mlp against
 * scikit-learn's StandardScaler + MLPClassifier((256,), early_stopping=True) on the very same
 * mean word vectors (bench/peers/short_texts_sklearn.py), each over several seeds of the
 * network with the folds fixed.
 *
 *   node --import tsx bench/short-texts.ts [--seeds 0,1,2] [--variants '[{}, {"patience": 10}]']
 *       [--set titles|AG|MR] [--sizes 150,1500,2000,2200] [--python PATH]
 *
 * --sizes keeps that many texts of each class (the first ones of a seeded shuffle), for an
 * imbalanced set like the 6-class question set of the issue, whose smallest class has 1.6% of
 * its 5,452 training questions.
 *
 * Tokens: the reference tokenizer (ascii), looked up whole, so that emb's sentence vectors are
 * the peer's inputs exactly. Each variant is a set of mlp settings changed from the defaults.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readVectors } from '../src/formats/index.js';
import { argmaxRow, type ModelKind } from '../src/models/kind.js';
import { kindNamed, modelSettings } from '../src/models/registry.js';
import { prepareDefault } from '../src/api/convert.js';
import { Random } from '../src/random.js';
import { byClass, stratifiedKFold } from '../src/text/splits.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { loadAGNews, loadMR } from '../test/support/datasets.js';
import { meanVectors } from '../test/support/mean-vectors.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const seeds = arg('--seeds', '0,1,2').split(',').map(Number);
const variants = JSON.parse(arg('--variants', '[{}]')) as Record<string, unknown>[];
const set = arg('--set', 'titles');
const python = arg('--python', '/usr/bin/python3');
const out = fileURLToPath(new URL('out/', import.meta.url));
mkdirSync(out, { recursive: true });

const emb = readVectors((await prepareDefault()).path).embeddings;
const data = set === 'MR' ? loadMR() : loadAGNews();
const classSizes = arg('--sizes', '')!.split(',').filter(Boolean).map(Number);
const kept = classSizes.length
  ? byClass(data.labels)
      .flatMap((rows, c) => new Random(0).shuffle([...rows]).slice(0, classSizes[c]))
      .sort((a, b) => a - b)
  : data.labels.map((_, i) => i);
// A title is the first line of an AG News text (loadAGNews joins title and description).
const texts = kept.map((i) => (set === 'titles' ? data.texts[i].split('\n')[0] : data.texts[i]));
const docs = texts.map(tokenizerFor('ascii').tokenize);
const labels = kept.map((i) => data.labels[i]);
const folds = stratifiedKFold(labels, 10, 0);
const fold = labels.map(() => -1);
folds.forEach((f, k) => f.test.forEach((i) => (fold[i] = k)));

// The peer's inputs: each text's plain mean vector.
const d = emb.dims;
const x = meanVectors(emb, docs);
const base = `${out}short-texts-${set}${classSizes.length ? `-${classSizes.join('-')}` : ''}`;
writeFileSync(`${base}.json`, JSON.stringify({ labels, fold, dims: d }));
writeFileSync(`${base}.f32`, x);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const tokens = mean(docs.map((t) => t.length));
console.log(
  `${set}: ${docs.length} texts, ${data.classes.length} classes, ${tokens.toFixed(1)} tokens on average\n`,
);
console.log('| method | accuracy by seed | mean | seconds per run |\n|---|---|---|---|');

const peer = spawnSync(
  python,
  [
    fileURLToPath(new URL('peers/short_texts_sklearn.py', import.meta.url)),
    `${base}.json`,
    `${base}.f32`,
    seeds.join(','),
  ],
  { encoding: 'utf8' },
);
if (peer.status !== 0) throw new Error(peer.stderr);
const theirs = JSON.parse(peer.stdout) as { accuracy: number; epochs: number; seconds: number }[];
console.log(
  `| scikit-learn MLPClassifier((256,), early_stopping=True) | ${theirs.map((r) => (100 * r.accuracy).toFixed(2)).join(' / ')} | ${(100 * mean(theirs.map((r) => r.accuracy))).toFixed(2)} | ${mean(theirs.map((r) => r.seconds)).toFixed(1)} (epochs ${mean(theirs.map((r) => r.epochs)).toFixed(1)}) |`,
);

const mlp = kindNamed('mlp') as ModelKind;
const k = data.classes.length;
for (const variant of variants) {
  const settings = modelSettings({ model: 'mlp', tokenizer: 'ascii', clitics: false, ...variant });
  const accuracies: number[] = [];
  const times: number[] = [];
  const epochs: number[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    let right = 0;
    for (const [f, { train, test }] of folds.entries()) {
      const model = await mlp.train(
        {
          docs: train.map((i) => docs[i]),
          labels: train.map((i) => labels[i]),
          classes: data.classes,
        },
        settings,
        { seed: seed * 100 + f, embeddings: emb },
      );
      const probs = await model.predict(test.map((i) => docs[i]));
      right += test.filter((i, r) => argmaxRow(probs, k, r) === labels[i]).length;
      // The epochs the mlp ran, from what it saves (sentence-network.ts keeps them there).
      epochs.push((model as unknown as { info: { epochs: number } }).info.epochs);
      model.dispose();
    }
    accuracies.push(right / docs.length);
    times.push((performance.now() - started) / 1000);
  }
  console.log(
    `| emb mlp ${JSON.stringify(variant)} | ${accuracies.map((a) => (100 * a).toFixed(2)).join(' / ')} | ${(100 * mean(accuracies)).toFixed(2)} | ${mean(times).toFixed(1)} (epochs ${mean(epochs).toFixed(1)}) |`,
  );
}
