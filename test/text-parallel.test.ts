/**
 * Large text files are parsed on several threads: the result must be what one thread reads,
 * bit for bit, duplicates across the stretches dropped, and errors named at their exact line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Worker threads run compiled modules only: test the build (npm test builds first).
const dist = (path: string) =>
  import(fileURLToPath(new URL(`../dist/formats/${path}`, import.meta.url)));
const { readVectors } = (await dist('index.js')) as typeof import('../src/formats/index.js');
const { readLayout } = (await dist('text.js')) as typeof import('../src/formats/text.js');
const { readParallel } = (await dist(
  'text-parallel.js',
)) as typeof import('../src/formats/text-parallel.js');
import { Random } from '../src/random.js';
import type { Embeddings } from '../src/embeddings/embeddings.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-parallel-'));
const ROWS = 42000; // about 36 MB: above the 32 MB from which the reader uses threads
const DIMS = 100;

function bigGlove(name: string, edit?: (lines: string[]) => void): string {
  const rng = new Random(3);
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const values = Array.from({ length: DIMS }, () => (rng.next() * 2 - 1).toFixed(6));
    return `w${i} ${values.join(' ')}`;
  });
  edit?.(lines);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function sequential(path: string): Embeddings {
  process.env.EMB_NO_THREADS = '1';
  try {
    return readVectors(path).embeddings;
  } finally {
    delete process.env.EMB_NO_THREADS;
  }
}

test(
  'threads read exactly what one thread reads',
  { skip: availableParallelism() < 2 && 'one core' },
  () => {
    const path = bigGlove('big.txt');
    assert.equal(readParallel(readLayout(path, {}), {})?.rows, ROWS, 'the threads did the reading');
    const warnings: string[] = [];
    const threaded = readVectors(path, { warn: (w) => warnings.push(w) }).embeddings;
    const single = sequential(path);
    assert.equal(threaded.rows, ROWS);
    assert.deepEqual(threaded.vocab.words(), single.vocab.words());
    assert.ok(threaded.matrix.every((v, i) => Object.is(v, single.matrix[i])));
    assert.deepEqual(warnings, []);
  },
);

test(
  'a word repeated in a later stretch is dropped and counted, as in one pass',
  { skip: availableParallelism() < 2 && 'one core' },
  () => {
    const path = bigGlove('dups.txt', (lines) => {
      lines[ROWS - 1] = lines[5].replace(/^w5 /, 'w5 ');
      lines[ROWS - 2] = lines[ROWS - 3];
    });
    const warnings: string[] = [];
    const threaded = readVectors(path, { warn: (w) => warnings.push(w) }).embeddings;
    const single = sequential(path);
    assert.equal(threaded.rows, ROWS - 2);
    assert.deepEqual(threaded.vocab.words(), single.vocab.words());
    assert.ok(threaded.matrix.every((v, i) => Object.is(v, single.matrix[i])));
    assert.match(warnings.join('\n'), /2 duplicate words/);
  },
);

test('an error in a worker stretch is reported at its exact line', () => {
  const path = bigGlove('bad.txt', (lines) => {
    lines[ROWS - 10] = lines[ROWS - 10].replace(/ \S+$/, ' oops');
  });
  assert.throws(
    () => readVectors(path),
    new RegExp(`bad\\.txt: line ${ROWS - 9}: value ${DIMS} "oops" is not a number`),
  );
});
