/**
 * Big vectors (issue 10), emb against gensim 4.2 and the physical floor (numpy's OpenBLAS
 * `matrix @ queries`, 256 queries at once) in the same run, on seeded synthetic word2vec
 * binaries of 1M and 2M x 300 (random normal floats, as in the issue), plus compact storage on
 * the default GloVe 6B 100d vectors (accuracy needs real vectors).
 *
 *   npm run build && node --import tsx bench/scale.ts [--sizes 1000000,2000000]
 *
 * Writes bench/out/scale.json and prints the tables of bench/README.md section 9. Needs about
 * 12 GB of free disk and 8 GB of memory (gensim loads 2M x 300 with its norms).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { prepareDefault } from '../src/api/convert.js';
import { native } from '../src/native/addon.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/out/`;
const python = '/usr/bin/python3';
const peer = `${root}bench/peers/scale_gensim.py`;
const EMB = [process.execPath, `${root}bin/emb.js`];
const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
mkdirSync(out, { recursive: true });
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('--sizes', '1000000,2000000').split(',').map(Number);
const log = (s: string) => process.stderr.write(`${s}\n`);
const MiB = (bytes: number) => bytes / 2 ** 20;
const load = () => loadavg()[0];

/** Wall time, peak RSS (GNU time) and output of a whole process. */
function run(cmd: string[], input?: string) {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 30,
    env: { ...process.env, EMB_QUIET: '1' },
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr}`);
  const rssMiB = Number(r.stderr.trim().split('\n').pop()) / 1024;
  return { seconds, rssMiB, stdout: r.stdout, load: load() };
}

/** Top-10 words per query from `emb similar --json` output. */
function answers(stdout: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of stdout.trim().split('\n')) {
    const d = JSON.parse(line);
    m.set(
      d.query,
      d.results.map((r: { word: string }) => r.word),
    );
  }
  return m;
}

function recall(exact: Map<string, string[]>, got: Map<string, string[]>): number {
  let hits = 0;
  let total = 0;
  for (const [q, words] of exact) {
    const g = new Set(got.get(q) ?? []);
    hits += words.filter((w) => g.has(w)).length;
    total += words.length;
  }
  return hits / total;
}

/** A seeded GloVe-style text file (n x dims, five decimals), for the text readers' memory. */
function textFile(path: string, n: number, dims: number): void {
  if (existsSync(path)) return;
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const fd = openSync(path, 'w');
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Array<string>(dims);
    for (let j = 0; j < dims; j++) v[j] = rnd().toFixed(5);
    rows.push(`t${i} ${v.join(' ')}`);
    if (rows.length === 10000) {
      writeSync(fd, rows.join('\n') + '\n');
      rows.length = 0;
    }
  }
  if (rows.length) writeSync(fd, rows.join('\n') + '\n');
  closeSync(fd);
}

const result: Record<string, unknown> = { native: !!native, cpus: 2 };
const tables: string[] = [];

for (const rows of sizes) {
  const tag = `${rows / 1e6}M`;
  const bin = `${out}scale-${tag}.bin`;
  if (!existsSync(bin)) {
    log(`generating ${bin} (seeded)...`);
    execFileSync(python, [peer, 'generate', bin, String(rows), '300', '7'], { stdio: 'inherit' });
  }
  const f32 = `${out}scale-${tag}.emb`;
  log(`${tag}: converting (word2vec binary reader)...`);
  rmSync(f32, { force: true });
  const conv = run([...EMB, 'convert', bin, f32]);
  const quant: Record<string, ReturnType<typeof run>> = {};
  for (const q of ['f16', 'int8']) {
    log(`${tag}: --quantize ${q} (the .emb reader, mapped)...`);
    const path = `${out}scale-${tag}-${q}.emb`;
    rmSync(path, { force: true });
    quant[q] = run([...EMB, 'convert', f32, path, '--quantize', q]);
  }
  // 400 query words spread over the vocabulary.
  const words = Array.from(
    { length: 400 },
    (_, i) => `w${Math.floor(((i * 7919) % 400) * (rows / 400))}`,
  );
  const wordsFile = `${out}scale-${tag}-words.txt`;
  writeFileSync(wordsFile, words.join('\n') + '\n');
  log(`${tag}: whole-process queries...`);
  const single = [0, 1, 2].map(() => run([...EMB, 'similar', words[0], '--vectors', f32]));
  const batched: Record<string, ReturnType<typeof run>> = {};
  for (const q of ['f32', 'f16', 'int8']) {
    const path = q === 'f32' ? f32 : `${out}scale-${tag}-${q}.emb`;
    run([...EMB, 'similar', '--vectors', path, '--json'], words.slice(0, 20).join('\n')); // page cache
    batched[q] = run([...EMB, 'similar', '--vectors', path, '--json'], words.join('\n') + '\n');
  }
  log(`${tag}: gensim (load, warm most_similar loop) and the sgemm floor...`);
  const g = JSON.parse(
    execFileSync(python, [peer, 'queries', bin, wordsFile], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  );
  const exact = answers(batched.f32.stdout);
  const gensimAgrees = words.filter(
    (w) => JSON.stringify(g.answers[w]) === JSON.stringify(exact.get(w)),
  ).length;
  const perQuery = (r: { seconds: number }) => (1000 * r.seconds) / 400;
  const entry = {
    rows,
    dims: 300,
    load: load(),
    convert: { seconds: conv.seconds, rssMiB: conv.rssMiB, gensimLoadSeconds: g.load_s },
    quantize: Object.fromEntries(
      Object.entries(quant).map(([k, v]) => [k, { seconds: v.seconds, rssMiB: v.rssMiB }]),
    ),
    sizesMiB: {
      bin: MiB(statSync(bin).size),
      f32: MiB(statSync(f32).size),
      f16: MiB(statSync(`${out}scale-${tag}-f16.emb`).size),
      int8: MiB(statSync(`${out}scale-${tag}-int8.emb`).size),
    },
    singleWholeProcessSeconds: single.map((r) => r.seconds).sort((a, b) => a - b)[1],
    batchedMsPerQuery: Object.fromEntries(
      Object.entries(batched).map(([k, v]) => [k, perQuery(v)]),
    ),
    batchedRssMiB: Object.fromEntries(Object.entries(batched).map(([k, v]) => [k, v.rssMiB])),
    gensim: {
      loopMsPerQuery: g.loop_ms_per_query,
      peakRssMiB: g.peak_rss_mib,
      sameTop10: gensimAgrees,
    },
    floorMsPerQuery: g.floor_ms_per_query,
    recall10: {
      f16: recall(exact, answers(batched.f16.stdout)),
      int8: recall(exact, answers(batched.int8.stdout)),
    },
  };
  result[tag] = entry;
  const b = entry.batchedMsPerQuery;
  const f = (x: number, d = 1) => x.toFixed(d);
  tables.push(`### ${tag} x 300 (load average ${f(entry.load)})

