/**
 * The main job on a real corpus of long texts (issue 20): `emb train` with the default model on
 * the SpamAssassin export (6,046 whole e-mails, 33 MB), against scikit-learn's TF-IDF +
 * LinearSVC 10-fold cross-validation plus the final fit and fastText supervised (one fit),
 * in the same run (bench/peers/corpus_sklearn.py); then the saved model folder, `emb predict
 * MODEL "text"` as a whole process, train and compare time on texts 1x, 2x and 4x as long, and
 * the accuracy of a model predicting with the f16 and int8 copies of its float32 vectors.
 *
 *   npm run build && flock /tmp/emb-bench.lock node --import tsx bench/corpus.ts [--parts list]
 *     [--scale-texts n]
 *
 * --parts picks any of train,predict,size,scale,quantize (default all); size trains the corpus
 * twice more, with --prune and with --max-terms 250000. --scale-texts makes the 1x/2x/4x
 * corpora from the first n texts of each class in proportion (default all 6,046). Everything
 * emb does here is a whole process (bin/emb.js under /usr/bin/time: wall time, CPU time and
 * peak RSS), as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { convertVectors } from '../src/api/convert.js';
import { defaultVectorsPath } from '../src/store/home.js';
import { loadClassifier, openVectors, readDataset, train } from '../src/index.js';
import { csvLine } from '../src/text/csv-line.js';
import { loadMR, loadSST2 } from '../test/support/datasets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/out/corpus/`;
const emb = `${root}bin/emb.js`;
const at = process.argv.indexOf('--parts');
const parts = new Set(
  (at > 0 ? process.argv[at + 1] : 'train,predict,size,scale,quantize')
    .split(',')
    .map((p) => p.trim()),
);
mkdirSync(out, { recursive: true });
const load = () => loadavg()[0].toFixed(1);

interface Timed {
  seconds: number;
  cpu: number;
  rssMiB: number;
  stdout: string;
  stderr: string;
}

/** A whole emb process under GNU time: wall and CPU seconds, peak RSS. */
function timed(args: string[], input?: string): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, emb, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 28,
    env: { ...process.env, EMB_QUIET: '1' },
  });
  const lines = r.stderr.trimEnd().split('\n');
  const [wall, user, sys, kb] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0) throw new Error(`emb ${args.join(' ')} failed: ${r.stderr}`);
  return {
    seconds: wall,
    cpu: user + sys,
    rssMiB: kb / 1024,
    stdout: r.stdout,
    stderr: lines.slice(0, -1).join('\n'),
  };
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((s, f) => s + statSync(`${dir}/${f}`).size, 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

const corpus = `${out}spam.csv`;
if (!existsSync(corpus)) timed(['datasets', 'export', 'spam-assassin', corpus]);

/** `emb train` on a CSV: the evaluation it prints, the time, the peak memory and the folder. */
function embTrain(csv: string, model: string, extra: string[] = []) {
  const run = timed(['train', csv, '--out', model, '--json', ...extra]);
  const e = JSON.parse(run.stdout) as { accuracy: number };
  return { ...run, accuracy: e.accuracy, bytes: folderBytes(model) };
}

interface Peer {
  sklearn: {
    cv_seconds: number;
    seconds: number;
    cpu: number;
    accuracy: number;
    peak_rss_mib: number;
  };
  fasttext?: { seconds: number; peak_rss_mib: number; model_mib: number };
}

function peer(csv: string, fasttext = true): Peer {
  const args = [
    `${root}bench/peers/corpus_sklearn.py`,
    csv,
    ...(fasttext ? [] : ['--no-fasttext']),
  ];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`the scikit-learn peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Peer;
}

const model = `${out}spam.model`;

if (parts.has('train')) {
  console.log(`## emb train on the SpamAssassin export (load average at start ${load()})\n`);
  const ours = embTrain(corpus, model);
  const theirs = peer(corpus);
  const sk = theirs.sklearn;
  console.log('| run | wall s | CPU s | peak RSS MiB | accuracy % (10-fold) | saved model MB |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| emb train (hybrid: CV + final model, saved) | ${ours.seconds.toFixed(1)} | ${ours.cpu.toFixed(1)} | ${ours.rssMiB.toFixed(0)} | ${(100 * ours.accuracy).toFixed(2)} | ${mb(ours.bytes)} |`,
  );
  console.log(
    `| scikit-learn TF-IDF + LinearSVC, 10-fold CV + final fit | ${sk.seconds.toFixed(1)} (CV ${sk.cv_seconds.toFixed(1)}) | ${sk.cpu.toFixed(1)} | ${sk.peak_rss_mib.toFixed(0)} | ${(100 * sk.accuracy).toFixed(2)} | |`,
  );
  if (theirs.fasttext)
    console.log(
      `| fastText supervised, bigrams, one fit on all texts | ${theirs.fasttext.seconds.toFixed(1)} | | ${theirs.fasttext.peak_rss_mib.toFixed(0)} | | ${theirs.fasttext.model_mib.toFixed(0)} MiB |`,
    );
  console.log(
    `\nemb / scikit-learn wall time: ${(ours.seconds / sk.seconds).toFixed(2)}x (target <= 0.5); peak RSS ${ours.rssMiB.toFixed(0)} MiB (target <= 1024); accuracy ${(100 * ours.accuracy).toFixed(2)}% (target >= 99.52); model ${mb(ours.bytes)} MB (target <= 5). Load average at the end ${load()}.\n`,
  );
}

if (parts.has('size')) {
  console.log(`## The saved model's size against accuracy (load ${load()})\n`);
  console.log('| flags | accuracy % (10-fold) | saved model MB | n-grams saved | wall s |');
  console.log('|---|---|---|---|---|');
  for (const flags of [[], ['--prune'], ['--max-terms', '250000']]) {
    const dir = `${out}spam${flags.join('')}.model`;
    const r = flags.length === 0 && existsSync(model) ? undefined : embTrain(corpus, dir, flags);
    if (!r) continue; // the default model: the first table
    const terms = (
      JSON.parse(readFileSync(`${dir}/model.json`, 'utf8')) as { saved: { terms: number } }
    ).saved.terms;
    console.log(
      `| ${flags.join(' ')} | ${(100 * r.accuracy).toFixed(2)} | ${mb(r.bytes)} | ${terms} | ${r.seconds.toFixed(1)} |`,
    );
  }
  console.log();
}

if (parts.has('predict')) {
  if (!existsSync(model)) embTrain(corpus, model);
  console.log(`## emb predict MODEL "text", whole process (median of 11; load ${load()})\n`);
  const node = median(
    Array.from({ length: 11 }, () => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return (performance.now() - t) / 1000;
    }),
  );
  const runs = Array.from({ length: 11 }, () => timed(['predict', model, 'WIN a FREE prize now']));
  const files = readdirSync(model)
    .map((f) => `${f} ${mb(statSync(`${model}/${f}`).size)}`)
    .join(', ');
  console.log(
    `emb predict: ${median(runs.map((r) => r.seconds)).toFixed(3)} s wall, ${median(runs.map((r) => r.cpu)).toFixed(3)} s CPU, ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB peak (target <= 0.35 s); node -e 0: ${node.toFixed(3)} s. Model folder ${mb(folderBytes(model))} MB: ${files}.\n`,
  );
}

