/**
 * N-gram counts shared with a fold worker (src/features/bow.ts's shareNgrams / adoptNgrams,
 * pair-table.ts's state): what the other side adopts gives the same rows, and a pair added on
 * either side afterwards never reaches the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adoptNgrams, BagOfWords, shareNgrams } from '../src/features/bow.js';
import { NgramIndex } from '../src/features/ngram-index.js';
import { PairTable } from '../src/features/pair-table.js';
import { tokenize } from '../src/text/tokenize.js';

const options = { ngrams: [1, 2] as [number, number], minDf: 1, stem: 'en' as const };
const texts = ['the film was long', 'a long film, a good film', 'good good good', 'the end'];

test('shareNgrams: documents adopted as copies give the rows their own counts give', () => {
  const docs = texts.map((t) => tokenize(t));
  const shared = structuredClone(shareNgrams(docs, options));
  const fresh = BagOfWords.fitTransform(docs, options, 'tfidf').x;
  const copies = docs.map((d) => [...d]);
  adoptNgrams(copies, shared);
  assert.deepEqual(
    BagOfWords.fitTransform(copies.slice(1), options, 'tfidf').x,
    BagOfWords.fitTransform(docs.slice(1), options, 'tfidf').x,
  );
  assert.deepEqual(BagOfWords.fitTransform(copies, options, 'tfidf').x, fresh);
});

test('PairTable state: the slots are shared, and copied before either side writes', () => {
  const table = new PairTable();
  table.set(1, 2, 7);
  const other = PairTable.from(table.state());
  table.set(3, 4, 8);
  other.set(5, 6, 9);
  assert.equal(other.get(1, 2), 7);
  assert.equal(other.get(3, 4), -1);
  assert.equal(table.get(5, 6), -1);
  assert.equal(table.get(3, 4), 8);
  assert.equal(other.get(5, 6), 9);
});

test('NgramIndex state: both sides go on adding n-grams without seeing the other', () => {
  const index = new NgramIndex();
  const film = index.intern(['good', 'film']);
  const other = new NgramIndex(0, structuredClone(index.state()));
  const here = index.intern(['long', 'film']);
  const there = other.intern(['bad', 'film']);
  assert.equal(other.intern(['good', 'film']), film);
  assert.equal(other.text(there), 'bad film');
  assert.equal(index.text(here), 'long film');
  assert.equal(here, there); // the same next id on each side, for different n-grams
  assert.equal(index.size, other.size);
});
