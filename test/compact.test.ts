/**
 * Issue 10: batched queries answer exactly as one query at a time (native and JavaScript
 * alike), compact storage (float16, int8) keeps its promises, evaluation, sentence features
 * and training run unchanged on compact files, conversions stream, and the native text parser
 * reads the same bits as the TypeScript one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { emb } from './support/cli.js';
import { FIXTURES, DATA } from './support/datasets.js';
import {
  readVectors,
  writeVectors,
  convertVectorsSync as convertVectors,
} from '../src/formats/index.js';
import { floatBitsToHalf, readEmb } from '../src/formats/emb.js';
import { halfToFloat, scan, products } from '../src/embeddings/kernels.js';
import { cosAdd, cosMul, parseExpression, type Term } from '../src/query/queries.js';
import { answerBatch } from '../src/query/batch.js';
import { evaluateAnalogies, evaluatePairs } from '../src/query/evaluate.js';
import { readAnalogySet } from '../src/query/analogy-set.js';
import { readPairSet } from '../src/query/pair-set.js';
import { SentenceEncoder } from '../src/features/sentence.js';
import type { Embeddings } from '../src/embeddings/embeddings.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-compact-'));
const source = `${FIXTURES}w2v_tiny.bin`;
const files = Object.fromEntries(
  (['f32', 'f16', 'int8'] as const).map((q) => {
    const path = join(dir, `${q}.emb`);
    convertVectors(source, path, { to: 'emb', quantize: q });
    return [q, readEmb(path)];
  }),
) as Record<'f32' | 'f16' | 'int8', Embeddings>;

const words = files.f32.vocab.words();
const sample = Array.from({ length: 60 }, (_, i) => words[(i * 131) % words.length]);
const analogies: Term[][] = Array.from({ length: 40 }, (_, i) =>
  parseExpression([sample[i], sample[(i + 7) % 60], sample[(i + 13) % 60]]),
);

test('a batch answers every query exactly as one at a time: similar, 3CosAdd, 3CosMul, every storage', () => {
  for (const [name, e] of Object.entries(files)) {
    const similar = sample.map((w) => [{ word: w, weight: 1 as const }]);
    const batch = answerBatch(e, similar, { top: 10 });
    similar.forEach((q, i) =>
      assert.deepEqual(batch[i], cosAdd(e, q, { top: 10 }), `${name} similar ${q[0].word}`),
    );
    const add = answerBatch(e, analogies, { top: 5 });
    const mul = answerBatch(e, analogies, { top: 5, method: '3cosmul' });
    analogies.forEach((q, i) => {
      assert.deepEqual(add[i], cosAdd(e, q, { top: 5 }), `${name} 3cosadd ${i}`);
      assert.deepEqual(mul[i], cosMul(e, q, { top: 5 }), `${name} 3cosmul ${i}`);
    });
  }
});

test('a query whose words are all unknown fails alone in its batch', () => {
  const e = files.f32;
  const out = answerBatch(e, [[{ word: 'film', weight: 1 }], [{ word: 'qqqzzz', weight: 1 }]]);
  assert.ok('results' in out[0] && out[0].results.length === 10);
  assert.ok('error' in out[1] && /qqqzzz/.test(out[1].error.message));
});

test('the native scan and the JavaScript fallback give the same rows and the same bits', () => {
  for (const [name, e] of Object.entries(files)) {
    const nq = 7;
    const queries = new Float32Array(nq * e.dims);
    for (let q = 0; q < nq; q++) {
      const v = e.row(q * 100 + 3);
      let n = 0;
      for (const x of v) n += x * x;
      for (let j = 0; j < e.dims; j++) queries[q * e.dims + j] = v[j] / Math.sqrt(n);
    }
    const exclude = Array.from({ length: nq }, (_, q) => [q * 100 + 3]);
    const k = 25;
    const cand = name === 'int8' ? 2 * k + 32 : k;
    const a = scan(e.storage, e.dims, e.rows, e.scale, queries, k, exclude, cand, true);
    const b = scan(e.storage, e.dims, e.rows, e.scale, queries, k, exclude, cand, false);
    assert.deepEqual(Array.from(a.rows), Array.from(b.rows), `${name}: rows`);
    assert.ok(
      a.scores.every((s, i) => Object.is(s, b.scores[i])),
      `${name}: scores`,
    );
    const pa = products(e.storage, e.dims, 500, e.scale, queries, undefined, true);
    const pb = products(e.storage, e.dims, 500, e.scale, queries, undefined, false);
    assert.ok(
      pa.every((s, i) => Object.is(s, pb[i])),
      `${name}: products`,
    );
  }
});

test('property: float16 rounding picks the nearest float16 (ties to even), and decodes exactly', () => {
  const t = halfToFloat();
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  fc.assert(
    fc.property(fc.float({ min: -65504, max: 65504, noNaN: true }), (x) => {
      asFloat[0] = x;
      const h = floatBitsToHalf(bits[0]);
      const v = t[h];
      const err = Math.abs(v - asFloat[0]);
      for (const n of [h - 1, h + 1]) {
        if ((n & 0x7c00) === 0x7c00 || (n & 0xffff) !== n) continue;
        if ((n & 0x8000) !== (h & 0x8000) && v !== 0) continue;
        const other = Math.abs(t[n] - asFloat[0]);
        assert.ok(err < other || (err === other && (h & 1) === 0), `${x}: ${v} vs ${t[n]}`);
      }
    }),
    { numRuns: 5000 },
  );
});

test('compact files: smaller, the same words, answers close to float32, storage shown by emb info', () => {
  const size = (q: string) => statSync(join(dir, `${q}.emb`)).size;
  // At 16 dims the words weigh as much as the vectors: compare the matrices (bench/: 300 dims).
  const values = files.f32.rows * files.f32.dims;
  assert.ok(size('f32') - size('f16') >= values * 2 - 128, 'two bytes a value saved');
  assert.ok(size('f32') - size('int8') >= values * 3 - files.f32.rows * 4 - 256, 'three saved');
  for (const q of ['f16', 'int8'] as const) {
    assert.deepEqual(files[q].vocab.words(), words);
    const info = JSON.parse(emb(['info', join(dir, `${q}.emb`), '--json', '--verify']).stdout);
    assert.equal(info.storage, q);
    assert.equal(info.verified.checksums, true);
    let hits = 0;
    for (const w of sample) {
      const exact = new Set(
        cosAdd(files.f32, [{ word: w, weight: 1 }], { top: 10 }).results.map((r) => r.word),
      );
      for (const r of cosAdd(files[q], [{ word: w, weight: 1 }], { top: 10 }).results)
        hits += +exact.has(r.word);
    }
    assert.ok(
      hits / (sample.length * 10) >= (q === 'f16' ? 0.99 : 0.9),
      `${q} recall@10 ${hits / 600}`,
    );
  }
  // float16 decodes to the nearest float16 of each value: within 2^-11 relative.
  const r16 = files.f16.row(42);
  files.f32
    .row(42)
    .forEach((v, j) => assert.ok(Math.abs(r16[j] - v) <= Math.abs(v) * 2 ** -11 + 2 ** -24));
});

test('compact files convert back out, and quantizing again is refused for subwords', () => {
  const back = join(dir, 'back.txt');
  convertVectors(join(dir, 'f16.emb'), back, { to: 'word2vec-text' });
  const again = readVectors(back).embeddings;
  assert.deepEqual(Array.from(again.row(5)), Array.from(files.f16.row(5)));
  const r = emb(['convert', `${FIXTURES}ft_tiny.bin`, join(dir, 'ft.emb'), '--quantize', 'f16']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--quantize cannot store fastText subword vectors/);
  const bad = emb(['convert', source, join(dir, 'x.emb'), '--quantize', 'int4']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--quantize must be f16 or int8, got "int4"/);
});

test('a compact section whose size disagrees with the metadata is refused', () => {
  const b = readFileSync(join(dir, 'int8.emb'));
  const n = b.readUInt32LE(12);
  for (let i = 0; i < n; i++) {
    const at = 32 + 32 * i;
    if (b.readUInt32LE(at) === 10) b.writeBigUInt64LE(b.readBigUInt64LE(at + 16) - 4n, at + 16); // RowScales
  }
  const path = join(dir, 'short-scales.emb');
  writeFileSync(path, b);
  const r = emb(['similar', 'film', '--vectors', path]);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /short-scales\.emb: (the row scales section has|the header or section table is damaged)/,
  );
});

test('evaluation, sentence features and training run on compact files', () => {
  const sections = readAnalogySet(`${DATA}analogy/questions-words.txt`);
  const pairs = readPairSet(`${DATA}wordsim353/wordsim353.tsv`);
  const base = evaluateAnalogies(files.f32, sections, { restrict: 30000 });
  for (const q of ['f16', 'int8'] as const) {
    const a = evaluateAnalogies(files[q], sections, { restrict: 30000 });
    assert.equal(a.total, base.total);
    assert.ok(Math.abs((a.accuracy ?? 0) - (base.accuracy ?? 0)) < 0.02, `${q} analogy accuracy`);
    const p = evaluatePairs(files[q], pairs);
    assert.ok(Math.abs(p.spearman - evaluatePairs(files.f32, pairs).spearman) < 0.02);
    const docs = [
      ['the', 'film', 'was', 'good'],
      ['a', 'dull', 'movie'],
    ];
    const f = SentenceEncoder.fit('mean', docs, files.f32).x;
    const c = SentenceEncoder.fit('mean', docs, files[q]).x;
    assert.equal(c.length, f.length);
    assert.ok(
      c.every((v, i) => Math.abs(v - f[i]) < 0.1),
      `${q} sentence vectors`,
    );
  }
  const csv = join(dir, 'reviews.csv');
  const rows = ['text,label'];
  for (let i = 0; i < 80; i++)
    rows.push(i % 2 ? `a wonderful and moving film ${i},pos` : `a dull and boring movie ${i},neg`);
  writeFileSync(csv, rows.join('\n') + '\n');
  const r = emb([
    'train',
    csv,
    '--model',
    'logreg',
    '--folds',
    '3',
    '--json',
    '--vectors',
    join(dir, 'int8.emb'),
    '--out',
    join(dir, 'int8.model'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).accuracy > 0.9);
});

test('the native text parser reads exactly what the TypeScript parser reads', () => {
  const lines = ['# not a header but a word'];
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const forms = [
    (x: number) => x.toFixed(6),
    (x: number) => x.toExponential(4),
    (x: number) => String(x),
    (x: number) => (x * 1e-30).toPrecision(17),
    (x: number) => `+${Math.abs(x).toFixed(2)}`,
  ];
  lines.length = 0;
  // About 2 MB: native/parse.c splits a file of 1 MiB or more between threads, so line
  // boundaries and line numbers across the parts are checked too.
  for (let i = 0; i < 12000; i++)
    lines.push(
      `w${i}\t${Array.from({ length: 12 }, (_, j) => forms[(i + j) % forms.length](rnd())).join(i % 3 ? ' ' : '  ')}${i % 5 ? '' : '\r'}`,
    );
  lines.splice(100, 0, '. . . 1 2 3 4 5 6 7 8 9 10 11 12', '');
  const path = join(dir, 'numbers.txt');
  writeFileSync(path, lines.join('\n'));
  const out = (name: string, env: Record<string, string>) => {
    const p = join(dir, name);
    const r = emb(['convert', path, p], { env });
    assert.equal(r.status, 0, r.stderr);
    return readEmb(p);
  };
  const a = out('native.emb', {});
  const b = out('js.emb', { EMB_NO_NATIVE: '1' });
  assert.deepEqual(a.vocab.words(), b.vocab.words());
  assert.equal(a.vocab.word(100), '. . .');
  assert.ok(
    a.matrix.every((v, i) => Object.is(v, b.matrix[i])),
    'same bits',
  );
  const bad = join(dir, 'bad-line.txt');
  writeFileSync(
    bad,
    lines.slice(0, 9000).join('\n') + '\nbroken 1 2 x\n' + lines.slice(9000).join('\n'),
  );
  for (const env of [{}, { EMB_NO_NATIVE: '1' }] as Record<string, string>[]) {
    const r = emb(['convert', bad, join(dir, 'never.emb')], { env });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad-line\.txt: line 9001: value 3 "x" is not a number/);
  }
});

test('writeVectors with quantize writes what convert writes', () => {
  const path = join(dir, 'api-int8.emb');
  writeVectors(readVectors(source).embeddings, path, 'emb', { quantize: 'int8' });
  const e = readEmb(path);
  assert.equal(e.storage.type, 'int8');
  assert.deepEqual(Array.from(e.row(9)), Array.from(files.int8.row(9)));
});

test('a fastText .bin whose buckets are mapped (large models) converts to the same bits', () => {
  const read = join(dir, 'ft-read.emb');
  const mapped = join(dir, 'ft-mapped.emb');
  assert.equal(emb(['convert', `${FIXTURES}ft_tiny.bin`, read]).status, 0);
  const r = emb(['convert', `${FIXTURES}ft_tiny.bin`, mapped], { env: { EMB_BUCKET_BUDGET: '0' } });
  assert.equal(r.status, 0, r.stderr);
  const a = readEmb(read);
  const b = readEmb(mapped);
  assert.deepEqual(b.vocab.words(), a.vocab.words());
  assert.ok(
    b.matrix.every((v, i) => Object.is(v, a.matrix[i])),
    'word vectors',
  );
  assert.ok(
    b.subwords!.buckets.every((v, i) => Object.is(v, a.subwords!.buckets[i])),
    'buckets',
  );
});

test('a compact copy of float32 vectors records their fingerprint; a model trained with them accepts it, with a note', async () => {
  const { fingerprint } = await import('../src/embeddings/embeddings.js');
  const { train, loadClassifier, openVectors } = await import('../src/index.js');
  const f32 = join(dir, 'f32.emb');
  const copies = { f16: join(dir, 'copy-f16.emb'), int8: join(dir, 'copy-int8.emb') };
  for (const [q, path] of Object.entries(copies))
    convertVectors(f32, path, { to: 'emb', quantize: q as 'f16' | 'int8' });
  const want = fingerprint(files.f32);
  for (const path of Object.values(copies))
    assert.equal(readEmb(path).provenance.quantizedFrom, want);
  // From a foreign format or to float32 nothing is recorded (a float32 copy is its own).
  assert.equal(files.int8.provenance.quantizedFrom, undefined);
  convertVectors(copies.int8, join(dir, 'back.emb'), { to: 'emb' });
  assert.equal(readEmb(join(dir, 'back.emb')).provenance.quantizedFrom, undefined);

  const texts = Array.from({ length: 60 }, (_, i) => `${sample[i % 30]} ${sample[(i * 7) % 30]}`);
  const labels = texts.map((_, i) => (i % 30 < 15 ? 'a' : 'b'));
  const clf = await train(
    { texts, labels },
    { model: 'logreg', seed: 0, vectors: await openVectors(f32) },
  );
  const model = join(dir, 'copy.model');
  await clf.save(model);
  const before = await clf.predict(texts);
  for (const [q, path] of Object.entries(copies)) {
    const notes: string[] = [];
    const again = await loadClassifier(model, { vectors: path, onWarning: (m) => notes.push(m) });
    assert.equal(notes.length, 1);
    assert.match(
      notes[0],
      new RegExp(`is the ${q} copy of the vectors this model was trained with`),
    );
    const after = await again.predict(texts);
    after.forEach((p, i) => assert.ok(Math.abs(p.probability! - before[i].probability!) < 0.05));
  }
  await assert.rejects(
    loadClassifier(model, { vectors: `${FIXTURES}ft_tiny.vec` }),
    /are not the vectors this model was trained with/,
  );
});
