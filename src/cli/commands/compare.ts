import { Command } from 'commander';
import {
  DEFAULT_METHODS,
  MODEL_NAMES,
  usesVectors,
  type MetricName,
  type ModelName,
  type ModelOptions,
} from '../../api/models.js';
import type { CompareOptions } from '../../api/compare.js';
import {
  addVectorOptions,
  notices,
  openVectors,
  printJson,
  type VectorOptions,
} from '../common.js';
import {
  addColumnOptions,
  addSeedOption,
  readDataAndTest,
  addModelOptions,
  modelOptionsFrom,
  type ColumnFlags,
} from '../options.js';
import { fraction, list, oneOf, pathName, positiveInt, trainingSize } from '../parse.js';
import { formatDuplicates } from '../print.js';
import { addQuietOption, progressBar } from '../progress.js';

/** Flags left out take the library's defaults (DEFAULT_SIZES, DEFAULT_METHODS, ...). */
type CompareFlags = VectorOptions &
  ColumnFlags &
  Pick<CompareOptions, 'sizes' | 'repeats' | 'seed' | 'testFraction'> & {
    methods?: ModelName[];
    metric?: MetricName;
    out: string;
    force?: boolean;
    test?: string;
    json?: boolean;
  };

export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description('which classifier to deploy, and whether pretrained vectors help, as a report')
    .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
    .option(
      '--out <dir>',
      'report folder (report.md, report.html, report.json)',
      pathName('--out'),
      'report',
    )
    .option('--force', 'replace the report folder if it exists')
    .option('--sizes <list>', 'training sizes (default 50,100,...,5000,all)', list(trainingSize))
    .option(
      '--repeats <n>',
      'random training subsets per size (default 5)',
      positiveInt('--repeats'),
    )
    .option(
      '--methods <list>',
      `some of ${MODEL_NAMES.join(',')} (default ${DEFAULT_METHODS.join(',')})`,
      list(oneOf('--methods', MODEL_NAMES)),
    )
    .option('--test <file>', 'a separate test file (default: a stratified share of the data)')
    .option(
      '--test-fraction <f>',
      'share held out without --test (default 0.2)',
      fraction('--test-fraction'),
    )
    .option('--json', 'print report.json on stdout too')
    .addHelpText(
      'after',
      `
Examples:
  emb compare reviews.csv
  emb compare reviews.csv --sizes 50,200,1000,all --out reviews-report --force
  emb compare sst-train.csv --test sst-test.csv --methods svm,logreg,hybrid --out sst-report
  emb compare reviews.csv --metric macro-f1 --class-weight balanced --out weighted-report`,
    );
  addModelOptions(addColumnOptions(cmd), { model: false });
  addSeedOption(cmd, 'the test split, the subsets and training');
  return addQuietOption(addVectorOptions(cmd, true)).action(
    async (file: string, opts: CompareFlags, command: Command) => {
      const { compare, metricLabel, writeReport } = await import('../../api/compare.js');
      // --metric is the comparison's (every method is judged, and chooses, by it), not a method's.
      const metric = command.getOptionValueSource('metric') === 'cli' ? opts.metric : undefined;
      const methods = modelOptionsFrom(command, opts.methods ?? DEFAULT_METHODS).map(
        ({ metric: _, ...m }) => m as ModelOptions,
      );
      const { data, test } = await readDataAndTest(file, opts);
      const vectors = methods.some((m) => usesVectors(m.model))
        ? await openVectors(opts)
        : undefined;
      // Progress comes in training examples, so the time left follows the large sizes to come.
      const bar = progressBar('Training', 'items');
      const { sizes, repeats, seed, testFraction } = opts;
      const report = await compare(data, {
        ...{ sizes, repeats, methods, metric, seed, testFraction, test, vectors },
        onProgress: (p) => bar.update(p.done, p.total, p.detail),
        command: ['emb', ...process.argv.slice(2)].join(' '),
      }).finally(() => bar.stop());
      await writeReport(report, opts.out, opts);
      const m = report.settings.metric;
      if (!m.given && m.name !== 'accuracy')
        notices.push(`judged by ${metricLabel(m.name)}: ${m.why} (--metric chooses another)`);
      const copies = formatDuplicates(file, report.data.duplicates, 'report.json lists them all');
      notices.push(...report.warnings, ...data.warnings, ...(copies ? [copies] : []));
      if (opts.json) printJson(report);
      else {
        console.log(`${report.recommendation.sentence}\n${report.verdict}`);
        console.error(`emb: wrote ${opts.out}/report.md, report.html and report.json`);
      }
    },
  );
}
