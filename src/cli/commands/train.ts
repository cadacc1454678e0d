import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_MODEL, MODEL_KINDS, usesVectors } from '../../models/settings.js';
import { BACKENDS, type BackendName } from '../../models/tfjs/backend.js';
import {
  addVectorOptions,
  notices,
  openVectors,
  printJson,
  type VectorOptions,
} from '../common.js';
import {
  fraction,
  modelOptionsFrom,
  ngramRange,
  positiveInt,
  positiveNumber,
  wholeNumber,
} from '../parse.js';
import { formatEvaluation, pct } from '../print.js';
import { progressBar } from '../progress.js';

/** Command-line flags that set model settings, by commander's option name. */
export const MODEL_FLAGS = { features: 'features', ngrams: 'ngrams', minDf: 'minDf', C: 'C' };

interface TrainFlags extends VectorOptions {
  out?: string;
  folds?: number;
  test?: string;
  holdout?: number;
  seed: number;
  text?: string;
  label?: string;
  backend: BackendName;
  workers: number;
  json?: boolean;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description(
      'train a text classifier (default: hybrid of TF-IDF n-grams and word vectors): evaluate it, then save it trained on all the data',
    )
    .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
    .option('--out <dir>', 'model folder to write (default: <data name>.model next to the data)')
    .addOption(
      new Option(
        '--model <kind>',
        'hybrid (n-grams + vectors), svm (TF-IDF), nbsvm, logreg or mlp (on vectors)',
      )
        .choices(MODEL_KINDS)
        .default(DEFAULT_MODEL),
    )
    .addOption(
      new Option(
        '--features <kind>',
        'sentence vectors of logreg, mlp, hybrid: mean, TF-IDF-weighted mean, or SIF',
      )
        .choices(['mean', 'tfidf', 'sif'])
        .default('mean'),
    )
    .option('--ngrams <min,max>', 'n-gram lengths of svm, nbsvm and hybrid', ngramRange, [1, 2])
    .option(
      '--min-df <n>',
      'keep n-grams found in at least n training texts',
      positiveInt('--min-df'),
      1,
    )
    .option('-C <c>', 'inverse regularisation strength (all but mlp)', positiveNumber('-C'), 1)
    .option('--folds <n>', 'stratified cross-validation folds (default 10)', positiveInt('--folds'))
    .option('--test <file>', 'evaluate on this labelled file instead of cross-validating')
    .option(
      '--holdout <fraction>',
      'evaluate on a stratified held-out share instead',
      fraction('--holdout'),
    )
    .option('--seed <n>', 'seed for folds, initialisation and shuffles', wholeNumber('--seed'), 0)
    .option('--text <column>', 'the text column (default: found by name)')
    .option('--label <column>', 'the label column (default: found by name)')
    .addOption(
      new Option(
        '--backend <name>',
        'TensorFlow.js backend (auto: tfjs-node if installed, else wasm, else cpu)',
      )
        .choices(BACKENDS)
        .default('auto'),
    )
    .option(
      '--workers <n>',
      'folds trained at once, in worker threads',
      positiveInt('--workers'),
      availableParallelism(),
    )
    .option('--json', 'print the evaluation as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  emb train reviews.csv
  emb train spam.csv --model logreg --features sif --holdout 0.2
  emb train sst-train.tsv --test sst-test.tsv --json
  emb train reviews.csv --model svm --ngrams 1,3 -C 0.5 --out reviews-svm.model`,
    );
  return addVectorOptions(cmd).action(async (file: string, opts: TrainFlags, command: Command) => {
    const { readDataset } = await import('../../api/dataset.js');
    const { crossValidate } = await import('../../api/evaluate.js');
    const { train } = await import('../../api/classifier.js');
    const model = modelOptionsFrom(command, MODEL_FLAGS);
    const data = await readDataset(file, opts);
    const columns = { text: opts.text ?? data.textColumn, label: opts.label ?? data.labelColumn };
    const test = opts.test ? await readDataset(opts.test, columns) : undefined;
    const vectors = usesVectors(model.model) ? await openVectors(opts) : undefined;
    const run = { ...model, seed: opts.seed, vectors, backend: opts.backend };
    const bar = progressBar(test || opts.holdout ? 'Evaluating' : 'Cross-validating');
    const evaluation = await crossValidate(data, {
      ...run,
      folds: opts.folds,
      holdout: opts.holdout,
      test,
      workers: opts.workers,
      onProgress: (d, t) => bar.update(d, t),
    }).finally(() => bar.stop());

    // The model to keep learns from every labelled example.
    const out = opts.out ?? join(dirname(file), `${basename(file, extname(file))}.model`);
    const finalBar = progressBar('Training on all data');
    const classifier = await train(data, {
      ...run,
      onProgress: (d, t) => finalBar.update(d, t),
    }).finally(() => finalBar.stop());
    try {
      await classifier.save(out, { metrics: evaluation });
    } finally {
      classifier.dispose();
    }
    notices.push(...data.warnings, ...evaluation.warnings);
    if (opts.json) return printJson({ ...evaluation, out });
    const counts = evaluation.classes.map(
      (c) => `${c} ${data.labels.filter((l) => l === c).length}`,
    );
    const oov =
      evaluation.oov_rate === null ? '' : `; ${pct(evaluation.oov_rate)} of tokens have no vector`;
    console.log(
      `${file}: ${data.texts.length} texts, ${evaluation.classes.length} classes (${counts.join(', ')})${oov}`,
    );
    console.log(formatEvaluation(evaluation));
    console.log(
      `saved ${out} (trained on all ${data.texts.length} texts); try: emb predict ${out} "some text"`,
    );
  });
}