| task | emb | gensim 4.2 | floor (sgemm, 256 at once) | ratio |
|---|---|---|---|---|
| convert the word2vec binary (${f(entry.sizesMiB.bin, 0)} MiB) | ${f(conv.seconds)} s, peak RSS ${f(conv.rssMiB, 0)} MiB | load ${f(g.load_s)} s, peak RSS ${f(g.peak_rss_mib, 0)} MiB | | |
| --quantize f16 / int8 from the .emb | ${f(quant.f16.seconds)} s, ${f(quant.f16.rssMiB, 0)} MiB / ${f(quant.int8.seconds)} s, ${f(quant.int8.rssMiB, 0)} MiB | | | |
| whole-process \`emb similar\`, one query | ${f(entry.singleWholeProcessSeconds, 2)} s | | | |
| 400 queries, whole process, per query: float32 | ${f(b.f32)} ms | ${f(g.loop_ms_per_query)} ms (warm loop) | ${f(g.floor_ms_per_query)} ms | ${f(g.loop_ms_per_query / b.f32)}x gensim, ${f(b.f32 / g.floor_ms_per_query, 2)}x the floor |
| same, float16 file | ${f(b.f16)} ms | | | ${f(g.loop_ms_per_query / b.f16)}x gensim |
| same, int8 file | ${f(b.int8)} ms | | | ${f(g.loop_ms_per_query / b.int8)}x gensim |
| file size: .emb float32 / f16 / int8 | ${f(entry.sizesMiB.f32, 0)} / ${f(entry.sizesMiB.f16, 0)} / ${f(entry.sizesMiB.int8, 0)} MiB (int8 ${f(entry.sizesMiB.int8 / entry.sizesMiB.f32, 3)}x) | | | |
| recall@10 against float32, 400 queries: f16 / int8 | ${f(entry.recall10.f16, 4)} / ${f(entry.recall10.int8, 4)} | | | |
(gensim's top 10 equal to emb's float32 answers for ${gensimAgrees} of 400 queries; peak RSS of the 400-query runs: ${f(batched.f32.rssMiB, 0)} / ${f(batched.f16.rssMiB, 0)} / ${f(batched.int8.rssMiB, 0)} MiB, the mapped pages counted)`);
  writeFileSync(`${out}scale.json`, JSON.stringify(result, null, 2));
}