if (parts.has('scale')) {
  // Texts k times as long: each text followed by the next k - 1 texts of its class (a
  // thread of mails), so that the vocabulary grows too, not only the counts.
  const all = await readDataset(corpus);
  const flag = process.argv.indexOf('--scale-texts');
  const n = flag > 0 ? Number(process.argv[flag + 1]) : all.texts.length;
  // The first texts of each class, in the corpus's proportions.
  const share = n / all.texts.length;
  const seen = new Map<string, number>();
  const pick = all.labels.map((l) => {
    const c = (seen.get(l) ?? 0) + 1;
    seen.set(l, c);
    return c <= Math.round(share * all.labels.filter((x) => x === l).length);
  });
  const data = {
    texts: all.texts.filter((_, i) => pick[i]),
    labels: all.labels.filter((_, i) => pick[i]),
  };
  const byClass = new Map<string, number[]>();
  data.labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]));
  console.log(
    `## Train and compare time against text length: ${data.texts.length} texts (load ${load()})\n`,
  );
  console.log(
    '| texts | MB | emb train wall s | CPU s | peak RSS MiB | accuracy % | emb compare wall s | CPU s | peak RSS MiB | scikit-learn CV + fit s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const k of [1, 2, 4]) {
    const csv = `${out}spam-${data.texts.length}-${k}x.csv`;
    if (!existsSync(csv)) {
      let text = csvLine(['text', 'label']);
      data.texts.forEach((_, i) => {
        const same = byClass.get(data.labels[i])!;
        const at = same.indexOf(i);
        const parts = Array.from({ length: k }, (_, j) => data.texts[same[(at + j) % same.length]]);
        text += csvLine([parts.join('\n\n'), data.labels[i]]);
      });
      writeFileSync(csv, text);
    }
    const t = embTrain(csv, `${out}spam-${k}x.model`);
    const c = timed([
      'compare',
      csv,
      '--sizes',
      '500,all',
      '--repeats',
      '1',
      '--out',
      `${out}report-${k}x`,
      '--force',
    ]);
    const p = peer(csv, false).sklearn;
    console.log(
      `| ${k}x | ${mb(statSync(csv).size)} | ${t.seconds.toFixed(1)} | ${t.cpu.toFixed(1)} | ${t.rssMiB.toFixed(0)} | ${(100 * t.accuracy).toFixed(2)} | ${c.seconds.toFixed(1)} | ${c.cpu.toFixed(1)} | ${c.rssMiB.toFixed(0)} | ${p.seconds.toFixed(1)} |`,
    );
  }
  console.log(`\nLoad average at the end ${load()}.\n`);
}

