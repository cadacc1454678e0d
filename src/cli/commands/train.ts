import { availableParallelism } from 'node:os';
import { basename, extname, join, dirname } from 'node:path';
import { Command, Option } from 'commander';
import { EmbError } from '../../errors.js';
import type { Plan } from '../../experiments/cross-validate.js';
import { DEFAULT_TOKENIZER, tokenize } from '../../text/tokenize.js';
import {
  addVectorOptions,
  defaultVectorsPath,
  openVectors,
  positiveInt,
  printJson,
  warn,
  type VectorOptions,
} from '../common.js';
import { progressBar } from '../progress.js';

/**
 * The model `emb train` uses unless told otherwise: the hybrid (TF-IDF n-grams and mean word
 * vectors in one linear SVM) is the most accurate on MR, SUBJ, SST-2 and SMS and at every
 * training size of the learning curves (bench/README.md); test/accuracy.test.ts checks it
 * against logreg and mlp on each set.
 */
export const DEFAULT_MODEL = 'hybrid';

interface TrainOptions extends VectorOptions {
  ngrams: string;
  minDf: number;
  C: number;
  out?: string;
  model: string;
  features: string;
  folds: number;
  test?: string;
  holdout?: number;
  seed: number;
  text?: string;
  label?: string;
  backend: string;
  workers: number;
  json?: boolean;
}

function fraction(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x < 1))
    throw new EmbError('E_INPUT', `--holdout must be a fraction between 0 and 1, got "${value}"`);
  return x;
}

function positiveNumber(value: string): number {
  const x = Number(value);
  if (!(x > 0 && Number.isFinite(x)))
    throw new EmbError('E_INPUT', `-C must be a positive number, got "${value}"`);
  return x;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new EmbError('E_INPUT', `--seed must be a whole number, got "${value}"`);
  return n;
}

/** What a model reads: sentence vectors for the transfer models, n-grams for the others. */
function featuresOf(model: string, features: string): string {
  if (model === 'svm') return 'tfidf n-grams';
  if (model === 'nbsvm') return 'nb-weighted binary n-grams';
  if (model === 'hybrid') return `tfidf n-grams + ${features} vectors`;
  return `${features} vectors`;
}

