/**
 * emb train / predict / datasets as a person runs them (spawned `node bin/emb.js`): the happy
 * path on a small made-up review set, and every bad input: one clear line, exit code 2, and no
 * half-written model folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDefault } from '../src/api/convert.js';
import { FIXTURES } from './support/datasets.js';
import { emb as run } from './support/cli.js';
import { reviewsCsv } from './support/reviews.js';

await prepareDefault();
const dir = mkdtempSync(join(tmpdir(), 'emb-train-'));

function emb(args: string[], input?: string) {
  return run(args, { input, cwd: dir });
}

/** Exit code 2 and one line on stderr matching `pattern`, no stack trace. */
function fails(args: string[], pattern: RegExp, input?: string): void {
  const r = emb(args, input);
  assert.equal(r.status, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const reviews = reviewsCsv;

const write = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return name;
};
const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('.tmp.'));

test('train cross-validates, reports JSON and saves a model folder that predict uses', () => {
  write('reviews.csv', reviews(60, 1).replace('\n2,', '\n98,"",pos\n99,"  ",neg\n2,'));
  const r = emb(['train', 'reviews.csv', '--model', 'logreg', '--folds', '3', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /skipped 2 rows with an empty text \(line 4, 5\)/);
  const doc = JSON.parse(r.stdout);
  for (const key of [
    'model',
    'features',
    'folds',
    'accuracy',
    'accuracyStd',
    'macroF1',
    'perClass',
    'confusion',
    'oovRate',
  ]) {
    assert.ok(key in doc, `JSON has ${key}`);
  }
  assert.equal(doc.model, 'logreg');
  assert.equal(doc.folds, 3);
  assert.ok(doc.accuracy >= 0.9, `accuracy ${doc.accuracy}`);
  assert.equal(
    doc.confusion.flat().reduce((a: number, b: number) => a + b, 0),
    60,
  );
  assert.equal(doc.oovRate, 0);
  // Folds in worker threads (the default) and in one thread give the same evaluation.
  const one = emb([
    'train',
    'reviews.csv',
    '--model',
    'mlp',
    '--folds',
    '3',
    '--json',
    '--workers',
    '1',
    '--out',
    'w1.model',
  ]);
  const two = emb([
    'train',
    'reviews.csv',
    '--model',
    'mlp',
    '--folds',
    '3',
    '--json',
    '--workers',
    '2',
    '--out',
    'w2.model',
  ]);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(JSON.parse(one.stdout).confusion, JSON.parse(two.stdout).confusion);
  assert.equal(JSON.parse(one.stdout).accuracy, JSON.parse(two.stdout).accuracy);
  const meta = JSON.parse(readFileSync(join(dir, 'reviews.model', 'model.json'), 'utf8'));
  assert.equal(meta.settings.model, 'logreg');
  assert.equal(meta.tokenizer, 'unicode-v2');
  assert.deepEqual(meta.labels, ['pos', 'neg']);
  assert.equal(meta.vectors.dims, 100);
  assert.match(meta.vectors.fingerprint, /^341479x100-[0-9a-f]{8}$/);
  assert.deepEqual(leftovers(), []);

  const p = emb([
    'predict',
    'reviews.model',
    'a wonderful and brilliant film',
    'an awful, boring mess',
  ]);
  assert.equal(p.status, 0, p.stderr);
  const lines = p.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.deepEqual(
    lines.map((l) => l[0]),
    ['pos', 'neg'],
  );
  assert.ok(Number(lines[0][1]) > 0.5 && Number(lines[0][1]) <= 1);
  // Every line of stdin gets its answer, in order; a blank one gets label null and a reason.
  const j = emb(['predict', 'reviews.model', '--json'], 'truly delightful\n\nthe worst\n');
  assert.equal(j.status, 0, j.stderr);
  const docs = j.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    docs.map((d) => d.label),
    ['pos', null, 'neg'],
  );
  assert.equal(docs[1].reason, 'the text has no words');
  assert.ok(Math.abs(docs[0].probabilities.pos + docs[0].probabilities.neg - 1) < 1e-5);
  // A file's rows too, the blank one (an empty text in a one-column file) included.
  write('new.tsv', 'text\nsimply great\n\njust terrible\n');
  const f = emb(['predict', 'reviews.model', '--input', 'new.tsv']);
  assert.equal(f.status, 0, f.stderr);
  assert.deepEqual(
    f.stdout
      .split('\n')
      .slice(0, -1)
      .map((l) => l.split('\t')[0]),
    ['pos', '-', 'neg'],
  );
});

