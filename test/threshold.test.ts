/**
 * The decision threshold of two-class models (issue 16): 'auto' chosen for the metric by inner
 * cross-validation, a number as given; saved with the model; probabilities untouched; chosen
 * inside each fold of crossValidate; and crossValidate's out-of-fold predictions, from this
 * thread and from worker threads alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossValidate, EmbError, loadClassifier, train } from '../src/index.js';
import { scorer } from '../src/models/metric.js';
import { bestThreshold } from '../src/models/threshold.js';
import { stratifiedKFold } from '../src/text/splits.js';
import { Random } from '../src/random.js';
import { emb } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-threshold-'));
const isInput = (e: unknown) => e instanceof EmbError && e.code === 'E_INPUT';

/**
 * 5% "pos" texts. Half of them carry the word "signal", as 5% of the "neg" texts do, so that
 * P(pos | signal) is about 0.34: a calibrated model rarely reaches 0.5 and answers "neg" for
 * nearly everything (macro-F1 0.487 for all "neg"), while answering "pos" for "signal" gives
 * about 0.68. Unigrams, so that chance word pairs do not stand in for the signal.
 */
function crafted(n: number, seed: number) {
  const rng = new Random(seed);
  const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const pos = i % 20 === 0;
    const text = Array.from({ length: 8 }, () => words[Math.floor(rng.next() * words.length)]);
    if (rng.next() < (pos ? 0.5 : 0.05)) text.push('signal');
    texts.push(text.join(' '));
    labels.push(pos ? 'pos' : 'neg');
  }
  return { texts, labels };
}

const data = crafted(1200, 1);
const held = crafted(2000, 2);
const classes = ['neg', 'pos'];
const svm = {
  model: 'svm' as const,
  ngrams: [1, 1] as [number, number],
  metric: 'macro-f1' as const,
};
const macroF1 = (labels: (string | null)[]) =>
  scorer('macro-f1', classes)(
    held.labels.map((l) => classes.indexOf(l)),
    labels.map((l) => classes.indexOf(l!)),
  );

test("threshold 'auto' raises macro-F1 over answering the more probable class, probabilities unchanged", async () => {
  const plain = await train(data, svm);
  const tuned = await train(data, { ...svm, threshold: 'auto' });
  const [a, b] = [await plain.predict(held.texts), await tuned.predict(held.texts)];
  const [before, after] = [macroF1(a.map((p) => p.label)), macroF1(b.map((p) => p.label))];
  // Measured: 0.538 (17 of 2,000 texts "pos") against 0.651 (a threshold of 0.22).
  assert.ok(before < 0.55, `plain macro-F1 ${before}`);
  assert.ok(after > before + 0.08, `auto ${after} against plain ${before}`);
  assert.deepEqual(
    b.map((p) => p.probabilities),
    a.map((p) => p.probabilities),
  );
  // The label's probability is still the label's own.
  for (const p of b) assert.equal(p.probability, p.probabilities![p.label!]);

  await tuned.save(join(dir, 'auto.model'));
  const meta = JSON.parse(readFileSync(join(dir, 'auto.model', 'model.json'), 'utf8'));
  assert.equal(meta.settings.threshold, 'auto');
  assert.equal(meta.decision.positive, 'pos');
  assert.ok(meta.decision.threshold > 0.05 && meta.decision.threshold < 0.5);
  const back = await loadClassifier(join(dir, 'auto.model'));
  assert.deepEqual(await back.predict(held.texts), b);
  for (const c of [plain, tuned, back]) c.close();
});

test('a fixed threshold decides as given; anything but two classes or a probability is refused', async () => {
  const low = await train(data, { ...svm, threshold: 0.1 });
  const answers = await low.predict(held.texts);
  for (const p of answers) assert.equal(p.label, p.probabilities!.pos >= 0.1 ? 'pos' : 'neg');
  assert.ok(answers.filter((p) => p.label === 'pos').length > 100);
  low.close();
  for (const threshold of [0, 1, 1.5, '0.3', 'best'])
    await assert.rejects(
      // @ts-expect-error -- a wrong value on purpose
      train(data, { model: 'svm', threshold }),
      (e: unknown) => isInput(e) && /threshold.*'auto' or a probability/.test(String(e)),
    );
  const three = { texts: ['a b', 'c d', 'e f', 'a c'], labels: ['x', 'y', 'z', 'x'] };
  await assert.rejects(train(three, { model: 'svm', threshold: 'auto' }), /for two classes/);
  await assert.rejects(
    crossValidate(three, { model: 'svm', threshold: 0.3, holdout: 0.5 }),
    /for two classes/,
  );
});

