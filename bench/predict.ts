/**
 * emb predict on large inputs (issue 9): texts per second per core for the hybrid and logreg,
 * whole process (`emb predict` on a CSV file and on stdin lines, under /usr/bin/time -v for
 * CPU time and peak RSS) and in process (classifier.predictStream on texts in memory), at
 * several input sizes so that flat memory shows as equal peaks; then the largest input
 * sharded over two processes, checked byte for byte against one process (docs/scale.md).
 *
 *   npm run build && node --import tsx bench/predict.ts [--sizes 100000,300000,1000000] [--sharding]
 *
 * --sharding runs only the last part (on the largest size's input, made if missing).
 *
 * Models: trained on all of MR (seed 0). Inputs: MR's texts in a fixed shuffled order, each
 * with two words no other text has (a user name, a made-up word), as streams of real text
 * bring new tokens without end; CSV `id,text` with every text quoted, or one text per line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadClassifier, train } from '../src/index.js';
import { loadMR } from '../test/support/datasets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/out/predict/`;
const emb = `${root}bin/emb.js`;
const given = process.argv.indexOf('--sizes');
const sizes = (given > 0 ? process.argv[given + 1] : '100000,300000,1000000')
  .split(',')
  .map(Number);
const largest = sizes[sizes.length - 1];
const KINDS = ['logreg', 'hybrid'] as const;

mkdirSync(out, { recursive: true });
const mr = loadMR();
for (const model of KINDS) {
  if (existsSync(`${out}${model}.model`)) continue;
  const data = { texts: mr.texts, labels: mr.labels.map((y) => mr.classes[y]) };
  const clf = await train(data, { model, seed: 0 });
  await clf.save(`${out}${model}.model`);
  clf.dispose();
}

/** Text i of an input: an MR snippet in a fixed shuffled order, with two words of its own. */
const textOf = (i: number) =>
  `@user${i} ${mr.texts[(i * 7919) % mr.texts.length]} qz${((i * 2654435761) % 2 ** 32).toString(36)}`;

async function writeInput(path: string, rows: number, csv: boolean): Promise<void> {
  if (existsSync(path)) return;
  const file = createWriteStream(path);
  let buffer = csv ? 'id,text\n' : '';
  for (let i = 0; i < rows; i++) {
    buffer += csv ? `${i},"${textOf(i).replace(/"/g, '""')}"\n` : `${textOf(i)}\n`;
    if (buffer.length > 1 << 20) {
      if (!file.write(buffer)) await new Promise((r) => file.once('drain', () => r(undefined)));
      buffer = '';
    }
  }
  await new Promise((r) => file.end(buffer, () => r(undefined)));
}

interface Run {
  cpu: number;
  wall: number;
  rssMiB: number;
}

/** `node emb.js args` under /usr/bin/time -v, stdin from a file and stdout to one when given. */
function timed(args: string[], stdin?: string, stdout?: string): Run {
  const fds: (number | 'ignore')[] = [
    stdin ? openSync(stdin, 'r') : 'ignore',
    stdout ? openSync(stdout, 'w') : 'ignore',
  ];
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, emb, ...args], {
    stdio: [fds[0], fds[1], 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, EMB_QUIET: '1' },
  });
  for (const fd of fds) if (typeof fd === 'number') closeSync(fd);
  if (r.status !== 0) throw new Error(`emb ${args.join(' ')} failed: ${r.stderr}`);
  const field = (name: string) => r.stderr.match(new RegExp(`${name}: (.*)`))![1];
  const [m, s] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':');
  return {
    cpu: Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)')),
    wall: Number(m) * 60 + Number(s),
    rssMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
  };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`load average ${loadavg()[0].toFixed(1)}, ${cpus().length} cores`);
if (!process.argv.includes('--sharding')) await throughput();
await sharding();

