/**
 * Data hygiene (issue 16): copies of a text (the same tokens) are found and reported, kept on
 * one side of every split (folds, holdout, samples, the kinds' inner folds); a text with
 * nothing the model met in training is marked unseen and answered with the class prior.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compare,
  crossValidate,
  loadClassifier,
  openVectors,
  readDataset,
  train,
  type ModelName,
} from '../src/index.js';
import { outOfFoldScores } from '../src/models/calibration.js';
import { trainModel, modelSettings } from '../src/models/registry.js';
import { duplicateGroups, groupsOf } from '../src/text/duplicates.js';
import {
  stratifiedHoldout,
  stratifiedKFold,
  stratifiedSample,
  type Fold,
} from '../src/text/splits.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { Random } from '../src/random.js';
import { loadMR } from './support/datasets.js';
import { emb } from './support/cli.js';
import { reviewsCsv } from './support/reviews.js';

const { tokenize } = tokenizerFor('unicode');
const vectors = await openVectors();
const dir = mkdtempSync(join(tmpdir(), 'emb-hygiene-'));

/** 600 made-up reviews of three words out of ten: most of them repeat another. */
const reviews = () => {
  const rows = reviewsCsv(600, 3).trim().split('\n').slice(1);
  const texts = rows.map((r) => r.slice(r.indexOf('"') + 1, r.lastIndexOf('"')));
  const labels = rows.map((r) => r.slice(r.lastIndexOf(',') + 1));
  return {
    texts,
    labels,
    docs: texts.map((t) => tokenize(t)),
    ids: labels.map((l) => +(l === 'neg')),
  };
};

/** Test texts whose copy is in the training part. */
const leaked = (folds: Fold[], groups: ArrayLike<number>) =>
  folds.reduce((n, { train, test }) => {
    const trained = new Set(train.map((i) => groups[i]));
    return n + test.filter((i) => trained.has(groups[i])).length;
  }, 0);

