/**
 * Training through the library API against training through the command line, in the same
 * run: the same MR data, settings and seed, whole process either way (a Node program that
 * imports emb, reads the CSV, cross-validates, trains on all the data and saves the model,
 * against `emb train mr.csv --json`). The API must be no slower; both must give the same
 * evaluation.
 *
 *   npm run build && node --import tsx bench/api.ts [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadMR, toCsv } from '../test/support/datasets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/out/`;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

mkdirSync(out, { recursive: true });
const csv = `${out}mr.csv`;
if (!existsSync(csv)) writeFileSync(csv, toCsv(loadMR()));

// What a Node application writes: the docs/api.md calls, nothing else.
const program = `${out}train-api.mjs`;
writeFileSync(
  program,
  `import { crossValidate, readDataset, train } from '${root}dist/index.js';
const [model, file, dir] = process.argv.slice(2);
const data = await readDataset(file);
const evaluation = await crossValidate(data, { model, seed: 0 });
const clf = await train(data, { model, seed: 0 });
await clf.save(dir, { metrics: evaluation });
clf.dispose();
console.log(JSON.stringify(evaluation));
`,
);

function timed(args: string[]): { seconds: number; accuracy: number } {
  const started = performance.now();
  const stdout = execFileSync('node', args, {
    encoding: 'utf8',
    env: { ...process.env, EMB_QUIET: '1' },
  });
  return {
    seconds: (performance.now() - started) / 1000,
    accuracy: JSON.parse(stdout.trim().split('\n').pop()!).accuracy,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| model | CLI (s, median) | API (s, median) | API / CLI | same accuracy | target |');
console.log('|---|---|---|---|---|---|');
for (const model of ['svm', 'logreg', 'hybrid']) {
  const cli: number[] = [];
  const api: number[] = [];
  let same = true;
  for (let r = 0; r < runs; r++) {
    // Alternate the order so that drift in the machine's load falls on both.
    const a = timed([
      `${root}bin/emb.js`,
      'train',
      csv,
      '--model',
      model,
      '--json',
      '--out',
      `${out}cli.model`,
    ]);
    const b = timed([program, model, csv, `${out}api.model`]);
    cli.push(a.seconds);
    api.push(b.seconds);
    same &&= a.accuracy === b.accuracy;
  }
  const ratio = median(api) / median(cli);
  console.log(
    `| ${model} | ${median(cli).toFixed(2)} | ${median(api).toFixed(2)} | ${ratio.toFixed(2)}x | ${same ? 'yes' : 'NO'} | no slower: ${ratio <= 1 ? 'met' : 'MISSED'} |`,
  );
}
