import { basename, dirname, extname, join } from 'node:path';
import { Command } from 'commander';
import { usesVectors, type ModelName } from '../../api/models.js';
import {
  addVectorOptions,
  notices,
  openVectors,
  printJson,
  type VectorOptions,
} from '../common.js';
import {
  addColumnOptions,
  addModelOptions,
  addSeedOption,
  addTrainingOptions,
  readDataAndTest,
  modelOptionsFrom,
  type ColumnFlags,
  type TrainingFlags,
} from '../options.js';
import { fraction, pathName, positiveInt } from '../parse.js';
import { formatDuplicates, formatTraining } from '../print.js';
import { addQuietOption, progressBar } from '../progress.js';

interface TrainFlags extends VectorOptions, ColumnFlags, TrainingFlags {
  model: ModelName;
  out?: string;
  folds?: number;
  test?: string;
  holdout?: number;
  json?: boolean;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description(
      'train a text classifier (default: the hybrid of TF-IDF n-grams and word vectors): evaluate it, then save it trained on all the data',
    )
    .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
    .option(
      '--out <dir>',
      'model folder to write (default: <data name>.model next to the data)',
      pathName('--out'),
    )
    .option('--folds <n>', 'stratified cross-validation folds (default 10)', positiveInt('--folds'))
    .option('--test <file>', 'evaluate on this labelled file instead of cross-validating')
    .option(
      '--holdout <fraction>',
      'evaluate on a stratified held-out share instead',
      fraction('--holdout'),
    )
    .option('--json', 'print the evaluation as one JSON document');
  addModelOptions(addColumnOptions(cmd), { model: true });
  addTrainingOptions(addSeedOption(cmd, 'folds, initialisation and shuffles'), true);
  cmd.addHelpText(
    'after',
    `
Examples:
  emb train reviews.csv
  emb train spam.csv --model logreg --features sif --holdout 0.2
  emb train sst-train.tsv --test sst-test.tsv --json
  emb train reviews.csv --model svm --ngrams 1,3 -C 0.5 --out reviews-svm.model`,
  );
  return addQuietOption(addVectorOptions(cmd, true)).action(
    async (file: string, opts: TrainFlags, command: Command) => {
      const { crossValidate } = await import('../../api/evaluate.js');
      const { train } = await import('../../api/classifier.js');
      const [model] = modelOptionsFrom(command, [opts.model]);
      const { data, test } = await readDataAndTest(file, opts);
      const vectors = usesVectors(model.model) ? await openVectors(opts) : undefined;
      const { setBackend } = await import('../../api/backend.js');
      setBackend(opts.backend, { production: true });
      const run = { ...model, seed: opts.seed, vectors };
      const bar = progressBar(test || opts.holdout ? 'Evaluating' : 'Cross-validating');
      const evaluation = await crossValidate(data, {
        ...run,
        ...{ folds: opts.folds, holdout: opts.holdout, test, workers: opts.workers },
        onProgress: (p) => bar.update(p.done, p.total),
      }).finally(() => bar.stop());

      // The model to keep learns from every labelled example.
      const out = opts.out ?? join(dirname(file), `${basename(file, extname(file))}.model`);
      const finalBar = progressBar('Training on all data');
      const classifier = await train(data, {
        ...run,
        onProgress: (p) => finalBar.update(p.done, p.total),
      }).finally(() => finalBar.stop());
      const training = classifier.training;
      await classifier.save(out, { metrics: evaluation }).finally(() => classifier.dispose());
      const copies = formatDuplicates(file, evaluation.duplicates);
      notices.push(...data.warnings, ...evaluation.warnings, ...(copies ? [copies] : []));
      // The final model's epochs, for the kinds that train by epochs.
      const epochs = training && { epochs: training.epochs, epochSeconds: training.epochSeconds };
      if (opts.json) return printJson({ ...evaluation, ...epochs, out });
      console.log(formatTraining(file, data.labels, evaluation, out));
    },
  );
}
