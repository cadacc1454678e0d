/**
 * One 10-fold MR run of the bag-of-words baselines (ANCHORS.md section 2), ours and then
 * scikit-learn's (bench/peers/baseline_sklearn.py, /usr/bin/python3) back to back in the same
 * run, so the ratio holds on a shared machine. Our time covers tokenizing every sentence once
 * and, per fold, fitting the vocabulary, building the features, training and predicting; the
 * peer's covers the same per fold (its vectorizer tokenizes inside each fold).
 *
 *   node --import tsx bench/baseline.ts [--python /usr/bin/python3]
 *
 * scikit-learn's LinearSVC stops at tol 1e-4 where LIBLINEAR (and our default) stops at 0.1;
 * the extra "eps 1e-4" rows run ours at scikit-learn's tolerance. The folds differ (ours come
 * from src/experiments/splits.ts); the column "on sklearn folds" scores ours, untimed, on the
 * peer's own folds, which isolates the implementations from the split.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../src/experiments/metrics.js';
import { stratifiedKFold, type Fold } from '../src/text/splits.js';
import { nbsvm } from '../src/models/kinds/nbsvm.js';
import { svm } from '../src/models/kinds/svm.js';
import { argmaxRow, type ModelKind } from '../src/models/kind.js';
import { modelSettings, type NbsvmSettings, type SvmSettings } from '../src/models/registry.js';
import { tokenizerFor } from '../src/text/tokenize.js';
import { DATA, loadMR } from '../test/support/datasets.js';

/** scikit-learn's peer tokenizes as ANCHORS.md section 2 does: the same tokens. */
const { tokenize } = tokenizerFor('ascii');

interface Run {
  /** Wall-clock time. */
  seconds: number;
  /** CPU time of the process (all its threads): less sensitive to other jobs on the machine. */
  cpu: number;
  accuracy: number;
}

async function tenFold(
  trainer: ModelKind<SvmSettings> | ModelKind<NbsvmSettings>,
  options: object = {},
  folds?: Fold[],
): Promise<Run> {
  const data = loadMR();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const docs = data.texts.map(tokenize);
  const truth: number[] = [];
  const predicted: number[] = [];
  for (const fold of folds ?? stratifiedKFold(data.labels, 10, 0)) {
    const model = await (trainer as ModelKind).train(
      {
        docs: fold.train.map((i) => docs[i]),
        labels: fold.train.map((i) => data.labels[i]),
        classes: data.classes,
      },
      modelSettings({ model: trainer.name, ...options }),
      { seed: 0 },
    );
    const scores = await model.predict(fold.test.map((i) => docs[i]));
    fold.test.forEach((i, r) => {
      truth.push(data.labels[i]);
      predicted.push(argmaxRow(scores, data.classes.length, r));
    });
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const accuracy = evaluate(truth, predicted, data.classes).accuracy;
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6, accuracy };
}

/** Folds from each example's test fold. */
function foldsOf(testFold: number[]): Fold[] {
  const k = Math.max(...testFold) + 1;
  return Array.from({ length: k }, (_, f) => ({
    train: testFold.flatMap((g, i) => (g === f ? [] : [i])),
    test: testFold.flatMap((g, i) => (g === f ? [i] : [])),
  }));
}

function peer(python: string): { svm: Run; nbsvm: Run; folds: number[] } | string {
  const script = fileURLToPath(new URL('peers/baseline_sklearn.py', import.meta.url));
  const out = spawnSync(python, [script, DATA], { encoding: 'utf8' });
  if (out.status !== 0) return `${python} failed: ${out.error?.message ?? out.stderr.trim()}`;
  return JSON.parse(out.stdout);
}

const at = process.argv.indexOf('--python');
const python = at > 0 ? process.argv[at + 1] : '/usr/bin/python3';

const ours = {
  svm: await tenFold(svm),
  nbsvm: await tenFold(nbsvm),
  svmStrict: await tenFold(svm, { eps: 1e-4 }),
  nbsvmStrict: await tenFold(nbsvm, { eps: 1e-4 }),
};
const theirs = peer(python);

const rows: [string, Run, 'svm' | 'nbsvm', Record<string, unknown>][] = [
  ['TF-IDF + linear SVM', ours.svm, 'svm', {}],
  ['NBSVM', ours.nbsvm, 'nbsvm', {}],
  ['TF-IDF + linear SVM, eps 1e-4', ours.svmStrict, 'svm', { eps: 1e-4 }],
  ['NBSVM, eps 1e-4', ours.nbsvmStrict, 'nbsvm', { eps: 1e-4 }],
];
const pct = (r: Run) => (100 * r.accuracy).toFixed(2);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
const trainers = { svm: svm, nbsvm: nbsvm };
console.log('10-fold CV on MR (10,662 sentences), ours then scikit-learn, back to back\n');
if (typeof theirs === 'string') {
  console.log('| method | emb wall s | emb CPU s | emb acc % |\n|---|---|---|---|');
  for (const [name, run] of rows) {
    console.log(`| ${name} | ${run.seconds.toFixed(2)} | ${run.cpu.toFixed(2)} | ${pct(run)} |`);
  }
  console.log(`\nscikit-learn peer not run: ${theirs}`);
} else {
  console.log(
    '| method | emb wall s | sklearn wall s | sklearn / emb | emb CPU s | sklearn CPU s | sklearn / emb |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, run, method] of rows) {
    const peerRun = theirs[method];
    const wall = `${run.seconds.toFixed(2)} | ${peerRun.seconds.toFixed(2)} | ${ratio(peerRun.seconds, run.seconds)}`;
    const cpu = `${run.cpu.toFixed(2)} | ${peerRun.cpu.toFixed(2)} | ${ratio(peerRun.cpu, run.cpu)}`;
    console.log(`| ${name} | ${wall} | ${cpu} |`);
  }
  console.log('\n| method | emb acc % | emb acc % on sklearn folds (untimed) | sklearn acc % |');
  console.log('|---|---|---|---|');
  for (const [name, run, method, options] of rows) {
    const same = await tenFold(trainers[method], options, foldsOf(theirs.folds));
    console.log(`| ${name} | ${pct(run)} | ${pct(same)} | ${pct(theirs[method])} |`);
  }
}
