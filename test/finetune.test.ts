/**
 * The fine-tuned networks (cnn, dan) on a toy task: any number of classes, seeded and
 * reproducible, the same answers from the JavaScript kernels as from the native ones, a model
 * folder that keeps only the rows training changed and reads the others from the vectors,
 * class weights and the metric, progress per epoch, abort, and fastText subword rows.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVectors } from '../src/formats/index.js';
import { argmaxRow, type Model, type ModelKind } from '../src/models/kind.js';
import { cnn } from '../src/models/kinds/cnn.js';
import { dan } from '../src/models/kinds/dan.js';
import { scorer } from '../src/models/metric.js';
import { validationSplit } from '../src/models/nets/training.js';
import { readFloats } from '../src/models/model-files.js';
import { modelSettings } from '../src/models/registry.js';
import { EmbError } from '../src/errors.js';
import { prepareDefault } from '../src/api/convert.js';
import { emb } from './support/cli.js';
import { FIXTURES } from './support/datasets.js';
import { reviewsCsv } from './support/reviews.js';
import { toyProbabilities } from './support/finetune-child.js';
import { TOY_DIMS, toyDocs, toyVectors } from './support/toy-text.js';

const vectors = toyVectors(3);
const classes = ['a', 'b', 'c'];
const KINDS = [cnn, dan] as ModelKind[];
/** Smaller networks than the defaults, and larger steps: the toy task has few texts. */
const SMALL: Record<string, object> = {
  cnn: { maps: 12, learningRate: 0.01 },
  dan: { hidden: [32, 32], learningRate: 0.01 },
};

const settingsOf = (kind: ModelKind, more: object = {}) =>
  modelSettings({ model: kind.name, ...SMALL[kind.name], ...more });

function accuracy(probs: Float32Array, labels: number[], k: number): number {
  return labels.filter((y, i) => argmaxRow(probs, k, i) === y).length / labels.length;
}

const made: string[] = [];
const tmp = () => {
  made.push(mkdtempSync(join(tmpdir(), 'emb-finetune-')));
  return made[made.length - 1];
};
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

for (const kind of KINDS)
  for (const mode of ['static', 'non-static'] as const) {
    test(`${kind.name} ${mode}: learns 3 classes, reproducible, saved and loaded bit for bit`, async () => {
      const { docs, labels } = toyDocs(300, 1);
      const held = toyDocs(90, 2);
      const settings = settingsOf(kind, { mode });
      const ctx = { seed: 3, embeddings: vectors };
      const model = await kind.train({ docs, labels, classes }, settings, ctx);
      const again = await kind.train({ docs, labels, classes }, settings, ctx);
      const probs = (await model.predict(held.docs)) as Float32Array;
      assert.deepEqual(await again.predict(held.docs), probs, 'same seed, same model');
      assert.ok(
        accuracy(probs, held.labels, 3) >= 0.9,
        `accuracy ${accuracy(probs, held.labels, 3)}`,
      );
      for (let i = 0; i < held.docs.length; i++) {
        const sum = probs[3 * i] + probs[3 * i + 1] + probs[3 * i + 2];
        assert.ok(Math.abs(sum - 1) < 1e-5);
      }
      const record = model.training!;
      assert.ok(record.epochs >= record.bestEpoch && record.bestEpoch >= 1);
      assert.ok(record.epochSeconds > 0 && record.validationScore! > 0.8);

      const dir = tmp();
      const saved = await model.save(dir);
      assert.deepEqual(saved.files, ['network.json', 'weights.bin', 'rows.bin']);
      const loaded = await kind.load(dir, JSON.parse(JSON.stringify(saved)), {
        classes,
        embeddings: vectors,
      });
      assert.deepEqual(await loaded.predict(held.docs), probs, 'loaded, same predictions');
      // Only the rows the vectors cannot give back: all of the training words' when they
      // trained, only those of words without a vector (zz...) when frozen.
      const { rows } = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8'));
      const trainingWords = new Set(docs.flat());
      assert.deepEqual(new Set(rows.keys), trainingWords);
      const kept =
        mode === 'non-static'
          ? rows.keys.length
          : rows.keys.filter((w: string) => w.startsWith('zz')).length;
      assert.equal(statSync(join(dir, 'rows.bin')).size, kept * TOY_DIMS * 4);
      for (const m of [model, again, loaded]) m.dispose();
    });
  }

test('words the training texts lack are read from the vectors when predicting', async () => {
  // Words 8 and 9 of each class never occur in training; their vectors lean like the others.
  const { docs, labels } = toyDocs(300, 1);
  const unseen = toyDocs(90, 4, 3, { unseen: true });
  for (const kind of KINDS) {
    const model = await kind.train(
      { docs, labels, classes },
      settingsOf(kind, { mode: 'static' }),
      {
        seed: 1,
        embeddings: vectors,
      },
    );
    const probs = (await model.predict(unseen.docs)) as Float32Array;
    assert.ok(
      accuracy(probs, unseen.labels, 3) >= 0.85,
      `${kind.name}: ${accuracy(probs, unseen.labels, 3)}`,
    );
    const dir = tmp();
    const saved = await model.save(dir);
    const loaded = await kind.load(dir, saved, { classes, embeddings: vectors });
    assert.deepEqual(await loaded.predict(unseen.docs), probs);
    // Other vectors are refused by model.json's fingerprint (model-dir.ts); the rows a
    // folder reads must be in the vectors it is given.
    const other = toyVectors(2);
    await assert.rejects(
      Promise.resolve().then(() => kind.load(dir, saved, { classes, embeddings: other })),
      (e: EmbError) => e.code === 'E_MODEL' && /no word "w2x/.test(e.message),
    );
  }
});

