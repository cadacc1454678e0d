/**
 * A longer fuzz campaign than the test suite's, as whole processes, over everything a user can
 * hand emb:
 *
 *   vectors  mutated copies of every vector fixture format and of .emb (float32 and int8,
 *            checksums recomputed half the time), through convert, similar, analogy, info
 *   data     mutated CSV files, through train, compare and predict --input (--out too)
 *   models   damaged model folders (bytes of model.json or of the model's files mutated),
 *            through predict
 *   options  absurd option values for every command
 *
 * Counts runs by outcome:
 *
 *   clean error   exit 2, one line on stderr naming the file, no stack trace
 *   success       exit 0 (and a "wrote" or "saved" message only with the output really there)
 *   crash         any other exit code or a signal
 *   hang          no exit within 60 s
 *   stack trace   "    at " on stderr, or a failure that is not one "emb: " line
 *   leftover      a temporary file or folder left in the output folder
 *   false wrote   "wrote"/"saved" printed but no output there, or a failed run that says so
 *
 *   npm run build && node --import tsx bench/fuzz.ts [RUNS] [--target vectors|data|models|options]
 *   (default 5000 runs, shared between the targets)
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { mutate, mutations, reseal, smallFixtures } from '../test/support/mutate.js';
import { reviewsCsv } from '../test/support/reviews.js';

const BIN = fileURLToPath(new URL('../bin/emb.js', import.meta.url));
const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 5000);
const only = args.includes('--target') ? args[args.indexOf('--target') + 1] : undefined;
const dir = mkdtempSync(join(tmpdir(), 'emb-fuzz-bench-'));

type Outcome = 'clean error' | 'success' | 'crash' | 'hang';
type Problem = 'stack trace' | 'leftover' | 'false wrote';
type Counts = Record<'runs' | Outcome | Problem, number>;
const zero = (): Counts => ({
  runs: 0,
  'clean error': 0,
  success: 0,
  crash: 0,
  hang: 0,
  'stack trace': 0,
  leftover: 0,
  'false wrote': 0,
});
const counts: Record<string, Counts> = {};
const examples: string[] = [];

function emb(argv: string[], cwd: string, input = '') {
  return spawnSync(process.execPath, [BIN, ...argv], {
    cwd,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 1 << 28, // --top 999999999999 prints every word
    env: { ...process.env, EMB_QUIET: '1' },
  });
}

/** Runs one case in a fresh output folder and counts its outcome under `target`. */
function run(target: string, argv: string[], what: string, input?: string): void {
  const out = join(dir, 'out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  rmSync(join(dir, 'clean.model'), { recursive: true, force: true }); // train's default output
  const r = emb(
    argv.map((a) => a.replace('$OUT', out)),
    dir,
    input,
  );
  const c = (counts[target] ??= zero());
  c.runs++;
  const stderr = r.stderr ?? '';
  const outcome: Outcome =
    r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
      ? 'hang'
      : r.signal || (r.status !== 0 && r.status !== 2)
        ? 'crash'
        : r.status === 0
          ? 'success'
          : 'clean error';
  const problems: Problem[] = [];
  const claimed = /emb: wrote|^saved /m.test(stderr + (r.stdout ?? ''));
  const left = readdirSync(out);
  if (/\n\s+at /.test(stderr)) problems.push('stack trace');
  else if (outcome === 'clean error') {
    const lines = stderr.trim().split('\n');
    if (!lines.every((l) => l.startsWith('emb: ') || l.startsWith('\u001b')))
      problems.push('stack trace');
  }
  if (left.some((n) => n.includes('.tmp'))) problems.push('leftover');
  // What the message names must exist (train without --out saves next to the data).
  const named = /(?:emb: wrote|^saved) (.+?) \(|wrote \d+ answers to (.+)$/m.exec(
    stderr + (r.stdout ?? ''),
  );
  const written = named?.[1] ?? named?.[2];
  const there = written !== undefined ? existsSync(resolve(dir, written)) : left.length > 0;
  if (claimed && (r.status !== 0 || !there)) problems.push('false wrote');
  c[outcome]++;
  for (const p of problems) c[p]++;
  if (outcome === 'crash' || outcome === 'hang' || problems.length) {
    const example = `${target}: ${outcome} ${problems.join(',')}: emb ${argv.join(' ')} (${what})\n${stderr.slice(0, 400)}`;
    if (examples.length < 20) examples.push(example);
    process.stderr.write(`${example}\n`);
  }
  const total = Object.values(counts).reduce((a, x) => a + x.runs, 0);
  if (total % 100 === 0) process.stderr.write(`${JSON.stringify(counts)}\n`);
}

// --- vectors: mutated vector files -------------------------------------------------------
const fixtures = smallFixtures(dir);
const vectorActions = [
  (p: string) => ['convert', p, '$OUT/o.emb'],
  (p: string) => ['convert', p, '$OUT/o.txt'],
  (p: string) => ['convert', p, '$OUT/o.emb', '--quantize', 'int8'],
  (p: string) => ['similar', '--vectors', p, '--top', '999999999999', '--json'],
  (p: string) => ['analogy', '--vectors', p, '--method', '3cosmul', '--top', '3'],
  (p: string) => ['info', p, '--verify'],
];
const vectorCase = fc
  .tuple(
    fc.integer({ min: 0, max: fixtures.length - 1 }),
    mutations,
    fc.boolean(),
    fc.integer({ min: 0, max: vectorActions.length - 1 }),
  )
  .map(([f, ms, sealed, a]) => () => {
    const fixture = fixtures[f];
    let bytes = mutate(readFileSync(fixture.path), ms);
    if (sealed && fixture.name.endsWith('.emb')) bytes = reseal(bytes);
    const input = join(dir, `in-${fixture.name}`);
    writeFileSync(input, bytes);
    const what = `${fixture.name}, mutations ${JSON.stringify(ms)}, sealed ${sealed}`;
    run('vectors', vectorActions[a](input), what, 'the of\nfilm\nman king woman\n');
  });

// --- data and models: mutated CSVs and damaged model folders ------------------------------
// Words of the tiny fixture vectors, so the models train in milliseconds.
const TINY = `${fileURLToPath(new URL('../../shared/fixtures/', import.meta.url))}w2v_tiny.bin`;
const csv = Buffer.from(reviewsCsv(60, 5));
writeFileSync(join(dir, 'clean.csv'), csv);
const baseModels = ['svm', 'logreg', 'hybrid'].map((model) => {
  const out = join(dir, `base-${model}.model`);
  const r = emb(
    ['train', 'clean.csv', '--model', model, '--folds', '2', '--vectors', TINY, '--out', out],
    dir,
  );
  if (r.status !== 0) throw new Error(`could not train the ${model} model to damage: ${r.stderr}`);
  return out;
});
const dataActions = [
  (p: string) => ['train', p, '--model', 'svm', '--folds', '2', '--out', '$OUT/m.model'],
  (p: string) => [
    'train',
    p,
    '--model',
    'logreg',
    '--holdout',
    '0.3',
    '--vectors',
    TINY,
    '--out',
    '$OUT/m.model',
  ],
  (p: string) => [
    'compare',
    p,
    '--sizes',
    '20,all',
    '--repeats',
    '1',
    '--methods',
    'svm,nbsvm',
    '--out',
    '$OUT/report',
  ],
  (p: string) => ['predict', baseModels[0], '--input', p, '--json'],
  (p: string) => ['predict', baseModels[2], '--input', p, '--vectors', TINY, '--out', '$OUT/p.csv'],
];
const dataCase = fc
  .tuple(mutations, fc.integer({ min: 0, max: dataActions.length - 1 }))
  .map(([ms, a]) => () => {
    const input = join(dir, 'in.csv');
    writeFileSync(input, mutate(csv, ms));
    run('data', dataActions[a](input), `mutations ${JSON.stringify(ms)}`);
  });
const modelCase = fc
  .tuple(fc.integer({ min: 0, max: baseModels.length - 1 }), fc.nat(), mutations, fc.boolean())
  .map(([m, pick, ms, viaInput]) => () => {
    const damaged = join(dir, 'damaged.model');
    rmSync(damaged, { recursive: true, force: true });
    cpSync(baseModels[m], damaged, { recursive: true });
    const files = readdirSync(damaged).sort();
    const file = files[pick % files.length];
    writeFileSync(join(damaged, file), mutate(readFileSync(join(damaged, file)), ms));
    const texts = viaInput ? ['--input', 'clean.csv'] : ['a wonderful film', ''];
    run(
      'models',
      ['predict', damaged, ...texts, '--vectors', TINY, '--json'],
      `${file}, mutations ${JSON.stringify(ms)}`,
    );
  });

// --- options: absurd values -----------------------------------------------------------------
// (No NUL: an argument cannot carry one, so no user can pass it.)
const WEIRD = [
  '0',
  '-1',
  '1e308',
  'NaN',
  '',
  ' ',
  '999999999999',
  '2147483647',
  'x',
  '1,2,3',
  '\u001b[31m',
  '../..',
];
const commandOptions: [string[], string[]][] = [
  [
    ['similar', 'frog'],
    ['--top', '--vectors', '--encoding'],
  ],
  [
    ['analogy', 'king', '-', 'man', '+', 'woman'],
    ['--top', '--method', '--vectors'],
  ],
  [
    ['train', 'clean.csv', '--model', 'svm'],
    [
      '--folds',
      '--holdout',
      '--seed',
      '--ngrams',
      '-C',
      '--min-df',
      '--text',
      '--label',
      '--delimiter',
      '--encoding',
      '--tokenizer',
      '--stem',
      '--out',
    ],
  ],
  [
    ['compare', 'clean.csv', '--methods', 'svm', '--out', '$OUT/r'],
    ['--sizes', '--repeats', '--seed', '--test-fraction', '--methods'],
  ],
  [
    ['predict', '$MODEL', 'great film'],
    ['--backend', '--vectors', '--text', '--input'],
  ],
  [
    ['eval', 'similarity', 'clean.csv'],
    ['--restrict', '--vectors'],
  ],
  [
    ['convert', TINY, '$OUT/x.emb'],
    ['--to', '--from', '--quantize', '--encoding'],
  ],
];
const optionCase = fc
  .tuple(
    fc.integer({ min: 0, max: commandOptions.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...WEIRD)), { minLength: 1, maxLength: 3 }),
  )
  .map(([c, picks]) => () => {
    const [base, flags] = commandOptions[c];
    const argv = base.map((a) => (a === '$MODEL' ? baseModels[0] : a));
    for (const [f, value] of picks) argv.push(flags[f % flags.length], value);
    run('options', argv, 'absurd options');
  });

const targets: Record<string, fc.Arbitrary<() => void>> = {
  vectors: vectorCase,
  data: dataCase,
  models: modelCase,
  options: optionCase,
};
const chosen = only ? [targets[only]] : Object.values(targets);
if (chosen.some((t) => !t)) throw new Error(`--target: one of ${Object.keys(targets).join(', ')}`);

const started = Date.now();
fc.assert(
  fc.property(fc.oneof(...chosen), (one) => one()),
  { numRuns: runs, seed: 8 },
);
const seconds = (Date.now() - started) / 1000;
const all = zero();
for (const c of Object.values(counts))
  for (const k of Object.keys(all) as (keyof Counts)[]) all[k] += c[k];
console.log(JSON.stringify({ total: all, ...counts, seconds, load: loadavg()[0] }, null, 2));
for (const e of examples) console.log(`\n${e}`);
rmSync(dir, { recursive: true, force: true });
if (existsSync(dir)) process.exitCode = 1;
