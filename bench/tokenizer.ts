/**
 * The unicode tokenizer against the reference protocol's (ascii-v1) on the public sets, with
 * ANCHORS.md section 2's protocol (10-fold stratified CV, seed 0, for MR, SUBJ and SMS; SST-2
 * train -> test), every model, the default vectors; and the share of tokens without a vector.
 *
 *   node --import tsx bench/tokenizer.ts [--models svm,nbsvm,logreg,mlp,hybrid] [--sets MR,SMS]
 *                                        [--seeds 0,1,2] (the mean over seeds; default 0)
 *
 * Three settings: ascii-v1 with tokens looked up whole (the reference protocol, today's
 * figures), unicode-v2 looked up whole (the tokenizer alone), and unicode-v2 with clitic parts
 * (the new default). Accuracy is deterministic with the seed; no time is measured.
 */
import { prepareDefault } from '../src/api/convert.js';
import { readVectors } from '../src/formats/index.js';
import { evaluateFolds } from '../src/experiments/cross-validate.js';
import { modelSettings, usesVectors, type ModelName } from '../src/models/registry.js';
import { oovRate } from '../src/features/sentence.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { benchmarkTask, type SetName } from '../test/support/datasets.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return (at > 0 ? process.argv[at + 1] : fallback).split(',');
};
const models = arg('--models', 'svm,nbsvm,logreg,mlp,hybrid');
const sets = arg('--sets', 'MR,SUBJ,SST-2,SMS');
const seeds = arg('--seeds', '0').map(Number);

const SETTINGS = [
  { name: 'ascii-v1, whole tokens (reference)', tokenizer: 'ascii', clitics: false },
  { name: 'unicode-v2, whole tokens', tokenizer: 'unicode', clitics: false },
  { name: 'unicode-v2 + clitic parts (default)', tokenizer: 'unicode', clitics: true },
] as const;

const { path } = await prepareDefault();
const emb = readVectors(path, { format: 'emb' }).embeddings;
const rows: string[] = [];

for (const set of sets) {
  for (const s of SETTINGS) {
    const {
      data: train,
      docs,
      plan,
      testDocs,
    } = benchmarkTask(set as SetName, tokenizerFor(s.tokenizer).tokenize);
    const oov = oovRate([...docs, ...testDocs], emb, { clitics: s.clitics }).rate;
    const cells: string[] = [];
    for (const model of models) {
      let sum = 0;
      for (const seed of seeds) {
        const ev = await evaluateFolds(
          docs,
          train.labels,
          train.classes,
          modelSettings({
            model,
            tokenizer: s.tokenizer,
            ...(usesVectors(model as ModelName) ? { clitics: s.clitics } : {}),
          }),
          { seed, embeddings: emb },
          plan,
          undefined,
          { workers: 2, vectorsPath: path },
        );
        sum += ev.accuracy;
      }
      cells.push(((100 * sum) / seeds.length).toFixed(2));
    }
    const row = `| ${set} | ${s.name} | ${cells.join(' | ')} | ${(100 * oov).toFixed(1)} |`;
    rows.push(row);
    console.log(row);
  }
}

console.log(`\n| set | tokens | ${models.join(' | ')} | OOV % |`);
console.log(`| --- | --- | ${models.map(() => '---').join(' | ')} | --- |`);
for (const r of rows) console.log(r);
