/** The hybrid model: its feature layout, gamma search, and a saved model that predicts the same. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDefault } from '../src/embeddings/default.js';
import { readVectors } from '../src/formats/index.js';
import { hybridRows, hybridTrainer } from '../src/models/hybrid.js';
import { argmaxRow } from '../src/models/model.js';
import { modelSettings, type HybridSettings } from '../src/models/settings.js';
import type { Csr } from '../src/features/bow.js';
import { tokenize } from '../src/text/tokenize.js';
import { loadSST2 } from './support/datasets.js';

const emb = readVectors(prepareDefault().path).embeddings;
const train = loadSST2('train');
const test_ = loadSST2('test');
const docs = train.texts.slice(0, 600).map(tokenize);
const labels = train.labels.slice(0, 600);
const testDocs = test_.texts.map(tokenize);
const testLabels = test_.labels.map((y) => train.classes.indexOf(test_.classes[y]));
const settings = (options: object = {}) =>
  modelSettings({ model: 'hybrid', ...options }) as HybridSettings;

test('hybridRows: the sparse row, then the dense block scaled by gamma / sqrt(dims)', () => {
  const sparse: Csr = {
    rows: 2,
    cols: 3,
    indptr: Int32Array.from([0, 1, 3]),
    indices: Int32Array.from([2, 0, 1]),
    values: Float32Array.from([1, 0.6, 0.8]),
  };
  const x = hybridRows(sparse, Float32Array.from([1, -1, 2, 0]), 2, 2);
  assert.equal(x.cols, 5);
  assert.deepEqual(Array.from(x.indptr), [0, 3, 7]);
  assert.deepEqual(Array.from(x.indices), [2, 3, 4, 0, 1, 3, 4]);
  const f = 2 / Math.SQRT2;
  assert.deepEqual(Array.from(x.values), [1, f, -f, 0.6, 0.8, 2 * f, 0].map(Math.fround));
});

test('the hybrid learns SST-2 from 600 examples better than chance by far, and a saved model predicts the same', async () => {
  const model = await hybridTrainer.train(docs, labels, train.classes, settings(), {
    seed: 0,
    embeddings: emb,
  });
  const scores = await model.predict(testDocs);
  const accuracy =
    testLabels.filter((y, i) => argmaxRow(scores, 2, i) === y).length / testLabels.length;
  // The learning curves at n = 500 put it near 75% (bench/README.md); chance is 50%.
  assert.ok(accuracy > 0.72, `accuracy ${accuracy}`);
  const dir = mkdtempSync(join(tmpdir(), 'emb-hybrid-'));
  const saved = await model.save(dir);
  assert.ok([1, 2].includes(saved.gamma as number));
  const back = await hybridTrainer.load(dir, saved, train.classes, { embeddings: emb });
  assert.deepEqual(await back.predict(testDocs), scores);
});

test('a fixed gamma skips the search; bad settings and missing vectors are refused', async () => {
  const model = await hybridTrainer.train(
    docs.slice(0, 100),
    labels.slice(0, 100),
    train.classes,
    settings({ gamma: 3 }),
    { seed: 0, embeddings: emb },
  );
  assert.equal((await model.save(mkdtempSync(join(tmpdir(), 'emb-hybrid-')))).gamma, 3);
  assert.throws(() => settings({ gamma: -1 }), /setting "gamma": expected a positive number/);
  await assert.rejects(
    hybridTrainer.train(docs, labels, train.classes, settings(), { seed: 0 }),
    /needs word vectors/,
  );
  await assert.rejects(
    hybridTrainer.train(docs.slice(0, 3), [0, 0, 0], train.classes, settings(), {
      seed: 0,
      embeddings: emb,
    }),
    /at least 2 classes/,
  );
});
