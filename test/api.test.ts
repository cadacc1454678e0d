/**
 * The library API as a Node application uses it (docs/api.md): open vectors and query them,
 * read a dataset, cross-validate, train, predict, save and load, compare; settings checked
 * once; and the same figures through the API as through the command line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compare,
  crossValidate,
  EmbError,
  loadClassifier,
  modelSettings,
  openVectors,
  readDataset,
  train,
  writeReport,
} from '../src/index.js';
import { resolveHome } from '../src/store/home.js';
import { emb } from './support/cli.js';
import { FIXTURES } from './support/datasets.js';
import { reviewsCsv } from './support/reviews.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-api-'));
const vectors = await openVectors();

const isCode = (code: string) => (e: unknown) => e instanceof EmbError && e.code === code;

test('openVectors: queries with gensim answers, one rule for unknown words', () => {
  assert.equal(vectors.size, 341479);
  assert.equal(vectors.dims, 100);
  assert.equal(vectors.similar('frog', { top: 1 })[0].word, 'toad');
  const king = vectors.analogy('king - man + woman', { top: 3 });
  assert.deepEqual(
    king.results.map((r) => r.word),
    ['queen', 'monarch', 'throne'],
  );
  assert.ok(Math.abs(king.results[0].score - 0.7699) < 1e-4);
  assert.deepEqual(king.missing, []);
  assert.deepEqual(vectors.analogy('king-man+woman', { top: 3 }).results, king.results);
  assert.ok(
    Math.abs(
      vectors.analogy('king - man + woman', { method: '3cosmul', top: 1 }).results[0].score -
        0.8965,
    ) < 1e-4,
  );
  assert.ok(Math.abs(vectors.similarity('cat', 'dog') - 0.8798) < 1e-4);
  assert.equal(vectors.doesntMatch(['breakfast', 'cereal', 'dinner', 'lunch']), 'cereal');
  assert.equal(vectors.vector('frog')?.length, 100);
  assert.equal(vectors.vector('qqqzzz'), undefined);

  assert.throws(
    () => vectors.analogy('kign - man + woman'),
    (e: unknown) => {
      assert.ok(isCode('E_OOV')(e));
      assert.match((e as Error).message, /"kign" \(did you mean "king"/);
      return true;
    },
  );
  const skipped = vectors.analogy('kign - man + woman', { skipMissing: true, top: 1 });
  assert.deepEqual(skipped.missing, ['kign']);
  assert.throws(() => vectors.similarity('cat', 'qqqzzz'), isCode('E_OOV'));
  assert.throws(
    () => vectors.doesntMatch(['cat', 'qqqzzz'], { skipMissing: true }),
    /at least two known words/,
  );
  assert.throws(() => vectors.similar('frog', { top: 0 }), /top: expected a positive whole number/);
  // --top is capped at the vocabulary.
  assert.equal(vectors.similar('frog', { top: 1e9 }).length, vectors.size - 1);
});

test('similar with several words equals gensim most_similar(positive=[...]), API and CLI', async () => {
  const path = join(FIXTURES, 'w2v_tiny.bin');
  const tiny = await openVectors(path);
  const golden = JSON.parse(
    readFileSync(new URL('./golden/similar_several.json', import.meta.url), 'utf8'),
  ) as { positive: string[]; results: [string, number][] }[];
  assert.ok(golden.length >= 3);
  for (const { positive, results } of golden) {
    const ours = tiny.similar(positive, { top: 10 });
    assert.deepEqual(
      ours.map((r) => r.word),
      results.map((r) => r[0]),
      positive.join(' '),
    );
    ours.forEach((r, i) => assert.ok(Math.abs(r.score - results[i][1]) < 1e-5));
    const cli = JSON.parse(emb(['similar', ...positive, '--vectors', path, '--json']).stdout);
    assert.deepEqual(cli.results, ours);
  }
  tiny.close();
  assert.throws(() => tiny.size, /closed/);
});

test('train, predict, save, load: the same predictions; other vectors are refused', async () => {
  const file = join(dir, 'reviews.csv');
  writeFileSync(file, reviewsCsv(60, 1));
  const data = await readDataset(file);
  assert.equal(data.texts.length, 60);
  assert.deepEqual([...new Set(data.labels)], ['pos', 'neg']);
  const clf = await train(data, { model: 'hybrid', seed: 0, vectors });
  const texts = ['a gorgeous, witty film', 'an awful, boring mess', '', 'qqqzzz'];
  const p = await clf.predict(texts);
  assert.deepEqual(
    p.map((x) => x.label),
    ['pos', 'neg', null, p[3].label],
  );
  assert.equal(p[2].reason, 'the text has no words');
  assert.equal(p[3].unseen, true);
  assert.ok(Math.abs(p[0].probabilities!.pos + p[0].probabilities!.neg - 1) < 1e-5);
  await clf.save(join(dir, 'reviews.model'));
  const again = await loadClassifier(join(dir, 'reviews.model'), { vectors });
  assert.deepEqual(await again.predict(texts), p);
  assert.deepEqual(again.settings, modelSettings({ model: 'hybrid' }));
  await assert.rejects(
    loadClassifier(join(dir, 'reviews.model'), { vectors: join(FIXTURES, 'glove_tiny.txt') }),
    /not the vectors this model was trained with/,
  );
  clf.dispose();
  await assert.rejects(clf.predict(['x']), /disposed/);
});

test('settings are checked once where they enter, naming the setting and what it expects', async () => {
  const data = { texts: ['good', 'bad', 'fine', 'awful'], labels: ['p', 'n', 'p', 'n'] };
  const cases: [object, RegExp][] = [
    [{ model: 'forest' }, /setting "model": expected one of svm, nbsvm, logreg, mlp, hybrid/],
    [{ model: 'svm', features: 'sif' }, /setting "features" does not apply to the svm model/],
    [{ model: 'svm', C: '1' }, /setting "C": expected a positive number, got "1"/],
    [{ model: 'hybrid', ngrams: [2, 1] }, /setting "ngrams": expected \[min, max\]/],
    [{ model: 'mlp', dropout: 1 }, /setting "dropout"/],
    [{ model: 'constructor' }, /setting "model"/],
    [{ model: '__proto__' }, /setting "model"/],
    [{ model: 'svm', seed: -1 }, /seed: expected a whole number/],
    [{ model: 'svm', folds: 1 }, /folds: expected a whole number of at least 2/],
  ];
  for (const [options, message] of cases)
    await assert.rejects(crossValidate(data, options as never), message, JSON.stringify(options));
  await assert.rejects(
    train({ texts: ['a'], labels: ['x'] }, { model: 'svm' }),
    /at least two classes/,
  );
  await assert.rejects(train({ texts: [], labels: [] }, { model: 'svm' }), /the dataset is empty/);
  await assert.rejects(
    train({ texts: ['a', 'b'], labels: ['x'] }, { model: 'svm' }),
    /one label per text, got 1 label for 2 texts/,
  );
});

test('the API and the CLI give identical results for the same data, settings and seed', async () => {
  const file = join(dir, 'same.csv');
  writeFileSync(file, reviewsCsv(80, 2));
  const data = await readDataset(file);
  for (const model of ['hybrid', 'logreg'] as const) {
    const api = await crossValidate(data, { model, folds: 4, seed: 3, vectors });
    const out = `same-${model}.model`;
    const r = emb(
      [
        'train',
        'same.csv',
        '--model',
        model,
        '--folds',
        '4',
        '--seed',
        '3',
        '--json',
        '--out',
        out,
      ],
      {
        cwd: dir,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const { out: written, metricIsDefault, ...cli } = JSON.parse(r.stdout);
    assert.equal(metricIsDefault, true); // 80 balanced reviews: accuracy, the default
    assert.equal(written, out);
    assert.deepEqual(cli, JSON.parse(JSON.stringify(api)), model);
    const clf = await train(data, { model, seed: 3, vectors });
    const probe = ['truly wonderful', 'dull and painful'];
    const viaCli = emb(['predict', out, ...probe, '--json'], { cwd: dir })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      viaCli.map(({ text: _, ...p }) => p),
      JSON.parse(JSON.stringify(await clf.predict(probe))),
      model,
    );
    clf.dispose();
  }
});

test('compare and writeReport from code', async () => {
  const file = join(dir, 'curve.csv');
  writeFileSync(file, reviewsCsv(120, 3));
  const data = await readDataset(file);
  const comparison = await compare(data, {
    sizes: [20, 'all'],
    repeats: 2,
    methods: ['svm', 'logreg'],
    seed: 0,
    vectors,
  });
  assert.deepEqual(
    comparison.curves.map((c) => c.method),
    ['svm', 'logreg'],
  );
  assert.deepEqual(
    comparison.curves[0].points.map((p) => p.size),
    [20, 96],
  );
  assert.equal(comparison.settings.command, null);
  await writeReport(comparison, join(dir, 'report'));
  assert.ok(readFileSync(join(dir, 'report', 'report.md'), 'utf8').startsWith('# emb compare'));
  await assert.rejects(
    writeReport(comparison, join(dir, 'report')),
    /exists; choose another folder \(out\) or pass force: true/,
  );
  await writeReport(comparison, join(dir, 'report'), { force: true });
});

test('where converted vectors live: $EMB_HOME, the package folder when writable, else the cache', () => {
  const pkg = '/opt/emb/embeddings/';
  assert.equal(
    resolveHome({ EMB_HOME: '/data/emb' }, pkg, () => true),
    '/data/emb',
  );
  assert.equal(
    resolveHome({}, pkg, () => true),
    pkg,
  );
  assert.equal(
    resolveHome({ HOME: '/home/ann' }, pkg, () => false),
    '/home/ann/.cache/emb',
  );
  assert.equal(
    resolveHome({ HOME: '/home/ann', XDG_CACHE_HOME: '/var/cache/ann' }, pkg, () => false),
    '/var/cache/ann/emb',
  );
});

test(
  'cross-validation in worker threads finishes without a progress callback',
  { timeout: 120_000 },
  async () => {
    // Worker threads run compiled code only: use the built package, as an application does.
    const built = (await import(
      new URL('../dist/index.js', import.meta.url).href
    )) as typeof import('../src/index.js');
    const file = join(dir, 'workers.csv');
    writeFileSync(file, reviewsCsv(60, 4));
    const data = await built.readDataset(file);
    const inWorkers = await built.crossValidate(data, { model: 'svm', folds: 4, workers: 2 });
    const inThread = await built.crossValidate(data, { model: 'svm', folds: 4, workers: 1 });
    assert.deepEqual(inWorkers, inThread);
  },
);
