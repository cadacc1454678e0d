import { basename, dirname, extname, join } from 'node:path';
import { Command } from 'commander';
import { defaultMetric, metricLabel, usesVectors, type ModelName } from '../../api/models.js';
import type { Evaluation } from '../../api/evaluate.js';
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
  predictions?: string;
}

/** Below this recall in cross-validation a class is named in a warning. */
const LOW_RECALL = 0.2;

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
    .option(
      '--predictions <file.csv>',
      "write the evaluation's out-of-fold predictions: text, label, predicted, each class's probability",
      pathName('--predictions'),
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
  emb train spam.csv --model svm --class-weight balanced --threshold auto --predictions oof.csv
  emb train reviews.csv --model svm --ngrams 1,3 -C 0.5 --out reviews-svm.model`,
  );
  return addQuietOption(addVectorOptions(cmd, true)).action(
    async (file: string, opts: TrainFlags, command: Command) => {
      // Peak memory is the process's: big blocks back to the system as soon as they are freed.
      (await import('../../api/process.js')).returnFreedMemory();
      const { crossValidate } = await import('../../api/evaluate.js');
      const { train } = await import('../../api/classifier.js');
      const [typed] = modelOptionsFrom(command, [opts.model]);
      const { data, test } = await readDataAndTest(file, opts);
      // Accuracy rewards answering the large class: imbalanced data are judged by macro-F1.
      const labelIds = data.labels.map((l) => data.classes.indexOf(l));
      const metricIsDefault = typed.metric === undefined;
      const model = metricIsDefault
        ? { ...typed, metric: defaultMetric(labelIds, data.classes.length) }
        : typed;
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
      // model.json keeps the figures, not a prediction per row (--predictions, --json have them).
      const summary: Omit<Evaluation, 'predictions'> = { ...evaluation };
      delete (summary as Partial<Evaluation>).predictions;
      const training = classifier.training;
      await classifier.save(out, { metrics: summary }).finally(() => classifier.dispose());
      if (opts.predictions) {
        const { writeCrossValidated } = await import('../../api/predict.js');
        await writeCrossValidated(opts.predictions, test ?? data, evaluation);
      }
      const copies = formatDuplicates(file, evaluation.duplicates);
      notices.push(
        ...data.warnings,
        ...evaluation.warnings,
        ...(copies ? [copies] : []),
        ...lowRecall(evaluation, model),
      );
      // The final model's epochs, for the kinds that train by epochs.
      const epochs = training && { epochs: training.epochs, epochSeconds: training.epochSeconds };
      if (opts.json) return printJson({ ...evaluation, metricIsDefault, ...epochs, out });
      if (metricIsDefault && summary.metric !== 'accuracy')
        console.log(
          `judged by ${metricLabel(summary.metric)}: the smallest class has less than a quarter of the largest's examples, where accuracy rewards answering the largest (--metric accuracy to judge by accuracy)`,
        );
      console.log(formatTraining(file, data.labels, summary, out));
    },
  );
}

/** One line naming the classes cross-validation recalled under 20%, and what may help. */
function lowRecall(
  e: Omit<Evaluation, 'predictions'>,
  model: { classWeight?: unknown; threshold?: unknown },
): string[] {
  const low = e.perClass.filter((m) => m.support > 0 && m.recall < LOW_RECALL);
  if (low.length === 0) return [];
  const which = low.map((m) => `"${m.label}" (${(m.recall * 100).toFixed(1)}%)`).join(', ');
  const help = [
    model.classWeight === undefined ? '--class-weight balanced' : undefined,
    e.classes.length === 2 && model.threshold === undefined ? '--threshold auto' : undefined,
  ].filter((h) => h !== undefined);
  const advice = help.length ? `; ${help.join(' or ')} may help` : '; more examples of it may help';
  return [
    `${low.length === 1 ? 'class' : 'classes'} ${which} recalled under ${LOW_RECALL * 100}% in ${e.protocol}${advice}`,
  ];
}
