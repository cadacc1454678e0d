/**
 * Commands the suite did not run before: prepare into a fresh $EMB_HOME, convert with --to and
 * --from, the wink JSON reader and its errors, train --test, predict with hybrid and mlp
 * models, eval with --method 3cosmul and --case-sensitive, --help with examples everywhere,
 * and a full disk under a model folder or a report.
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
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDefault } from '../src/api/convert.js';
import { emb } from './support/cli.js';
import { DATA, FIXTURES } from './support/datasets.js';
import { reviewsCsv } from './support/reviews.js';

await prepareDefault();
const dir = mkdtempSync(join(tmpdir(), 'emb-commands-'));
const W2V = join(FIXTURES, 'w2v_tiny.bin');

function ok(args: string[], options: Parameters<typeof emb>[1] = {}) {
  const r = emb(args, { cwd: dir, ...options });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

function fails(args: string[], pattern: RegExp, options: Parameters<typeof emb>[1] = {}) {
  const r = emb(args, { cwd: dir, ...options });
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  return r;
}

test('prepare converts the bundled vectors into a fresh $EMB_HOME once; --force converts again', () => {
  const home = join(dir, 'home');
  const env = { EMB_HOME: home };
  const first = JSON.parse(ok(['prepare', '--json'], { env }).stdout);
  assert.deepEqual(first, { path: join(home, 'glove-6B-100d.emb'), created: true });
  const made = statSync(first.path).mtimeMs;
  assert.deepEqual(JSON.parse(ok(['prepare', '--json'], { env }).stdout).created, false);
  assert.equal(statSync(first.path).mtimeMs, made);
  assert.equal(JSON.parse(ok(['prepare', '--force', '--json'], { env }).stdout).created, true);
  assert.deepEqual(readdirSync(home), ['glove-6B-100d.emb'], 'no temporary files left');
  // The converted file answers like the one the tests use, and info says where it lives.
  assert.match(
    ok(['analogy', 'king', '-', 'man', '+', 'woman', '--top', '1'], { env }).stdout,
    /^queen\t0\.7699/,
  );
  assert.equal(JSON.parse(ok(['info', '--json'], { env }).stdout).home, home);
});

test('convert: --to picks the output format, --from the input format; the input is never overwritten', () => {
  const txt = join(dir, 'tiny.out');
  ok(['convert', W2V, txt, '--to', 'word2vec-text']);
  assert.equal(readFileSync(txt, 'utf8').split('\n')[0], '9645 16');
  const glove = join(dir, 'tiny.glove');
  ok(['convert', txt, glove, '--from', 'word2vec-text', '--to', 'glove-text']);
  assert.equal(readFileSync(glove, 'utf8').split('\n').length, 9645 + 1);
  const back = join(dir, 'back.bin');
  ok(['convert', glove, back, '--from', 'glove-text', '--to', 'word2vec-binary']);
  const again = join(dir, 'again.txt');
  ok(['convert', back, again, '--to', 'word2vec-text']);
  assert.deepEqual(
    readFileSync(again),
    readFileSync(txt),
    'binary -> text -> GloVe -> binary -> text',
  );
  fails(['convert', W2V, txt, '--from', 'glove-text', '--to', 'emb'], /tiny\.bin/);
  const copy = join(dir, 'same.bin');
  writeFileSync(copy, readFileSync(W2V));
  fails(['convert', copy, copy], /the output would overwrite the input/);
  fails(
    ['convert', copy, `./${'same.bin'}`, '--to', 'word2vec-binary'],
    /the output would overwrite the input/,
  );
  assert.deepEqual(readFileSync(copy), readFileSync(W2V));
});

test('the wink JSON reader: a small file in the package layout, and its errors', () => {
  const wink = {
    precision: 4,
    l2NormIndex: 3,
    wordIndex: 4,
    size: 3,
    dimensions: 3,
    words: ['cat', 'dog', 'car'],
    vectors: {
      cat: [1, 0, 0, 1, 0],
      dog: [0.8, 0.6, 0, 1, 1],
      car: [0, 0, 1, 1, 2],
    },
    unkVector: [0, 0, 0],
  };
  const path = join(dir, 'small.json');
  writeFileSync(path, JSON.stringify(wink));
  const info = JSON.parse(ok(['info', path, '--json']).stdout);
  assert.deepEqual([info.format, info.words, info.dims], ['wink-json', 3, 3]);
  assert.deepEqual(info.first, ['cat', 'dog', 'car']);
  assert.equal(ok(['similarity', 'cat', 'dog', '--vectors', path]).stdout.trim(), '0.8000');
  writeFileSync(join(dir, 'cut.json'), JSON.stringify(wink).slice(0, 80));
  fails(['info', 'cut.json'], /cut\.json: byte \d+: /);
  writeFileSync(join(dir, 'other.json'), '{"words": ["a"], "size": 1}');
  fails(['info', 'other.json'], /other\.json: .*no "vectors" object/);
});

test('train --test FILE evaluates on the file; predict with hybrid and mlp models', () => {
  writeFileSync(join(dir, 'train.csv'), reviewsCsv(80, 11));
  writeFileSync(join(dir, 'test.csv'), reviewsCsv(30, 12));
  for (const model of ['hybrid', 'mlp']) {
    const out = `${model}.model`;
    const r = ok([
      'train',
      'train.csv',
      '--test',
      'test.csv',
      '--model',
      model,
      '--json',
      '--out',
      out,
    ]);
    const e = JSON.parse(r.stdout);
    assert.equal(e.protocol, 'test set');
    assert.equal(
      e.confusion.flat().reduce((a: number, b: number) => a + b, 0),
      30,
      'the test file, all of it',
    );
    assert.ok(e.accuracy >= 0.9, `${model} accuracy ${e.accuracy}`);
    assert.equal(
      JSON.parse(readFileSync(join(dir, out, 'model.json'), 'utf8')).settings.model,
      model,
    );
    const p = ok(['predict', out, 'a brilliant and charming film', 'the worst, most boring film']);
    assert.deepEqual(
      p.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
      ['pos', 'neg'],
      model,
    );
  }
  writeFileSync(join(dir, 'odd.csv'), 'review,sentiment\ngreat,meh\n');
  fails(['train', 'train.csv', '--test', 'odd.csv'], /odd\.csv: labels not in train\.csv: "meh"/);
  fails(
    ['train', 'train.csv', '--test', 'test.csv', '--holdout', '0.2'],
    /give one of folds, holdout or test/,
  );
  assert.ok(!existsSync(join(dir, 'train.model')));
});

test('eval through the CLI: --method 3cosmul and --case-sensitive, as gensim', () => {
  const questions = join(DATA, 'analogy/questions-words.txt');
  const run = (...args: string[]) =>
    JSON.parse(ok(['eval', 'analogy', questions, '--restrict', '30000', '--json', ...args]).stdout);
  // bench/peers/cosmul_gensim.py: most_similar_cosmul under evaluate_word_analogies' protocol.
  const mul = run('--method', '3cosmul');
  assert.deepEqual([mul.correct, mul.total], [9697, 15276]);
  // gensim 4.2 evaluate_word_analogies(restrict_vocab=30000, case_insensitive=False).
  const exact = run('--case-sensitive');
  assert.deepEqual([exact.correct, exact.total], [4897, 8012]);
  // gensim 4.2 evaluate_word_pairs(wordsim353.tsv, case_insensitive=False): 18 pairs OOV.
  const pairs = JSON.parse(
    ok([
      'eval',
      'similarity',
      join(DATA, 'wordsim353/wordsim353.tsv'),
      '--case-sensitive',
      '--json',
    ]).stdout,
  );
  assert.ok(Math.abs(pairs.spearman - 0.52759018) < 1e-6, `${pairs.spearman}`);
  assert.ok(Math.abs(pairs.pearson - 0.54633085) < 1e-6, `${pairs.pearson}`);
  assert.equal(pairs.oov, 18);
});

test('every command has --help with examples', () => {
  const commands = [
    [],
    ['analogy'],
    ['similar'],
    ['similarity'],
    ['doesnt-match'],
    ['eval'],
    ['eval', 'analogy'],
    ['eval', 'similarity'],
    ['info'],
    ['convert'],
    ['prepare'],
    ['train'],
    ['predict'],
    ['compare'],
    ['datasets'],
    ['datasets', 'list'],
    ['datasets', 'export'],
  ];
  for (const c of commands) {
    const r = ok([...c, '--help']);
    assert.match(r.stdout, /Examples?:\n {2}emb /, `emb ${c.join(' ')} --help`);
  }
  assert.doesNotMatch(ok(['train', '--help']).stdout, /on averaged word vectors/);
});

test('a full disk under a model folder or a report: one line, exit 2, nothing left behind', () => {
  const mnt = join(dir, 'tiny-disk');
  mkdirSync(mnt);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt]);
  assert.equal(m.status, 0, `tests run as root and mount a 16 KiB tmpfs: ${m.stderr}`);
  try {
    writeFileSync(join(dir, 'disk.csv'), reviewsCsv(400, 21));
    const model = fails(
      [
        'train',
        'disk.csv',
        '--model',
        'svm',
        '--ngrams',
        '1,3',
        '--folds',
        '2',
        '--out',
        join(mnt, 'disk.model'),
      ],
      /disk\.model: cannot write: no space left on the device \(ENOSPC\)/,
    );
    assert.doesNotMatch(model.stdout + model.stderr, /saved/);
    assert.deepEqual(readdirSync(mnt), [], 'no model folder, no temporary');
    fails(
      [
        'compare',
        'disk.csv',
        '--sizes',
        '50',
        '--repeats',
        '1',
        '--methods',
        'svm',
        '--out',
        join(mnt, 'report'),
      ],
      /report: cannot write: no space left on the device \(ENOSPC\)/,
    );
    assert.deepEqual(readdirSync(mnt), [], 'no report folder, no temporary');
  } finally {
    spawnSync('umount', [mnt]);
  }
});
