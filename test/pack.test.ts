/**
 * emb as a dependency: pack the package, install the tarball into an empty project without
 * dev dependencies, run the examples of docs/api.md there (ESM, in order, as one program),
 * and type-check a TypeScript program against the shipped declarations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reviewsCsv } from './support/reviews.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'emb-installed-'));

/** The ```ts blocks of docs/api.md, in order. */
function docExamples(): string {
  const md = readFileSync(join(root, 'docs/api.md'), 'utf8');
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

test('the packed tarball installs without dev dependencies and runs the docs/api.md examples', () => {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', type: 'module', private: true }),
  );
  const install = spawnSync(
    'npm',
    [
      'install',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(project, tarball),
    ],
    { cwd: project, encoding: 'utf8', env: { ...process.env, EMB_HOME: '' } },
  );
  assert.equal(install.status, 0, install.stderr);
  assert.ok(!existsSync(join(project, 'node_modules/typescript')), 'no dev dependencies');

  // The examples read reviews.csv with "review" and "stars" columns.
  writeFileSync(join(project, 'reviews.csv'), reviewsCsv(1500, 7).replace('sentiment', 'stars'));
  const program = `${docExamples()}
// Checks that the examples did what docs/api.md says.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
assert.equal(data.texts.length, 1500);
assert.ok(evaluation.accuracy > 0.9 && evaluation.ci95[0] <= evaluation.accuracy);
assert.equal((await again.predict(['a gorgeous, witty film']))[0].label, 'pos');
assert.equal(written, 1500);
assert.equal(readFileSync('labelled.csv', 'utf8').split('\\n')[1].split(',')[0], '0');
assert.deepEqual(comparison.curves.map((c) => c.method), ['svm', 'nbsvm', 'hybrid']);
assert.ok(existsSync('report/report.html'));
console.log('examples ok');
`;
  writeFileSync(join(project, 'examples.mjs'), program);
  const run = spawnSync(process.execPath, ['examples.mjs'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, EMB_HOME: '' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /examples ok/);
  // The default vectors were converted inside the installed package (writable here).
  assert.ok(existsSync(join(project, 'node_modules/emb/embeddings/glove-6B-100d.emb')));
});

test('a TypeScript program type-checks against the shipped declarations', () => {
  writeFileSync(
    join(project, 'check.ts'),
    `import {
  crossValidate,
  EmbError,
  openVectors,
  readDataset,
  train,
  type Evaluation,
  type ModelOptions,
  type Prediction,
  type Explanation,
  type DecisionTerm,
} from 'emb';

const svm: ModelOptions = { model: 'svm', C: 0.5, ngrams: [1, 3] };
// @ts-expect-error the svm model has no sentence-vector features
const wrong: ModelOptions = { model: 'svm', features: 'sif' };
const vectors = await openVectors();
const neighbours: { word: string; score: number }[] = vectors.similar('frog', { top: 3 });
const data = await readDataset('reviews.csv', { text: 'review', label: 'stars' });
const evaluation: Evaluation = await crossValidate(data, { ...svm, folds: 5, seed: 0 });
const clf = await train(data, { model: 'mlp', hidden: 64, vectors });
const predictions: Prediction[] = await clf.predict(['fine']);
const label: string | null = predictions[0].label;
try {
  vectors.similarity('cat', 'qqqzzz');
} catch (e) {
  if (e instanceof EmbError && e.code === 'E_OOV') console.log(e.message);
}
// What a gensim or scikit-learn user reaches for first.
let first = '';
for (const word of vectors.words()) {
  first = word;
  break;
}
const known: boolean = vectors.has('king');
const sentence: Float32Array = await vectors.sentenceVector('a witty film', { method: 'mean' });
const near: { word: string; score: number }[] = await vectors.similarByVector(sentence, { top: 10 });
const numeric = await train({ texts: ['good', 'bad', 'fine', 'awful'], labels: [1, 0, 1, 0] }, { model: 'svm' });
const custom = await train(data, { model: 'svm', tokenizer: (text: string) => text.split(' ') });
const meta: { kind: string; labels: readonly string[]; created: string } = clf.meta;
const why: Explanation = await numeric.explain('a superb phone', { top: 10 });
const strongest: DecisionTerm[] = await custom.topFeatures(custom.labels[0], 20);
using closing = await openVectors();
console.log(neighbours, evaluation.accuracy, label, wrong, first, known, near, meta, why, strongest, closing.size);
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        lib: ['ES2022', 'esnext.disposable'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: ['check.ts'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', project],
    {
      cwd: project,
      encoding: 'utf8',
    },
  );
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