test('the best threshold: the top score, ties to the candidate nearest 0.5', () => {
  const accuracy = scorer('accuracy', classes);
  // Positives above 0.3, negatives below: any threshold between them is perfect.
  const p = Float64Array.from([0.1, 0.2, 0.35, 0.4, 0.9]);
  const truth = [0, 0, 1, 1, 1];
  assert.equal(bestThreshold(p, truth, 1, accuracy), (0.2 + 0.35) / 2);
  // Already separated at 0.5: 0.5 stays.
  assert.equal(bestThreshold(Float64Array.from([0.1, 0.7]), [0, 1], 1, accuracy), 0.5);
});

test("crossValidate: out-of-fold predictions, each fold deciding with its own 'auto' threshold, the same from workers", async () => {
  const options = { ...svm, threshold: 'auto' as const, folds: 3 };
  const e = await crossValidate(data, { ...options, workers: 1 });
  assert.equal(e.metric, 'macro-f1');
  assert.ok(Math.abs(e.metricValue - e.macroF1) < 1e-12);
  assert.equal(e.predictions.length, data.texts.length);
  assert.deepEqual(
    e.predictions.map((p) => p.index),
    data.texts.map((_, i) => i),
  );
  assert.equal(e.thresholds?.positive, 'pos');
  assert.equal(e.thresholds?.perFold.length, 3);
  // Each row is decided by the threshold its own fold's model chose on its training part.
  const ids = data.labels.map((l) => e.classes.indexOf(l));
  const folds = stratifiedKFold(ids, 3, 0);
  folds.forEach((fold, f) => {
    for (const i of fold.test) {
      const p = e.predictions[i];
      assert.equal(p.label, data.labels[i]);
      assert.equal(p.predicted, p.probabilities.pos >= e.thresholds!.perFold[f] ? 'pos' : 'neg');
      assert.equal(p.probability, p.probabilities[p.predicted]);
    }
  });
  assert.ok(e.macroF1 > 0.6, `cross-validated macro-F1 ${e.macroF1}`);
  const inWorkers = await crossValidate(data, { ...options, workers: 2 });
  assert.deepEqual(inWorkers.predictions, e.predictions);
  assert.deepEqual(inWorkers.thresholds, e.thresholds);
});

test('emb train: macro-F1 by default on imbalanced data, one warning for a class recalled under 20%, --predictions', () => {
  const csv = join(dir, 'rare.csv');
  writeFileSync(
    csv,
    ['text,label', ...data.texts.map((t, i) => `${t},${data.labels[i]}`)].join('\n'),
  );
  const oof = join(dir, 'oof.csv');
  const args = ['train', csv, '--model', 'svm', '--ngrams', '1,1', '--folds', '3'];
  const run = emb([...args, '--out', join(dir, 'rare.model'), '--predictions', oof]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^judged by macro-F1: the smallest class has less than a quarter/);
  assert.match(run.stdout, /svm on .*, 3-fold, judged by macro-F1:/);
  const warnings = run.stderr.split('\n').filter((l) => /recalled under 20%/.test(l));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(
    warnings[0],
    /class "pos" \(\d+\.\d%\) recalled under 20% in 3-fold; --class-weight balanced or --threshold auto may help/,
  );
  const rows = readFileSync(oof, 'utf8').trimEnd().split('\n');
  assert.equal(rows[0], 'text,label,predicted,pos,neg');
  assert.equal(rows.length, data.texts.length + 1);
  assert.equal(rows[1].split(',').slice(0, 2).join(','), `${data.texts[0]},${data.labels[0]}`);

  const json = emb([...args, '--threshold', 'auto', '--out', join(dir, 'rare2.model'), '--json']);
  assert.equal(json.status, 0, json.stderr);
  const e = JSON.parse(json.stdout);
  assert.equal(e.metric, 'macro-f1');
  assert.equal(e.metricIsDefault, true);
  assert.equal(e.predictions.length, data.texts.length);
  assert.equal(e.thresholds.perFold.length, 3);
  assert.doesNotMatch(json.stderr, /recalled under 20%/);
  const info = emb(['info', join(dir, 'rare2.model')]);
  assert.match(info.stdout, /^decision +"pos" when its probability is at least 0\.\d{4}$/m);
  const chosen = emb([
    ...args,
    '--metric',
    'accuracy',
    '--out',
    join(dir, 'rare3.model'),
    '--json',
  ]);
  assert.equal(JSON.parse(chosen.stdout).metricIsDefault, false);
  assert.equal(JSON.parse(chosen.stdout).metric, 'accuracy');
  const three = join(dir, 'three.csv');
  writeFileSync(three, 'text,label\na b,x\nc d,y\ne f,z\na c,x\nd e,y\nf a,z\n');
  const refused = emb(['train', three, '--model', 'svm', '--threshold', '0.3', '--folds', '2']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--threshold: a decision threshold is for two classes/);
});
