/**
 * emb pretrain against gensim 4.2 Word2Vec(corpus_file=...) and fastText 0.9.2 in the same run,
 * on the same public corpus (bench/pretrain-corpus.ts, about 4.1M tokens) with the same
 * hyperparameters: 100 dims, window 5, 5 negatives, min-count 5, sample 1e-4, 5 epochs, 2
 * threads, lr 0.025 (CBOW 0.05).
 *
 *   npm run build && flock /tmp/emb-bench.lock node --import tsx bench/pretrain.ts [--quick]
 *
 * Prints the tables of bench/README.md ("Word vectors from your own text") and writes bench/out/pretrain/results.json:
 *   time: emb's whole process (reading, counting, training, writing) against gensim's training
 *     alone (build_vocab + train) and fastText's whole process; peak RSS of each;
 *   quality: WordSim-353 Spearman and questions-words accuracy (restrict 30000, 3CosAdd) of
 *     every model, all scored by emb's evaluator (gensim-exact, bench/README.md section 2);
 *     mean of 3 seeds for emb and gensim (--quick: 1);
 *   subwords: misspellings the corpus never has (two interior letters swapped) and where their
 *     word ranks among the neighbours of the subword vector, emb --subwords 3,6 beside fastText;
 *   adapting the bundled GloVe (--init bundled): analogy accuracy against the bundled 0.6567,
 *     new words, for several learning rates and warm-up epochs (the defaults were chosen here);
 *   classifiers: SMS spam (10-fold) and SST-2 (train/test) with the bundled vectors and with
 *     vectors adapted to each set's own texts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Embeddings } from '../src/embeddings/embeddings.js';
import { readVectors } from '../src/formats/index.js';
import { native } from '../src/native/addon.js';
import { readAnalogySet } from '../src/query/analogy-set.js';
import { evaluateAnalogies, evaluatePairs } from '../src/query/evaluate.js';
import { readPairSet } from '../src/query/pair-set.js';
import { loadSMS, loadSST2, toCsv, DATA } from '../test/support/datasets.js';
import { buildCorpus, CORPUS, OUT } from './pretrain-corpus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const emb = `${root}bin/emb.js`;
const python = '/usr/bin/python3';
const gensimPeer = `${root}bench/peers/pretrain_gensim.py`;
const quick = process.argv.includes('--quick');
const seeds = quick ? [1] : [1, 2, 3];
const models = join(OUT, 'models');
mkdirSync(models, { recursive: true });
const log = (s: string) => process.stderr.write(`${s}\n`);
const loads: number[] = [loadavg()[0]];

const H = { dims: 100, window: 5, negative: 5, minCount: 5, sample: 1e-4, epochs: 5, threads: 2 };

if (!existsSync(CORPUS)) log(`built ${JSON.stringify(await buildCorpus())}`);
const corpusTokens = readFileSync(CORPUS, 'utf8').split(/\s+/).filter(Boolean).length;

/**
 * A measurement kept beside its model (bench/out/pretrain/models/NAME.json), so that a run
 * stopped half-way (the machine is shared) resumes where it stopped; --fresh measures again.
 */
function cached<T>(name: string, measure: () => T): T {
  const file = join(models, `${name}.json`);
  if (existsSync(file) && !process.argv.includes('--fresh'))
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  const value = measure();
  writeFileSync(file, JSON.stringify(value));
  return value;
}

