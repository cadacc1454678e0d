/**
 * Every kind of broken vector file gets one clear line naming the file and the place, exit
 * code 2, no stack trace, and no output file left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emb } from './support/cli.js';
import { FIXTURES } from './support/datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-bad-'));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Converting `path` fails with exit 2, one line matching `message`, and writes nothing. */
function assertRefused(path: string, message: RegExp, extra: string[] = []): void {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.emb`);
  const r = emb(['convert', path, out, ...extra]);
  assert.equal(r.status, 2, `exit code for ${path}: ${r.stderr}`);
  assert.equal(r.signal, null);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0], /^emb: /);
  assert.ok(lines[0].includes(path), `names the file: ${lines[0]}`);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false, 'no output file');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('.tmp')),
    [],
    'no temporary file',
  );
}

const binary = readFileSync(`${FIXTURES}w2v_tiny.bin`);

test('truncated word2vec binary: the byte where it ends, and the row', () => {
  assertRefused(
    file('trunc.bin', binary.subarray(0, 5000)),
    /line 1: the header says 9645 words of 16 values.* the file has 4992 after it: it is truncated/,
  );
  assertRefused(file('trunc2.bin', binary.subarray(0, binary.length - 64 * 10 - 3)), /truncated/);
});

test('header counts that disagree with the body', () => {
  assertRefused(
    file('fewer.txt', '3 2\na 1 2\nb 3 4\n'),
    /line|header says 3 words, but the file has 2 vector lines/,
  );
  const longer = Buffer.concat([
    binary,
    Buffer.from('extra 1234567890123456789012345678901234567890123456789012345678901234\n'),
  ]);
  assertRefused(file('longer.bin', longer), /header says 9645 words, but the file goes on/);
});

test('rows with too few or too many values, and a wrong dimension', () => {
  assertRefused(
    file('few.txt', '2 3\na 1 2 3\nb 1 2\n'),
    /line 3: expected 3 values after the word, found 2/,
  );
  assertRefused(file('many.txt', 'a 1 2\nb 1 2 3\n'), /line 2: .*expected 2 values/);
});

test('values that are not numbers, NaN and infinities', () => {
  assertRefused(file('word.txt', 'a 1 2\nb 1 x\n'), /line 2: value 2 "x" is not a number/);
  assertRefused(file('nan.txt', 'a 1 2\nb nan 1\n'), /line 2: value 1 "nan" is not a number/);
  assertRefused(
    file('inf.txt', 'a 1 2\nb 1 1e39\n'),
    /line 2: value 2 of "b" is Infinity, expected a finite float32/,
  );
  const f = new Float32Array([1, NaN]);
  const nanBin = Buffer.concat([Buffer.from('1 2\nw '), Buffer.from(f.buffer)]);
  assertRefused(file('nan.bin', nanBin), /byte 4: value 2 of "w" is NaN/);
});

test('an empty file and a file that is not vectors', () => {
  assertRefused(file('empty.txt', ''), /empty/);
  assertRefused(
    file('prose.txt', 'This is not a vector file.\nIt has prose in it.\n'),
    /line 1: value 1 "is" is not a number/,
  );
});

test('words that are not UTF-8: the byte offset, and --encoding latin1 reads them', () => {
  const latin = Buffer.concat([
    Buffer.from('2 2\ncaf'),
    Buffer.from([0xe9]),
    Buffer.from(' 1 2\nb 3 4\n'),
  ]);
  const path = file('latin1.txt', latin);
  assertRefused(path, /byte 7: invalid UTF-8 \(0xe9\).*--encoding latin1/);
  const out = join(dir, 'latin1.emb');
  const r = emb(['convert', path, out, '--encoding', 'latin1']);
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(emb(['info', out, '--json']).stdout);
  assert.deepEqual(info.first, ['café', 'b']);
});

test('duplicate words: the first vector is kept and the count is reported', () => {
  const path = file('dups.txt', 'a 1 2\nb 3 4\na 5 6\nb 7 8\nc 9 9\n');
  const out = join(dir, 'dups.emb');
  const r = emb(['convert', path, out]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /2 duplicate words \(first: "a"\); kept the first vector of each/);
  const s = emb(['similarity', 'a', 'b', '--vectors', out, '--json']);
  const expected = (1 * 3 + 2 * 4) / Math.hypot(1, 2) / Math.hypot(3, 4);
  assert.ok(Math.abs(JSON.parse(s.stdout).score - expected) < 1e-6);
});

test('.emb files: unknown version, truncation, bad magic', () => {
  const good = join(dir, 'good.emb');
  assert.equal(emb(['convert', `${FIXTURES}w2v_tiny.bin`, good]).status, 0);
  const bytes = readFileSync(good);
  const future = Buffer.from(bytes);
  future.writeUInt32LE(7, 8);
  const r = emb(['info', file('future.emb', future)]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /future\.emb: \.emb format version 7, expected 1 or 2; upgrade emb/);
  const t = emb([
    'similar',
    'film',
    '--vectors',
    file('cut.emb', bytes.subarray(0, bytes.length - 1000)),
  ]);
  assert.equal(t.status, 2);
  assert.equal(t.signal, null, 'never mapped past the end');
  assert.match(t.stderr, /cut\.emb: the header says \d+ bytes, the file has \d+: it is truncated/);
  const magic = Buffer.from(bytes);
  magic[1] = 0x58;
  assert.match(emb(['info', file('magic.emb', magic)]).stderr, /magic\.emb/);
});

test('unknown words: named, with close spellings, exit 2; other queries go on', () => {
  const r = emb(['similar', 'moive', '--vectors', `${FIXTURES}w2v_tiny.bin`]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not in the vocabulary: "moive" \(did you mean [^)]*"movie"/);
  const batch = emb(['similar', '--top', '1', '--json', '--vectors', `${FIXTURES}w2v_tiny.bin`], {
    input: 'film\nqqqzzz\nmovie\n',
  });
  assert.equal(batch.status, 2);
  const docs = batch.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(docs.length, 3);
  assert.equal(docs[0].results.length, 1);
  assert.match(docs[1].error, /qqqzzz/);
  assert.equal(docs[2].query, 'movie');
});

test('a missing file and usage errors exit 2 with one line', () => {
  const r = emb(['info', join(dir, 'nope.bin')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nope\.bin: cannot open \(ENOENT\)/);
  assert.equal(
    emb(['similar', 'a', '--top', 'x', '--vectors', `${FIXTURES}w2v_tiny.bin`]).status,
    2,
  );
  assert.equal(emb(['convert', `${FIXTURES}w2v_tiny.bin`, join(dir, 'x.unknown')]).status, 2);
});