export function trainCommand(): Command {
  return addVectorOptions(
    new Command('train')
      .description(
        'train a classifier on averaged word vectors: cross-validate it, then save it trained on all the data',
      )
      .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
      .option('--out <dir>', 'model folder to write (default: <data name>.model next to the data)')
      .addOption(
        new Option(
          '--model <kind>',
          'classifier: logreg, mlp (on word vectors), svm (TF-IDF), nbsvm (NBSVM), hybrid (both)',
        )
          .choices(['logreg', 'mlp', 'svm', 'nbsvm', 'hybrid'])
          .default(DEFAULT_MODEL),
      )
      .addOption(
        new Option('--features <kind>', 'sentence vectors: mean, TF-IDF-weighted mean, or SIF')
          .choices(['mean', 'tfidf', 'sif'])
          .default('mean'),
      )
      .option(
        '--ngrams <min,max>',
        'n-gram lengths of the bag-of-words models (svm, nbsvm, hybrid)',
        '1,2',
      )
      .option(
        '--min-df <n>',
        'keep n-grams found in at least n training texts',
        positiveInt('--min-df'),
        1,
      )
      .option(
        '-C <c>',
        'inverse regularisation strength of svm, nbsvm, hybrid and logreg',
        positiveNumber,
        1,
      )
      .option('--folds <n>', 'stratified cross-validation folds', positiveInt('--folds'), 10)
      .option('--test <file>', 'evaluate on this labelled file instead of cross-validating')
      .option(
        '--holdout <fraction>',
        'evaluate on a stratified held-out share instead of cross-validating',
        fraction,
      )
      .option('--seed <n>', 'seed for folds, initialisation and shuffles', wholeNumber, 0)
      .option('--text <column>', 'the text column (default: found by name)')
      .option('--label <column>', 'the label column (default: found by name)')
      .addOption(
        new Option(
          '--backend <name>',
          'TensorFlow.js backend (auto: tfjs-node if installed, else wasm, else cpu)',
        )
          .choices(['auto', 'tensorflow', 'wasm', 'cpu'])
          .default('auto'),
      )
      .option(
        '--workers <n>',
        'folds trained at once, in worker threads (one per core)',
        positiveInt('--workers'),
        availableParallelism(),
      )
      .option('--json', 'print the evaluation as one JSON document')
      .addHelpText(
        'after',
        '\nExamples:\n  emb train reviews.csv\n  emb train spam.csv --model logreg --features sif --holdout 0.2\n  emb train sst-train.tsv --test sst-test.tsv --json',
      ),
  ).action(async (data: string, opts: TrainOptions) => {
    const { readLabelled } = await import('../../text/csv.js');
    const { crossValidate } = await import('../../experiments/cross-validate.js');
    const { trainerFor } = await import('../../models/registry.js');
    const { oovRate } = await import('../../features/sentence.js');
    const { saveModelDir, vectorsInfo } = await import('../../models/model-dir.js');
    if (opts.test && opts.holdout)
      throw new EmbError('E_INPUT', 'give either --test or --holdout, not both');

    const file = await readLabelled(data, { text: opts.text, label: opts.label });
    if (file.skippedEmpty.length) {
      warn(
        `${data}: skipped ${file.skippedEmpty.length} rows with an empty text (line ${file.skippedEmpty.slice(0, 5).join(', ')}${file.skippedEmpty.length > 5 ? ', ...' : ''})`,
      );
    }
    const { classes, labels } = file;
    if (classes.length < 2) {
      throw new EmbError(
        'E_INPUT',
        `${data}: every text has the label "${classes[0] ?? ''}" (column "${file.labelColumn}"); a classifier needs at least two classes`,
      );
    }
    const counts = classes.map((_, c) => labels.filter((y) => y === c).length);
    let plan: Plan;
    if (opts.test) {
      const test = await readLabelled(opts.test, { text: opts.text, label: opts.label });
      const unknown = test.classes.filter((c) => !classes.includes(c));
      if (unknown.length)
        throw new EmbError(
          'E_INPUT',
          `${opts.test}: labels not in ${data}: ${unknown.map((c) => `"${c}"`).join(', ')}`,
        );
      plan = {
        test: {
          docs: test.texts.map(tokenize),
          labels: test.labels.map((y) => classes.indexOf(test.classes[y])),
        },
      };
    } else if (opts.holdout) {
      plan = { holdout: opts.holdout };
    } else {
      const small = classes.find((_, c) => counts[c] < opts.folds);
      if (small !== undefined) {
        const least = Math.min(...counts);
        const fix =
          least >= 2 ? `use --folds ${least} or --holdout` : 'every class needs at least 2';
        throw new EmbError(
          'E_INPUT',
          `${data}: class "${small}" has ${counts[classes.indexOf(small)]} examples, fewer than the ${opts.folds} folds; ${fix}`,
        );
      }
      plan = { folds: opts.folds };
    }

    const trainer = trainerFor(opts.model);
    const docs = file.texts.map(tokenize);
    // Bag-of-words models need no vectors: they neither open nor record them.
    const emb = trainer.usesEmbeddings ? await openVectors(opts) : undefined;
    const { rate, coverage } = emb ? oovRate(docs, emb) : { rate: null, coverage: undefined };
    if (coverage && coverage.empty.length === docs.length) {
      throw new EmbError(
        'E_INPUT',
        `${data}: no text has a word with a vector; are these the right vectors (or the right --text column)?`,
      );
    }
    if (coverage?.empty.length)
      warn(
        `${coverage.empty.length} texts have no word with a vector; they get the average sentence vector`,
      );

    const ctx = {
      seed: opts.seed,
      embeddings: emb,
      options: {
        features: opts.features,
        backend: opts.backend,
        ngrams: opts.ngrams,
        minDf: opts.minDf,
        C: opts.C,
      },
    };
    const bar = progressBar(plan && 'folds' in plan ? 'Cross-validating' : 'Evaluating');
    let evaluation;
    try {
      // Workers open the vectors themselves: only worth it for a mapped .emb file.
      const vectorsPath = opts.vectors ?? defaultVectorsPath();
      const parallel = vectorsPath.endsWith('.emb')
        ? { workers: opts.workers, vectorsPath }
        : undefined;
      evaluation = await crossValidate(
        docs,
        labels,
        classes,
        trainer,
        ctx,
        plan,
        (d, t) => bar.update(d, t),
        parallel,
      );
    } finally {
      bar.stop();
    }

    // The final model learns from every labelled example.
    const out = opts.out ?? join(dirname(data), `${basename(data, extname(data))}.model`);
    const finalBar = progressBar('Training on all data');
    let model;
    try {
      model = await trainer.train(docs, labels, classes, {
        ...ctx,
        onProgress: (d, t) => finalBar.update(d, t),
      });
    } finally {
      finalBar.stop();
    }
    const report = {
      model: opts.model,
      features: featuresOf(opts.model, opts.features),
      folds:
        evaluation.protocol === 'test set' || evaluation.protocol.startsWith('holdout')
          ? evaluation.protocol
          : evaluation.folds,
      accuracy: evaluation.accuracy,
      accuracy_std: evaluation.accuracyStd,
      macro_f1: evaluation.macroF1,
      per_class: evaluation.perClass,
      confusion: evaluation.confusion,
      oov_rate: rate,
    };
    try {
      await saveModelDir(out, model, {
        kind: trainer.kind,
        labels: [...classes],
        tokenizer: DEFAULT_TOKENIZER.name,
        features: featuresOf(opts.model, opts.features),
        vectors: emb ? vectorsInfo(emb, opts.vectors ?? defaultVectorsPath()) : undefined,
        metrics: {
          ...report,
          protocol: evaluation.protocol,
          fold_accuracies: evaluation.foldAccuracies,
          examples: docs.length,
          seed: opts.seed,
        },
      });
    } finally {
      model.dispose();
    }

    if (opts.json) {
      printJson({ ...report, out });
      return;
    }
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(
      `${data}: ${docs.length} texts, ${classes.length} classes (${classes.map((c, i) => `${c} ${counts[i]}`).join(', ')})${rate === null ? '' : `; ${pct(rate)} of tokens have no vector`}`,
    );
    console.log(
      `${opts.model} on ${featuresOf(opts.model, opts.features)}, ${evaluation.protocol}:`,
    );
    console.log(
      `  accuracy ${pct(evaluation.accuracy)}${evaluation.folds > 1 ? ` ± ${pct(evaluation.accuracyStd)}` : ''}   macro-F1 ${evaluation.macroF1.toFixed(4)}`,
    );
    const w = Math.max(5, ...classes.map((c) => c.length));
    console.log(`  ${'class'.padEnd(w)}  precision  recall  f1      support`);
    for (const m of evaluation.perClass) {
      console.log(
        `  ${m.label.padEnd(w)}  ${m.precision.toFixed(4).padEnd(9)}  ${m.recall.toFixed(4)}  ${m.f1.toFixed(4)}  ${m.support}`,
      );
    }
    console.log(`  confusion (rows: true class, columns: predicted)`);
    evaluation.confusion.forEach((row, i) =>
      console.log(`  ${classes[i].padEnd(w)}  ${row.map((v) => String(v).padStart(6)).join(' ')}`),
    );
    console.log(
      `saved ${out} (trained on all ${docs.length} texts); try: emb predict ${out} "some text"`,
    );
  });
}
