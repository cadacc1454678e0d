/**
 * Word counts and the models on them (issue 18), pinned to scikit-learn 1.2 and NumPy 1.24
 * (test/golden/kernels_sklearn.py wrote their answers): CountVectorizer(max_features)'s tokens,
 * ties included; SVC's decision values, iteration counts and support vectors for the RBF,
 * linear, intersection and chi-squared kernels, class weights and one-vs-one; the native
 * solver and the JavaScript one giving the same bits; accuracy floors beside scikit-learn's
 * figure on the same texts; saving, loading, calibration and bad input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EmbError } from '../src/errors.js';
import { calibrationMetrics } from '../src/experiments/metrics.js';
import { byCodePoint, Counts, numpyArgsort } from '../src/features/counts.js';
import {
  gammaScale,
  oneVsOne,
  SupportVectors,
  type KernelSvmModel,
} from '../src/models/kernel-svm.js';
import { argmaxRow, type Model } from '../src/models/kind.js';
import { classWeights } from '../src/models/metric.js';
import {
  kindNamed,
  loadModel,
  modelSettings,
  trainModel,
  type ModelName,
} from '../src/models/registry.js';
import { solveProblems, type KernelKind } from '../src/models/smo.js';
import { tensorflow } from '../src/models/tfjs/backend.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import type { LabelledSet } from '../src/text/dataset.js';
import { loadAGNews, loadSUBJ } from './support/datasets.js';
import { kernelBits } from './support/kernel-bits.js';

const golden = JSON.parse(
  readFileSync(new URL('./golden/kernels_sklearn.json', import.meta.url), 'utf8'),
);
const { tokenize } = tokenizerFor('ascii');
const sets: Record<string, () => LabelledSet> = { SUBJ: loadSUBJ, AG: loadAGNews };
const tokens = new Map<string, string[][]>();
function set(name: string) {
  const data = sets[name]();
  if (!tokens.has(name)) tokens.set(name, data.texts.map(tokenize));
  return { data, docs: tokens.get(name)! };
}
const pick = <T>(rows: readonly number[], of: readonly T[]) => rows.map((i) => of[i]);

describe('word counts, as CountVectorizer(max_features) counts them', () => {
  test("NumPy's argsort order, ties included", () => {
    for (const { values, order } of golden.argsort)
      assert.deepEqual([...numpyArgsort(Float64Array.from(values))], order);
  });

  test("the same kept tokens as scikit-learn's on SUBJ, at a cut among ties", () => {
    const docs = set('SUBJ').docs.slice(0, 3000);
    for (const [n, vocab] of Object.entries(golden.vocab)) {
      const counts = Counts.fit(docs, { vocab: Number(n), tf: 'raw', norm: 'none' });
      assert.deepEqual(counts.terms, vocab, `max_features=${n}`);
    }
  });

  test('terms in code-point order, as Python sorts strings', () => {
    const words = ['b', '\u{1F600}', '\uffff', 'a', '\ue000'];
    assert.deepEqual(words.sort(byCodePoint), ['a', 'b', '\ue000', '\uffff', '\u{1F600}']);
  });

  test('each count transformed, each row normed', () => {
    const docs = [
      ['a', 'a', 'a', 'a', 'b'],
      ['b', 'c', 'zzz'],
    ];
    const counts = Counts.fit(docs, { vocab: 3, tf: 'raw', norm: 'none' });
    assert.deepEqual(counts.terms, ['a', 'b', 'c']); // zzz is cut, a tie at 1 with c
    const row = (tf: 'raw' | 'binary' | 'log' | 'sqrt', norm: 'none' | 'l1' | 'l2') =>
      Array.from(counts.transform([docs[0]], { tf, norm }).values);
    assert.deepEqual(row('raw', 'none'), [4, 1]);
    assert.deepEqual(row('binary', 'none'), [1, 1]);
    assert.deepEqual(row('log', 'none'), [Math.fround(1 + Math.log(4)), 1]);
    assert.deepEqual(row('sqrt', 'none'), [2, 1]);
    assert.deepEqual(row('raw', 'l1'), [0.8, 0.2].map(Math.fround));
    assert.deepEqual(row('sqrt', 'l2'), [2 / Math.sqrt(5), 1 / Math.sqrt(5)].map(Math.fround));
    assert.equal(counts.transform([['unseen']]).indptr[1], 0);
  });
});

describe("the solver takes LIBSVM's steps", () => {
  for (const p of golden.problems) {
    const title = `${p.set}: SVC(${p.kernel}${p.classWeight ? `, class_weight=${p.classWeight}` : ''}), ${p.train.length} texts: the same iterations, support vectors and decision values`;
    test(title, async () => {
      const { data, docs } = set(p.set);
      const k = data.classes.length;
      const labels = pick(p.train, data.labels);
      const counts = Counts.fit(pick(p.train, docs), { vocab: p.vocab, tf: 'raw', norm: 'none' });
      const x = counts.transform(pick(p.train, docs));
      const kind = p.kernel as KernelKind;
      const kernel = { kind, gamma: p.gamma ?? (kind === 'rbf' ? gammaScale(x, 'rbf') : 0) };
      const weights = classWeights(p.classWeight, labels, data.classes);
      const rows = labels.map((_, i) => i);
      const problems = oneVsOne(rows, labels, k, 1, weights);
      const solutions = await solveProblems(x, kernel, problems, {
        eps: 1e-3,
        shrinking: true,
        cacheBytes: 200 * 2 ** 20,
      });
      assert.deepEqual(
        solutions.map((s) => s.iterations),
        p.iterations,
      );
      const machine = SupportVectors.of(x, kernel, k, problems, solutions);
      assert.equal(machine.vectors.rows, p.support);
      const d = machine.decisions(counts.transform(pick(p.test, docs)));
      // scikit-learn flips the sign of a binary decision value (f > 0: its second class).
      const expected = (p.decision as (number | number[])[]).flat().map((v) => (k === 2 ? -v : v));
      let worst = 0;
      expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - d[i]))));
      // float32 coefficients; scikit-learn keeps float64 ones.
      assert.ok(worst < 1e-5, `largest difference ${worst}`);
    });
  }

  test('native and JavaScript code give the same bits: solver (a cache of a few rows), bow-mlp', async () => {
    const here = await kernelBits();
    const script = fileURLToPath(new URL('./support/kernel-bits.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      env: { ...process.env, EMB_NO_NATIVE: '1', EMB_REQUIRE_NATIVE: '' },
    });
    assert.equal(run.status, 0, run.stderr);
    const js = JSON.parse(run.stdout);
    assert.equal(js.native, false);
    assert.deepEqual(js.hashes, here.hashes);
  });
});

/**
 * Trains a kind on rows of a set with the reference tokens, as the API does; each model once
 * (the floors' models are also the calibration test's).
 */
