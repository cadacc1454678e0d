/**
 * The hybrid model: its feature layout, its candidates and their search, gamma 0 being the
 * svm or nbsvm exactly, multi-class data, and a saved model that predicts the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDefault } from '../src/api/convert.js';
import { readVectors } from '../src/formats/index.js';
import {
  candidates,
  hybridRows,
  hybrid,
  pairedAdvantage,
  type HybridModel,
} from '../src/models/kinds/hybrid.js';
import { nbsvm } from '../src/models/kinds/nbsvm.js';
import { svm } from '../src/models/kinds/svm.js';
import { argmaxRow, type ModelKind } from '../src/models/kind.js';
import { modelSettings, trainModel, type HybridSettings } from '../src/models/registry.js';
import type { Csr } from '../src/features/bow.js';
import { decisionValues } from '../src/models/linear-svm.js';
import { stratifiedHoldout } from '../src/text/splits.js';
import { tokenize } from '../src/text/tokenize.js';
import { loadAGNews, loadSST2 } from './support/datasets.js';

const emb = readVectors((await prepareDefault()).path).embeddings;
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
  assert.equal(x.sparse, sparse);
  const f = 2 / Math.SQRT2;
  assert.deepEqual(Array.from(x.dense!), [f, -f, 2 * f, 0].map(Math.fround));
  // Row 1 is (0.6, 0.8, 0 | 2f, 0): its decision value under weights 1..5 and bias 10.
  const weights = Float32Array.from([1, 2, 3, 4, 5, 10]);
  const expected = 10 + 0.6 * 1 + Math.fround(0.8) * 2 + Math.fround(2 * f) * 4;
  assert.ok(Math.abs(decisionValues(x, weights, 1)[1] - expected) < 1e-6);
  assert.equal(hybridRows(sparse, Float32Array.from([1, -1, 2, 0]), 2, 0).dense, undefined);
});

test('the hybrid learns SST-2 from 600 examples better than chance by far, and a saved model predicts the same', async () => {
  const model = await hybrid.train({ docs, labels, classes: train.classes }, settings(), {
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
  assert.equal(saved.sparse, 'tfidf');
  assert.deepEqual(
    (saved.searched as { gamma: number }[]).map((c) => c.gamma),
    [1, 2],
  );
  const back = await hybrid.load(dir, saved, { classes: train.classes, embeddings: emb });
  assert.deepEqual(await back.predict(testDocs), scores);
});

test('candidates: TF-IDF with each gamma below wideFrom; from there both blocks, gamma 0 too', () => {
  const names = (o: object, n: number) =>
    candidates(settings(o), n).map((c) => `${c.sparse}:${c.gamma}`);
  assert.deepEqual(names({}, 1999), ['tfidf:1', 'tfidf:2']);
  assert.deepEqual(names({}, 2000), ['tfidf:1', 'tfidf:2', 'tfidf:0', 'nb:1', 'nb:2', 'nb:0']);
  assert.deepEqual(names({ gamma: 3 }, 100), ['tfidf:3']);
  assert.deepEqual(names({ gamma: 3 }, 5000), ['tfidf:3', 'nb:3']);
  assert.deepEqual(names({ sparse: ['nb'], wideFrom: 0 }, 10), ['nb:1', 'nb:2', 'nb:0']);
  assert.throws(() => settings({ sparse: ['tfidf', 'tfidf'] }), /setting "sparse"/);
  assert.throws(() => settings({ sparse: ['bm25'] }), /setting "sparse\[0\]": expected one of/);
});

test('pairedAdvantage: the signed McNemar statistic of two sets of right answers', () => {
  const a = [true, true, true, true, false, true];
  const b = [false, false, false, true, true, true];
  // a alone right on 3, b alone right on 1: (3 - 1) / sqrt(4).
  assert.equal(pairedAdvantage(a, b), 1);
  assert.equal(pairedAdvantage(b, a), -1);
  assert.equal(pairedAdvantage(a, a), 0);
});

for (const [sparse, baseline] of [
  ['tfidf', svm],
  ['nb', nbsvm],
] as const) {
  test(`gamma 0 with the ${sparse} block is the ${baseline.name} exactly, probabilities and all`, async () => {
    const ctx = { seed: 4, embeddings: emb };
    const data = { docs, labels, classes: train.classes };
    const both = await hybrid.train(data, settings({ gamma: 0, sparse: [sparse] }), ctx);
    const other = await (baseline as ModelKind).train(
      data,
      modelSettings({ model: baseline.name }),
      ctx,
    );
    assert.deepEqual(await both.predict(testDocs), await other.predict(testDocs));
  });
}

test('four classes (AG News): the wide search, one-vs-rest, and a saved model that predicts the same', async () => {
  const ag = loadAGNews();
  const split = stratifiedHoldout(ag.labels, 0.25, 0);
  const pick = (rows: number[]) => rows.slice(0, 2400).map((i) => tokenize(ag.texts[i]));
  const model = await hybrid.train(
    {
      docs: pick(split.train),
      labels: split.train.slice(0, 2400).map((i) => ag.labels[i]),
      classes: ag.classes,
    },
    settings(),
    { seed: 0, embeddings: emb },
  );
  const held = pick(split.test);
  const probs = await model.predict(held);
  const right = split.test
    .slice(0, 2400)
    .filter((i, r) => argmaxRow(probs, 4, r) === ag.labels[i]).length;
  // 10-fold CV on all 7,600 texts gives about 90% (bench/README.md); chance is 25%.
  assert.ok(right / held.length > 0.85, `accuracy ${right / held.length}`);
  const dir = mkdtempSync(join(tmpdir(), 'emb-hybrid-'));
  const saved = await model.save(dir);
  assert.equal((saved.searched as object[]).length, 6);
  const back = await hybrid.load(dir, saved, { classes: ag.classes, embeddings: emb });
  assert.deepEqual(await back.predict(held), probs);
});

test('a fixed gamma skips the search; bad settings and missing vectors are refused', async () => {
  const model = await hybrid.train(
    { docs: docs.slice(0, 100), labels: labels.slice(0, 100), classes: train.classes },
    settings({ gamma: 3 }),
    { seed: 0, embeddings: emb },
  );
  assert.equal((await model.save(mkdtempSync(join(tmpdir(), 'emb-hybrid-')))).gamma, 3);
  assert.throws(() => settings({ gamma: -1 }), /setting "gamma": expected a number >= 0/);
  assert.throws(() => settings({ gammas: [0, 1] }), /setting "gammas\[0\]": expected a positive/);
  await assert.rejects(
    trainModel({ docs, labels, classes: train.classes }, settings(), { seed: 0 }),
    /needs word vectors/,
  );
  await assert.rejects(
    trainModel({ docs: docs.slice(0, 3), labels: [0, 0, 0], classes: train.classes }, settings(), {
      seed: 0,
      embeddings: emb,
    }),
    /at least 2 classes/,
  );
});

test('prune keeps the n-grams of the support vectors: with the NB block a decision drops exactly the weights of the n-grams left out', async () => {
  const data = { docs, labels, classes: train.classes };
  const ctx = { seed: 2, embeddings: emb };
  const o = { gamma: 1, sparse: ['nb'] };
  const full = (await hybrid.train(data, settings(o), ctx)) as HybridModel;
  const pruned = (await hybrid.train(data, settings({ ...o, prune: true }), ctx)) as HybridModel;
  const kept = new Map(pruned.bow.terms.map((t, j) => [t, j]));
  assert.ok(kept.size < full.bow.size, `${kept.size} of ${full.bow.size} n-grams kept`);
  const stride = full.bow.size + emb.dims + 1;
  const keptStride = kept.size + emb.dims + 1;
  full.bow.terms.forEach((t, j) => {
    const at = kept.get(t);
    if (at !== undefined) assert.equal(pruned.weights[at], full.weights[j]);
  });
  assert.deepEqual(
    pruned.weights.subarray(kept.size),
    full.weights.subarray(full.bow.size, stride),
  );
  assert.equal(pruned.weights.length, keptStride);
  const decide = (m: HybridModel, d: (readonly string[])[]) =>
    decisionValues(
      hybridRows(m.bow.transform(d, 'binary'), m.encoder.encode(d).x, emb.dims, 1),
      m.weights,
      1,
    );
  const probe = testDocs.slice(0, 300);
  const a = decide(full, probe);
  const b = decide(pruned, probe);
  const x = full.bow.transform(probe, 'binary');
  const terms = full.bow.terms;
  for (let i = 0; i < probe.length; i++) {
    let dropped = 0;
    for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++)
      if (!kept.has(terms[x.indices[k]])) dropped += full.weights[x.indices[k]];
    assert.ok(
      Math.abs(a[i] - (b[i] + dropped)) < 1e-5,
      `text ${i}: ${a[i]} vs ${b[i]} + ${dropped}`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'emb-hybrid-pruned-'));
  const back = await hybrid.load(dir, await pruned.save(dir), {
    classes: train.classes,
    embeddings: emb,
  });
  assert.deepEqual(await back.predict(probe), await pruned.predict(probe));
});