/** Runs a command under /usr/bin/time: wall seconds, peak RSS in MiB, stdout. */
function timed(cmd: string, args: string[]): { seconds: number; rssMiB: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, EMB_QUIET: '1' },
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const rss = /RSS (\d+)/.exec(r.stderr);
  return { seconds, rssMiB: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

/** The shared hyperparameters as flags: emb and the gensim peer spell them alike. */
function flags(threads: '--threads' | '--workers'): string[] {
  const { dims, window, negative, minCount, sample, epochs } = H;
  return [
    ...['--dims', dims, '--window', window, '--negative', negative, '--min-count', minCount],
    ...['--sample', sample, '--epochs', epochs, threads, H.threads],
  ].map(String);
}

function embPretrain(out: string, extra: string[]): { seconds: number; rssMiB: number } {
  const args = [emb, 'pretrain', CORPUS, '--out', out, ...flags('--threads'), ...extra];
  return timed(process.execPath, args);
}

function gensim(out: string, sg: boolean, seed: number, alpha: number) {
  const args = [gensimPeer, CORPUS, out, '--sg', sg ? '1' : '0', ...flags('--workers')];
  args.push('--alpha', String(alpha), '--seed', String(seed));
  const r = timed(python, args);
  const j = JSON.parse(r.stdout.trim()) as { vocab_seconds: number; train_seconds: number };
  return { seconds: r.seconds, training: j.vocab_seconds + j.train_seconds, rssMiB: r.rssMiB };
}

function fastText(out: string, method: 'skipgram' | 'cbow', subwords: boolean, lr: number) {
  return timed('/usr/bin/fasttext', [
    method,
    '-input',
    CORPUS,
    '-output',
    out,
    '-dim',
    String(H.dims),
    '-ws',
    String(H.window),
    '-neg',
    String(H.negative),
    '-minCount',
    String(H.minCount),
    '-t',
    String(H.sample),
    '-epoch',
    String(H.epochs),
    '-thread',
    String(H.threads),
    '-lr',
    String(lr),
    '-verbose',
    '0',
    ...(subwords ? ['-minn', '3', '-maxn', '6'] : ['-maxn', '0']),
  ]);
}

const questions = readAnalogySet(`${DATA}analogy/questions-words.txt`);
const wordsim = readPairSet(`${DATA}wordsim353/wordsim353.tsv`);
function quality(e: Embeddings) {
  const a = evaluateAnalogies(e, questions, { restrict: 30000, subwords: false });
  const p = evaluatePairs(e, wordsim, { subwords: false });
  return { analogy: a.accuracy ?? 0, analogyTotal: a.total, ws353: p.spearman ?? 0 };
}
const open = (path: string) => readVectors(path).embeddings;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

// ---- speed and quality: skip-gram and CBOW, emb and gensim, 3 seeds ----
const runs: Record<string, unknown>[] = [];
// CBOW, much cheaper, takes one seed (and runs last): the shared machine's day is short.
const speedAndQuality = (method: 'skipgram' | 'cbow') => {
  const alpha = method === 'cbow' ? 0.05 : 0.025;
  for (const seed of method === 'cbow' ? [1] : seeds) {
    log(`${method} seed ${seed}: emb...`);
    const ePath = join(models, `emb-${method}-${seed}.emb`);
    runs.push(
      cached(`emb-${method}-${seed}`, () => {
        const e = embPretrain(ePath, [
          '--method',
          method,
          '--seed',
          String(seed),
          '--lr',
          String(alpha),
        ]);
        return { tool: 'emb', method, seed, ...e, ...quality(open(ePath)), load: loadavg()[0] };
      }),
    );
    log(`${method} seed ${seed}: gensim...`);
    const gPath = join(models, `gensim-${method}-${seed}.bin`);
    runs.push(
      cached(`gensim-${method}-${seed}`, () => {
        const g = gensim(gPath, method === 'skipgram', seed, alpha);
        return { tool: 'gensim', method, seed, ...g, ...quality(open(gPath)), load: loadavg()[0] };
      }),
    );
    loads.push(loadavg()[0]);
  }
};
speedAndQuality('skipgram');

// ---- adapting the bundled GloVe ----
const bundledPath = `${process.env.EMB_HOME ?? `${root}embeddings`}/glove-6B-100d.emb`;
const bundled = quality(open(bundledPath));
const adapt: Record<string, unknown>[] = [];
const grid: [number, number][] = quick
  ? [[0.01, 1]]
  : [
      [0.025, 0],
      [0.01, 1],
      [0.005, 1],
    ];
for (const [lr, warmup] of grid) {
  log(`--init bundled, lr ${lr}, warm-up ${warmup}...`);
  const path = join(models, `adapt-${lr}-${warmup}.emb`);
  adapt.push(
    cached(`adapt-${lr}-${warmup}`, () => {
      const r = embPretrain(path, [
        '--init',
        'bundled',
        '--lr',
        String(lr),
        '--warmup-epochs',
        String(warmup),
        '--seed',
        '1',
      ]);
      const e = open(path);
      const record = (e.provenance as { pretrain?: { newWords: number } }).pretrain!;
      return {
        lr,
        warmup,
        ...r,
        ...quality(e),
        words: e.rows,
        newWords: record.newWords,
        load: loadavg()[0],
      };
    }),
  );
}
{
  log('--init bundled --freeze-init...');
  const path = join(models, 'adapt-frozen.emb');
  adapt.push(
    cached('adapt-frozen', () => {
      const r = embPretrain(path, ['--init', 'bundled', '--freeze-init', '--seed', '1']);
      const e = open(path);
      return {
        lr: 'default',
        warmup: 'frozen',
        ...r,
        ...quality(e),
        words: e.rows,
        newWords: (e.provenance as { pretrain?: { newWords: number } }).pretrain!.newWords,
        load: loadavg()[0],
      };
    }),
  );
}
loads.push(loadavg()[0]);

// ---- classifiers on vectors adapted to their own texts ----
function trainJson(args: string[]): { accuracy: number } {
  const outJson = execFileSync(process.execPath, [emb, 'train', ...args, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, EMB_QUIET: '1' },
    maxBuffer: 1 << 26,
  });
  return JSON.parse(outJson) as { accuracy: number };
}
const sets = [
  { name: 'SMS spam (10-fold CV)', data: loadSMS(), test: undefined },
  { name: 'SST-2 (train / test)', data: loadSST2('train'), test: loadSST2('test') },
];
const classify: Record<string, unknown>[] = [];
for (const s of sets) {
  const slug = s.name.split(' ')[0].toLowerCase();
  const csv = join(OUT, `${slug}.csv`);
  writeFileSync(csv, toCsv(s.data));
  const testArgs: string[] = [];
  if (s.test) {
    writeFileSync(join(OUT, `${slug}-test.csv`), toCsv(s.test));
    testArgs.push('--test', join(OUT, `${slug}-test.csv`));
  }
  const adapted = join(models, `${slug}-adapted.emb`);
  log(`${s.name}: adapting the bundled vectors to its texts...`);
  if (!existsSync(adapted))
    execFileSync(
      process.execPath,
      [
        emb,
        'pretrain',
        csv,
        '--out',
        adapted,
        '--init',
        'bundled',
        '--min-count',
        '2',
        '--seed',
        '1',
      ],
      { env: { ...process.env, EMB_QUIET: '1' } },
    );
  for (const model of ['logreg']) {
    log(`${s.name}: ${model}, bundled and adapted...`);
    classify.push(
      cached(`${slug}-${model}`, () => {
        const base = trainJson([
          csv,
          ...testArgs,
          '--model',
          model,
          '--out',
          join(models, `${slug}-${model}-b.model`),
        ]);
        const tuned = trainJson([
          csv,
          ...testArgs,
          '--model',
          model,
          '--vectors',
          adapted,
          '--out',
          join(models, `${slug}-${model}-a.model`),
        ]);
        return { set: s.name, model, bundled: base.accuracy, adapted: tuned.accuracy };
      }),
    );
  }
}
loads.push(loadavg()[0]);