const trained = new Map<string, Promise<Model>>();
function fit(name: ModelName, setName: string, rows: number[], options: object = {}) {
  const key = JSON.stringify([name, setName, rows, options]);
  if (!trained.has(key)) {
    const { data, docs } = set(setName);
    const settings = modelSettings({ model: name, tokenizer: 'ascii', ...options });
    const labels = pick(rows, data.labels);
    const run = trainModel({ docs: pick(rows, docs), labels, classes: data.classes }, settings, {
      seed: 0,
    });
    trained.set(key, run);
    run.catch(() => trained.delete(key));
  }
  return trained.get(key)!;
}

async function accuracy(model: Model, setName: string, rows: number[]): Promise<number> {
  const { data, docs } = set(setName);
  const p = await model.predict(pick(rows, docs));
  const k = data.classes.length;
  return rows.filter((i, r) => argmaxRow(p, k, r) === data.labels[i]).length / rows.length;
}

describe('accuracy floors beside scikit-learn on the same texts and counts', () => {
  // The tolerances of issue 18: 0.3 points of SVC for the kernels, 1 point of MLPClassifier.
  const TOLERANCE: Record<string, number> = { 'rbf-svm': 0.3, 'hik-svm': 0.3, 'bow-mlp': 1 };
  for (const f of golden.floors)
    for (const [name, reference] of Object.entries(f.accuracy as Record<string, number>)) {
      const floor = 100 * reference - TOLERANCE[name];
      test(`${f.set} ${f.train.length}/${f.test.length}, raw counts of 5,000 words: ${name} >= ${floor.toFixed(2)} (scikit-learn ${(100 * reference).toFixed(2)})`, async (t) => {
        const model = await fit(name as ModelName, f.set, f.train, { tf: 'raw', norm: 'none' });
        const acc = 100 * (await accuracy(model, f.set, f.test));
        t.diagnostic(`${name} ${f.set}: ${acc.toFixed(2)}%`);
        assert.ok(acc >= floor, `${acc.toFixed(2)}% < ${floor.toFixed(2)}%`);
      });
    }
});

