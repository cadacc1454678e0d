/**
 * `emb compare` on imbalanced data (issue 16): MR and SST-2 with 5% positive texts, built from
 * the public sets with a fixed seed, compared with the default metric (macro-F1 for such data)
 * and with --class-weight balanced, each run printing the report's recommendation and its
 * figures at every size (the metric, accuracy and the positive class's recall).
 *
 *   npm run build && flock /tmp/emb-bench.lock node --import tsx bench/compare-imbalanced.ts
 *     [--sets MR,SST-2] [--args "--sizes 50,200,all"]
 *
 * MR: every negative sentence (5,331) and 281 positive ones drawn with seed 16, tested on
 * compare's stratified 20%. SST-2: every negative training sentence (3,310) and 174 positive
 * ones (seed 16), tested on its test set made the same way (912 negative, 48 positive).
 *
 * `--sets MR-all,SST-2-all` runs the balanced sets as bench/README.md section 5c did (every
 * text; the default metric is then accuracy), printing the recommendation and the mean and
 * spread of accuracy at every size, to check that nothing there moved.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CompareReport } from '../src/experiments/report.js';
import { decodeLabels } from '../src/experiments/stats.js';
import { scorer } from '../src/models/metric.js';
import { loadMR, loadSST2, toCsv, withMinority } from '../test/support/datasets.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const sets = arg('--sets', 'MR,SST-2').split(',');
const extra = arg('--args', '').split(' ').filter(Boolean);
const out = fileURLToPath(new URL('out/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/emb.js', import.meta.url));
mkdirSync(out, { recursive: true });

const SHARE = 0.05;
const SEED = 16;

/** The data file and the compare arguments that test on the right texts. */
function prepare(name: string): string[] {
  if (name === 'MR-all') {
    writeFileSync(`${out}mr.csv`, toCsv(loadMR()));
    return [`${out}mr.csv`];
  }
  if (name === 'SST-2-all') {
    writeFileSync(`${out}sst-train.csv`, toCsv(loadSST2('train')));
    writeFileSync(`${out}sst-test.csv`, toCsv(loadSST2('test')));
    return [`${out}sst-train.csv`, '--test', `${out}sst-test.csv`];
  }
  if (name === 'MR') {
    writeFileSync(`${out}mr-5pct.csv`, toCsv(withMinority(loadMR(), 'pos', SHARE, SEED)));
    return [`${out}mr-5pct.csv`];
  }
  const train = withMinority(loadSST2('train'), 'positive', SHARE, SEED);
  const test = withMinority(loadSST2('test'), 'positive', SHARE, SEED);
  writeFileSync(`${out}sst-5pct-train.csv`, toCsv(train));
  writeFileSync(`${out}sst-5pct-test.csv`, toCsv(test));
  return [`${out}sst-5pct-train.csv`, '--test', `${out}sst-5pct-test.csv`];
}

const pct = (x: number) => (100 * x).toFixed(1);

function summary(report: CompareReport, minority: string): void {
  const { classes, testSize } = report.data;
  const truth = decodeLabels(report.data.testLabels, testSize, classes.length, 'testLabels');
  const recall = scorer(`recall:${minority}`, classes);
  console.log(`  ${report.recommendation.sentence}`);
  console.log(
    `  metric: ${report.settings.metric.name} (${report.settings.metric.why ?? 'given'})`,
  );
  console.log(
    `  | n | ${report.curves.map((c) => c.method).join(' | ')} | majority |  (metric / accuracy / recall of ${minority}, %)`,
  );
  report.curves[0].points.forEach((p, i) => {
    const cell = (q: (typeof report.curves)[0]['points'][0]) => {
      const r = q.predicted.map((s) =>
        recall(truth, decodeLabels(s, testSize, classes.length, 'predicted')),
      );
      return `${pct(q.score)} / ${pct(q.mean)} / ${pct(r.reduce((a, b) => a + b, 0) / r.length)}`;
    };
    console.log(
      `  | ${p.size} | ${report.curves.map((c) => cell(c.points[i])).join(' | ')} | ${cell(report.majority.points[i])} |`,
    );
  });
  const t = report.transfer;
  if (t)
    console.log(
      `  transfer: ${t.sizes.map((s) => `n=${s.size} ${s.answer} (${s.difference >= 0 ? '+' : ''}${pct(s.difference)}, p=${s.pValue.toFixed(3)})`).join('; ')}`,
    );
}

/** Section 5c's figures: the recommendation, accuracy's mean ± std and the paired tests. */
function balanced(report: CompareReport): void {
  console.log(`  ${report.recommendation.sentence}`);
  console.log(`  metric: ${report.settings.metric.name}`);
  console.log(`  | n | ${report.curves.map((c) => c.method).join(' | ')} |`);
  report.curves[0].points.forEach((p, i) => {
    const cells = report.curves.map((c) => `${pct(c.points[i].mean)} ± ${pct(c.points[i].std)}`);
    console.log(`  | ${p.size} | ${cells.join(' | ')} |`);
  });
  for (const s of report.transfer?.sizes ?? [])
    console.log(
      `  | ${s.size} | ${s.vectors} ${pct(s.vectorsScore)} | ${s.bagOfWords} ${pct(s.bagOfWordsScore)} | ${s.difference >= 0 ? '+' : ''}${pct(s.difference)} | p = ${s.pValue.toFixed(3)} | ${s.wins} of ${s.runs} | ${s.answer} |`,
    );
}

/** Runs `emb compare` into bench/out/DIR, says how long it took, and reads its report.json. */
function run(name: string, dir: string, args: string[]): CompareReport {
  const full = ['compare', ...args, ...extra, '--out', `${out}${dir}`, '--force'];
  const load = loadavg().map((x) => x.toFixed(1));
  const started = performance.now();
  execFileSync(process.execPath, [bin, ...full], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${name}, emb ${full.join(' ').replaceAll(out, 'bench/out/')}`);
  console.log(`  ${seconds.toFixed(0)} s, load average ${load.join(' ')}`);
  return JSON.parse(readFileSync(`${out}${dir}/report.json`, 'utf8')) as CompareReport;
}

for (const name of sets) {
  const data = prepare(name);
  if (name.endsWith('-all')) balanced(run(name, name.toLowerCase(), data));
  else
    for (const weights of [[], ['--class-weight', 'balanced']]) {
      const dir = `${name.toLowerCase()}-5pct${weights.length ? '-balanced' : ''}`;
      summary(run(name, dir, [...data, ...weights]), name === 'MR' ? 'pos' : 'positive');
    }
}