// ---- fastText, with and without subwords; emb with subwords ----
log('fastText skipgram without subwords...');
runs.push(
  cached('fasttext-plain', () => ({
    tool: 'fasttext',
    method: 'skipgram',
    ...fastText(join(models, 'ft-plain'), 'skipgram', false, 0.025),
    ...quality(open(join(models, 'ft-plain.vec'))),
    load: loadavg()[0],
  })),
);
log('fastText skipgram with subwords 3-6...');
runs.push(
  cached('fasttext-sub', () => ({
    tool: 'fasttext',
    method: 'skipgram',
    subwords: true,
    ...fastText(join(models, 'ft-sub'), 'skipgram', true, 0.025),
    ...quality(open(join(models, 'ft-sub.vec'))),
    load: loadavg()[0],
  })),
);
log('emb skipgram with subwords 3-6...');
const eSubPath = join(models, 'emb-sub.emb');
runs.push(
  cached('emb-sub', () => ({
    tool: 'emb',
    method: 'skipgram',
    subwords: true,
    ...embPretrain(eSubPath, ['--subwords', '3,6', '--seed', '1', '--lr', '0.025']),
    ...quality(open(eSubPath)),
    load: loadavg()[0],
  })),
);
loads.push(loadavg()[0]);

speedAndQuality('cbow');

