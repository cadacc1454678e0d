/**
 * Byte-level mutation fuzzing of every vector format the fixtures have, and of .emb (with and
 * without its checksums recomputed, so the structural checks are reached too): a mutated file
 * is either read (and then answers a query) or refused with an EmbError, never anything else.
 * Bounded to about 20 seconds; bench/fuzz.ts runs longer, as whole processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EmbError } from '../src/errors.js';
import { convertVectorsSync as convertVectors, readVectors } from '../src/formats/index.js';
import { cosAdd } from '../src/query/queries.js';
import { answerBatch } from '../src/query/batch.js';
import { mutate, mutations, reseal, smallFixtures } from './support/mutate.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-fuzz-'));
const fixtures = smallFixtures(dir);
// fastText's .bin (2.6 MB, 15k words) takes longest per run: it gets a larger share.
const seconds = (name: string) => (name === 'ft.bin' ? 6 : 14 / (fixtures.length - 1));

for (const fixture of fixtures) {
  test(
    `mutated ${fixture.name}: read or refused with an EmbError, nothing else`,
    { timeout: 120_000 },
    (t) => {
      const original = readFileSync(fixture.path);
      let read = 0;
      let refused = 0;
      // Refusals other than a checksum mismatch: the structural checks behind the checksums.
      let structural = 0;
      fc.assert(
        fc.property(mutations, fc.boolean(), (ms, sealed) => {
          let bytes = mutate(original, ms);
          if (sealed && fixture.name.endsWith('.emb')) bytes = reseal(bytes);
          const path = join(dir, `m-${fixture.name}`);
          writeFileSync(path, bytes);
          try {
            const { embeddings: e } = readVectors(path);
            cosAdd(e, [{ word: e.word(0), weight: 1 }], { top: 5 });
            answerBatch(
              e,
              [[{ word: e.word(e.rows - 1), weight: 1 }], [{ word: 'zzqx', weight: 1 }]],
              {
                top: 3,
                method: '3cosmul',
              },
            );
            const out = join(dir, 'out.emb');
            convertVectors(path, out, { to: 'emb', quantize: e.subwords ? undefined : 'int8' });
            rmSync(out);
            read++;
          } catch (e) {
            if (!(e instanceof EmbError)) throw e;
            assert.doesNotMatch(e.message, /\n/, 'one line');
            refused++;
            if (!/checksum/.test(e.message)) structural++;
          }
        }),
        { numRuns: 100000, interruptAfterTimeLimit: seconds(fixture.name) * 1000, seed: 42 },
      );
      const counts = `${read} read, ${refused} refused (${structural} not by a checksum)`;
      t.diagnostic(counts);
      assert.ok(read + refused >= 5, counts);
      assert.ok(structural > 0, counts);
    },
  );
}
