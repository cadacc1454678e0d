/**
 * The one word-lookup policy (embeddings/lookup.ts): its order, clitic parts, and the same
 * answers in queries, features and Embeddings; fastText subwords in training and prediction
 * features; the coverage report and its warning.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Embeddings } from '../src/embeddings/embeddings.js';
import { Vocabulary } from '../src/embeddings/vocabulary.js';
import { findRow, findTokenVectors, findVector } from '../src/embeddings/lookup.js';
import { readFastTextBin } from '../src/formats/fasttext-bin.js';
import { readVectors } from '../src/formats/index.js';
import { coverageReport, OOV_WARNING_RATE } from '../src/features/coverage.js';
import { SentenceEncoder, hasTokenVector, oovRate } from '../src/features/sentence.js';
import { logreg } from '../src/models/kinds/logreg.js';
import { resolve } from '../src/query/queries.js';
import { tokenize } from '../src/text/tokenize.js';
import { EmbError } from '../src/errors.js';
import { FIXTURES } from './support/datasets.js';
import { defaultsOf, modelSettings, type LogregSettings } from '../src/models/registry.js';

/** Each word's vector is one-hot on its own dimension, so a mean shows which words it used. */
function oneHot(words: string[]): Embeddings {
  const dims = words.length;
  const m = new Float32Array(dims * dims);
  words.forEach((_, i) => (m[i * dims + i] = 1));
  return Embeddings.fromRows(Vocabulary.build(words), m, dims, {
    source: 'test',
    sourceFormat: 'test',
  });
}

/** The words whose vectors stand for `token`. */
function partsOf(emb: Embeddings, token: string, clitics = true): string[] {
  return findTokenVectors(emb, token, { clitics }).map((v) => emb.word(v.row));
}

const glovelike = oneHot([
  'do',
  'not',
  'it',
  'you',
  'are',
  'can',
  'will',
  'homme',
  'dogs',
  'Paris',
]);
const treebank = oneHot(['do', "n't", 'ca', "'s", 'it', "l'", 'homme']);

describe('the lookup policy', () => {
  test('exact spelling, then lower case; the row and how it matched', () => {
    assert.deepEqual(findRow(glovelike, 'Paris'), { row: 9, match: 'exact' });
    assert.deepEqual(findRow(glovelike, 'DOGS'), { row: 8, match: 'lower' });
    assert.equal(findRow(glovelike, 'paris'), undefined);
    assert.equal(findVector(glovelike, 'Dogs')?.row, 8);
    assert.deepEqual(glovelike.lookup('DOGS'), findRow(glovelike, 'DOGS'));
  });

  test('fastText: a capitalised known word gets its n-gram vector before the lower-cased row', () => {
    const ft = readFastTextBin(`${FIXTURES}ft_tiny.bin`);
    assert.equal(findVector(ft, 'Film')?.source, 'subwords');
    assert.equal(findVector(ft, 'film')?.source, 'vocab');
    // Without subwords, the same word falls back to the lower-cased row.
    const w2v = readVectors(`${FIXTURES}w2v_tiny.txt`).embeddings;
    assert.equal(findVector(w2v, 'Film')?.row, w2v.vocab.index('film'));
  });

  test('queries, features and Embeddings.vector give one answer for a word', () => {
    const ft = readFastTextBin(`${FIXTURES}ft_tiny.bin`);
    for (const word of ['film', 'Film', 'unfilmable', 'naïve']) {
      const policy = findVector(ft, word)!;
      assert.deepEqual(ft.vector(word), policy, word);
      assert.equal(resolve(ft, [word]).found[0].row, policy.row, word);
      assert.deepEqual(findTokenVectors(ft, word), [policy], word);
    }
  });
});

describe('clitic parts follow the vectors', () => {
  test('vectors without clitics (as the bundled GloVe): the words they stand for', () => {
    assert.deepEqual(partsOf(glovelike, "don't"), ['do', 'not']);
    assert.deepEqual(partsOf(glovelike, "can't"), ['can', 'not']);
    assert.deepEqual(partsOf(glovelike, "won't"), ['will', 'not']);
    assert.deepEqual(partsOf(glovelike, "you're"), ['you', 'are']);
    assert.deepEqual(partsOf(glovelike, "it's"), ['it']);
    assert.deepEqual(partsOf(glovelike, "n't"), ['not']);
    assert.deepEqual(partsOf(glovelike, "'s"), []);
    assert.deepEqual(partsOf(glovelike, "l'homme"), ['homme']);
    assert.deepEqual(partsOf(glovelike, "dogs'"), ['dogs']);
    assert.deepEqual(partsOf(glovelike, "'you"), ['you']);
  });

  test('vectors tokenized as the Penn Treebank: the clitics themselves', () => {
    assert.deepEqual(partsOf(treebank, "don't"), ['do', "n't"]);
    assert.deepEqual(partsOf(treebank, "can't"), ['ca', "n't"]);
    assert.deepEqual(partsOf(treebank, "it's"), ['it', "'s"]);
    assert.deepEqual(partsOf(treebank, "l'homme"), ["l'", 'homme']);
  });

  test('a known whole token is never split, and clitics: false looks tokens up whole', () => {
    const withWhole = oneHot(["don't", 'do', 'not']);
    assert.deepEqual(partsOf(withWhole, "don't"), ["don't"]);
    assert.deepEqual(partsOf(glovelike, "don't", false), []);
  });

  test('sentence features: the parts count as words of the mean; coverage counts the token', () => {
    const docs = [
      ["don't", 'you'],
      ['it', "'s"],
    ];
    for (const clitics of [true, false]) {
      const { encoder, coverage } = SentenceEncoder.fit('mean', docs, glovelike, { clitics });
      assert.equal(encoder.state.clitics, clitics);
      assert.deepEqual(coverage, { tokens: 4, missing: clitics ? 1 : 2, empty: [] });
    }
    // Before standardising: "don't you" is the mean of do, not, you.
    const { encoder } = SentenceEncoder.fit('mean', [...docs, ['zz']], glovelike);
    const { x } = encoder.encode([["don't", 'you']]);
    const raw = Array.from(x, (v, j) => v * encoder.state.std[j] + encoder.state.mean[j]);
    const expected = [1 / 3, 1 / 3, 0, 1 / 3, 0, 0, 0, 0, 0, 0];
    raw.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-6, `${j}: ${v}`));
  });

  test('a model saved before clitics existed restores with whole-token lookup', () => {
    const { encoder } = SentenceEncoder.fit('mean', [['do'], ['you']], glovelike, {
      clitics: false,
    });
    const old = { ...encoder.state };
    delete old.clitics;
    const restored = SentenceEncoder.restore(old, glovelike);
    assert.deepEqual(restored.encode([["don't"]]).coverage.missing, 1);
  });

  test('on raw English with the bundled-style vocabulary, negations keep their vector', () => {
    const docs = ["I don't like it, you're wrong and it's not ok"].map(tokenize);
    const before = oovRate(docs, glovelike, { clitics: false });
    const after = oovRate(docs, glovelike);
    assert.ok(after.coverage.missing < before.coverage.missing);
    assert.ok(hasTokenVector("don't", glovelike));
    assert.ok(!hasTokenVector("don't", glovelike, { clitics: false }));
  });
});