// ---- unseen misspellings: where does the word rank among the subword vector's neighbours? ----
function misspellings(vocab: Embeddings, n: number): { wrong: string; right: string }[] {
  const out: { wrong: string; right: string }[] = [];
  for (let i = 200; i < vocab.rows && out.length < n; i += 7) {
    const w = vocab.word(i);
    if (!/^[a-z]{7,}$/.test(w)) continue;
    const k = Math.floor(w.length / 2);
    const wrong = w.slice(0, k - 1) + w[k] + w[k - 1] + w.slice(k + 1);
    if (wrong !== w && vocab.vocab.index(wrong) < 0) out.push({ wrong, right: w });
  }
  return out;
}
function rankOf(e: Embeddings, wrong: string, right: string): number {
  const v = e.subwords!.vector(wrong)!;
  const target = e.lookup(right)!.row;
  const scale = e.scale;
  const m = e.matrix;
  const score = (r: number) => {
    let s = 0;
    for (let j = 0; j < e.dims; j++) s += v[j] * m[r * e.dims + j];
    return s * scale[r];
  };
  const t = score(target);
  let better = 0;
  for (let r = 0; r < e.rows; r++) if (r !== target && score(r) > t) better++;
  return better + 1;
}
const { readFastTextBin } = await import('../src/formats/fasttext-bin.js');
const embSub = open(eSubPath);
const ftSubModel = readFastTextBin(join(models, 'ft-sub.bin'));
const typos = misspellings(embSub, 200).filter((t) => ftSubModel.vocab.index(t.wrong) < 0);
const typoScore = (e: Embeddings) => {
  const ranks = typos.map((t) => rankOf(e, t.wrong, t.right)).sort((a, b) => a - b);
  return {
    top1: ranks.filter((r) => r === 1).length / ranks.length,
    top10: ranks.filter((r) => r <= 10).length / ranks.length,
    medianRank: ranks[Math.floor(ranks.length / 2)],
  };
};
const typoResults = {
  count: typos.length,
  examples: typos.slice(0, 5),
  emb: typoScore(embSub),
  fasttext: typoScore(ftSubModel),
};

const result = {
  machine: { cpus: cpus().length, loadAverage: loads, native: !!native },
  corpus: { path: CORPUS, tokens: corpusTokens, bytes: statSync(CORPUS).size },
  hyperparameters: H,
  runs,
  misspellings: typoResults,
  bundled,
  adapt,
  classify,
};
writeFileSync(join(OUT, 'results.json'), JSON.stringify(result, null, 2));

// ---- tables ----
const f = (x: number, d = 3) => x.toFixed(d);
const pick = (tool: string, method: string, subwords = false) =>
  runs.filter((r) => r.tool === tool && r.method === method && !!r.subwords === subwords) as {
    seconds: number;
    training?: number;
    rssMiB: number;
    analogy: number;
    ws353: number;
  }[];
