/**
 * Word vectors, emb against gensim 4.2 in the same run on the default GloVe 6B 100d vectors:
 * reading the GloVe text file, a whole `emb analogy` process against a gensim script that
 * memory-maps its own format, warm top-10 neighbour queries, and memory.
 *
 *   npm run build && node --import tsx bench/vectors.ts    (writes bench/out/vectors.json)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prepareDefault } from '../src/api/convert.js';
import { readVectors, writeVectors } from '../src/formats/index.js';
import { cosAdd } from '../src/query/queries.js';
import { native } from '../src/native/addon.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/out/`;
const python = '/usr/bin/python3';
const peer = `${root}bench/peers/vectors_gensim.py`;
mkdirSync(out, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (s: string) => process.stderr.write(`${s}\n`);

// Inputs: the .emb, a GloVe text export of the same vectors, gensim's own format.
const emb = (await prepareDefault()).path;
const gloveText = `${out}glove.6B.100d.txt`;
const kv = `${out}glove.6B.100d.kv`;
if (!existsSync(gloveText)) {
  log('writing the GloVe text file once...');
  writeVectors(readVectors(emb).embeddings, gloveText, 'glove-text');
}
if (!existsSync(kv)) {
  log("converting to gensim's format once...");
  execFileSync(python, [peer, 'prepare', gloveText, kv], { stdio: 'inherit' });
}

/** Wall time (s) and peak RSS (MiB) of a whole process, via GNU time. */
function measureProcess(cmd: string[]): { seconds: number; rssMiB: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr}`);
  const rssKiB = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMiB: rssKiB / 1024, stdout: r.stdout };
}

function repeat(cmd: string[], n: number) {
  measureProcess(cmd); // warm the page cache
  const runs = Array.from({ length: n }, () => measureProcess(cmd));
  return {
    seconds: median(runs.map((r) => r.seconds)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
    first: runs[0].stdout.split('\n')[0],
  };
}

// 1. Whole process: one analogy from the memory-mapped file.
log('whole-process analogy...');
const ours = repeat(
  [process.execPath, `${root}bin/emb.js`, 'analogy', 'king', '-', 'man', '+', 'woman'],
  15,
);
const theirs = repeat([python, peer, 'analogy', kv], 15);

// 2. Warm top-10 neighbours for 200 frequent words.
log('warm similar...');
const { embeddings } = readVectors(emb);
const words = Array.from({ length: 200 }, (_, i) => embeddings.word(1000 + i * 7));
writeFileSync(`${out}words.txt`, words.join('\n'));
const rssBefore = rssAnon();
cosAdd(embeddings, [{ word: words[0], weight: 1 }], { top: 10 });
const times = words.map((word) => {
  const t = performance.now();
  cosAdd(embeddings, [{ word, weight: 1 }], { top: 10 });
  return performance.now() - t;
});
const oursSimilar = median(times);
const theirsSimilar = JSON.parse(
  execFileSync(python, [peer, 'similar', kv, `${out}words.txt`], { encoding: 'utf8' }),
).median_ms as number;
const anonGrowthMiB = (rssAnon() - rssBefore) / 1024;

// 3. Reading the GloVe text file.
log('reading the GloVe text file (gensim takes about 25 s)...');
// The compiled reader, as the CLI runs it (worker threads load compiled modules only), in a
// fresh process each time; the median of three.
const readOnce = `const { readVectors } = await import(${JSON.stringify(`${root}dist/formats/index.js`)});
const t = performance.now(); const e = readVectors(${JSON.stringify(gloveText)}).embeddings;
console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, words: e.rows }));`;
const reads = Array.from({ length: 3 }, () =>
  JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', readOnce], { encoding: 'utf8' }),
  ),
);
const parsed = { rows: reads[0].words as number };
const oursText = median(reads.map((r) => r.seconds as number));
const theirsText = JSON.parse(
  execFileSync(python, [peer, 'load-text', gloveText], { encoding: 'utf8' }),
).seconds as number;

// 4. Opening the .emb: what it costs, and that it copies nothing.
const t = performance.now();
const opened = readVectors(emb).embeddings;
const openMs = performance.now() - t;

function rssAnon(): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const result = {
  machine: {
    cpus: (await import('node:os')).cpus().length,
    load: (await import('node:os')).loadavg()[0],
    native: !!native,
  },
  wholeProcessAnalogy: { emb: ours, gensim: theirs, speedup: theirs.seconds / ours.seconds },
  warmSimilarTop10Ms: {
    emb: oursSimilar,
    gensim: theirsSimilar,
    speedup: theirsSimilar / oursSimilar,
  },
  readGloveText: {
    emb: oursText,
    gensim: theirsText,
    speedup: theirsText / oursText,
    words: parsed.rows,
  },
  openEmb: {
    ms: openMs,
    words: opened.rows,
    anonymousMemoryGrowthDuringQueriesMiB: anonGrowthMiB,
    fileMiB: readFileSync(emb).length / 2 ** 20,
  },
};
writeFileSync(`${out}vectors.json`, JSON.stringify(result, null, 2));
const f = (x: number, d = 2) => x.toFixed(d);
console.log(`| task | emb | gensim 4.2 | ratio |
|---|---|---|---|
| whole process: \`emb analogy king - man + woman\` (mmap) | ${f(ours.seconds, 3)} s, ${f(ours.rssMiB, 0)} MiB peak | ${f(theirs.seconds, 3)} s, ${f(theirs.rssMiB, 0)} MiB peak | ${f(result.wholeProcessAnalogy.speedup, 1)}x faster |
| warm \`similar\` top-10, median of 200 | ${f(oursSimilar, 1)} ms | ${f(theirsSimilar, 1)} ms | ${f(result.warmSimilarTop10Ms.speedup, 1)}x faster |
| read GloVe text (296 MB) | ${f(oursText, 2)} s | ${f(theirsText, 1)} s | ${f(result.readGloveText.speedup, 1)}x faster |
| open the .emb | ${f(openMs, 1)} ms, ${f(anonGrowthMiB, 1)} MiB anonymous memory after 200 queries (file ${f(result.openEmb.fileMiB, 0)} MiB) | | |
(first answer: emb "${ours.first}", gensim "${theirs.first}"; load average ${f(result.machine.load, 1)} on ${result.machine.cpus} cores; native addon ${native ? 'on' : 'off'})`);