test('the default model and features, a holdout, and retraining into the same folder', () => {
  write('small.csv', reviews(40, 2));
  const r = emb([
    'train',
    'small.csv',
    '--holdout',
    '0.25',
    '--features',
    'sif',
    '--json',
    '--out',
    'out/small.model',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.model, 'hybrid');
  assert.equal(doc.features, 'tfidf 1-2-grams + sif vectors');
  assert.equal(doc.protocol, 'holdout 0.25');
  assert.equal(doc.folds, 1);
  const again = emb([
    'train',
    'small.csv',
    '--model',
    'logreg',
    '--folds',
    '2',
    '--out',
    'out/small.model',
  ]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /accuracy .*macro-F1/);
  assert.equal(
    JSON.parse(readFileSync(join(dir, 'out/small.model/model.json'), 'utf8')).settings.model,
    'logreg',
  );
  assert.deepEqual(readdirSync(join(dir, 'out')), ['small.model']);
});

test('bad data: missing column, one class, too few examples for the folds, not UTF-8, broken CSV', () => {
  write('cols.csv', 'tweet,stars\nhello,5\n');
  fails(
    ['train', 'cols.csv'],
    /cols\.csv: no text column found .* the columns are "tweet", "stars"/,
  );
  fails(
    ['train', 'cols.csv', '--text', 'tweet', '--label', 'rating'],
    /no column "rating"; the columns are "tweet", "stars"/,
  );
  write('one.csv', 'text,label\ngood film,pos\nbad film,pos\n');
  fails(['train', 'one.csv'], /every text has the label "pos".*at least two classes/);
  write('few.csv', reviews(12, 3));
  fails(['train', 'few.csv'], /class "pos" has 6 examples, fewer than the 10 folds/);
  write('single.csv', 'text,label\ngood film,pos\nfine film,pos\nbad film,neg\n');
  fails(
    ['train', 'single.csv'],
    /class "neg" has only 1 example; cross-validation needs at least 2 of every class/,
  );
  write(
    'latin1.csv',
    Buffer.concat([
      Buffer.from('text,label\ngood,pos\nna'),
      Buffer.from([0xef, 0x76]),
      Buffer.from('e,neg\n'),
    ]),
  );
  fails(['train', 'latin1.csv'], /latin1\.csv: byte 22 \(line 3\): not valid UTF-8/);
  write('broken.csv', 'text,label\ngood,pos\n"bad,neg\n');
  fails(['train', 'broken.csv'], /broken\.csv: line 3: broken CSV/);
  write('unknown.csv', 'text,label\nqqzzx,a\nzzqqy,b\nqqzzy,a\nzzqqx,b\n');
  fails(['train', 'unknown.csv', '--folds', '2'], /no text has a word with a vector/);
  fails(['train', 'nowhere.csv'], /nowhere\.csv: cannot read/);
  assert.ok(!existsSync(join(dir, 'cols.model')) && !existsSync(join(dir, 'few.model')));
});

test('--encoding applies to the --test file too', () => {
  const latin1 = (csv: string) => Buffer.from(csv.replace(/film/g, 'fïlm'), 'latin1');
  write('train-latin1.csv', latin1(reviews(40, 5)));
  write('test-latin1.csv', latin1(reviews(20, 6)));
  const args = ['train', 'train-latin1.csv', '--test', 'test-latin1.csv', '--model', 'svm'];
  const r = emb([...args, '--encoding', 'latin1', '--json', '--out', 'out/latin1.model']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).protocol, 'test set');
});

test('a failed training leaves no model folder, half-written or otherwise', () => {
  write('fail.csv', reviews(30, 4));
  // The evaluation passes, then the backend cannot start for the final model.
  fails(
    ['train', 'fail.csv', '--folds', '2', '--model', 'mlp', '--backend', 'tensorflow'],
    /@tensorflow\/tfjs-node/,
  );
  assert.ok(!existsSync(join(dir, 'fail.model')));
  mkdirSync(join(dir, 'taken'), { recursive: true });
  writeFileSync(join(dir, 'taken', 'notes.txt'), 'mine');
  fails(
    ['train', 'fail.csv', '--folds', '2', '--model', 'logreg', '--out', 'taken'],
    /taken exists and is not an emb model folder/,
  );
  assert.deepEqual(readdirSync(join(dir, 'taken')), ['notes.txt']);
  assert.deepEqual(leftovers(), []);
});

