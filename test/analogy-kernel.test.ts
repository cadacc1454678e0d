/** The batched analogy kernel against a plain reference: every row scored, then sorted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analogyTopK, type AnalogyMethod } from '../src/embeddings/analogy-kernel.js';
import { native } from '../src/native/addon.js';

const f = Math.fround;

/** Scores every row the kernel's way (float32, dims in order) and keeps the k best. */
function reference(
  matrix: Float32Array,
  dims: number,
  rows: number,
  scale: Float32Array,
  words: Float32Array,
  wordRows: Int32Array,
  questions: Int32Array,
  method: AnalogyMethod,
  k: number,
) {
  const cos = (u: number, r: number) => {
    let a = 0;
    for (let j = 0; j < dims; j++) a = f(a + f(words[u * dims + j] * matrix[r * dims + j]));
    return f(a * scale[r]);
  };
  const out: { row: number; score: number }[][] = [];
  for (let q = 0; q < questions.length / 3; q++) {
    const [a, b, c] = [questions[q * 3], questions[q * 3 + 1], questions[q * 3 + 2]];
    const all = [];
    for (let r = 0; r < rows; r++) {
      if (r === wordRows[a] || r === wordRows[b] || r === wordRows[c]) continue;
      const [sa, sb, sc] = [cos(a, r), cos(b, r), cos(c, r)];
      const score =
        method === '3cosadd'
          ? f(f(sb + sc) - sa)
          : f(f(f(f(1 + sb) / 2) * f(f(1 + sc) / 2)) / f(f(f(1 + sa) / 2) + f(1e-6)));
      if (!Number.isNaN(score)) all.push({ row: r, score });
    }
    out.push(all.sort((x, y) => y.score - x.score || x.row - y.row).slice(0, k));
  }
  return out;
}

test('property: native and JavaScript analogy top-k equal a full sort (blocks, threads, ties, exclusions)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1400 }), // rows: several blocks of 64, and threads above 512
      fc.integer({ min: 1, max: 9 }), // dims
      fc.integer({ min: 1, max: 12 }), // distinct words
      fc.integer({ min: 1, max: 30 }), // questions
      fc.integer({ min: 1, max: 7 }), // k
      fc.constantFrom<AnalogyMethod>('3cosadd', '3cosmul'),
      fc.integer(),
      (rows, dims, nwords, nq, k, method, seed) => {
        let s = seed >>> 0 || 1;
        const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
        // A few distinct rows repeated, so that equal scores (ties) are common.
        const distinct = Array.from({ length: 1 + (rows % 17) }, () =>
          Array.from({ length: dims }, rand),
        );
        const matrix = new Float32Array(rows * dims);
        for (let r = 0; r < rows; r++)
          matrix.set(distinct[Math.floor(((rand() + 1) / 2) * distinct.length)], r * dims);
        const scale = Float32Array.from({ length: rows }, () => f(1 + rand() / 4));
        const words = Float32Array.from({ length: nwords * dims }, rand);
        const wordRows = Int32Array.from({ length: nwords }, () =>
          rand() > 0 ? Math.floor(((rand() + 1) / 2) * rows) : -1,
        );
        const questions = Int32Array.from({ length: nq * 3 }, () =>
          Math.floor(((rand() + 1) / 2) * nwords),
        );
        const want = reference(matrix, dims, rows, scale, words, wordRows, questions, method, k);
        const batch = { words, wordRows, questions };
        for (const useNative of native ? [true, false] : [false]) {
          const got = analogyTopK(matrix, dims, rows, scale, batch, method, k, useNative);
          const lists = want.map((_, q) => {
            const list = [];
            for (let i = 0; i < k && got.rows[q * k + i] >= 0; i++)
              list.push({ row: got.rows[q * k + i], score: got.scores[q * k + i] });
            return list;
          });
          assert.deepEqual(lists, want, `native ${useNative}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});