describe('the kinds train, save, load and predict', () => {
  const subj = golden.floors.find((f: { set: string }) => f.set === 'SUBJ');
  const train = subj.train.slice(0, 600);
  const test_ = subj.test.slice(0, 400);

  for (const [name, options] of [
    ['rbf-svm', {}],
    ['hik-svm', {}],
    ['chi2-svm', {}],
    ['bow-mlp', { hidden: [64, 32] }],
  ] as [ModelName, object][]) {
    test(`${name}: a reloaded model gives the same probabilities, bit for bit`, async () => {
      const model = await fit(name, 'SUBJ', train, options);
      const { docs } = set('SUBJ');
      const before = await model.predict(pick(test_, docs));
      for (let r = 0; r < test_.length; r++)
        assert.ok(Math.abs(before[2 * r] + before[2 * r + 1] - 1) < 1e-6);
      const dir = mkdtempSync(join(tmpdir(), 'emb-kernels-'));
      try {
        const saved = await model.save(dir);
        const settings = modelSettings({ model: name, tokenizer: 'ascii', ...options });
        const again = await loadModel(settings, dir, saved, { classes: set('SUBJ').data.classes });
        assert.deepEqual(await again.predict(pick(test_, docs)), before);
        assert.equal(again.kind, name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('probabilities calibrated on held-out scores: expected calibration error under 0.05', async () => {
    const { data, docs } = set('SUBJ');
    for (const name of ['rbf-svm', 'bow-mlp'] as ModelName[]) {
      const model = await fit(name, 'SUBJ', subj.train, { tf: 'raw', norm: 'none' });
      const p = await model.predict(pick(subj.test, docs));
      const { ece } = calibrationMetrics(p, pick(subj.test, data.labels), 2);
      assert.ok(ece < 0.05, `${name}: ECE ${ece.toFixed(3)}`);
    }
  });

  test("four classes: the label is LIBSVM's one-vs-one vote (its pairwise values break ties)", async () => {
    const ag = golden.floors.find((f: { set: string }) => f.set === 'AG');
    const model = (await fit('rbf-svm', 'AG', ag.train.slice(0, 800))) as KernelSvmModel;
    const docs = pick(ag.test.slice(0, 300), set('AG').docs);
    const p = await model.predict(docs);
    const d = model.machine.decisions(model.counts.transform(docs));
    const pairs = [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ];
    for (let r = 0; r < docs.length; r++) {
      const votes = [0, 0, 0, 0];
      pairs.forEach(([a, b], q) => votes[d[r * 6 + q] > 0 ? a : b]++);
      const most = Math.max(...votes);
      const winners = votes.flatMap((v, c) => (v === most ? [c] : []));
      assert.ok(winners.includes(argmaxRow(p, 4, r)), `row ${r}: votes ${votes}`);
    }
  });

  test('C and gamma auto: the candidate with the best inner score on the metric', async () => {
    const model = (await fit('rbf-svm', 'SUBJ', train, {
      C: 'auto',
      gamma: 'auto',
      metric: 'macro-f1',
    })) as unknown as { info: { C: number; searched: { C: number; score: number }[] } };
    const { searched, C } = model.info;
    assert.equal(searched.length, 12);
    const best = searched.reduce((a, b) => (b.score > a.score ? b : a));
    assert.equal(C, best.C);
  });

  test('bow-mlp leaves no tensors behind', async () => {
    const tf = await tensorflow();
    const before = tf.memory().numTensors;
    const model = await trainModel(
      {
        docs: pick(train, set('SUBJ').docs),
        labels: pick(train, set('SUBJ').data.labels),
        classes: set('SUBJ').data.classes,
      },
      modelSettings({ model: 'bow-mlp', maxEpochs: 3 }),
      { seed: 0 },
    );
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('bad input: one line naming the setting', () => {
  test('cacheMb 0, vocab 0, a negative gamma, counts for a kind on word vectors', () => {
    for (const [input, message] of [
      [{ model: 'rbf-svm', cacheMb: 0 }, /setting "cacheMb": expected a positive number, got 0/],
      [{ model: 'hik-svm', vocab: 0 }, /setting "vocab": expected a whole number of at least 1/],
      [
        { model: 'rbf-svm', gamma: -1 },
        /setting "gamma": expected a positive number, 'scale' or 'auto', got -1/,
      ],
      [{ model: 'mlp', features: 'counts' }, /counts are for the models on word counts/],
      [{ model: 'bow-mlp', hidden: [256, 128, 64] }, /one or two whole numbers of units/],
      [{ model: 'svm', C: 'auto' }, /setting "C": expected a positive number, got "auto"/],
    ] as [object, RegExp][])
      assert.throws(
        () => modelSettings(input),
        (e: unknown) =>
          e instanceof EmbError && message.test(e.message) && !e.message.includes('\n'),
      );
  });

  test('more texts than maxRows: refused with an estimate and the setting that overrides', async () => {
    const rows = golden.floors[0].train.slice(0, 200);
    await assert.rejects(fit('rbf-svm', 'SUBJ', rows, { maxRows: 100 }), (e: unknown) => {
      assert.ok(e instanceof EmbError && e.code === 'E_INPUT');
      assert.match(e.message, /200 training texts are more than maxRows \(100\): about \d+ s/);
      assert.match(e.message, /raise maxRows to 200/);
      return true;
    });
  });

  test('an aborted training rejects with E_ABORTED', async () => {
    const controller = new AbortController();
    const { data, docs } = set('SUBJ');
    const rows = golden.floors[0].train;
    const run = trainModel(
      { docs: pick(rows, docs), labels: pick(rows, data.labels), classes: data.classes },
      modelSettings({ model: 'rbf-svm', tokenizer: 'ascii' }),
      { seed: 0, signal: controller.signal },
    );
    // The counts are made before the first await; the solver is then at work on its threads.
    setTimeout(() => controller.abort(), 0);
    await assert.rejects(run, (e: unknown) => e instanceof EmbError && e.code === 'E_ABORTED');
  });

  test('a damaged model folder is an E_MODEL error, not a crash', async () => {
    const rows = golden.floors[0].train.slice(0, 200);
    const model = await fit('hik-svm', 'SUBJ', rows);
    const dir = mkdtempSync(join(tmpdir(), 'emb-kernels-'));
    try {
      const saved = await model.save(dir);
      const classes = set('SUBJ').data.classes;
      const edited = { ...saved, counts: { vocab: 5000, tf: 'cubic', norm: 'l1' } };
      await assert.rejects(
        kindNamed('hik-svm').load(dir, edited, { classes }),
        (e: unknown) => e instanceof EmbError && e.code === 'E_MODEL' && /"counts"/.test(e.message),
      );
      writeFileSync(join(dir, 'coef.f32'), new Uint8Array(8));
      await assert.rejects(
        kindNamed('hik-svm').load(dir, saved, { classes }),
        (e: unknown) => e instanceof EmbError && e.code === 'E_MODEL',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
