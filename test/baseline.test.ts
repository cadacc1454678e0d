import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EmbError } from '../src/errors.js';
import { evaluate } from '../src/experiments/metrics.js';
import { stratifiedKFold } from '../src/text/splits.js';
import { BagOfWords, type Csr } from '../src/features/bow.js';
import { nbsvm } from '../src/models/kinds/nbsvm.js';
import { svm } from '../src/models/kinds/svm.js';
import { native } from '../src/native/addon.js';
import { decisionValues, solveDual, trainBinarySvm, type Rows } from '../src/models/linear-svm.js';
import { logCountRatio } from '../src/models/nbsvm.js';
import { argmaxRow, type Model, type ModelKind } from '../src/models/kind.js';
import type { LinearBowModel } from '../src/models/linear-bow-model.js';
import { writeFloats } from '../src/models/model-files.js';
import {
  modelSettings,
  trainModel,
  type NbsvmSettings,
  type SvmSettings,
} from '../src/models/registry.js';
import type { LabelledSet as Dataset } from '../src/text/dataset.js';
import { Random } from '../src/random.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { loadMR, loadSMS, loadSST2, loadSUBJ } from './support/datasets.js';

/** ANCHORS.md section 2's tokenizer: the reference figures were measured on its tokens. */
const { tokenize } = tokenizerFor('ascii');

type Docs = string[][];
type Baseline = ModelKind<SvmSettings> | ModelKind<NbsvmSettings>;

/** Trains with the model's defaults changed by `options`, checked as the API checks them. */
async function fit(
  trainer: Baseline,
  docs: readonly (readonly string[])[],
  labels: readonly number[],
  classes: readonly string[],
  seed = 0,
  options: object = {},
) {
  const settings = modelSettings({ model: trainer.name, ...options });
  return trainModel({ docs, labels, classes }, settings, { seed });
}

/** Row i of a CSR matrix as { term: value }. */
function row(x: Csr, terms: readonly string[], i: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) out[terms[x.indices[k]]] = x.values[k];
  return out;
}

function assertClose(actual: Record<string, number>, expected: Record<string, number>, tol = 1e-6) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [t, v] of Object.entries(expected)) {
    assert.ok(Math.abs(actual[t] - v) <= tol, `${t}: expected ${v}, got ${actual[t]}`);
  }
}

function csr(rows: number[][]): Csr {
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    indptr[i + 1] = indices.length;
  });
  const cols = rows[0].length;
  return {
    rows: rows.length,
    cols,
    indptr,
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
}

function predictions(scores: Float32Array, classes: number): number[] {
  return Array.from({ length: scores.length / classes }, (_, i) => argmaxRow(scores, classes, i));
}

async function expectInputError(promise: Promise<unknown>, pattern: RegExp) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof EmbError, `expected an EmbError, got ${String(e)}`);
    assert.equal(e.code, 'E_INPUT');
    assert.match(e.message, pattern);
    return true;
  });
}