if (parts.has('quantize')) {
  // A model trained with the float32 vectors, predicting with their f16 and int8 copies.
  console.log(`## Predicting with compact copies of the vectors (load ${load()})\n`);
  const f32 = defaultVectorsPath();
  const copies: Record<string, string> = { f32 };
  for (const q of ['f16', 'int8'] as const) {
    copies[q] = `${out}glove-${q}.emb`;
    if (!existsSync(copies[q])) await convertVectors(f32, copies[q], { to: 'emb', quantize: q });
  }
  const sst = loadSST2('train');
  const sstTest = loadSST2('test');
  const mr = loadMR();
  const split = mr.texts.map((_, i) => i % 5 === 0);
  const sets = {
    'SST-2 (train -> test)': {
      train: { texts: sst.texts, labels: sst.labels.map((y) => sst.classes[y]) },
      test: { texts: sstTest.texts, labels: sstTest.labels.map((y) => sstTest.classes[y]) },
    },
    'MR (every fifth text held out)': {
      train: {
        texts: mr.texts.filter((_, i) => !split[i]),
        labels: mr.labels.filter((_, i) => !split[i]).map((y) => mr.classes[y]),
      },
      test: {
        texts: mr.texts.filter((_, i) => split[i]),
        labels: mr.labels.filter((_, i) => split[i]).map((y) => mr.classes[y]),
      },
    },
  };
  console.log('| set | model | float32 % | f16 % | int8 % | answers changed by f16 / int8 |');
  console.log('|---|---|---|---|---|---|');
  const vectors = await openVectors(f32);
  for (const [name, { train: data, test }] of Object.entries(sets)) {
    for (const kind of ['hybrid', 'logreg'] as const) {
      const dir = `${out}quantize-${kind}.model`;
      const clf = await train(data, { model: kind, seed: 0, vectors });
      await clf.save(dir);
      const acc: Record<string, number> = {};
      const labels: Record<string, (string | null)[]> = {};
      for (const [q, path] of Object.entries(copies)) {
        const c = await loadClassifier(dir, { vectors: path });
        labels[q] = (await c.predict(test.texts)).map((p) => p.label);
        acc[q] = labels[q].filter((l, i) => l === test.labels[i]).length / test.texts.length;
      }
      const changed = (q: string) => labels[q].filter((l, i) => l !== labels.f32[i]).length;
      console.log(
        `| ${name} | ${kind} | ${(100 * acc.f32).toFixed(2)} | ${(100 * acc.f16).toFixed(2)} | ${(100 * acc.int8).toFixed(2)} | ${changed('f16')} / ${changed('int8')} of ${test.texts.length} |`,
      );
    }
  }
  console.log();
}
