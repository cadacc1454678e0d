/**
 * Calibrated probabilities: the temperature fit on synthetic scores whose calibration is known,
 * the metrics on a case worked by hand, and every model's probabilities on SST-2's test set
 * through the API (what `emb predict` prints): expected calibration error at most 0.05.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openVectors, train, type Dataset, type ModelName } from '../src/index.js';
import { fitCalibration, probabilities } from '../src/models/calibration.js';
import { calibrationMetrics } from '../src/experiments/metrics.js';
import { EmbError } from '../src/errors.js';
import { svm } from '../src/models/kinds/svm.js';
import { modelSettings, type SvmSettings } from '../src/models/registry.js';
import { Random } from '../src/random.js';
import { tokenize } from '../src/text/tokenize.js';
import { loadSST2 } from './support/datasets.js';

/** n rows of scores (one per row for two classes) and classes drawn from softmax(scale * s). */
function drawn(n: number, classes: number, scale: number, seed: number) {
  const rng = new Random(seed);
  const per = classes === 2 ? 1 : classes;
  const scores = Float64Array.from({ length: n * per }, () => 6 * rng.next() - 3);
  const truth = probabilities(scores, n, classes, scale);
  const labels = Array.from({ length: n }, (_, i) => {
    let u = rng.next();
    for (let c = 0; c < classes - 1; c++) if ((u -= truth[i * classes + c]) < 0) return c;
    return classes - 1;
  });
  return { scores, labels };
}

test('the fitted scale recovers the one that generated the labels, two classes and four', () => {
  for (const [classes, scale] of [
    [2, 2.5],
    [4, 1.7],
  ]) {
    const { scores, labels } = drawn(20000, classes, scale, classes);
    const fitted = fitCalibration(scores, labels, classes);
    assert.equal(fitted.fittedOn, 20000);
    assert.ok(Math.abs(fitted.scale - scale) < 0.1, `${classes} classes: ${fitted.scale}`);
    // On fresh draws the fitted probabilities are calibrated; the raw scores (scale 1) are not.
    const fresh = drawn(20000, classes, scale, 10 + classes);
    const ece = (s: number) =>
      calibrationMetrics(probabilities(fresh.scores, 20000, classes, s), fresh.labels, classes).ece;
    assert.ok(ece(fitted.scale) < 0.015, `ECE ${ece(fitted.scale)}`);
    assert.ok(ece(1) > 0.05, `ECE of the raw scores ${ece(1)}`);
  }
});

test('the scale minimises the cross-entropy with smoothed targets, and never reorders scores', () => {
  const { scores, labels } = drawn(500, 3, 0.8, 7);
  const { scale } = fitCalibration(scores, labels, 3);
  const counts = [0, 1, 2].map((c) => labels.filter((y) => y === c).length);
  const loss = (a: number) => {
    const p = probabilities(scores, 500, 3, a);
    let sum = 0;
    labels.forEach((y, i) => {
      const on = (counts[y] + 1) / (counts[y] + 2);
      for (let c = 0; c < 3; c++) sum -= (c === y ? on : (1 - on) / 2) * Math.log(p[i * 3 + c]);
    });
    return sum;
  };
  assert.ok(loss(scale) <= loss(scale * 1.01) && loss(scale) <= loss(scale * 0.99));
  const p = probabilities(scores, 500, 3, scale);
  for (let i = 0; i < 500; i++) {
    const order = (xs: ArrayLike<number>) => [0, 1, 2].sort((a, b) => xs[a] - xs[b]).join();
    assert.equal(order(p.subarray(i * 3, i * 3 + 3)), order(scores.subarray(i * 3, i * 3 + 3)));
  }
});

test('separated held-out scores get a finite scale; reversed ones the smallest', () => {
  const separated = fitCalibration([2, 3, -2, -3], [0, 0, 1, 1], 2);
  assert.ok(Number.isFinite(separated.scale));
  const p = probabilities([3], 1, 2, separated.scale);
  // Platt's targets for two examples a class: 3/4, so no certainty from four texts.
  assert.ok(p[0] > 0.5 && p[0] < 0.9, `p = ${p[0]}`);
  const reversed = fitCalibration([-1, -2, 1, 2], [0, 0, 1, 1], 2);
  assert.equal(reversed.scale, 1e-3);
  assert.ok(Math.abs(probabilities([2], 1, 2, reversed.scale)[0] - 0.5) < 0.01);
});

test('expected calibration error, Brier score and log loss on a case worked by hand', () => {
  const probs = [0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.55, 0.45];
  const m = calibrationMetrics(probs, [0, 1, 1, 0], 2);
  // Top probabilities 0.9 (right), 0.8 (wrong), 0.7 (right), 0.55 (right), each alone in its bin.
  assert.ok(Math.abs(m.ece - (0.1 + 0.8 + 0.3 + 0.45) / 4) < 1e-12);
  assert.ok(Math.abs(m.brier - (0.02 + 1.28 + 0.18 + 0.405) / 4) < 1e-12);
  const logLoss = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.55)) / 4;
  assert.ok(Math.abs(m.logLoss - logLoss) < 1e-12);
});

test('a linear model saved without its calibration is refused', async () => {
  const docs = ['good fun', 'great film', 'dull plot', 'boring film', 'good film', 'dull'].map(
    tokenize,
  );
  const settings = modelSettings({ model: 'svm' }) as SvmSettings;
  const model = await svm.train(
    { docs: docs, labels: [0, 0, 1, 1, 0, 1], classes: ['pos', 'neg'] },
    settings,
    {
      seed: 0,
    },
  );
  const dir = mkdtempSync(join(tmpdir(), 'emb-calibration-'));
  try {
    const { calibration, ...saved } = await model.save(dir);
    assert.deepEqual(Object.keys(calibration as object), ['method', 'scale', 'fittedOn']);
    await assert.rejects(
      svm.load(dir, saved, { classes: ['pos', 'neg'] }),
      (e: unknown) =>
        e instanceof EmbError && e.code === 'E_MODEL' && /calibration/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const vectors = await openVectors();
const strings = (d: ReturnType<typeof loadSST2>): Dataset => ({
  texts: d.texts,
  labels: d.labels.map((y) => d.classes[y]),
});
const sstTrain = strings(loadSST2('train'));
const sstTest = strings(loadSST2('test'));

for (const model of ['svm', 'nbsvm', 'logreg', 'mlp', 'hybrid'] as ModelName[]) {
  test(`${model}: probabilities on SST-2's test set are calibrated (ECE <= 0.05)`, async (t) => {
    const clf = await train(sstTrain, { model, seed: 0, vectors });
    try {
      const predictions = await clf.predict(sstTest.texts);
      const labels = clf.labels;
      const probs = predictions.flatMap((p) => labels.map((l) => p.probabilities![l]));
      const truth = sstTest.labels.map((l) => labels.indexOf(String(l)));
      const m = calibrationMetrics(probs, truth, labels.length);
      const accuracy = predictions.filter((p, i) => p.label === sstTest.labels[i]).length;
      t.diagnostic(
        `${model}: accuracy ${((100 * accuracy) / truth.length).toFixed(2)}%, ECE ${m.ece.toFixed(4)}, Brier ${m.brier.toFixed(4)}`,
      );
      assert.ok(m.ece <= 0.05, `${model}: ECE ${m.ece}`);
    } finally {
      clf.dispose();
    }
  });
}
