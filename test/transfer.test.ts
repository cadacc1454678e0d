/**
 * Transfer classifiers on small synthetic vectors: features, save/load round trip, tensors
 * released, seeded reproducibility, and the L-BFGS solution against its optimality condition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embeddings } from '../src/embeddings/embeddings.js';
import { Vocabulary } from '../src/embeddings/vocabulary.js';
import { SentenceEncoder, oovRate } from '../src/features/sentence.js';
import { Random } from '../src/random.js';
import { evaluateFolds } from '../src/experiments/cross-validate.js';
import type { ModelKind } from '../src/models/kind.js';
import { defaultsOf, modelSettings } from '../src/models/registry.js';
import { lbfgs } from '../src/models/lbfgs.js';
import { logreg } from '../src/models/kinds/logreg.js';
import { mlp } from '../src/models/kinds/mlp.js';
import { tensorflow } from '../src/models/tfjs/backend.js';

/** 40 words in 8 dims: "good" words lean one way, "bad" words the other, plus noise. */
function toyVectors(): Embeddings {
  const rng = new Random(7);
  const words: string[] = [];
  const dims = 8;
  const rows: number[] = [];
  for (let i = 0; i < 40; i++) {
    const kind = i % 2 === 0 ? 'good' : 'bad';
    words.push(`${kind}${i}`);
    for (let j = 0; j < dims; j++)
      rows.push((j === 0 ? (kind === 'good' ? 1 : -1) : 0) + (rng.next() - 0.5));
  }
  words.push('the');
  for (let j = 0; j < dims; j++) rows.push(0.1);
  return Embeddings.fromRows(Vocabulary.build(words), Float32Array.from(rows), dims, {
    source: 'toy',
    sourceFormat: 'test',
  });
}

function toyDocs(n: number, seed: number): { docs: string[][]; labels: number[] } {
  const rng = new Random(seed);
  const docs: string[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    const doc = ['the'];
    for (let t = 0; t < 4; t++) {
      // Mostly words of the doc's class, sometimes the other's, sometimes unknown.
      const r = rng.next();
      const good = r < 0.75 ? y === 1 : y === 0;
      doc.push(
        r > 0.95 ? 'zzunknown' : `${good ? 'good' : 'bad'}${2 * rng.int(20) + (good ? 0 : 1)}`,
      );
    }
    docs.push(doc);
    labels.push(y);
  }
  return { docs, labels };
}

const emb = toyVectors();
const classes = ['neg', 'pos'];

test('mean, tfidf and sif features: standardised on the training part, OOV counted', () => {
  const { docs } = toyDocs(60, 1);
  for (const kind of ['mean', 'tfidf', 'sif'] as const) {
    const { encoder, x } = SentenceEncoder.fit(kind, docs, emb);
    for (let j = 0; j < 8; j++) {
      let m = 0;
      for (let i = 0; i < 60; i++) m += x[i * 8 + j];
      assert.ok(Math.abs(m / 60) < 1e-5, `${kind}: column ${j} has mean ${m / 60}`);
    }
    assert.deepEqual(
      Array.from(encoder.encode(docs).x),
      Array.from(x),
      `${kind}: encode repeats fit`,
    );
    if (kind === 'sif') assert.equal(encoder.state.component?.length, 8);
  }
  const { rate, coverage } = oovRate([['good0', 'zzunknown'], ['qq']], emb);
  assert.equal(rate, 2 / 3);
  assert.deepEqual(coverage.empty, [1]);
});

test('L-BFGS reaches a point where the gradient vanishes', () => {
  // A convex quadratic with an ill-conditioned Hessian: minimum at (1, 2, 3).
  const scale = [1, 30, 400];
  const { x } = lbfgs((v) => {
    const grad = new Float64Array(3);
    let value = 0;
    for (let i = 0; i < 3; i++) {
      value += 0.5 * scale[i] * (v[i] - (i + 1)) ** 2;
      grad[i] = scale[i] * (v[i] - (i + 1));
    }
    return { value, grad };
  }, new Float64Array(3));
  x.forEach((v, i) => assert.ok(Math.abs(v - (i + 1)) < 1e-6, `x[${i}] = ${v}`));
});

