/**
 * Queries pinned to gensim 4.2's answers (../shared/fixtures/*.golden.json): same words in
 * the same order, scores within 1e-5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readVectors } from '../src/formats/index.js';
import { prepareDefault } from '../src/api/convert.js';
import {
  cosAdd,
  cosMul,
  doesntMatch,
  parseExpression,
  similarity,
  type Term,
} from '../src/query/queries.js';
import type { Embeddings } from '../src/embeddings/embeddings.js';
import { FIXTURES } from './support/datasets.js';

type Pairs = [string, number][];
const TOLERANCE = 1e-5;

function assertSameNeighbours(
  actual: { word: string; score: number }[],
  expected: Pairs,
  what: string,
): void {
  assert.deepEqual(
    actual.map((n) => n.word),
    expected.map(([w]) => w),
    `${what}: words or order differ`,
  );
  expected.forEach(([, score], i) => {
    assert.ok(
      Math.abs(actual[i].score - score) <= TOLERANCE,
      `${what}: ${actual[i].word} scored ${actual[i].score}, gensim ${score}`,
    );
  });
}

const terms = (positive: string[], negative: string[]): Term[] => [
  ...positive.map((word) => ({ word, weight: 1 as const })),
  ...negative.map((word) => ({ word, weight: -1 as const })),
];

function checkGolden(emb: Embeddings, golden: Record<string, unknown>, name: string): void {
  const g = golden as {
    similar: Record<string, Pairs>;
    similarity: { a: string; b: string; cosine: number }[];
    doesnt_match: { words: string[]; result: string }[];
  };
  for (const [word, expected] of Object.entries(g.similar)) {
    assertSameNeighbours(
      cosAdd(emb, terms([word], []), { top: expected.length }).results,
      expected,
      `${name} similar ${word}`,
    );
  }
  for (const { a, b, cosine } of g.similarity) {
    const { score } = similarity(emb, a, b);
    assert.ok(
      Math.abs(score - cosine) <= TOLERANCE,
      `${name} similarity ${a} ${b}: ${score} vs ${cosine}`,
    );
  }
  for (const { words, result } of g.doesnt_match)
    assert.equal(doesntMatch(emb, words).word, result);
}

test('word2vec tiny vectors: gensim similar, 3CosAdd, 3CosMul, similarity, doesnt_match', () => {
  const golden = JSON.parse(readFileSync(`${FIXTURES}w2v_tiny.golden.json`, 'utf8'));
  for (const file of ['w2v_tiny.bin', 'w2v_tiny.txt', 'glove_tiny.txt']) {
    const emb = readVectors(`${FIXTURES}${file}`).embeddings;
    checkGolden(emb, golden, file);
    for (const q of golden.analogy3cosadd as { a: string; b: string; c: string; result: Pairs }[]) {
      assertSameNeighbours(
        cosAdd(emb, terms([q.b, q.c], [q.a]), { top: q.result.length }).results,
        q.result,
        `${file} 3CosAdd ${q.b}-${q.a}+${q.c}`,
      );
    }
    for (const q of golden.analogy3cosmul as { a: string; b: string; c: string; result: Pairs }[]) {
      assertSameNeighbours(
        cosMul(emb, terms([q.b, q.c], [q.a]), { top: q.result.length }).results,
        q.result,
        `${file} 3CosMul ${q.b}-${q.a}+${q.c}`,
      );
    }
  }
});

test('GloVe 6B 100d (default vectors): gensim answers', async () => {
  const golden = JSON.parse(readFileSync(`${FIXTURES}glove100.golden.json`, 'utf8'));
  const emb = readVectors((await prepareDefault()).path).embeddings;
  assert.equal(emb.rows, 341479);
  assert.equal(emb.dims, 100);
  checkGolden(emb, golden, 'glove100');
  for (const q of golden.analogy as { positive: string[]; negative: string[]; result: Pairs }[]) {
    assertSameNeighbours(
      cosAdd(emb, terms(q.positive, q.negative), { top: q.result.length }).results,
      q.result,
      `3CosAdd ${q.positive} - ${q.negative}`,
    );
  }
  for (const q of golden.analogy_cosmul as {
    positive: string[];
    negative: string[];
    result: Pairs;
  }[]) {
    assertSameNeighbours(
      cosMul(emb, terms(q.positive, q.negative), { top: q.result.length }).results,
      q.result,
      `3CosMul ${q.positive} - ${q.negative}`,
    );
  }
});

test('unknown words are reported, exact case first then lower-case', () => {
  const emb = readVectors(`${FIXTURES}w2v_tiny.txt`).embeddings;
  const r = cosAdd(emb, terms(['film', 'qqqzzz'], []), { top: 3 });
  assert.deepEqual(r.missing, ['qqqzzz']);
  assert.equal(r.results.length, 3);
  assert.deepEqual(emb.lookup('Film'), { row: emb.lookup('film')!.row, match: 'lower' });
  assert.throws(
    () => cosAdd(emb, terms(['qqqzzz'], []), { top: 3 }),
    /not in the vocabulary: "qqqzzz"/,
  );
});

test('analogy expressions parse into weighted terms', () => {
  assert.deepEqual(parseExpression(['king', '-', 'man', '+', 'woman']), [
    { word: 'king', weight: 1 },
    { word: 'man', weight: -1 },
    { word: 'woman', weight: 1 },
  ]);
  assert.deepEqual(
    parseExpression(['king - man + woman']),
    parseExpression(['king', '-', 'man', '+', 'woman']),
  );
  assert.deepEqual(
    parseExpression(['king', '-man', '+woman']),
    parseExpression(['king', '-', 'man', '+', 'woman']),
  );
  // Three bare words read as in analogy sets: man is to king as woman is to ?
  assert.deepEqual(parseExpression(['man', 'king', 'woman']), [
    { word: 'king', weight: 1 },
    { word: 'man', weight: -1 },
    { word: 'woman', weight: 1 },
  ]);
  assert.throws(() => parseExpression(['king', '-', '+', 'woman']), /two operators/);
  assert.throws(() => parseExpression(['king', '-']), /ends with an operator/);
});