describe('fastText subwords in training and prediction features', () => {
  const ft = readFastTextBin(`${FIXTURES}ft_tiny.bin`);
  const unknown = ['unfilmable', 'naïve', 'Daniël', 'superfilmic'];

  test('unknown words are covered, and each one is its subword vector', () => {
    for (const w of unknown) assert.ok(!ft.vocab.has(w), w);
    const docs = [['film', 'unfilmable'], ['naïve', 'Daniël'], ['superfilmic']];
    const { encoder, x, coverage } = SentenceEncoder.fit('mean', docs, ft);
    assert.deepEqual(coverage, { tokens: 5, missing: 0, empty: [] });
    const d = ft.dims;
    const raw = (i: number) =>
      Array.from(
        x.subarray(i * d, (i + 1) * d),
        (v, j) => v * encoder.state.std[j] + encoder.state.mean[j],
      );
    const sub = ft.subwords!.vector('superfilmic')!;
    raw(2).forEach((v, j) => assert.ok(Math.abs(v - sub[j]) < 1e-5, `${j}`));
    // Prediction (a restored encoder) sees the same vectors.
    const again = SentenceEncoder.restore(JSON.parse(JSON.stringify(encoder.state)), ft);
    assert.deepEqual(Array.from(again.encode(docs).x), Array.from(x));
  });

  test('a classifier trained on fastText vectors predicts texts made only of unknown words', async () => {
    const docs = [
      ['film', 'movie', 'great'],
      ['film', 'bad', 'awful'],
      ['great', 'movie'],
      ['awful', 'bad'],
    ];
    const model = await logreg.train(
      { docs: docs, labels: [0, 1, 0, 1], classes: ['pos', 'neg'] },
      defaultsOf('logreg'),
      {
        seed: 0,
        embeddings: ft,
      },
    );
    const probs = await model.predict([['superfilmic'], ['unfilmable', 'naïve']]);
    assert.equal(probs.length, 4);
    // Subword vectors differ from each other, so do the predictions (no empty-text fallback).
    assert.notEqual(probs[0], probs[2]);
    model.dispose();
  });
});

describe('coverage report', () => {
  test('below 30% of tokens without a vector: the rate, no warning', () => {
    const r = coverageReport(
      [
        ['do', 'you', 'zz'],
        ['it', 'are', 'not', 'can'],
      ],
      glovelike,
    );
    assert.equal(r.rate, 1 / 7);
    assert.equal(r.warning, undefined);
    assert.equal(r.emptyDocuments, 0);
  });

  test('above 30%: one line naming the cause and the fix, and the script of the unknown words', () => {
    const docs = ['Привет, как дела? Всё хорошо, you', 'Мы идём домой'].map(tokenize);
    const r = coverageReport(docs, glovelike);
    assert.ok(r.rate > OOV_WARNING_RATE);
    assert.equal(r.missingScript, 'Cyrillic');
    assert.equal(r.emptyDocuments, 1);
    assert.match(
      r.warning!,
      /^\d+\.\d% of the tokens have no word vector \(most of them in Cyrillic script\): the vectors \(test\) are probably for another language than the texts; use the fastText vectors for the texts' language/,
    );
    assert.ok(!r.warning!.includes('\n'));
  });

  test('a clitics option that is not a boolean is refused once, at the boundary', () => {
    assert.throws(
      () => modelSettings({ model: 'logreg', clitics: 'yes' }),
      (e: unknown) =>
        e instanceof EmbError &&
        /setting "clitics": expected true or false, got "yes"/.test(e.message),
    );
    assert.equal((modelSettings({ model: 'logreg' }) as LogregSettings).clitics, true);
    assert.equal(
      (modelSettings({ model: 'logreg', tokenizer: 'ascii' }) as LogregSettings).clitics,
      false,
    );
  });
});