// Text readers at scale: a 1M x 100 GloVe-style file (the matrix alone is 381 MiB).
const text = `${out}scale-text-1M.txt`;
log('text reader: a 1M x 100 GloVe file...');
textFile(text, 1_000_000, 100);
const textConv = run([...EMB, 'convert', text, `${out}scale-text-1M.emb`]);
const textOut = run([...EMB, 'convert', `${out}scale-text-1M.emb`, `${out}scale-text-1M.bin`]);
result.textReader = {
  fileMiB: MiB(statSync(text).size),
  seconds: textConv.seconds,
  rssMiB: textConv.rssMiB,
  exportBinary: { seconds: textOut.seconds, rssMiB: textOut.rssMiB },
};

// Compact storage on real vectors: GloVe 6B 100d, accuracy and recall.
log('GloVe 6B 100d: compact storage accuracy...');
const glove = (await prepareDefault()).path;
const vocabWords = readFileSync(`${DATA}analogy/questions-words.txt`, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith(':'))
  .flatMap((l) => l.toLowerCase().split(' '));
const qwords = [...new Set(vocabWords)].slice(0, 400);
const gloveRows: Record<string, unknown> = {};
let exactGlove: Map<string, string[]> | undefined;
for (const q of ['f32', 'f16', 'int8']) {
  const path = q === 'f32' ? glove : `${out}glove-${q}.emb`;
  if (q !== 'f32') run([...EMB, 'convert', glove, path, '--quantize', q]);
  const analogy = JSON.parse(
    run([
      ...EMB,
      'eval',
      'analogy',
      `${DATA}analogy/questions-words.txt`,
      '--restrict',
      '30000',
      '--json',
      '--vectors',
      path,
    ]).stdout,
  );
  const ws = JSON.parse(
    run([
      ...EMB,
      'eval',
      'similarity',
      `${DATA}wordsim353/wordsim353.tsv`,
      '--json',
      '--vectors',
      path,
    ]).stdout,
  );
  const batch = run([...EMB, 'similar', '--vectors', path, '--json'], qwords.join('\n') + '\n');
  const got = answers(batch.stdout);
  exactGlove ??= got;
  gloveRows[q] = {
    MiB: MiB(statSync(path).size),
    analogy: analogy.accuracy,
    wordsim: ws.spearman,
    recall10: recall(exactGlove, got),
    msPerQuery: (1000 * batch.seconds) / qwords.length,
  };
}
result.glove = gloveRows;
result.finalLoad = load();
writeFileSync(`${out}scale.json`, JSON.stringify(result, null, 2));
const f = (x: number, d = 1) => x.toFixed(d);
type G = { MiB: number; analogy: number; wordsim: number; recall10: number; msPerQuery: number };
const gr = gloveRows as Record<string, G>;
console.log(tables.join('\n\n'));
const t = result.textReader as {
  fileMiB: number;
  seconds: number;
  rssMiB: number;
  exportBinary: { seconds: number; rssMiB: number };
};
console.log(
  `\nText reader, 1M x 100 GloVe text (${f(t.fileMiB, 0)} MiB): ${f(t.seconds)} s, peak RSS ${f(t.rssMiB, 0)} MiB; its .emb exported to word2vec binary: ${f(t.exportBinary.seconds)} s, ${f(t.exportBinary.rssMiB, 0)} MiB`,
);
console.log(`\n| GloVe 6B 100d | size | questions-words, restrict 30000 | WordSim-353 Spearman | recall@10 vs float32 (400 queries) | batched ms/query |
|---|---|---|---|---|---|
${['f32', 'f16', 'int8'].map((q) => `| ${q} | ${f(gr[q].MiB, 1)} MiB | ${f(gr[q].analogy, 4)} (${gr[q].analogy - gr.f32.analogy >= 0 ? '+' : ''}${f(gr[q].analogy - gr.f32.analogy, 4)}) | ${f(gr[q].wordsim, 4)} | ${f(gr[q].recall10, 4)} | ${f(gr[q].msPerQuery, 2)} |`).join('\n')}
(native addon ${native ? 'on' : 'off'}; load average ${f(result.finalLoad as number)} at the end)`);