test('predict answers texts with nothing the model met (unseen), refuses other vectors, incomplete folders and other versions', () => {
  write('p.csv', reviews(30, 5));
  assert.equal(emb(['train', 'p.csv', '--model', 'logreg', '--folds', '2']).status, 0);
  const unknown = emb(['predict', 'p.model', 'qqzzx zzqqy']);
  assert.equal(unknown.status, 0, unknown.stderr);
  assert.match(unknown.stdout, /^(pos|neg)\t0\.\d{4}\tunseen\n$/);
  const mixed = emb(['predict', 'p.model', '--json'], 'qqzzx\ngreat\n');
  assert.equal(mixed.status, 0);
  const answers = mixed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    answers.map((a) => [a.text, a.unseen]),
    [
      ['qqzzx', true],
      ['great', false],
    ],
  );
  assert.equal(answers[1].label, 'pos');
  fails(
    ['predict', 'p.model', 'great', '--vectors', join(FIXTURES, 'glove_tiny.txt')],
    /are not the vectors this model was trained with/,
  );

  const copy = (name: string) => {
    rmSync(join(dir, name), { recursive: true, force: true });
    spawnSync('cp', ['-r', join(dir, 'p.model'), join(dir, name)]);
    return join(dir, name);
  };
  rmSync(join(copy('no-weights.model'), 'weights.bin'));
  fails(['predict', 'no-weights.model', 'great'], /incomplete model folder, missing weights\.bin/);
  rmSync(join(copy('no-meta.model'), 'model.json'));
  fails(
    ['predict', 'no-meta.model', 'great'],
    /not a complete emb model folder \(no model\.json\)/,
  );
  const v = copy('v99.model');
  const meta = JSON.parse(readFileSync(join(v, 'model.json'), 'utf8'));
  writeFileSync(join(v, 'model.json'), JSON.stringify({ ...meta, formatVersion: 99 }));
  fails(['predict', 'v99.model', 'great'], /model format version 99, this emb .* reads version 4/);
  fails(['predict', 'missing.model', 'great'], /no such model folder/);
});

test('datasets export spam-assassin writes a labelled CSV that train reads', () => {
  const r = emb(['datasets', 'export', 'spam-assassin', 'corpora/spam.csv', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    corpus: 'spam-assassin',
    output: 'corpora/spam.csv',
    rows: 6046,
    labels: { ham: 4150, spam: 1896 },
  });
  assert.match(
    readFileSync(join(dir, 'corpora/spam.csv'), 'utf8').slice(0, 30),
    /^text,label,group\n"From /,
  );
  fails(['datasets', 'export', 'nope', 'x.csv'], /unknown corpus "nope"/);
});

test('bag-of-words settings reach the saved model; svm and nbsvm train and predict without vectors', () => {
  write('bow.csv', reviews(60, 7));
  for (const model of ['svm', 'nbsvm']) {
    const out = `out/bow-${model}.model`;
    const r = emb([
      'train',
      'bow.csv',
      '--model',
      model,
      '--ngrams',
      '1,3',
      '--min-df',
      '2',
      '-C',
      '0.5',
      '--folds',
      '3',
      '--json',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).oovRate, null, 'no vectors opened');
    const meta = JSON.parse(readFileSync(join(dir, out, 'model.json'), 'utf8'));
    assert.deepEqual(meta.settings, {
      model,
      tokenizer: 'unicode',
      metric: 'accuracy',
      ngrams: [1, 3],
      minDf: 2,
      C: 0.5,
      loss: 'squared-hinge',
      eps: 0.1,
      ...(model === 'nbsvm' ? { alpha: 1, beta: 0.25 } : {}),
    });
    assert.equal(meta.vectors, null);
    const p = emb(['predict', out, 'the film was great, excellent and good', '--json']);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(JSON.parse(p.stdout).label, 'pos');
  }
  fails(
    ['train', 'bow.csv', '--model', 'svm', '-C', '-1'],
    /-C: expected a positive number, got -1/,
  );
});