/** Whole process at each size, then in process. */
async function throughput(): Promise<void> {
  console.log(
    '\n| model | input | rows | CPU s | wall s | texts/s per core (CPU) | texts/s (wall) | peak RSS MiB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const model of KINDS) {
    const one = timed(['predict', `${out}${model}.model`, 'a gorgeous, witty film']);
    console.log(
      `| ${model} | one text on the command line | 1 | ${one.cpu.toFixed(1)} | ${one.wall.toFixed(1)} | | | ${fmt(one.rssMiB)} |`,
    );
    for (const kind of ['csv', 'stdin'] as const) {
      for (const rows of sizes) {
        const input = `${out}input-${rows}.${kind === 'csv' ? 'csv' : 'txt'}`;
        await writeInput(input, rows, kind === 'csv');
        const dir = `${out}${model}.model`;
        const run =
          kind === 'csv'
            ? timed(['predict', dir, '--input', input, '--id', 'id', '--out', `${out}answers.csv`])
            : timed(['predict', dir, '--json'], input, `${out}answers.jsonl`);
        const label = kind === 'csv' ? 'CSV `--input --id --out`' : 'stdin lines `--json`';
        console.log(
          `| ${model} | ${label} | ${fmt(rows)} | ${run.cpu.toFixed(1)} | ${run.wall.toFixed(1)} | ${fmt(rows / run.cpu)} | ${fmt(rows / run.wall)} | ${fmt(run.rssMiB)} |`,
        );
      }
    }
  }

  // In process: the library alone, texts already in memory (no reading, parsing or writing).
  console.log('\n| model | in process | texts | texts/s per core (CPU) |');
  console.log('| --- | --- | --- | --- |');
  const texts = Array.from({ length: sizes[0] }, (_, i) => textOf(i));
  for (const model of KINDS) {
    const clf = await loadClassifier(`${out}${model}.model`);
    for (const [batchSize, n] of [
      [1, 2000],
      [1000, texts.length],
    ]) {
      const answer = async (k: number) => {
        let count = 0;
        for await (const p of clf.predictStream(texts.slice(0, k), { batchSize }))
          count += p ? 1 : 0;
        return count;
      };
      await answer(2000); // warm up
      const started = process.cpuUsage();
      const count = await answer(n);
      const used = process.cpuUsage(started);
      const seconds = (used.user + used.system) / 1e6;
      console.log(
        `| ${model} | predictStream, batches of ${batchSize} | ${fmt(count)} | ${fmt(count / seconds)} |`,
      );
    }
    clf.dispose();
  }
}

/** docs/scale.md: two processes over the halves of the stdin lines, concatenated, against one. */
async function sharding(): Promise<void> {
  const lines = `${out}input-${largest}.txt`;
  await writeInput(lines, largest, false);
  execFileSync('split', ['-n', 'l/2', '-d', lines, `${out}shard-`]);
  for (const model of KINDS) {
    const dir = `${out}${model}.model`;
    const one = timed(['predict', dir, '--json'], lines, `${out}one.jsonl`);
    // Both parts at once, each under /usr/bin/time for its own CPU time.
    const part = (k: string) =>
      `/usr/bin/time -f '%U %S %e %M' -o ${out}time-${k} node ${emb} predict ${dir} --json < ${out}shard-${k} > ${out}shard-${k}.jsonl`;
    const started = performance.now();
    execFileSync('sh', ['-c', `${part('00')} & ${part('01')}; wait`], {
      env: { ...process.env, EMB_QUIET: '1' },
    });
    const wall = (performance.now() - started) / 1000;
    const parts = ['00', '01'].map((k) => {
      const [user, sys, , rss] = readFileSync(`${out}time-${k}`, 'utf8')
        .trim()
        .split(' ')
        .map(Number);
      return `${(user + sys).toFixed(1)} s CPU, ${fmt(rss / 1024)} MiB`;
    });
    const two = Buffer.concat(['00', '01'].map((k) => readFileSync(`${out}shard-${k}.jsonl`)));
    const same = readFileSync(`${out}one.jsonl`).equals(two);
    console.log(
      `sharding ${fmt(largest)} lines, ${model}: one process ${one.wall.toFixed(1)} s wall, ${one.cpu.toFixed(1)} s CPU, ${fmt(one.rssMiB)} MiB; ` +
        `two at once ${wall.toFixed(1)} s wall (${parts.join('; ')}); outputs ${same ? 'identical' : 'DIFFERENT'} (${fmt(two.length)} bytes)`,
    );
  }
}
