/**
 * Solves kernel SVM problems on SUBJ's counts and trains a small bow-mlp, and prints a hash of
 * every coefficient, rho and probability, so that test/kernels.test.ts can compare the native
 * code (the solver, the network's sparse products) with the JavaScript one (EMB_NO_NATIVE=1)
 * bit for bit. Usage: node --import tsx test/support/kernel-bits.ts
 */
import { createHash } from 'node:crypto';
import { Counts } from '../../src/features/counts.js';
import { kernelSums, solveProblems, type KernelKind } from '../../src/models/smo.js';
import { gammaScale, oneVsOne } from '../../src/models/kernel-svm.js';
import { modelSettings, trainModel } from '../../src/models/registry.js';
import { native } from '../../src/native/addon.js';
import { tokenizerFor } from '../../src/text/tokenize.js';
import { loadSUBJ } from './datasets.js';

/** The hash of each kernel's solutions and decision values, and which solver made them. */
export async function kernelBits(): Promise<{ native: boolean; hashes: Record<string, string> }> {
  const { tokenize } = tokenizerFor('ascii');
  const data = loadSUBJ();
  // 300 texts of each class: the first of each file, then the last.
  const rows = [...Array(300).keys(), ...Array.from({ length: 300 }, (_, i) => 9999 - i)];
  const docs = rows.map((i) => tokenize(data.texts[i]));
  const labels = rows.map((i) => data.labels[i]);
  const hashes: Record<string, string> = {};
  for (const norm of ['none', 'l1'] as const) {
    const x = Counts.fit(docs, { vocab: 2000, tf: 'sqrt', norm }).transform(docs);
    for (const kind of ['linear', 'rbf', 'hik', 'chi2'] as KernelKind[]) {
      const kernel = { kind, gamma: gammaScale(x, kind) };
      const problems = oneVsOne(
        rows.map((_, i) => i),
        labels,
        2,
        1,
        Float64Array.of(1, 1),
      );
      // A cache of 64 KiB holds a few rows: rows are evicted, grown again and given up on
      // swaps. One of 16 MiB holds the whole Gram matrix, which the native solver computes first.
      const solve = (cacheBytes: number) =>
        solveProblems(x, kernel, problems, { eps: 1e-3, shrinking: true, cacheBytes });
      const [s] = await solve(1 << 16);
      const [whole] = await solve(1 << 24);
      if (whole.coef.some((c, i) => c !== s.coef[i]) || whole.rho !== s.rho)
        throw new Error(`${kind} ${norm}: the Gram matrix changed the solution`);
      const byRow = new Float64Array(x.rows);
      problems[0].rows.forEach((r, i) => (byRow[r] = s.coef[i]));
      const d = kernelSums(x, x, kernel, byRow, 1);
      const hash = createHash('sha256');
      for (const a of [s.coef, Float64Array.of(s.rho, s.iterations), d])
        hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      hashes[`${kind} ${norm}`] = hash.digest('hex');
    }
  }
  const settings = modelSettings({ model: 'bow-mlp', hidden: [32, 16], maxEpochs: 4 });
  const model = await trainModel({ docs, labels, classes: data.classes }, settings, { seed: 0 });
  const p = await model.predict(docs);
  hashes['bow-mlp'] = createHash('sha256').update(new Uint8Array(p.buffer)).digest('hex');
  return { native: native !== undefined, hashes };
}

if (process.argv[1]?.endsWith('kernel-bits.ts')) console.log(JSON.stringify(await kernelBits()));