for (const trainer of [logreg, mlp]) {
  test(`${trainer.name}: learns the toy task, reproducible, and save/load gives identical predictions`, async () => {
    const { docs, labels } = toyDocs(300, 2);
    const test = toyDocs(100, 3);
    const ctx = { seed: 3, embeddings: emb };
    const settings = modelSettings({ model: trainer.name, features: 'tfidf' });
    const model = await (trainer as ModelKind).train({ docs, labels, classes }, settings, ctx);
    const again = await (trainer as ModelKind).train({ docs, labels, classes }, settings, ctx);
    const probs = await model.predict(test.docs);
    assert.deepEqual(
      Array.from(await again.predict(test.docs)),
      Array.from(probs),
      'same seed, same model',
    );
    let right = 0;
    test.labels.forEach((y, i) => (right += (probs[2 * i + 1] > 0.5 ? 1 : 0) === y ? 1 : 0));
    assert.ok(right >= 80, `accuracy ${right}/100`);
    for (let i = 0; i < 100; i++) assert.ok(Math.abs(probs[2 * i] + probs[2 * i + 1] - 1) < 1e-5);

    const dir = mkdtempSync(join(tmpdir(), 'emb-model-'));
    const saved = await model.save(dir);
    assert.deepEqual(readdirSync(dir).sort(), ['features.json', 'network.json', 'weights.bin']);
    const loaded = await trainer.load(dir, JSON.parse(JSON.stringify(saved)), {
      classes: classes,
      embeddings: emb,
    });
    assert.deepEqual(Array.from(await loaded.predict(test.docs)), Array.from(probs));
    for (const m of [model, again, loaded]) m.dispose();
  });

  test(`${trainer.name}: tf.memory().numTensors does not grow across training runs`, async () => {
    const tf = await tensorflow();
    const { docs, labels } = toyDocs(200, 4);
    const ctx = { seed: 0, embeddings: emb };
    const settings = modelSettings({ model: trainer.name });
    // The first run creates TensorFlow.js's own lasting tensors (kernel caches).
    (await (trainer as ModelKind).train({ docs, labels, classes }, settings, ctx)).dispose();
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) {
      const model = await (trainer as ModelKind).train({ docs, labels, classes }, settings, {
        ...ctx,
        seed: r,
      });
      await model.predict(docs);
      model.dispose();
    }
    await evaluateFolds(docs, labels, classes, settings, ctx, { folds: 3 });
    assert.equal(tf.memory().numTensors, before);
  });
}

test("logreg minimises scikit-learn's objective: the penalised gradient vanishes", async () => {
  // LogisticRegression(C=1) on two classes minimises sum(loss) + |w|^2 / 2 with w the
  // difference of the softmax's two weight columns; at the optimum
  // sum_i (p_i - y_i) x_ij + w_j = 0 for every feature j.
  const { docs, labels } = toyDocs(120, 5);
  const model = await logreg.train({ docs, labels, classes }, defaultsOf('logreg'), {
    seed: 0,
    embeddings: emb,
  });
  const { x } = SentenceEncoder.fit('mean', docs, emb);
  const probs = await model.predict(docs);
  const network = (
    model as unknown as { network: { getWeights(): { dataSync(): Float32Array }[] } }
  ).network;
  const W = network.getWeights()[0].dataSync();
  for (let j = 0; j < 8; j++) {
    let g = W[j * 2 + 1] - W[j * 2];
    for (let i = 0; i < docs.length; i++) g += (probs[2 * i + 1] - labels[i]) * x[i * 8 + j];
    assert.ok(Math.abs(g) < 1e-3, `gradient ${j} = ${g}`);
  }
  model.dispose();
});
