/**
 * Intrinsic evaluation, emb against gensim 4.2 in the same run on the default GloVe 6B 100d
 * vectors: questions-words.txt at restrict 30000 (and 300000 with --full: gensim takes 5-10
 * minutes there), WordSim-353, and reading a fastText .bin (load_facebook_vectors).
 *
 *   node --import tsx bench/evaluate.ts [--full]      (writes bench/out/evaluate.json)
 *
 * Both sides are timed inside their process, vectors already loaded; each builds its question
 * vocabulary inside the timed call (ours on a freshly opened file, so nothing is cached).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { prepareDefault } from '../src/api/convert.js';
import { native } from '../src/native/addon.js';
import { readEmb } from '../src/formats/emb.js';
import { readFastTextBin } from '../src/formats/fasttext-bin.js';
import { writeVectors } from '../src/formats/index.js';
import { readAnalogySet } from '../src/query/analogy-set.js';
import { evaluateAnalogies, evaluatePairs } from '../src/query/evaluate.js';
import { readPairSet } from '../src/query/pair-set.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
const out = `${root}bench/out/`;
const python = '/usr/bin/python3';
const peer = `${root}bench/peers/evaluate_gensim.py`;
const questions = `${shared}data/analogy/questions-words.txt`;
const wordsim = `${shared}data/wordsim353/wordsim353.tsv`;
const fastTextModel = `${shared}fixtures/ft_tiny.bin`;
const full = process.argv.includes('--full');
const restricts = full ? [30000, 300000] : [30000];
mkdirSync(out, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (s: string) => process.stderr.write(`${s}\n`);
const seconds = (f: () => unknown) => {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
};

// gensim reads a word2vec binary export of the same vectors, in the same order.
const embPath = (await prepareDefault()).path;
const w2v = `${out}glove-6B-100d.w2v.bin`;
if (!existsSync(w2v)) {
  log('writing a word2vec binary export once...');
  writeVectors(readEmb(embPath), w2v, 'word2vec-binary');
}
const load = [loadavg()[0]];

// Ours: median of three runs, each on a freshly opened file.
const set = readAnalogySet(questions);
const ours = new Map<number, { seconds: number; correct: number; total: number }>();
for (const restrict of restricts) {
  log(`emb: analogies at restrict ${restrict}...`);
  let score = { correct: 0, total: 0 };
  const runs = Array.from({ length: 3 }, () => {
    const emb = readEmb(embPath);
    return seconds(() => (score = evaluateAnalogies(emb, set, { restrict })));
  });
  ours.set(restrict, { seconds: median(runs), correct: score.correct, total: score.total });
}
const pairs = readPairSet(wordsim);
let pairScore = evaluatePairs(readEmb(embPath), pairs);
const oursPairs = median(
  Array.from({ length: 5 }, () =>
    seconds(() => (pairScore = evaluatePairs(readEmb(embPath), pairs))),
  ),
);
readFastTextBin(fastTextModel);
const oursFastText = median(
  Array.from({ length: 5 }, () => seconds(() => readFastTextBin(fastTextModel))),
);

// gensim, in one process: load, each restrict, the pairs, the fastText model.
log(
  `gensim: analogies at restrict ${restricts.join(' and ')}${full ? ' (about 5-10 minutes)' : ''}...`,
);
const args = [
  peer,
  w2v,
  '--analogies',
  questions,
  ...restricts.flatMap((r) => ['--restrict', String(r)]),
  '--pairs',
  wordsim,
  '--fasttext',
  fastTextModel,
];
const reports = execFileSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24 })
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, number | string>);
load.push(loadavg()[0]);
const gensimAnalogy = (r: number) => reports.find((x) => x.task === 'analogy' && x.restrict === r)!;
const gensimPairs = reports.find((x) => x.task === 'pairs')!;
const gensimFastText = reports.find((x) => x.task === 'load-fasttext-bin')!;

const result = {
  machine: { cpus: cpus().length, loadAverage: load, native: !!native },
  analogies: restricts.map((restrict) => {
    const o = ours.get(restrict)!;
    const g = gensimAnalogy(restrict);
    return {
      restrict,
      emb: o,
      gensim: { seconds: g.seconds, correct: g.correct, total: g.total },
      speedup: (g.seconds as number) / o.seconds,
    };
  }),
  wordsim353: {
    emb: { seconds: oursPairs, spearman: pairScore.spearman },
    gensim: { seconds: gensimPairs.seconds, spearman: gensimPairs.spearman },
    speedup: (gensimPairs.seconds as number) / oursPairs,
  },
  fastTextBinLoad: {
    emb: oursFastText,
    gensim: gensimFastText.seconds,
    speedup: (gensimFastText.seconds as number) / oursFastText,
  },
};
writeFileSync(`${out}evaluate.json`, JSON.stringify(result, null, 2));

const f = (x: number | string, d = 2) => Number(x).toFixed(d);
const rows = result.analogies.map(
  (a) =>
    `| questions-words, restrict ${a.restrict} | ${f(a.emb.seconds, 2)} s (${a.emb.correct}/${a.emb.total}) | ${f(a.gensim.seconds, 1)} s (${a.gensim.correct}/${a.gensim.total}) | ${f(a.speedup, 1)}x faster |`,
);
console.log(`| task | emb | gensim 4.2 | ratio |
|---|---|---|---|
${rows.join('\n')}
| WordSim-353 pairs | ${f(oursPairs * 1000, 1)} ms (rho ${f(pairScore.spearman, 4)}) | ${f(Number(gensimPairs.seconds) * 1000, 1)} ms (rho ${f(gensimPairs.spearman, 4)}) | ${f(result.wordsim353.speedup, 1)}x faster |
| read fastText .bin (ft_tiny, 3.5 MB) | ${f(oursFastText * 1000, 1)} ms | ${f(Number(gensimFastText.seconds) * 1000, 1)} ms | ${f(result.fastTextBinLoad.speedup, 1)}x faster |
(load average ${load.map((x) => f(x, 1)).join(' -> ')} on ${result.machine.cpus} cores; native addon ${native ? 'on' : 'off'}${full ? '' : '; --full adds restrict 300000'})`);
