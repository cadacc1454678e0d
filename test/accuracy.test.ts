/**
 * Accuracy floors on real data, through the library API (crossValidate) with ANCHORS.md
 * section 2's protocol: the reference tokenizer, 10-fold stratified CV (seed 0) for MR, SUBJ
 * and SMS, SST-2 train -> test, the default vectors.
 *
 * - logreg and mlp: scikit-learn's figures minus the tolerance the issues allow (0.5 points
 *   for logreg, 1 point for mlp).
 * - hybrid, the default model: its own figures (bench/README.md; the higher of those measured
 *   when it became the default and with the NB-weighted block) minus 0.5 points, and no worse
 *   than any other method in the same run.
 * (svm and nbsvm are held to scikit-learn's figures on the reference folds in
 * baseline.test.ts; here they run through the API for the comparison.)
 * - multi-class: logreg and mlp on AG News (4 classes, 10-fold), against scikit-learn's
 *   LogisticRegression and MLPClassifier on the same mean vectors and folds
 *   (bench/calibration.ts), with the same tolerances.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, openVectors, type Dataset, type ModelKind } from '../src/index.js';
import { DEFAULT_MODEL } from '../src/models/settings.js';
import type { Dataset as Encoded } from '../src/text/dataset.js';
import { loadAGNews, loadMR, loadSMS, loadSST2, loadSUBJ } from './support/datasets.js';

const SETS = ['MR', 'SUBJ', 'SST-2', 'SMS'] as const;
type SetName = (typeof SETS)[number];

const FLOORS: Partial<
  Record<ModelKind, { reference: Record<SetName, number>; tolerance: number }>
> = {
  logreg: { reference: { MR: 72.93, SUBJ: 89.91, 'SST-2': 75.78, SMS: 95.93 }, tolerance: 0.5 },
  mlp: { reference: { MR: 73.3, SUBJ: 91.2, 'SST-2': 77.48, SMS: 98.33 }, tolerance: 1 },
  // emb's own figures for the hybrid (bench/README.md, "Accuracy floors the tests pin").
  hybrid: { reference: { MR: 79.7, SUBJ: 93.37, 'SST-2': 84.13, SMS: 99.07 }, tolerance: 0.5 },
};

const strings = (d: Encoded): Dataset => ({
  texts: d.texts,
  labels: d.labels.map((y) => d.classes[y]),
});

function task(name: SetName): { data: Dataset; test?: Dataset } {
  if (name === 'SST-2')
    return { data: strings(loadSST2('train')), test: strings(loadSST2('test')) };
  return { data: strings({ MR: loadMR, SUBJ: loadSUBJ, SMS: loadSMS }[name]()) };
}

const vectors = await openVectors();
const measured: Record<SetName, Partial<Record<ModelKind, number>>> = {
  MR: {},
  SUBJ: {},
  'SST-2': {},
  SMS: {},
};

async function accuracyOf(model: ModelKind, name: SetName): Promise<number> {
  const { data, test: testSet } = task(name);
  const e = await crossValidate(data, {
    model,
    seed: 0,
    vectors,
    ...(testSet ? { test: testSet } : {}),
  });
  return (measured[name][model] = e.accuracy * 100);
}

for (const model of ['svm', 'nbsvm', 'logreg', 'mlp'] as const) {
  for (const name of SETS) {
    const floor = FLOORS[model] && FLOORS[model].reference[name] - FLOORS[model].tolerance;
    test(`${model}, ${name}${floor ? `: at least ${floor.toFixed(2)}%` : ''}`, async (t) => {
      const accuracy = await accuracyOf(model, name);
      t.diagnostic(`${model} ${name}: ${accuracy.toFixed(2)}%`);
      if (floor)
        assert.ok(
          accuracy >= floor,
          `${model} ${name}: ${accuracy.toFixed(2)}% < ${floor.toFixed(2)}%`,
        );
    });
  }
}

for (const name of SETS) {
  const { reference, tolerance } = FLOORS[DEFAULT_MODEL]!;
  const floor = reference[name] - tolerance;
  test(`the default model (${DEFAULT_MODEL}), ${name}: at least ${floor.toFixed(2)}% and no worse than any other method`, async (t) => {
    const accuracy = await accuracyOf(DEFAULT_MODEL, name);
    const others = Object.entries(measured[name]).filter(([m]) => m !== DEFAULT_MODEL);
    assert.equal(others.length, 4, 'the other four methods ran first');
    const [bestOther, bestAccuracy] = others.reduce((a, b) => (b[1] > a[1] ? b : a));
    t.diagnostic(
      `${DEFAULT_MODEL} ${name}: ${accuracy.toFixed(2)}% (best other: ${bestOther} ${bestAccuracy.toFixed(2)}%)`,
    );
    assert.ok(
      accuracy >= floor,
      `${DEFAULT_MODEL} ${name}: ${accuracy.toFixed(2)}% < ${floor.toFixed(2)}%`,
    );
    assert.ok(
      accuracy >= bestAccuracy,
      `${DEFAULT_MODEL} ${name}: ${accuracy.toFixed(2)}% < ${bestOther} ${bestAccuracy.toFixed(2)}%`,
    );
  });
}

// scikit-learn on the same mean vectors and the same 10 folds (bench/calibration.ts).
const MULTICLASS: [ModelKind, number, number][] = [
  ['logreg', 87.71, 0.5],
  ['mlp', 88.32, 1],
];
for (const [model, reference, tolerance] of MULTICLASS) {
  const floor = reference - tolerance;
  test(`${model}, AG News (4 classes): at least ${floor.toFixed(2)}% (scikit-learn ${reference}%)`, async (t) => {
    const e = await crossValidate(strings(loadAGNews()), { model, seed: 0, vectors });
    const accuracy = e.accuracy * 100;
    t.diagnostic(`${model} AG News: ${accuracy.toFixed(2)}%`);
    assert.ok(
      accuracy >= floor,
      `${model} AG News: ${accuracy.toFixed(2)}% < ${floor.toFixed(2)}%`,
    );
  });
}
