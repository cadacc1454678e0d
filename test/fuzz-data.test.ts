/**
 * Fuzzing the inputs a user brings besides vector files: data files (CSV/TSV bytes mutated at
 * random) and model folders (model.json fields of the wrong type or value, files cut short or
 * grown). Every case must end in a result or an EmbError: never another exception, a crash or
 * a hang. A few hundred cases per run (bounded to seconds); bench/fuzz.ts runs thousands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EmbError, loadClassifier, openVectors, readDataset, train } from '../src/index.js';
import { emb } from './support/cli.js';
import { reviewsCsv } from './support/reviews.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-fuzz-data-'));
const vectors = await openVectors();

/** Resolves, or rejects with an EmbError; anything else fails the property. */
async function cleanly(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (e) {
    if (e instanceof EmbError) {
      assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
      return false;
    }
    throw e;
  }
}

/** Byte-level mutations of a file: overwrite, insert, delete, truncate; with CSV's own bytes. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.constantFrom(0x22, 0x2c, 0x3b, 0x09, 0x0a, 0x0d, 0x00, 0xff, 0xfe, 0xc3, 0x80, 0x20),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = out.length ? m.at % out.length : 0;
    if (m.kind === 'set' && out.length) out[at] = m.byte;
    if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    if (m.kind === 'delete')
      out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
    if (m.kind === 'truncate') out = out.subarray(0, at);
  }
  return out;
}

const csv = Buffer.from(reviewsCsv(40, 9));

test('mutated data files: readDataset and training answer or refuse with one EmbError line', async () => {
  let read = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
      const path = join(dir, 'mutated.csv');
      writeFileSync(path, mutate(csv, ms));
      const ok = await cleanly(async () => {
        const data = await readDataset(path);
        await train(data, { model: 'svm' });
      });
      if (ok) read++;
      else refused++;
    }),
    { numRuns: 300, seed: 1 },
  );
  // The property ran both ways: most mutations still train, some are refused.
  assert.ok(read > 0 && refused > 0, `trained ${read}, refused ${refused}`);
});

test('mutated data files through the CLI: exit 0 or 2, one line, no stack trace, no leftovers', () => {
  const samples = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 3 }), {
    numRuns: 12,
    seed: 2,
  });
  const work = mkdtempSync(join(dir, 'cli-'));
  samples.forEach((ms, k) => {
    writeFileSync(join(work, `d${k}.csv`), mutate(csv, ms));
    const r = emb(['train', `d${k}.csv`, '--model', 'svm', '--folds', '2'], { cwd: work });
    assert.ok(
      r.status === 0 || r.status === 2,
      `d${k}: exit ${r.status} ${r.signal ?? ''} ${r.stderr}`,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    if (r.status === 2) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
  assert.deepEqual(
    readdirSync(work).filter((f) => f.includes('.tmp')),
    [],
    'no temporary files left',
  );
});

test('damaged model folders: loadClassifier answers or refuses with an EmbError, never crashes', async () => {
  writeFileSync(join(dir, 'r.csv'), csv);
  const data = await readDataset(join(dir, 'r.csv'));
  const models: string[] = [];
  for (const model of ['svm', 'logreg', 'hybrid'] as const) {
    const clf = await train(data, { model, vectors });
    await clf.save(join(dir, `${model}.model`));
    clf.dispose();
    models.push(join(dir, `${model}.model`));
  }
  const weird = [
    null,
    0,
    -1,
    1.5,
    'x',
    '__proto__',
    'constructor',
    [],
    {},
    [null],
    ['a'],
    true,
    1e308,
  ];
  const fieldEdit = fc.record({
    path: fc.constantFrom(
      ['format'],
      ['formatVersion'],
      ['settings'],
      ['settings', 'model'],
      ['settings', 'ngrams'],
      ['settings', 'C'],
      ['settings', 'tokenizer'],
      ['labels'],
      ['tokenizer'],
      ['vectors'],
      ['vectors', 'fingerprint'],
      ['files'],
      ['saved'],
      ['saved', 'terms'],
      ['saved', 'ngrams'],
      ['saved', 'weighting'],
      ['saved', 'gamma'],
      ['saved', 'format'],
      ['metrics'],
    ),
    value: fc.constantFrom(...weird, undefined),
  });
  const fileEdit = fc.record({
    kind: fc.constantFrom('truncate', 'grow', 'remove', 'null-json'),
    pick: fc.nat(),
  });
  let loaded = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: models.length - 1 }),
      fc.array(fieldEdit, { maxLength: 2 }),
      fc.option(fileEdit),
      async (which, edits, fileChange) => {
        const copy = join(dir, 'damaged.model');
        rmSync(copy, { recursive: true, force: true });
        cpSync(models[which], copy, { recursive: true });
        const meta = JSON.parse(readFileSync(join(copy, 'model.json'), 'utf8'));
        for (const { path, value } of edits) {
          let at = meta;
          for (const key of path.slice(0, -1)) at = at?.[key];
          if (at && typeof at === 'object') at[path[path.length - 1]] = value;
        }
        writeFileSync(join(copy, 'model.json'), JSON.stringify(meta));
        if (fileChange) {
          const files = readdirSync(copy);
          const file = join(copy, files[fileChange.pick % files.length]);
          if (fileChange.kind === 'truncate') truncateSync(file, 3);
          if (fileChange.kind === 'grow') appendFileSync(file, 'xx');
          if (fileChange.kind === 'remove') rmSync(file);
          if (fileChange.kind === 'null-json') writeFileSync(file, 'null');
        }
        const ok = await cleanly(async () => {
          const clf = await loadClassifier(copy, { vectors });
          const [p] = await clf.predict(['a wonderful film']);
          assert.ok(p.label === null || clf.labels.includes(p.label));
          clf.dispose();
        });
        if (ok) loaded++;
        else refused++;
      },
    ),
    { numRuns: 250, seed: 3 },
  );
  assert.ok(loaded > 0 && refused > 0, `loaded ${loaded}, refused ${refused}`);
});
