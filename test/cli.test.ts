/**
 * The query commands as people and scripts use them, on the default vectors: the quick
 * start's answer, JSON documents, stdin batches, and the same answers without the native addon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDefault } from '../src/embeddings/default.js';
import { emb } from './support/cli.js';

prepareDefault();

test('emb analogy king - man + woman answers queen 0.7699 first', () => {
  const r = emb(['analogy', 'king', '-', 'man', '+', 'woman']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.slice(0, 3), ['queen\t0.7699', 'monarch\t0.6843', 'throne\t0.6756']);
});

test('--json prints one document per query with query, results and missing', () => {
  const r = emb(['analogy', 'king', '-', 'man', '+', 'woman', 'qqqzzz', '--json', '--top', '2']);
  assert.equal(r.status, 0);
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
