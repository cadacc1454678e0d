/**
 * The query commands as people and scripts use them, on the default vectors: the quick
 * start's answer, JSON documents, stdin batches, and the same answers without the native addon.
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDefault } from '../src/api/convert.js';
import { emb } from './support/cli.js';

await prepareDefault();

test('emb analogy king - man + woman answers queen 0.7699 first', () => {
  const r = emb(['analogy', 'king', '-', 'man', '+', 'woman']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.slice(0, 3), ['queen\t0.7699', 'monarch\t0.6843', 'throne\t0.6756']);
});

test('--json prints one document per query with query, results and missing', () => {
  const r = emb([
    'analogy',
    'king',
    '-',
    'man',
    '+',
    'woman',
    'qqqzzz',
    '--json',
    '--top',
    '2',
    '--skip-missing',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.query, 'king - man + woman qqqzzz');
  assert.deepEqual(
    doc.results.map((x: { word: string }) => x.word),
    ['queen', 'monarch'],
  );
  assert.deepEqual(doc.missing, ['qqqzzz']);
  const s = JSON.parse(emb(['similarity', 'cat', 'dog', '--json']).stdout);
  assert.deepEqual(Object.keys(s).slice(0, 3), ['a', 'b', 'score']);
  assert.ok(Math.abs(s.score - 0.879807) < 1e-5);
  const d = JSON.parse(
    emb(['doesnt-match', 'breakfast', 'cereal', 'dinner', 'lunch', '--json']).stdout,
  );
  assert.equal(d.result, 'cereal');
  assert.deepEqual(d.words, ['breakfast', 'cereal', 'dinner', 'lunch']);
});

test('with no words, each stdin line is a query', () => {
  const r = emb(['analogy', '--json', '--top', '1'], {
    input: 'king - man + woman\nman king woman\n\nparis - france + germany\n',
  });
  assert.equal(r.status, 0, r.stderr);
  const docs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    docs.map((d) => d.results[0].word),
    ['queen', 'queen', 'berlin'],
  );
  const pairs = emb(['similarity'], { input: 'cat dog\nking queen\n' });
  assert.deepEqual(pairs.stdout.trim().split('\n'), ['cat\tdog\t0.8798', 'king\tqueen\t0.7508']);
});

test('an unknown word is an error with close spellings, unless --skip-missing', () => {
  const r = emb(['analogy', 'kign', '-', 'man', '+', 'woman']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^emb: not in the vocabulary: "kign" \(did you mean "king"/);
  assert.match(r.stderr, /--skip-missing/);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  const skipped = emb([
    'analogy',
    'kign',
    '-',
    'man',
    '+',
    'woman',
    '--skip-missing',
    '--top',
    '1',
  ]);
  assert.equal(skipped.status, 0);
  assert.match(skipped.stderr, /"kign" .*left out/);
  for (const args of [
    ['similarity', 'cat', 'qqqzzz'],
    ['doesnt-match', 'cat', 'dog', 'qqqzzz'],
    ['similar', 'frog', 'qqqzzz'],
  ]) {
    const x = emb(args);
    assert.equal(x.status, 2, args.join(' '));
    assert.match(x.stderr, /not in the vocabulary: "qqqzzz"/);
  }
  const one = emb(['doesnt-match', 'cat']);
  assert.equal(one.status, 2);
  assert.match(one.stderr, /needs at least two known words/);
});

test('expressions without spaces, and phrases quoted or not, mean the same', () => {
  const spaced = emb(['analogy', 'king', '-', 'man', '+', 'woman', '--top', '3']).stdout;
  assert.equal(emb(['analogy', 'king-man+woman', '--top', '3']).stdout, spaced);
  assert.equal(emb(['analogy', 'king', '-man', '+woman', '--top', '3']).stdout, spaced);
  // A hyphenated word the vectors know is a word, not an expression.
  assert.match(emb(['similar', 'x-ray', '--top', '1']).stdout, /^\S+\t0\.\d{4}\n$/);
  assert.equal(
    emb(['similar', 'new york', '--top', '5']).stdout,
    emb(['similar', 'new', 'york', '--top', '5']).stdout,
  );
});

test('in a stdin batch a failed query gets its error in order and the rest go on; exit 2', () => {
  const r = emb(['similarity', '--json'], { input: 'cat dog\ncat qqqzzz\n"king" queen\n' });
  assert.equal(r.status, 2);
  const docs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(docs.length, 3);
  assert.ok(Math.abs(docs[0].score - 0.879807) < 1e-5);
  assert.equal(docs[1].code, 'E_OOV');
  assert.match(docs[1].error, /"qqqzzz"/);
  assert.ok(Math.abs(docs[2].score - 0.750769) < 1e-5);
  const text = emb(['similar', '--top', '1'], { input: 'frog\nqqqzzz\ntoad\n' });
  assert.equal(text.status, 2);
  const lines = text.stdout.trim().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split('\t')[0]),
    ['# frog', 'toad', '# qqqzzz', 'error', '# toad', 'frog'],
  );
});

test('3CosMul through the CLI', () => {
  const r = emb(['analogy', 'king', '-', 'man', '+', 'woman', '--method', '3cosmul', '--top', '1']);
  assert.equal(r.stdout.trim(), 'queen\t0.8965');
});

test('the JavaScript fallback (no native addon) gives the same answers', () => {
  const args = ['similar', 'frog', 'toad', '--top', '10', '--json'];
  const withAddon = JSON.parse(emb(args).stdout);
  const without = JSON.parse(emb(args, { env: { EMB_NO_NATIVE: '1' } }).stdout);
  assert.deepEqual(
    without.results.map((x: { word: string }) => x.word),
    withAddon.results.map((x: { word: string }) => x.word),
  );
  without.results.forEach((x: { score: number }, i: number) =>
    assert.ok(Math.abs(x.score - withAddon.results[i].score) < 1e-6),
  );
});

test('emb info describes the default vectors', () => {
  const info = JSON.parse(emb(['info', '--json']).stdout);
  assert.equal(info.format, 'emb');
  assert.equal(info.words, 341479);
  assert.equal(info.dims, 100);
  assert.equal(info.provenance.sourceFormat, 'wink-json');
  assert.equal(info.norms.zero, 0);
  assert.deepEqual(info.first.slice(0, 4), ['the', ',', '.', 'of']);
});

test("commander's own usage errors are one 'emb:' line with exit code 2, like every other error", () => {
  const cases: [string[], RegExp][] = [
    [
      ['similar', 'frog', '--encoding', '0'],
      /^emb: option '--encoding <name>' argument '0' is invalid\. Allowed choices are utf8, utf-8, latin1\.$/,
    ],
    [['simlar', 'frog'], /^emb: unknown command 'simlar' \(Did you mean similar\?\)$/],
    [['similar', '--bogus', 'x'], /^emb: unknown option '--bogus'$/],
    [['eval', 'analogy'], /^emb: missing required argument 'file'$/],
  ];
  for (const [args, message] of cases) {
    const r = emb(args, { env: { NO_COLOR: '1' } });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /\n$/);
    assert.match(r.stderr.slice(0, -1), message);
    assert.equal(r.stdout, '');
  }
});

test('--version prints the package version, and so does -V', () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const flag of ['--version', '-V']) {
    const r = emb([flag]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${version}\n`);
  }
});