describe('copies of a text', () => {
  test('are the same tokens after normalisation; groups with two labels conflict', () => {
    const docs = ['Great film!', 'a dull one', 'great  FILM !', 'great film', 'A dull one'].map(
      (t) => tokenize(t),
    );
    assert.deepEqual([...groupsOf(docs)], [0, 1, 0, 3, 1]);
    assert.deepEqual(duplicateGroups(docs, [0, 1, 0, 0, 0]), [
      { rows: [0, 2], conflicting: false },
      { rows: [1, 4], conflicting: true },
    ]);
  });

  test('ungrouped folds, holdout and samples leak copies; grouped ones never do', () => {
    const { docs, ids } = reviews();
    const groups = groupsOf(docs);
    const copies = [...groups].filter((g, i) => g !== i).length;
    assert.ok(copies > 50, `${copies} copies`);
    assert.ok(leaked(stratifiedKFold(ids, 5, 0), groups) > 100);
    assert.equal(leaked(stratifiedKFold(ids, 5, 0, groups), groups), 0);
    assert.ok(leaked([stratifiedHoldout(ids, 0.2, 0)], groups) > 10);
    assert.equal(leaked([stratifiedHoldout(ids, 0.2, 0, groups)], groups), 0);
    const pool = ids.map((_, i) => i).filter((i) => i % 3 !== 0);
    const sample = stratifiedSample(ids, pool, 100, new Random(1), groups);
    const inSample = new Set(sample.map((i) => groups[i]));
    assert.ok(pool.every((i) => inSample.has(groups[i]) === sample.includes(i)));
    // The kinds' inner folds: no held-out score from a fit on its copy.
    let inner = 0;
    outOfFoldScores(
      ids,
      2,
      5,
      1,
      (train, test) => {
        inner += leaked([{ train, test }], groups);
        return [new Float64Array(test.length)];
      },
      groups,
    );
    assert.equal(inner, 0);
  });

  test('data without copies is split exactly as before', () => {
    const mr = loadMR();
    const labels = mr.labels.slice(0, 3000);
    const groups = groupsOf(mr.texts.slice(0, 3000).map((t) => tokenize(t)));
    assert.deepEqual(stratifiedKFold(labels, 10, 0, groups), stratifiedKFold(labels, 10, 0));
    assert.deepEqual(stratifiedHoldout(labels, 0.2, 7, groups), stratifiedHoldout(labels, 0.2, 7));
    const pool = labels.map((_, i) => i);
    assert.deepEqual(
      stratifiedSample(labels, pool, 500, new Random(3), groups),
      stratifiedSample(labels, pool, 500, new Random(3)),
    );
  });

  test('crossValidate and compare report them with the lines of the file', async () => {
    const file = join(dir, 'copies.csv');
    writeFileSync(
      file,
      'text,label\n' +
        [
          ...Array.from({ length: 20 }, (_, i) => `good film ${i},pos\nbad film ${i},neg`),
          'Good film 3!,pos',
          'good FILM 3,neg',
          'bad film 0,neg',
        ].join('\n') +
        '\n',
    );
    const data = await readDataset(file);
    const e = await crossValidate(data, { model: 'svm', folds: 3, workers: 1 });
    // Line 1 is the header: "good film 3" is on line 8, "bad film 0" on line 3.
    assert.deepEqual(e.duplicates, {
      copies: 2,
      conflicting: 1,
      groups: [
        { rows: [1, 42], lines: [3, 44], labels: ['neg', 'neg'], conflicting: false },
        { rows: [6, 41], lines: [8, 43], labels: ['pos', 'neg'], conflicting: true },
      ],
    });
    // The command line says so in one line, the first groups by line.
    const cli = emb([
      'train',
      file,
      '--model',
      'svm',
      '--folds',
      '3',
      '--out',
      join(dir, 'c.model'),
    ]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(
      cli.stderr,
      /copies\.csv: 2 texts repeat another's tokens, in 2 groups \(lines 3, 44; lines 8, 43\), kept on one side of every split; 1 group with different labels \(lines 8, 43\); --json lists them all\n/,
    );
    const report = await compare(data, { methods: ['svm'], sizes: ['all'], repeats: 1 });
    assert.deepEqual(report.data.duplicates, e.duplicates);
    // From code, without a file: indices only.
    const plain = await crossValidate(
      { texts: data.texts, labels: data.labels },
      { model: 'svm', folds: 3 },
    );
    assert.deepEqual(plain.duplicates.groups[0], {
      rows: [1, 42],
      labels: ['neg', 'neg'],
      conflicting: false,
    });
  });

  test('a separate test set: its copies of training texts are reported by line, not hidden', async () => {
    const trainFile = join(dir, 'train.csv');
    const testFile = join(dir, 'test.csv');
    writeFileSync(
      trainFile,
      'text,label\n' +
        Array.from({ length: 20 }, (_, i) => `good film ${i},pos\nbad film ${i},neg`).join('\n') +
        '\n',
    );
    // Lines 2 and 4 repeat training texts (after normalisation); line 3 is new.
    writeFileSync(testFile, 'text,label\ngood FILM 3,pos\nfine movie,pos\nbad FILM 7,neg\n');
    const [data, held] = [await readDataset(trainFile), await readDataset(testFile)];
    const e = await crossValidate(data, { model: 'svm', test: held });
    const line = `${testFile}: 2 test texts repeat a training text's tokens (lines 2, 4); their answers are not held out`;
    assert.ok(e.warnings.includes(line), e.warnings.join('\n'));
    const report = await compare(data, {
      methods: ['svm'],
      sizes: ['all'],
      repeats: 1,
      test: held,
    });
    assert.ok(report.warnings.includes(line), report.warnings.join('\n'));
    // Without copies, no such line.
    const fresh = await crossValidate(data, {
      model: 'svm',
      test: { texts: ['fine movie'], labels: ['pos'] },
    });
    assert.ok(!fresh.warnings.some((w) => w.includes('not held out')));
  });
});

describe('unseen texts', () => {
  const mr = loadMR();
  const rows = mr.texts.map((_, i) => i).filter((i) => i % 10 === 0);
  const data = {
    texts: rows.map((i) => mr.texts[i]),
    labels: rows.map((i) => mr.classes[mr.labels[i]]),
  };
  const prior = { pos: 534 / 1067, neg: 533 / 1067 };
  const texts = [
    'asdf',
    'lorem ipsum dolor',
    'qqzzx',
    'a gorgeous, witty film',
    'dull and far too long',
    '?',
  ];
  for (const model of ['svm', 'nbsvm', 'logreg', 'mlp', 'hybrid'] as ModelName[]) {
    test(`${model}: asdf and lorem ipsum get the class prior; seen texts the model's own answer`, async () => {
      const clf = await train(data, { model, vectors, seed: 0 });
      assert.deepEqual(clf.meta.prior, prior);
      const p = await clf.predict(texts);
      assert.deepEqual(
        p.map((x) => x.unseen),
        [true, true, true, false, false, false],
      );
      for (const x of p.slice(0, 3)) {
        assert.deepEqual(x.probabilities, prior);
        assert.deepEqual([x.label, x.probability], ['pos', prior.pos]);
      }
      // The very same model, trained again, answers the seen texts as the classifier does.
      const settings = modelSettings({ model });
      const raw = await trainModel(
        {
          docs: data.texts.map((t) => tokenize(t)),
          labels: data.labels.map((l) => +(l === 'neg')),
          classes: ['pos', 'neg'],
        },
        settings,
        { seed: 0, embeddings: vectors.embeddings },
      );
      const probs = await raw.predict(texts.slice(3).map((t) => tokenize(t)));
      raw.dispose();
      p.slice(3).forEach((x, r) =>
        assert.deepEqual(
          [x.probabilities!.pos, x.probabilities!.neg],
          [probs[2 * r], probs[2 * r + 1]],
        ),
      );
      const saved = join(dir, `${model}.model`);
      await clf.save(saved);
      assert.deepEqual(JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8')).prior, prior);
      const again = await loadClassifier(saved, { vectors });
      assert.deepEqual(await again.predict(texts), p);
      again.dispose();
      clf.dispose();
    });
  }
});
