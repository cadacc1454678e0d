/**
 * Trains each fine-tuned kind on the toy task and prints its test probabilities (as the hex of
 * their float32 bytes), so that a test can compare a run with EMB_NO_NATIVE=1 (the JavaScript
 * kernels) against one with the native addon, bit for bit.
 */
import type { ModelKind } from '../../src/models/kind.js';
import { cnn } from '../../src/models/kinds/cnn.js';
import { dan } from '../../src/models/kinds/dan.js';
import { modelSettings } from '../../src/models/registry.js';
import { toyDocs, toyVectors } from './toy-text.js';

export async function toyProbabilities(): Promise<Record<string, string>> {
  const emb = toyVectors(3);
  const { docs, labels } = toyDocs(120, 1);
  const test = toyDocs(30, 2);
  const out: Record<string, string> = {};
  const small = { cnn: { maps: 6 }, dan: { hidden: [16, 16] } };
  for (const kind of [cnn, dan] as ModelKind[]) {
    const settings = modelSettings({
      model: kind.name,
      maxEpochs: 3,
      ...small[kind.name as 'cnn'],
    });
    const model = await kind.train({ docs, labels, classes: ['a', 'b', 'c'] }, settings, {
      seed: 5,
      embeddings: emb,
    });
    const probs = (await model.predict(test.docs)) as Float32Array;
    out[kind.name] = Buffer.from(probs.buffer, probs.byteOffset, probs.byteLength).toString('hex');
  }
  return out;
}

if (process.argv[1]?.endsWith('finetune-child.ts'))
  console.log(JSON.stringify(await toyProbabilities()));