test('the JavaScript kernels (EMB_NO_NATIVE=1) train the same networks as the native ones', async () => {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('support/finetune-child.ts', import.meta.url))],
    { encoding: 'utf8', env: { ...process.env, EMB_NO_NATIVE: '1' } },
  );
  assert.equal(child.status, 0, child.stderr);
  const js = JSON.parse(child.stdout);
  assert.deepEqual(await toyProbabilities(), js);
});

test('two classes, class weights and the metric: early stopping scores the validation split by it', async () => {
  // Class b is rare (1 in 6); balanced weights raise its recall.
  const base = toyDocs(360, 6, 2);
  const keep = base.labels.map((y, i) => y === 0 || i % 5 === 1);
  const docs = base.docs.filter((_, i) => keep[i]);
  const labels = base.labels.filter((_, i) => keep[i]);
  const two = ['a', 'b'];
  for (const kind of KINDS) {
    const settings = settingsOf(kind, { metric: 'recall:b', classWeight: 'balanced' });
    const model = await kind.train({ docs, labels, classes: two }, settings, {
      seed: 2,
      embeddings: vectors,
    });
    // The validation split the network held out, scored as training scored it.
    const { validation } = validationSplit(docs, labels, 0.1, 2);
    const probs = (await model.predict(validation.map((i) => docs[i]))) as Float32Array;
    const truth = validation.map((i) => labels[i]);
    const predicted = truth.map((_, i) => argmaxRow(probs, 2, i));
    assert.equal(model.training!.validationScore, scorer('recall:b', two)(truth, predicted));
    assert.ok(model.training!.validationScore! >= 0.8);
  }
});

test('progress per epoch, and an aborted signal stops training', async () => {
  const { docs, labels } = toyDocs(200, 1);
  for (const kind of KINDS) {
    const seen: number[] = [];
    await kind.train({ docs, labels, classes }, settingsOf(kind, { maxEpochs: 4, patience: 10 }), {
      seed: 0,
      embeddings: vectors,
      onProgress: (p) => {
        assert.equal(p.stage, 'epoch');
        seen.push(p.done);
      },
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 4]);
    const controller = new AbortController();
    const run = kind.train({ docs, labels, classes }, settingsOf(kind, { maxEpochs: 50 }), {
      seed: 0,
      embeddings: vectors,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await assert.rejects(run, (e: EmbError) => e.code === 'E_ABORTED');
  }
});

test('with fastText vectors, training words without a row start from their subword vector', async () => {
  const ft = readVectors(`${FIXTURES}ft_tiny.bin`).embeddings;
  const words = ['unfilmable', 'moviegoers', 'film', 'great', 'awful', 'the'];
  assert.equal(ft.vocab.index('unfilmable'), -1);
  const docs = Array.from({ length: 40 }, (_, i) =>
    i % 2 ? ['the', 'unfilmable', 'awful', 'film'] : ['great', 'film', 'the', words[1]],
  );
  const labels = docs.map((_, i) => i % 2);
  const dir = tmp();
  const model: Model = await (cnn as ModelKind).train(
    { docs, labels, classes: ['x', 'y'] },
    modelSettings({ model: 'cnn', mode: 'static', maps: 4 }),
    { seed: 0, embeddings: ft },
  );
  await model.save(dir);
  const { rows } = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8'));
  const saved = readFloats(join(dir, 'rows.bin'));
  // Static: only the subword rows are saved, each the vector fastText gives the word.
  const subwords = rows.keys.filter((_: string, i: number) => rows.origins[i] === 'subwords');
  assert.deepEqual(subwords, ['unfilmable']);
  assert.deepEqual(saved, ft.subwords!.vector('unfilmable'));
});

test('emb train --json reports the epochs and seconds per epoch; emb predict reads the folder', async () => {
  await prepareDefault();
  const dir = tmp();
  writeFileSync(join(dir, 'reviews.csv'), reviewsCsv(80, 1));
  for (const model of ['cnn', 'dan']) {
    const out = `${model}.model`;
    const train = ['train', 'reviews.csv', '--model', model, '--holdout', '0.25'];
    const r = emb([...train, '--max-epochs', '3', '--out', out, '--json'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.model, model);
    assert.ok(Number.isInteger(doc.epochs) && doc.epochs >= 1 && doc.epochs <= 3, `${doc.epochs}`);
    assert.ok(doc.epochSeconds > 0);
    const p = emb(['predict', out, 'a great, wonderful film', 'an awful, boring film'], {
      cwd: dir,
    });
    assert.equal(p.status, 0, p.stderr);
    assert.deepEqual(
      p.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
      ['pos', 'neg'],
    );
  }
  // Both are methods of emb compare, on the same subsets as the others.
  const args = ['compare', 'reviews.csv', '--methods', 'logreg,cnn,dan', '--sizes', '30,all'];
  const c = emb([...args, '--repeats', '2', '--max-epochs', '3', '--out', 'report'], { cwd: dir });
  assert.equal(c.status, 0, c.stderr);
  const report = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8'));
  assert.deepEqual(
    report.curves.map((curve: { method: string }) => curve.method),
    ['logreg', 'cnn', 'dan'],
  );
  for (const curve of report.curves)
    assert.ok(
      curve.points.every((p: { mean: number }) => p.mean > 0.5),
      curve.method,
    );
});
