/**
 * natural's stemmer and stop words in the bag-of-words features (`stem: 'en'`,
 * `stopwords: 'en'`), svm and nbsvm on the public sets with ANCHORS.md section 2's protocol
 * (10-fold stratified CV, seed 0; SST-2 train -> test) and the default tokenizer. Accuracy
 * only (deterministic); the figures are in bench/README.md.
 *
 *   node --import tsx bench/stemming.ts
 */
import { evaluateFolds } from '../src/experiments/cross-validate.js';
import { modelSettings } from '../src/models/registry.js';
import { tokenize } from '../src/text/tokenize.js';
import { benchmarkTask, SET_NAMES } from '../test/support/datasets.js';

const VARIANTS: [string, Record<string, unknown>][] = [
  ['none', {}],
  ['stem en', { stem: 'en' }],
  ['stopwords en', { stopwords: 'en' }],
  ['both', { stem: 'en', stopwords: 'en' }],
];
console.log('| set | features | svm | nbsvm |\n| --- | --- | --- | --- |');
for (const name of SET_NAMES) {
  const { data: train, docs, plan } = benchmarkTask(name, tokenize);
  for (const [variant, options] of VARIANTS) {
    const cells: string[] = [];
    for (const model of ['svm', 'nbsvm']) {
      const ev = await evaluateFolds(
        docs,
        train.labels,
        train.classes,
        modelSettings({ model, ...options }),
        { seed: 0 },
        plan,
      );
      cells.push((100 * ev.accuracy).toFixed(2));
    }
    console.log(`| ${name} | ${variant} | ${cells.join(' | ')} |`);
  }
}
