/**
 * Accuracy floors with the defaults users get: the unicode-v1 tokenizer and clitic parts in
 * the vector lookup, ANCHORS.md section 2's protocol otherwise (10-fold stratified CV, seed 0,
 * for MR, SUBJ and SMS; SST-2 train -> test; the default vectors). Issue 9 asks the default
 * tokenizer to stay within 0.3 points of the reference protocol's accuracy: each floor is the
 * ascii-v1 figure (whole-token lookup) that bench/tokenizer.ts measures with this very code
 * and folds, minus 0.3. The mlp, whose 10-fold figure moves by up to half a point with any
 * change of its inputs, is measured over several seeds in bench/tokenizer.ts instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDefault } from '../src/embeddings/default.js';
import { readVectors } from '../src/formats/index.js';
import { crossValidate } from '../src/experiments/cross-validate.js';
import { trainerFor } from '../src/models/registry.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { benchmarkTask, hasSharedData } from './support/datasets.js';

/** Accuracy (%) with ascii-v1 and whole-token lookup, as bench/tokenizer.ts measures it. */
const REFERENCE = {
  svm: { MR: 78.46, SUBJ: 92.6, 'SST-2': 82.37, SMS: 99.07 },
  nbsvm: { MR: 79.31, SUBJ: 93.05, 'SST-2': 81.44, SMS: 98.85 },
  logreg: { MR: 72.93, SUBJ: 90.0, 'SST-2': 75.84, SMS: 95.86 },
  hybrid: { MR: 79.7, SUBJ: 92.92, 'SST-2': 84.13, SMS: 98.94 },
};
const TOLERANCE = 0.3;
type SetName = keyof (typeof REFERENCE)['svm'];

const { tokenize } = tokenizerFor('unicode');

const emb = hasSharedData
  ? readVectors(prepareDefault().path, { format: 'emb' }).embeddings
  : undefined;

for (const model of Object.keys(REFERENCE) as (keyof typeof REFERENCE)[]) {
  for (const name of Object.keys(REFERENCE[model]) as SetName[]) {
    const floor = REFERENCE[model][name] - TOLERANCE;
    test(
      `${model}, ${name}, unicode-v1 with clitic parts: at least ${floor.toFixed(2)}%`,
      { skip: !emb && 'no ../shared/data' },
      async (t) => {
        const { data, docs, plan } = benchmarkTask(name, tokenize);
        const ev = await crossValidate(
          docs,
          data.labels,
          data.classes,
          trainerFor(model),
          { seed: 0, embeddings: emb, options: { clitics: true } },
          plan,
        );
        const accuracy = 100 * ev.accuracy;
        t.diagnostic(
          `${model} ${name}: ${accuracy.toFixed(2)}% (ascii-v1 ${REFERENCE[model][name]})`,
        );
        assert.ok(accuracy >= floor, `${accuracy.toFixed(2)}% < ${floor.toFixed(2)}%`);
      },
    );
  }
}
