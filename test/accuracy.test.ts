/**
 * Accuracy floors on real data with ANCHORS.md section 2's protocol: the shared tokenizer,
 * 10-fold stratified CV (seed 0) for MR, SUBJ and SMS, SST-2 train -> test, the default vectors.
 * Floors are scikit-learn's figures minus the tolerance the issue allows: 0.5 points for
 * logreg, 1 point for mlp. Skipped when ../shared/data is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDefault } from '../src/embeddings/default.js';
import { readVectors } from '../src/formats/index.js';
import { crossValidate, type Plan } from '../src/experiments/cross-validate.js';
import { trainerFor } from '../src/models/registry.js';
import { tokenize } from '../src/text/tokenize.js';
import type { Dataset } from '../src/text/dataset.js';
import { hasSharedData, loadMR, loadSMS, loadSST2, loadSUBJ } from './support/datasets.js';

const SKLEARN = {
  logreg: { MR: 72.93, SUBJ: 89.91, 'SST-2': 75.78, SMS: 95.93 },
  mlp: { MR: 73.3, SUBJ: 91.2, 'SST-2': 77.48, SMS: 98.33 },
};
const TOLERANCE = { logreg: 0.5, mlp: 1 };

type SetName = keyof (typeof SKLEARN)['logreg'];

function task(name: SetName): { data: Dataset; plan: Plan } {
  if (name === 'SST-2') {
    const train = loadSST2('train');
    const testSet = loadSST2('test');
    const labels = testSet.labels.map((y) => train.classes.indexOf(testSet.classes[y]));
    return { data: train, plan: { test: { docs: testSet.texts.map(tokenize), labels } } };
  }
  const data = { MR: loadMR, SUBJ: loadSUBJ, SMS: loadSMS }[name]();
  return { data, plan: { folds: 10 } };
}

const emb = hasSharedData
  ? readVectors(prepareDefault().path, { format: 'emb' }).embeddings
  : undefined;

for (const model of ['logreg', 'mlp'] as const) {
  for (const name of Object.keys(SKLEARN[model]) as SetName[]) {
    const floor = SKLEARN[model][name] - TOLERANCE[model];
    test(
      `${model} on mean vectors, ${name}: at least ${floor.toFixed(2)}%`,
      { skip: !emb && 'no ../shared/data' },
      async (t) => {
        const { data, plan } = task(name);
        const docs = data.texts.map(tokenize);
        const ev = await crossValidate(
          docs,
          data.labels,
          data.classes,
          trainerFor(model),
          { seed: 0, embeddings: emb },
          plan,
        );
        const accuracy = ev.accuracy * 100;
        t.diagnostic(
          `${model} ${name}: ${accuracy.toFixed(2)}% (scikit-learn ${SKLEARN[model][name]}, floor ${floor.toFixed(2)})`,
        );
        assert.ok(
          accuracy >= floor,
          `${model} ${name}: ${accuracy.toFixed(2)}% is below the floor ${floor.toFixed(2)}%`,
        );
      },
    );
  }
}
