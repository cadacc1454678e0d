/**
 * Stemming and stop words for the bag-of-words features (natural 6.10.5, loaded by subpath):
 * what they do to the terms, that saved models keep them, bad options, and the effect on a
 * public set.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbError } from '../src/errors.js';
import { evaluate } from '../src/experiments/metrics.js';
import { BagOfWords } from '../src/features/bow.js';
import { nbsvm } from '../src/models/kinds/nbsvm.js';
import { svm } from '../src/models/kinds/svm.js';
import { argmaxRow } from '../src/models/kind.js';
import { tokenize } from '../src/text/tokenize.js';
import { loadSST2 } from './support/datasets.js';
import type { ModelKind } from '../src/models/kind.js';
import { modelSettings, type SvmSettings } from '../src/models/registry.js';

const docs = [
  'The films were running generously',
  'the film runs and the FILM ran',
  'a dull film',
].map(tokenize);

describe('stem and stopwords options', () => {
  test('stemming merges inflections into one term', () => {
    const plain = BagOfWords.fit(docs, { ngrams: [1, 1], minDf: 1 });
    const stemmed = BagOfWords.fit(docs, { ngrams: [1, 1], minDf: 1, stem: 'en' });
    assert.ok(plain.terms.includes('films') && plain.terms.includes('running'));
    assert.deepEqual(
      [...stemmed.terms].sort(),
      ['a', 'and', 'dull', 'film', 'gener', 'ran', 'run', 'the', 'were'].sort(),
    );
  });

  test('stop words are dropped before n-grams are made', () => {
    const bow = BagOfWords.fit(docs, { ngrams: [1, 2], minDf: 1, stopwords: 'en' });
    assert.ok(!bow.terms.includes('the'));
    assert.ok(bow.terms.includes('films running'), 'bigrams span a dropped stop word');
    // Unseen texts go through the same filter.
    const x = bow.transform([tokenize('THE films were')], 'binary');
    assert.deepEqual(
      Array.from(x.indices, (j) => bow.terms[j]),
      ['films'],
    );
  });

  test('other languages: French stemmer and stop words', () => {
    const fr = ['Les chanteuses chantaient', 'la chanteuse chante'].map(tokenize);
    const bow = BagOfWords.fit(fr, { ngrams: [1, 1], minDf: 2, stem: 'fr', stopwords: 'fr' });
    assert.deepEqual([...bow.terms].sort(), ['chant', 'chanteux']);
  });

  test('an unknown language is one line that lists the known ones, from the one settings check', async () => {
    for (const [options, pattern] of [
      [{ stem: 'xx' }, /setting "stem": expected one of en, de, es/],
      [{ stopwords: 'de' }, /setting "stopwords": expected one of en, es/],
    ] as const)
      assert.throws(
        () => modelSettings({ model: 'svm', ...options }),
        (e: unknown) => e instanceof EmbError && e.code === 'E_INPUT' && pattern.test(e.message),
      );
  });

  for (const trainer of [svm, nbsvm]) {
    test(`${trainer.name}: a saved model keeps its stemmer and stop words`, async () => {
      const options = { stem: 'en', stopwords: 'en', ngrams: [1, 2] };
      const model = await (trainer as ModelKind).train(
        { docs: docs, labels: [0, 1, 0], classes: ['a', 'b'] },
        modelSettings({ model: trainer.name, ...options }),
        { seed: 0 },
      );
      const dir = mkdtempSync(join(tmpdir(), 'emb-filter-'));
      const saved = JSON.parse(JSON.stringify(await model.save(dir)));
      assert.equal(saved.stem, 'en');
      assert.equal(saved.stopwords, 'en');
      const loaded = await trainer.load(dir, saved, { classes: ['a', 'b'] });
      const probe = [tokenize('the runner runs generously'), tokenize('dull films')];
      assert.deepEqual(await loaded.predict(probe), await model.predict(probe));
    });
  }
});

test('SST-2: stemming with the English Porter stemmer does not cost the svm accuracy', async (t) => {
  const train = loadSST2('train');
  const testSet = loadSST2('test');
  const truth = testSet.labels.map((y) => train.classes.indexOf(testSet.classes[y]));
  const accuracy = async (options: Record<string, unknown>) => {
    const model = await svm.train(
      { docs: train.texts.map(tokenize), labels: train.labels, classes: train.classes },
      modelSettings({ model: 'svm', ...options }) as SvmSettings,
      { seed: 0 },
    );
    const scores = await model.predict(testSet.texts.map(tokenize));
    const predicted = truth.map((_, i) => argmaxRow(scores, 2, i));
    return 100 * evaluate(truth, predicted, train.classes).accuracy;
  };
  const plain = await accuracy({});
  const stemmed = await accuracy({ stem: 'en' });
  t.diagnostic(`SST-2 svm: ${plain.toFixed(2)}% plain, ${stemmed.toFixed(2)}% stemmed`);
  assert.ok(stemmed >= plain, `stemmed ${stemmed.toFixed(2)} < plain ${plain.toFixed(2)}`);
});
