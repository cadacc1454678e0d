/** Top-k selection and the word index, checked against plain reference implementations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nearest, topK } from '../src/query/topk.js';
import { Vocabulary, VocabularyBuilder } from '../src/embeddings/vocabulary.js';
import { products } from '../src/embeddings/kernels.js';

test('property: topK equals a full stable sort, with skipped rows and NaN left out', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.float({ noDefaultInfinity: true }), fc.constantFrom(0.5, 0.5, -1)), {
        maxLength: 300,
      }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 1, max: 7 }),
      (values, k, modulus) => {
        const scores = Float32Array.from(values);
        const skip = (row: number) => row % modulus === 1;
        const expected = Array.from(scores, (score, row) => ({ row, score }))
          .filter((s) => !Number.isNaN(s.score) && !skip(s.row))
          .sort((a, b) => b.score - a.score || a.row - b.row)
          .slice(0, k);
        assert.deepEqual(topK(scores, k, skip), expected);
      },
    ),
    { numRuns: 2000 },
  );
});

test('topK honours a limit (restricted vocabulary)', () => {
  const scores = Float32Array.from([0.1, 0.9, 0.5, 0.99, 0.7]);
  assert.deepEqual(
    topK(scores, 2, undefined, 3).map((s) => s.row),
    [1, 2],
  );
});

test('property: the word index finds every word and nothing else', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme' }), {
        maxLength: 200,
      }),
      fc.string({ maxLength: 10 }),
      (words, probe) => {
        const vocab = Vocabulary.build(words);
        words.forEach((w, i) => assert.equal(vocab.index(w), i));
        assert.equal(vocab.index(probe), words.indexOf(probe));
        assert.deepEqual(vocab.words(), words);
      },
    ),
    { numRuns: 300 },
  );
});

test('the vocabulary builder reports duplicates and keeps the first row', () => {
  const b = new VocabularyBuilder();
  const enc = (s: string) => new TextEncoder().encode(s);
  const add = (s: string) => b.add(enc(s), 0, enc(s).length);
  assert.equal(add('a'), 0);
  assert.equal(add('b'), 1);
  assert.equal(add('a'), -1);
  for (let i = 0; i < 5000; i++) add(`w${i}`); // forces several rehashes
  const v = b.finish();
  assert.equal(v.size, 5002);
  assert.equal(v.index('a'), 0);
  assert.equal(v.index('w4999'), 5001);
});

test('property: the scan kernel computes scaled dot products for many queries at once', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 17 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 1e6 }),
      (rows, dims, nq, seed) => {
        let s = seed;
        const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
        const matrix = Float32Array.from({ length: rows * dims }, rnd);
        const scale = Float32Array.from({ length: rows }, rnd);
        const queries = Float32Array.from({ length: nq * dims }, rnd);
        const out = products(matrix, dims, rows, scale, queries);
        for (let q = 0; q < nq; q++) {
          for (let i = 0; i < rows; i++) {
            let d = 0;
            for (let j = 0; j < dims; j++) d += matrix[i * dims + j] * queries[q * dims + j];
            assert.ok(Math.abs(out[q * rows + i] - d * scale[i]) < 1e-4);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('property: nearest (fused native pass) equals products + topK, ties and exclusions included', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 70000 }),
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.integer({ min: 0, max: 1e6 }),
      (rows, k, excludeSeeds, seed) => {
        const dims = 4;
        let s = seed;
        // Few distinct rows, so many scores tie exactly.
        const pick = () => ((s = (s * 1103515245 + 12345) % 2147483648) % 5) - 2;
        const matrix = Float32Array.from({ length: rows * dims }, pick);
        const scale = Float32Array.from({ length: rows }, () => 1);
        const query = Float32Array.from([0.5, -0.5, 0.5, 0.5]);
        const exclude = excludeSeeds.map((x) => x % rows);
        const skip = new Set(exclude);
        const expected = topK(products(matrix, dims, rows, scale, query), k, (r) => skip.has(r));
        assert.deepEqual(nearest(matrix, dims, scale, query, k, exclude, rows), expected);
      },
    ),
    { numRuns: 60 },
  );
});
