/**
 * A longer fuzz campaign than the test suite's, as whole processes: mutated copies of every
 * vector fixture format and of .emb (float32 and int8, checksums recomputed half the time),
 * each run through `emb convert` (to .emb, text, or int8) or `emb similar` with stdin queries,
 * plus absurd options. Counts runs by outcome:
 *
 *   clean error   exit 2, one line on stderr naming the file, no stack trace
 *   success       exit 0 (and a "wrote" message only with the file really there)
 *   crash         any other exit code or a signal
 *   hang          no exit within 30 s
 *   stack trace   "    at " on stderr
 *   leftover      a temporary file left in the output folder
 *   false wrote   "wrote" printed but no output file, or a failed run that says "wrote"
 *
 *   npm run build && node --import tsx bench/fuzz-vectors.ts [RUNS]     (default 5000)
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { mutate, mutations, reseal, smallFixtures } from '../test/support/mutate.js';

const BIN = fileURLToPath(new URL('../bin/emb.js', import.meta.url));
const runs = Number(process.argv[2] ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'emb-fuzz-bench-'));
const fixtures = smallFixtures(dir);
const counts: Record<string, number> = {
  runs: 0,
  'clean error': 0,
  success: 0,
  crash: 0,
  hang: 0,
  'stack trace': 0,
  leftover: 0,
  'false wrote': 0,
};
const examples: string[] = [];
const actions = [
  (p: string, out: string) => ['convert', p, join(out, 'o.emb')],
  (p: string, out: string) => ['convert', p, join(out, 'o.txt')],
  (p: string, out: string) => ['convert', p, join(out, 'o.emb'), '--quantize', 'int8'],
  (p: string) => ['similar', '--vectors', p, '--top', '999999999999', '--json'],
  (p: string) => ['analogy', '--vectors', p, '--method', '3cosmul', '--top', '3'],
  (p: string) => ['info', p, '--verify'],
];

const started = Date.now();
fc.assert(
  fc.property(
    fc.integer({ min: 0, max: fixtures.length - 1 }),
    mutations,
    fc.boolean(),
    fc.integer({ min: 0, max: actions.length - 1 }),
    (f, ms, sealed, a) => {
      const fixture = fixtures[f];
      let bytes = mutate(readFileSync(fixture.path), ms);
      if (sealed && fixture.name.endsWith('.emb')) bytes = reseal(bytes);
      const input = join(dir, `in-${fixture.name}`);
      writeFileSync(input, bytes);
      const out = join(dir, 'out');
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      const args = actions[a](input, out);
      const r = spawnSync(process.execPath, [BIN, ...args], {
        input: 'the of\nfilm\nman king woman\n',
        encoding: 'utf8',
        timeout: 30_000,
        maxBuffer: 1 << 28, // --top 999999999999 prints every word
        env: { ...process.env, EMB_QUIET: '1' },
      });
      counts.runs++;
      const stderr = r.stderr ?? '';
      const wrote = /emb: wrote/.test(stderr);
      const outcome =
        r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
          ? 'hang'
          : r.signal || (r.status !== 0 && r.status !== 2)
            ? 'crash'
            : r.status === 0
              ? 'success'
              : 'clean error';
      const problems: string[] = [];
      if (/\n\s+at /.test(stderr)) problems.push('stack trace');
      if (readdirSync(out).some((n) => n.endsWith('.tmp'))) problems.push('leftover');
      if (wrote && (r.status !== 0 || readdirSync(out).length === 0)) problems.push('false wrote');
      if (outcome === 'clean error') {
        const lines = stderr.trim().split('\n');
        const oneLine =
          lines.length >= 1 && lines.every((l) => l.startsWith('emb: ') || l.startsWith('\u001b'));
        if (!oneLine) problems.push('stack trace');
      }
      counts[outcome]++;
      for (const p of problems) counts[p]++;
      if (outcome === 'crash' || outcome === 'hang' || problems.length) {
        const example = `${outcome} ${problems.join(',')}: emb ${args.join(' ')} (mutations ${JSON.stringify(ms)}, sealed ${sealed})\n${stderr.slice(0, 400)}`;
        if (examples.length < 10) examples.push(example);
        process.stderr.write(`${example}\n`);
      }
      // Counts so far, so that an interrupted campaign still reports.
      if (counts.runs % 100 === 0) process.stderr.write(`${JSON.stringify(counts)}\n`);
    },
  ),
  { numRuns: runs, seed: 8 },
);
const seconds = (Date.now() - started) / 1000;
console.log(JSON.stringify({ ...counts, seconds, load: loadavg()[0] }, null, 2));
for (const e of examples) console.log(`\n${e}`);
rmSync(dir, { recursive: true, force: true });
if (existsSync(dir)) process.exitCode = 1;
