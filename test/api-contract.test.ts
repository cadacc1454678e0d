/**
 * What a gensim or scikit-learn user reaches for first (issue 15's contract), run for real:
 * the vocabulary, sentence vectors, neighbours of a vector, numeric labels, tokenizers given
 * in code or registered by name, a classifier's meta, explain() and topFeatures(), closing,
 * setBackend, AbortSignal, and errors that name options as the API spells them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  convertVectors,
  crossValidate,
  EmbError,
  loadClassifier,
  openVectors,
  registerTokenizer,
  setBackend,
  train,
} from '../src/index.js';
import { render } from '../src/errors.js';
import { loadSST2 } from './support/datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-contract-'));
const vectors = await openVectors();
const isCode = (code: string) => (e: unknown) => e instanceof EmbError && e.code === code;

// 600 SST-2 sentences: enough for every linear kind to learn, small enough to be quick.
const sst = loadSST2('train');
const data = {
  texts: sst.texts.slice(0, 600),
  labels: sst.labels.slice(0, 600).map((y) => sst.classes[y]),
};

test('words() in file order, has(), similarByVector as gensim (the word itself comes first)', async () => {
  const first: string[] = [];
  for (const w of vectors.words()) if (first.push(w) === 3) break;
  assert.deepEqual(first, ['the', ',', '.']);
  assert.equal(vectors.has('king'), true);
  assert.equal(vectors.has('qqqzzz'), false);
  const near = await vectors.similarByVector(vectors.vector('frog')!, { top: 2 });
  assert.deepEqual(
    near.map((n) => n.word),
    ['frog', 'toad'],
  );
  assert.ok(Math.abs(near[0].score - 1) < 1e-6);
  await assert.rejects(vectors.similarByVector([1, 2, 3]), /expected a vector of 100 values/);
});

test('sentenceVector: the mean of the tokens vectors; tfidf and sif need texts to weigh by', async () => {
  const mean = await vectors.sentenceVector('a witty film', { method: 'mean' });
  // "a" has no vector in these GloVe words (one-letter words were filtered out).
  const [witty, film] = [vectors.vector('witty')!, vectors.vector('film')!];
  for (let j = 0; j < 100; j++) assert.ok(Math.abs(mean[j] - (witty[j] + film[j]) / 2) < 1e-6);
  await assert.rejects(vectors.sentenceVector('a witty film', { method: 'sif' }), /pass corpus/);
  const corpus = ['a witty film', 'a dull film', 'the plot is thin'];
  const [sif] = await vectors.sentenceVectors(['a witty film'], { method: 'sif', corpus });
  assert.equal(sif.length, 100);
  assert.ok(sif.some((v) => v !== 0));
});

test('numeric labels are kept as strings; a tokenizer function trains but cannot be saved', async () => {
  const numeric = await train(
    { texts: data.texts, labels: data.labels.map((l) => (l === 'positive' ? 1 : 0)) },
    { model: 'svm' },
  );
  assert.deepEqual([...numeric.labels].sort(), ['0', '1']);
  const words = await train(data, { model: 'svm', tokenizer: (t: string) => t.split(' ') });
  assert.equal(words.meta.tokenizer, 'function');
  await assert.rejects(words.save(join(dir, 'fn.model')), /register it by name/);
  assert.equal(existsSync(join(dir, 'fn.model')), false);
});

test('a tokenizer registered by name saves and loads with the model', async () => {
  registerTokenizer('spaces', (t) => t.toLowerCase().split(/\s+/).filter(Boolean));
  assert.throws(() => registerTokenizer('spaces', (t) => [t]), /expected a new name/);
  const clf = await train(data, { model: 'nbsvm', tokenizer: 'spaces' });
  await clf.save(join(dir, 'spaces.model'));
  const back = await loadClassifier(join(dir, 'spaces.model'));
  assert.equal(back.meta.tokenizer, 'spaces-v1');
  const probe = ['a gorgeous , witty film', 'dull and tiresome'];
  assert.deepEqual(await back.predict(probe), await clf.predict(probe));
});

test('meta: kind, labels, settings, metrics, created, vectors', async () => {
  const clf = await train(data, { model: 'logreg', vectors });
  assert.equal(clf.meta.kind, 'logreg');
  assert.deepEqual(clf.meta.labels, clf.labels);
  assert.equal(clf.meta.settings.model, 'logreg');
  assert.ok(!Number.isNaN(Date.parse(clf.meta.created)));
  assert.equal(clf.meta.vectors?.words, 341479);
  await clf.save(join(dir, 'logreg.model'), { metrics: { accuracy: 0.5 } });
  const back = await loadClassifier(join(dir, 'logreg.model'), { vectors });
  assert.deepEqual(back.meta.metrics, { accuracy: 0.5 });
  assert.equal(back.meta.created, clf.meta.created.length ? back.meta.created : '');
});

for (const model of ['svm', 'nbsvm', 'hybrid', 'logreg'] as const) {
  test(`explain (${model}): the terms and the bias add up to the decision; topFeatures`, async () => {
    const clf = await train(data, { model, vectors });
    const text = 'a superb , moving film with a dull ending';
    const why = await clf.explain(text, { top: 1000 });
    assert.equal(why.explained, why.label);
    assert.ok(why.terms.length > 0);
    const sum = why.terms.reduce((a, t) => a + t.weight, 0) + why.bias;
    // The decision for the predicted class is positive (two classes: it beats the other).
    assert.ok(sum > 0, `${model}: decision ${sum} for the predicted class`);
    for (let i = 1; i < why.terms.length; i++)
      assert.ok(Math.abs(why.terms[i - 1].weight) >= Math.abs(why.terms[i].weight));
    const other = clf.labels.find((l) => l !== why.label)!;
    const against = await clf.explain(text, { top: 1000, label: other });
    const sumAgainst = against.terms.reduce((a, t) => a + t.weight, 0) + against.bias;
    assert.ok(Math.abs(sum + sumAgainst) < 1e-4, `${model}: the two sides mirror each other`);
    if (model === 'logreg') {
      assert.ok(why.terms.every((t) => t.kind === 'vector'));
      await assert.rejects(clf.topFeatures('positive'), /no features of its own/);
    } else {
      const top = await clf.topFeatures('positive', 5);
      assert.equal(top.length, 5);
      assert.ok(top.every((t) => t.kind === 'ngram' && t.weight > 0));
      if (model === 'hybrid') assert.ok(why.terms.some((t) => t.kind === 'vector'));
    }
    clf.close();
    await assert.rejects(clf.predict(['x']), isCode('E_CLOSED'));
  });
}

test('the mlp is not linear: explain says so', async () => {
  const clf = await train(data, { model: 'mlp', vectors, maxEpochs: 2 });
  await assert.rejects(clf.explain('fine'), /not linear in its features/);
  clf.dispose();
});

test('Symbol.dispose closes vectors and classifiers; using a closed one is E_CLOSED', async () => {
  const v = await openVectors();
  {
    using held = v;
    assert.equal(held.has('king'), true);
  }
  assert.throws(() => v.has('king'), isCode('E_CLOSED'));
});

test('setBackend: one backend per process, chosen before TensorFlow.js runs', async () => {
  assert.throws(() => setBackend('gpu' as never), /expected one of auto, tensorflow, wasm, cpu/);
  // A model on TensorFlow.js has trained above: another backend is refused, the same is fine.
  assert.throws(() => setBackend('cpu'), /already runs on the auto backend/);
  setBackend('auto');
  await assert.rejects(
    train(data, { model: 'svm', backend: 'wasm' } as never),
    /choose TensorFlow.js's backend once/,
  );
});

test('an AbortSignal stops train, crossValidate and convertVectors with E_ABORTED', async () => {
  await assert.rejects(
    train(data, { model: 'svm', signal: AbortSignal.abort() }),
    isCode('E_ABORTED'),
  );
  const controller = new AbortController();
  const folds = crossValidate(data, {
    model: 'svm',
    folds: 5,
    workers: 1,
    signal: controller.signal,
    onProgress: (p) => p.done === 1 && controller.abort(),
  });
  await assert.rejects(folds, isCode('E_ABORTED'));
  const text = join(dir, 'tiny.txt');
  writeFileSync(text, '2 3\nab 1 2 3\ncd 4 5 6\n');
  await assert.rejects(
    convertVectors(text, join(dir, 'tiny.emb'), { to: 'emb', signal: AbortSignal.abort() }),
    isCode('E_ABORTED'),
  );
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('tiny.emb')),
    [],
    'no output and no temporary left',
  );
});

test('errors name options as the API spells them; the command line renders them as flags', async () => {
  const e = await crossValidate(
    { texts: ['a', 'b', 'c', 'd'], labels: ['x', 'x', 'y', 'y'] },
    { model: 'svm' },
  ).catch((err: EmbError) => err);
  assert.ok(e instanceof EmbError);
  assert.match(e.message, /fewer than the 10 folds; use folds: 2 or holdout$/);
  assert.match(render(e.template, 'cli'), /fewer than the 10 folds; use --folds 2 or --holdout$/);
  const s = await train(data, { model: 'svm', minDf: 0 }).catch((err: EmbError) => err);
  assert.ok(s instanceof EmbError);
  assert.match(s.message, /^setting "minDf": expected a whole number of at least 1, got 0$/);
  assert.match(render(s.template, 'cli'), /^--min-df: expected a whole number of at least 1/);
});

test('from the built package, conversions run in a worker: the event loop goes on, and an abort leaves nothing', async () => {
  // The compiled modules (npm test builds them first): workers cannot load the sources.
  const built = (await import(
    new URL('../dist/index.js', import.meta.url).href
  )) as typeof import('../src/index.js');
  const rows = Array.from({ length: 40_000 }, (_, i) =>
    [`w${i}`, ...Array.from({ length: 100 }, (_, j) => ((i * 7 + j) % 13) / 13)].join(' '),
  );
  const text = join(dir, 'big.txt');
  writeFileSync(text, `${rows.length} 100\n${rows.join('\n')}\n`);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const opened = await built.openVectors(text);
  clearInterval(timer);
  assert.equal(opened.size, 40_000);
  assert.ok(ticks > 5, `the event loop ran while the file was read (${ticks} ticks)`);
  const controller = new AbortController();
  const out = join(dir, 'big.emb');
  const converting = built.convertVectors(text, out, {
    to: 'emb',
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  // The built package's EmbError is its own class: the code tells.
  await assert.rejects(converting, (e: { code?: string }) => e.code === 'E_ABORTED');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('big.emb')),
    [],
    'no output and no temporary left',
  );
});
