/**
 * Accuracy floors of the fine-tuned networks on public data, each next to the PyTorch 1.13
 * figure it checks: the same architectures, split, tokens and vectors (ANCHORS.md section 3,
 * test/support/finetune-task.ts), on stratified subsets small enough to train in seconds
 * (2,000 training texts, 1,000 test texts, 760 for AG News, all its test part; 4 epochs for the
 * CNN, 8 for the DAN, every epoch run and the best on the validation split kept), the mean of
 * seeds 0-2 on each side. The PyTorch figures are bench/finetune.ts's on the same subsets
 * (bench/README.md, section 17); the full-size comparison is there too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openVectors } from '../src/index.js';
import { argmaxRow } from '../src/models/kind.js';
import { kindNamed, modelSettings, type ModelName } from '../src/models/registry.js';
import { finetuneTask, type FinetuneSet } from './support/finetune-task.js';

/** PyTorch's mean test accuracy (%) over seeds 0-2 on the subsets, by set and model. */
const PYTORCH: Record<FinetuneSet, Record<string, number>> = {
  MR: { 'cnn-static': 73.17, 'cnn-non-static': 73.97, dan: 75.17 },
  SUBJ: { 'cnn-static': 90.17, 'cnn-non-static': 90.4, dan: 91.23 },
  'SST-2': { 'cnn-static': 78.93, 'cnn-non-static': 80.93, dan: 80.53 },
  AG: { 'cnn-static': 88.68, 'cnn-non-static': 88.68, dan: 89.04 },
};
/**
 * The target, 0.5 points, is for the full sets (bench/README.md section 17). Here a
 * seed moves accuracy by about 1.5 points (200 validation texts choose the epoch, 1,000 test
 * texts score it), so two implementations of one network differ by about 1 point in the mean
 * of three seeds by chance: the floor is PyTorch's mean minus 1.5.
 */
const TOLERANCE = 1.5;
const SEEDS = [0, 1, 2];

const { embeddings } = await openVectors();

for (const [set, byModel] of Object.entries(PYTORCH) as [FinetuneSet, Record<string, number>][]) {
  const task = finetuneTask(set, { train: 2000, test: 1000 });
  const data = {
    docs: task.train.map((i) => task.tokens[i]),
    labels: task.train.map((i) => task.data.labels[i]),
    classes: task.data.classes,
  };
  const testDocs = task.test.map((i) => task.tokens[i]);
  for (const [model, reference] of Object.entries(byModel)) {
    const floor = reference - TOLERANCE;
    const sizes = `${task.train.length} / ${task.test.length} texts`;
    test(`${model}, ${set} (${sizes}): at least ${floor.toFixed(2)}% (PyTorch ${reference}%)`, async (t) => {
      const name = model.slice(0, 3) as ModelName;
      const epochs = name === 'cnn' ? 4 : 8;
      const settings = modelSettings({
        model: name,
        mode: model === 'cnn-static' ? 'static' : 'non-static',
        clitics: false,
        maxEpochs: epochs,
        patience: epochs,
      });
      const k = task.data.classes.length;
      let sum = 0;
      for (const seed of SEEDS) {
        const trained = await kindNamed(name).train(data, settings, { seed, embeddings });
        const probs = await trained.predict(testDocs);
        sum += task.test.filter((i, r) => argmaxRow(probs, k, r) === task.data.labels[i]).length;
      }
      const accuracy = (100 * sum) / (SEEDS.length * task.test.length);
      t.diagnostic(`${model} ${set}: ${accuracy.toFixed(2)}% (PyTorch ${reference}%)`);
      assert.ok(accuracy >= floor, `${accuracy.toFixed(2)}% < ${floor.toFixed(2)}%`);
    });
  }
}