const lines: string[] = [];
lines.push(
  `Corpus: ${corpusTokens.toLocaleString('en')} tokens; load average ${loads.map((x) => f(x, 1)).join(' -> ')}; native addon ${native ? 'on' : 'off'}.`,
);
lines.push('');
lines.push(
  '| method | emb whole process | gensim training alone (whole) | ratio | emb WS-353 / analogy | gensim WS-353 / analogy | emb peak RSS | gensim peak RSS |',
);
lines.push('|---|---|---|---|---|---|---|---|');
for (const method of ['skipgram', 'cbow']) {
  const e = pick('emb', method);
  const g = pick('gensim', method);
  lines.push(
    `| ${method} (${e.length} seed${e.length > 1 ? 's' : ''}) | ${f(mean(e.map((r) => r.seconds)), 1)} s | ${f(mean(g.map((r) => r.training!)), 1)} s (${f(mean(g.map((r) => r.seconds)), 1)} s) | ${f(mean(g.map((r) => r.training!)) / mean(e.map((r) => r.seconds)), 2)}x | ${f(mean(e.map((r) => r.ws353)))} / ${f(mean(e.map((r) => r.analogy)))} | ${f(mean(g.map((r) => r.ws353)))} / ${f(mean(g.map((r) => r.analogy)))} | ${f(mean(e.map((r) => r.rssMiB)), 0)} MiB | ${f(mean(g.map((r) => r.rssMiB)), 0)} MiB |`,
  );
}
lines.push('');
lines.push(
  '| skip-gram | emb whole process | fastText 0.9.2 whole process | ratio | emb WS-353 / analogy | fastText WS-353 / analogy | emb peak RSS | fastText peak RSS |',
);
lines.push('|---|---|---|---|---|---|---|---|');
const [ep] = pick('emb', 'skipgram');
const [fp] = pick('fasttext', 'skipgram');
const [es] = pick('emb', 'skipgram', true);
const [fs] = pick('fasttext', 'skipgram', true);
lines.push(
  `| no subwords (seed 1) | ${f(ep.seconds, 1)} s | ${f(fp.seconds, 1)} s | ${f(fp.seconds / ep.seconds, 2)}x | ${f(ep.ws353)} / ${f(ep.analogy)} | ${f(fp.ws353)} / ${f(fp.analogy)} | ${f(ep.rssMiB, 0)} MiB | ${f(fp.rssMiB, 0)} MiB |`,
);
lines.push(
  `| subwords 3-6, 2M buckets | ${f(es.seconds, 1)} s | ${f(fs.seconds, 1)} s | ${f(fs.seconds / es.seconds, 2)}x | ${f(es.ws353)} / ${f(es.analogy)} | ${f(fs.ws353)} / ${f(fs.analogy)} | ${f(es.rssMiB, 0)} MiB | ${f(fs.rssMiB, 0)} MiB |`,
);
lines.push('');
lines.push(
  `Unseen misspellings (${typos.length}, e.g. ${typos
    .slice(0, 3)
    .map((t) => `${t.wrong} for ${t.right}`)
    .join(
      ', ',
    )}): the word is the nearest neighbour of the misspelling's subword vector for emb ${f(typoResults.emb.top1 * 100, 1)}% (top 10: ${f(typoResults.emb.top10 * 100, 1)}%, median rank ${typoResults.emb.medianRank}), fastText ${f(typoResults.fasttext.top1 * 100, 1)}% (top 10: ${f(typoResults.fasttext.top10 * 100, 1)}%, median rank ${typoResults.fasttext.medianRank}).`,
);
lines.push('');
lines.push(
  `| --init bundled | lr | warm-up epochs | analogy (bundled ${f(bundled.analogy, 4)}) | WS-353 (bundled ${f(bundled.ws353, 4)}) | new words | whole process | peak RSS |`,
);
lines.push('|---|---|---|---|---|---|---|---|');
for (const a of adapt as {
  lr: number;
  warmup: number;
  analogy: number;
  ws353: number;
  newWords: number;
  seconds: number;
  rssMiB: number;
}[])
  lines.push(
    `| | ${a.lr} | ${a.warmup} | ${f(a.analogy, 4)} | ${f(a.ws353, 4)} | ${a.newWords} | ${f(a.seconds, 1)} s | ${f(a.rssMiB, 0)} MiB |`,
  );
lines.push('');
lines.push('| data set | model | bundled GloVe | adapted to its own texts |');
lines.push('|---|---|---|---|');
for (const c of classify as { set: string; model: string; bundled: number; adapted: number }[])
  lines.push(`| ${c.set} | ${c.model} | ${f(c.bundled * 100, 2)} | ${f(c.adapted * 100, 2)} |`);
console.log(lines.join('\n'));