describe('bag-of-words features', () => {
  test('tf-idf: sublinear tf, smooth idf, l2 rows (values computed by hand)', () => {
    const bow = BagOfWords.fit(
      [
        ['a', 'b', 'a'],
        ['b', 'c'],
      ],
      { ngrams: [1, 1], minDf: 1 },
    );
    const x = bow.transform(
      [
        ['a', 'b', 'a'],
        ['b', 'c'],
      ],
      'tfidf',
    );
    // idf(a) = idf(c) = ln(3/2) + 1 = 1.405465; idf(b) = ln(3/3) + 1 = 1.
    // Row 0: a = (1 + ln 2) * 1.405465 = 2.379640, b = 1; divided by their l2 norm 2.581218.
    assertClose(row(x, bow.terms, 0), { a: 0.92190697, b: 0.38741133 });
    // Row 1: b = 1, c = 1.405465; norm 1.724935.
    assertClose(row(x, bow.terms, 1), { b: 0.57973867, c: 0.81480247 });
    assert.ok(Math.abs(bow.idf[bow.terms.indexOf('a')] - 1.4054651) < 1e-6);
  });

  test('uni+bigrams joined by a space; binary weighting; unknown n-grams dropped', () => {
    const bow = BagOfWords.fit([['x', 'y', 'x', 'y']], { ngrams: [1, 2], minDf: 1 });
    assert.deepEqual([...bow.terms].sort(), ['x', 'x y', 'y', 'y x']);
    const x = bow.transform([['y', 'x', 'z', 'x', 'y'], []], 'binary');
    assert.deepEqual(row(x, bow.terms, 0), { x: 1, y: 1, 'y x': 1, 'x y': 1 });
    assert.deepEqual(row(x, bow.terms, 1), {});
    assert.equal(x.indptr[2], 4);
  });

  test('minDf keeps n-grams of at least that many training documents; only bigrams when asked', () => {
    const docs = [
      ['good', 'film'],
      ['good', 'plot'],
      ['bad', 'film'],
    ];
    const twice = BagOfWords.fit(docs, { ngrams: [1, 2], minDf: 2 });
    assert.deepEqual([...twice.terms].sort(), ['film', 'good']);
    const bigrams = BagOfWords.fit(docs, { ngrams: [2, 2], minDf: 1 });
    assert.deepEqual([...bigrams.terms].sort(), ['bad film', 'good film', 'good plot']);
    const x = bigrams.transform([['good', 'film', 'good', 'plot']], 'binary');
    assert.deepEqual(row(x, bigrams.terms, 0), { 'good film': 1, 'good plot': 1 });
  });

  test('a fit gives the columns, idf and rows of a fresh index, whatever other fits this thread made', () => {
    const { tokenize } = tokenizerFor('unicode');
    const sms = loadSMS().texts.map((t) => tokenize(t));
    const part = sms.slice(0, 400);
    const options = { ngrams: [1, 3], minDf: 2 } as const;
    const fit = () => BagOfWords.fitTransform([...part], options, 'tfidf');
    // A reference that shares nothing with them: the same documents as fresh arrays, fitted
    // before and after the shared index learns thousands of other texts' n-grams.
    const first = fit();
    BagOfWords.fitTransform(sms.slice(2000, 5000), options, 'tfidf');
    const copies = part.map((d) => [...d]);
    const later = BagOfWords.fitTransform(copies, options, 'tfidf');
    for (const other of [fit(), later]) {
      assert.deepEqual(other.bow.terms, first.bow.terms);
      assert.deepEqual(other.bow.idf, first.bow.idf);
      assert.deepEqual(other.x, first.x);
    }
    const unseen = sms.slice(5000, 5100);
    assert.deepEqual(later.bow.transform(unseen, 'tfidf'), first.bow.transform(unseen, 'tfidf'));
  });

  test('property: a vocabulary saved as bytes and read back has the same terms and makes the same rows', () => {
    const word = fc.constantFrom('a', 'b', 'c', "it's", '!', 'é', '東京', 'x1');
    const doc = fc.array(word, { maxLength: 10 });
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 8 }),
        fc.array(doc, { maxLength: 4 }),
        fc.constantFrom<[number, number]>([1, 1], [1, 2], [2, 3], [1, 3]),
        fc.integer({ min: 1, max: 2 }),
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
        (train, other, ngrams, minDf, maxTerms) => {
          const options = { ngrams, minDf, maxTerms };
          let bow: BagOfWords;
          try {
            bow = BagOfWords.fit(train, options);
          } catch (e) {
            return e instanceof EmbError; // no n-gram in minDf texts
          }
          const docs = [...train, ...other];
          // Version 3 renumbers the columns into the trie's order: they load as select(keep),
          // whose rows are this vocabulary's with their columns renumbered.
          const { bytes, keep } = bow.toBytes();
          assert.deepEqual(
            [...keep].sort((a, b) => a - b),
            [...bow.terms.keys()],
          );
          const inOrder = bow.select(keep);
          const loaded = BagOfWords.fromBytes(bytes, inOrder.idf, options, 'vocabulary.bin');
          assert.deepEqual(loaded.terms, inOrder.terms);
          for (const w of ['tfidf', 'binary'] as const) {
            const [x, y] = [loaded.transform(docs, w), bow.transform(docs, w)];
            assert.deepEqual(x, inOrder.transform(docs, w));
            for (let i = 0; i < docs.length; i++)
              assertClose(row(x, loaded.terms, i), row(y, bow.terms, i), 1e-7);
          }
          // Version 2 and the version 1 layout that models saved before them still use.
          const v2 = bow.toBytes(2).bytes;
          for (const saved of [v2, asVersion1(v2)]) {
            const back = BagOfWords.fromBytes(saved, bow.idf, options, 'vocabulary.bin');
            assert.deepEqual(back.terms, bow.terms);
            for (const w of ['tfidf', 'binary'] as const)
              assert.deepEqual(back.transform(docs, w), bow.transform(docs, w));
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  /**
   * A version 2 vocabulary.bin as version 1 wrote it: no node count after the levels (its
   * sorted tokens are one order version 1 allowed among others).
   */
  function asVersion1(bytes: Uint8Array): Uint8Array {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(view.getUint32(4, true), 2);
    const nodesAt = 16 + view.getUint32(12, true) + 4;
    const old = Uint8Array.from([...bytes.subarray(0, nodesAt), ...bytes.subarray(nodesAt + 4)]);
    new DataView(old.buffer).setUint32(4, 1, true);
    return old;
  }

  test('a damaged vocabulary.bin is one E_MODEL error naming the file', () => {
    const bow = BagOfWords.fit(
      [
        ['a', 'b', 'a'],
        ['b', 'c'],
      ],
      { ngrams: [1, 2], minDf: 1 },
    );
    const { bytes } = bow.toBytes();
    const v2 = bow.toBytes(2).bytes;
    const options = { ngrams: [1, 2], minDf: 1 } as const;
    const newer = Uint8Array.from(bytes);
    new DataView(newer.buffer).setUint32(4, 4, true);
    const unsorted = Uint8Array.from(bytes);
    unsorted.set(new TextEncoder().encode('b\na'), 16); // the tokens a, b, c swapped
    const wrongCount = Uint8Array.from(bytes);
    new DataView(wrongCount.buffer).setUint32(16 + 5 + 4, 99, true); // the node count
    for (const broken of [
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(0, 10),
      Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      asVersion1(v2).subarray(0, v2.length - 5),
      unsorted,
      wrongCount,
      newer,
    ])
      assert.throws(
        () => BagOfWords.fromBytes(broken, bow.idf, options, 'm/vocabulary.bin'),
        (e: unknown) =>
          e instanceof EmbError && e.code === 'E_MODEL' && /^m\/vocabulary\.bin: /.test(e.message),
      );
    // What an older emb says of a newer file, as this one says of version 4.
    assert.throws(
      () => BagOfWords.fromBytes(newer, bow.idf, options, 'v'),
      /v: expected vocabulary version 1 to 3, found 4/,
    );
    assert.throws(
      () => BagOfWords.fromBytes(bytes, new Float32Array(bow.size + 1), options, 'v'),
      /v: expected 7 terms, found fewer/,
    );
  });

  test('property: features equal a plain string-counting reference', () => {
    const word = fc.constantFrom('a', 'b', 'c', "it's", '!', 'é');
    const doc = fc.array(word, { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 8 }),
        fc.array(doc, { maxLength: 4 }),
        fc.constantFrom<[number, number]>([1, 1], [1, 2], [2, 3], [1, 3]),
        fc.integer({ min: 1, max: 3 }),
        (train, test, ngrams, minDf) => {
          const grams = (d: string[]) => {
            const counts = new Map<string, number>();
            for (let n = ngrams[0]; n <= ngrams[1]; n++) {
              for (let i = 0; i + n <= d.length; i++) {
                const g = d.slice(i, i + n).join(' ');
                counts.set(g, (counts.get(g) ?? 0) + 1);
              }
            }
            return counts;
          };
          const df = new Map<string, number>();
          for (const d of train) for (const g of grams(d).keys()) df.set(g, (df.get(g) ?? 0) + 1);
          const vocab = [...df].filter(([, c]) => c >= minDf).map(([g]) => g);
          if (vocab.length === 0) {
            assert.throws(() => BagOfWords.fit(train, { ngrams, minDf }), EmbError);
            return;
          }
          const bow = BagOfWords.fit(train, { ngrams, minDf });
          assert.deepEqual([...bow.terms].sort(), vocab.sort());
          const docs = [...train, ...test];
          const x = bow.transform(docs, 'tfidf');
          const b = bow.transform(docs, 'binary');
          assert.equal(x.indptr[0], 0);
          assert.equal(x.indptr[docs.length], x.indices.length);
          docs.forEach((d, i) => {
            const expected: Record<string, number> = {};
            let norm = 0;
            for (const [g, c] of grams(d)) {
              if (!df.has(g) || df.get(g)! < minDf) continue;
              expected[g] =
                (1 + Math.log(c)) * (Math.log((1 + train.length) / (1 + df.get(g)!)) + 1);
              norm += expected[g] ** 2;
            }
            for (const g of Object.keys(expected)) expected[g] /= Math.sqrt(norm);
            assertClose(row(x, bow.terms, i), expected, 1e-5);
            assert.deepEqual(
              Object.values(row(b, bow.terms, i)),
              Object.keys(expected).map(() => 1),
            );
            for (let k = x.indptr[i] + 1; k < x.indptr[i + 1]; k++)
              assert.ok(x.indices[k - 1] < x.indices[k]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('linear SVM (dual coordinate descent)', () => {
  // Two points (1) -> +1 and (-1) -> -1 with the bias feature B = 1. By symmetry b = 0;
  // squared hinge, C = 1: min w^2/2 + 2 (1 - w)^2 gives w = 0.8; hinge: w^2/2 + 2 (1 - w)+ gives 1.
  const x = csr([[1], [-1]]);
  const y = Int8Array.from([1, -1]);

  test('squared hinge reaches the analytic optimum', () => {
    const fit = trainBinarySvm(x, y, { C: 1, loss: 'squared-hinge', seed: 0, eps: 1e-8 });
    assert.ok(fit.converged);
    assert.ok(Math.abs(fit.w[0] - 0.8) < 1e-6, `w = ${fit.w[0]}`);
    assert.ok(Math.abs(fit.w[1]) < 1e-6, `b = ${fit.w[1]}`);
  });

  test('a warm start from the duals of a nearby problem reaches the same optimum sooner', () => {
    // 300 noisy points in 20 dims; the nearby problem has the last 10 columns doubled.
    const rng = new Random(5);
    const rows = Array.from({ length: 300 }, () =>
      Array.from({ length: 20 }, () => rng.next() - 0.5),
    );
    const labels = Int8Array.from(rows, (r) =>
      r[0] + r[10] + 0.3 * (rng.next() - 0.5) > 0 ? 1 : -1,
    );
    const options = { C: 1, loss: 'squared-hinge', seed: 0, eps: 1e-6 } as const;
    const near = trainBinarySvm(csr(rows), labels, options);
    const doubled = csr(rows.map((r) => r.map((v, j) => (j < 10 ? v : 2 * v))));
    const cold = trainBinarySvm(doubled, labels, options);
    const warm = trainBinarySvm(doubled, labels, { ...options, start: near.alpha });
    assert.ok(warm.iterations < cold.iterations, `${warm.iterations} vs ${cold.iterations}`);
    cold.w.forEach((v, j) => assert.ok(Math.abs(warm.w[j] - v) < 1e-4, `w[${j}]`));
    // From the problem's own solution: one pass.
    assert.equal(trainBinarySvm(doubled, labels, { ...options, start: cold.alpha }).iterations, 1);
  });

  test('hinge (L1 loss) reaches the analytic optimum', () => {
    const fit = trainBinarySvm(x, y, { C: 1, loss: 'hinge', seed: 0, eps: 1e-8 });
    assert.ok(Math.abs(fit.w[0] - 1) < 1e-6, `w = ${fit.w[0]}`);
    assert.ok(Math.abs(fit.w[1]) < 1e-6, `b = ${fit.w[1]}`);
  });

  test('separates a small separable set, with and without shrinking', () => {
    const points = csr([
      [2, 1, 0],
      [1, 3, 0],
      [3, 2, 1],
      [0, 0, 2],
      [0, 1, 3],
      [1, 0, 2],
    ]);
    const labels = Int8Array.from([1, 1, 1, -1, -1, -1]);
    for (const shrinking of [true, false]) {
      const fit = trainBinarySvm(points, labels, {
        C: 10,
        loss: 'hinge',
        seed: 3,
        shrinking,
        eps: 1e-6,
      });
      const f = decisionValues(points, Float32Array.from(fit.w), 1);
      labels.forEach((yi, i) => assert.ok(yi * f[i] > 0.99, `row ${i}: y f = ${yi * f[i]}`));
    }
  });

  test("the native solver gives the JavaScript one's bits, with a dense block, warm starts, both losses and class weights", () => {
    // Without the addon (EMB_NO_NATIVE=1) there is nothing to compare; CI requires it.
    if (!native) return assert.equal(process.env.EMB_NO_NATIVE, '1');
    const rng = new Random(11);
    const n = 400;
    const rows = Array.from({ length: n }, () =>
      Array.from({ length: 30 }, () => (rng.next() < 0.2 ? rng.next() * 2 - 0.5 : 0)),
    );
    const y = Int8Array.from(rows, (r) => (r[0] + r[3] - r[7] + 0.2 * rng.next() > 0.1 ? 1 : -1));
    const dense = Float32Array.from({ length: n * 4 }, () => rng.next() - 0.5);
    const shapes: Rows[] = [
      { sparse: csr(rows), dims: 0, cols: 30 },
      { sparse: csr(rows), dims: 4, cols: 34 },
      { sparse: csr(rows), dense, dims: 4, cols: 34 },
    ];
    for (const rowsOf of shapes) {
      for (const loss of ['squared-hinge', 'hinge'] as const) {
        // Equal C, then the +1 rows weighted 2.5 (a class weight, weightedC): they must differ.
        const fitted: Float64Array[] = [];
        for (const [Cp, Cn] of [
          [0.7, 0.7],
          [1.75, 0.7],
        ]) {
          const o = { C: 0.7, Cp, Cn, loss, seed: 3 };
          const first = trainBinarySvm(rowsOf, y, o);
          fitted.push(first.w);
          for (const start of [undefined, first.alpha.map((a) => a * 0.5)]) {
            const fit = trainBinarySvm(rowsOf, y, { ...o, start });
            const l2 = loss === 'squared-hinge';
            const params = Float64Array.from([
              l2 ? 0.5 / Cp : 0,
              l2 ? 0.5 / Cn : 0,
              l2 ? Infinity : Cp,
              l2 ? Infinity : Cn,
              0.1,
              1,
              1000,
              1,
            ]);
            const alpha = new Float64Array(n);
            if (start) alpha.set(start);
            const w = new Float64Array(rowsOf.cols + 1);
            const passes = solveDual(rowsOf, y, params, 3, alpha, w);
            const what = `${loss} ${rowsOf.dense ? 'dense' : 'sparse'} Cp ${Cp}`;
            assert.equal(fit.iterations, Math.abs(passes));
            assert.deepEqual(fit.w, w, `${what}: same weights`);
            assert.deepEqual(fit.alpha, alpha);
          }
        }
        assert.notDeepEqual(fitted[0], fitted[1]);
      }
    }
  });

  test('NB log-count ratio with alpha = 1', () => {
    const r = logCountRatio(
      csr([
        [1, 1],
        [1, 0],
        [0, 1],
      ]),
      Int8Array.from([1, 1, -1]),
      1,
    );
    // p = (3, 2) / 5, q = (1, 2) / 3.
    assert.ok(Math.abs(r[0] - Math.log(3 / 5 / (1 / 3))) < 1e-12);
    assert.ok(Math.abs(r[1] - Math.log(2 / 5 / (2 / 3))) < 1e-12);
  });
});

const toyDocs: Docs = [
  'a great and moving film',
  'great acting , a moving story',
  'a dull and boring film',
  'boring plot , dull acting',
  'the film was great fun',
  'the plot was dull',
].map(tokenize);
const toyLabels = [0, 0, 1, 1, 0, 1];
const toyClasses = ['pos', 'neg'];

describe('svm and nbsvm trainers', () => {
  for (const trainer of [svm, nbsvm]) {
    test(`${trainer.name}: learns the training set; probabilities sum to 1`, async () => {
      const model = await fit(trainer, toyDocs, toyLabels, toyClasses, 0);
      const scores = await model.predict(toyDocs);
      assert.deepEqual(predictions(scores, 2), toyLabels);
      for (let i = 0; i < toyDocs.length; i++)
        assert.ok(Math.abs(scores[2 * i] + scores[2 * i + 1] - 1) < 1e-6);
    });

    test(`${trainer.name}: one-vs-rest with three classes`, async () => {
      const docs = [
        'red apple',
        'red cherry',
        'green pear',
        'green lime',
        'blue sky',
        'blue sea',
      ].map(tokenize);
      const labels = [0, 0, 1, 1, 2, 2];
      const classes = ['red', 'green', 'blue'];
      const model = await fit(trainer, docs, labels, classes, 1);
      assert.deepEqual(predictions(await model.predict(docs), 3), labels);
      const probe = [['blue'], ['green', 'thing'], []];
      assert.deepEqual(predictions(await model.predict(probe), 3).slice(0, 2), [2, 1]);
      assert.equal((await model.predict([])).length, 0);
      const dir = mkdtempSync(join(tmpdir(), 'emb-baseline-'));
      try {
        const loaded = await trainer.load(dir, await model.save(dir), { classes: classes });
        assert.deepEqual(await loaded.predict(probe), await model.predict(probe));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test(`${trainer.name}: options C, loss and ngrams reach the solver and are recorded`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'emb-baseline-'));
      try {
        const options = { C: 10, loss: 'hinge', ngrams: [1, 1] };
        const model = await fit(trainer, toyDocs, toyLabels, toyClasses, 0, options);
        assert.deepEqual(predictions(await model.predict(toyDocs), 2), toyLabels);
        const saved = await model.save(dir);
        assert.deepEqual(saved.ngrams, [1, 1]);
        const small = await fit(trainer, toyDocs, toyLabels, toyClasses, 0, { C: 1e-4 });
        // A tiny C shrinks the weights (the probabilities are calibrated, so compare weights).
        const norm = (m: Model) => Math.hypot(...(m as LinearBowModel).weights);
        assert.ok(norm(small) < norm(model) / 10, `${norm(small)} vs ${norm(model)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test(`${trainer.name}: save and load give identical predictions`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'emb-baseline-'));
      try {
        const options = { C: 0.5, ngrams: [1, 2], minDf: 1 };
        const model = await fit(trainer, toyDocs, toyLabels, toyClasses, 0, options);
        const saved = await model.save(dir);
        const loaded = await trainer.load(dir, JSON.parse(JSON.stringify(saved)), {
          classes: toyClasses,
        });
        const probe = [...toyDocs, tokenize('an unseen , great but dull film'), []];
        assert.deepEqual(await loaded.predict(probe), await model.predict(probe));
        assert.equal(loaded.kind, trainer.name);
        // The layout emb wrote before (emb-linear-bow-3): not gzipped, columns as trained.
        const m = model as LinearBowModel;
        const old = mkdtempSync(join(tmpdir(), 'emb-baseline-'));
        writeFileSync(join(old, 'vocabulary.bin'), m.bow.toBytes(2).bytes);
        writeFloats(join(old, 'weights.f32'), m.weights);
        writeFloats(join(old, 'idf.f32'), m.bow.idf);
        const before = { ...saved, format: 'emb-linear-bow-3' };
        const reread = await trainer.load(old, before, { classes: toyClasses });
        rmSync(old, { recursive: true, force: true });
        assert.deepEqual(await reread.predict(probe), await model.predict(probe));
        // A later layout is named as a newer emb's, anything else as not this kind's.
        for (const [format, message] of [
          ['emb-linear-bow-5', /saved as 'emb-linear-bow-5' by a newer emb/],
          ['emb-hybrid-4', /expected a model saved as 'emb-linear-bow-4' or 'emb-linear-bow-3'/],
        ] as const)
          await assert.rejects(
            async () => trainer.load(dir, { ...saved, format }, { classes: toyClasses }),
            (e: unknown) =>
              e instanceof EmbError && e.code === 'E_MODEL' && message.test(e.message),
          );
        // A damaged weights file is reported, not misread.
        truncateSync(join(dir, 'weights.f32.gz'), 8);
        await assert.rejects(
          trainer.load(dir, saved, { classes: toyClasses }),
          (e: unknown) => e instanceof EmbError && e.code === 'E_MODEL',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test(`${trainer.name}: bad input is an EmbError E_INPUT naming what was expected`, async () => {
      await expectInputError(fit(trainer, [], [], toyClasses), /at least one training document/);
      await expectInputError(
        fit(
          trainer,
          toyDocs,
          toyLabels.map(() => 0),
          toyClasses,
        ),
        /at least 2 classes.*only class 'pos'/,
      );
      await expectInputError(
        fit(trainer, toyDocs, [0, 1], toyClasses),
        /one label per document, got 2 labels for 6/,
      );
      await expectInputError(
        fit(trainer, toyDocs, toyLabels, ['pos']),
        /at least 2 classes, got 1/,
      );
      await expectInputError(
        fit(trainer, toyDocs, toyLabels, toyClasses, 0, { C: -1 }),
        /setting "C": expected a positive number, got -1/,
      );
      await expectInputError(
        fit(trainer, toyDocs, toyLabels, toyClasses, 0, { ngrams: [2, 1] }),
        /setting "ngrams": expected \[min, max\] with 1 <= min <= max/,
      );
      await expectInputError(fit(trainer, [[], []], [0, 1], toyClasses), /at least one n-gram/);
    });
  }
});

/**
 * Accuracy floors on real data, ANCHORS.md section 2: the scikit-learn figures minus 0.5
 * points. 10-fold stratified CV (src/experiments/splits.ts, seed 0) for MR, SUBJ and SMS;
 * SST-2 trains on train and tests on test.
 */
const TARGETS: Record<string, Record<'svm' | 'nbsvm', number>> = {
  MR: { svm: 78.52, nbsvm: 79.45 },
  SUBJ: { svm: 92.37, nbsvm: 93.07 },
  'SST-2': { svm: 82.37, nbsvm: 81.49 },
  SMS: { svm: 99.08, nbsvm: 98.92 },
};

async function crossValidate(trainer: Baseline, data: Dataset): Promise<number> {
  const docs = data.texts.map(tokenize);
  const truth: number[] = [];
  const predicted: number[] = [];
  for (const fold of stratifiedKFold(data.labels, 10, 0)) {
    const model = await fit(
      trainer,
      fold.train.map((i) => docs[i]),
      fold.train.map((i) => data.labels[i]),
      data.classes,
    );
    predicted.push(
      ...predictions(await model.predict(fold.test.map((i) => docs[i])), data.classes.length),
    );
    truth.push(...fold.test.map((i) => data.labels[i]));
  }
  return 100 * evaluate(truth, predicted, data.classes).accuracy;
}

async function trainTest(trainer: Baseline, train: Dataset, testSet: Dataset): Promise<number> {
  const model = await fit(trainer, train.texts.map(tokenize), train.labels, train.classes);
  const predicted = predictions(
    await model.predict(testSet.texts.map(tokenize)),
    train.classes.length,
  );
  // Class ids follow first appearance in each file: compare by name.
  const truth = testSet.labels.map((y) => train.classes.indexOf(testSet.classes[y]));
  return 100 * evaluate(truth, predicted, train.classes).accuracy;
}

describe('accuracy on real data (floors: scikit-learn minus 0.5 points)', () => {
  const sets: [string, (trainer: Baseline) => Promise<number>][] = [
    ['MR', (t) => crossValidate(t, loadMR())],
    ['SUBJ', (t) => crossValidate(t, loadSUBJ())],
    ['SST-2', (t) => trainTest(t, loadSST2('train'), loadSST2('test'))],
    ['SMS', (t) => crossValidate(t, loadSMS())],
  ];
  for (const [name, run] of sets) {
    for (const trainer of [svm, nbsvm]) {
      const target = TARGETS[name][trainer.name as 'svm' | 'nbsvm'];
      test(`${name} ${trainer.name} >= ${(target - 0.5).toFixed(2)} (scikit-learn ${target})`, async (t) => {
        const accuracy = await run(trainer);
        t.diagnostic(`${name} ${trainer.name}: ${accuracy.toFixed(2)}% (scikit-learn ${target}%)`);
        assert.ok(
          accuracy >= target - 0.5,
          `${name} ${trainer.name}: ${accuracy.toFixed(2)}% is below ${target - 0.5}%`,
        );
      });
    }
  }
});
