import { Command } from 'commander';
import { EmbError } from '../../errors.js';
import { MODEL_KINDS, usesVectors, type ModelKind } from '../../models/settings.js';
import {
  addVectorOptions,
  notices,
  openVectors,
  printJson,
  type VectorOptions,
} from '../common.js';
import { fraction, list, positiveInt, wholeNumber } from '../parse.js';
import { progressBar } from '../progress.js';

interface CompareFlags extends VectorOptions {
  out: string;
  force?: boolean;
  sizes: (number | 'all')[];
  repeats: number;
  methods: ModelKind[];
  test?: string;
  testFraction: number;
  seed: number;
  text?: string;
  label?: string;
  json?: boolean;
}

const size = (value: string): number | 'all' =>
  value === 'all' ? 'all' : positiveInt('--sizes')(value);
const method = (value: string): ModelKind => {
  if (!MODEL_KINDS.includes(value as ModelKind))
    throw new EmbError(
      'E_INPUT',
      `--methods: unknown method "${value}"; expected some of ${MODEL_KINDS.join(', ')}`,
    );
  return value as ModelKind;
};

export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description(
      'baseline vs transfer: learning curves of bag-of-words and pretrained-vector classifiers, as a report',
    )
    .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
    .option('--out <dir>', 'report folder (report.md, report.html, report.json)', 'report')
    .option('--force', 'replace the report folder if it exists')
    .option(
      '--sizes <list>',
      'training sizes, comma-separated; "all" is the whole training part',
      list(size),
      [50, 100, 200, 500, 1000, 2000, 5000, 'all'],
    )
    .option('--repeats <n>', 'random training subsets per size', positiveInt('--repeats'), 5)
    .option(
      '--methods <list>',
      `methods, comma-separated (${MODEL_KINDS.join(',')})`,
      list(method),
      [...MODEL_KINDS],
    )
    .option(
      '--test <file>',
      'a separate test file (default: a stratified share of the data, held out)',
    )
    .option(
      '--test-fraction <f>',
      'the share held out when there is no --test',
      fraction('--test-fraction'),
      0.2,
    )
    .option(
      '--seed <n>',
      'seed for the test split, the subsets and training',
      wholeNumber('--seed'),
      0,
    )
    .option('--text <column>', 'the text column (default: found by name)')
    .option('--label <column>', 'the label column (default: found by name)')
    .option('--json', 'print report.json on stdout too')
    .addHelpText(
      'after',
      `
Examples:
  emb compare reviews.csv
  emb compare reviews.csv --sizes 50,200,1000,all --out reviews-report --force
  emb compare sst-train.csv --test sst-test.csv --methods svm,logreg,hybrid`,
    );
  return addVectorOptions(cmd).action(async (file: string, opts: CompareFlags) => {
    const { readDataset } = await import('../../api/dataset.js');
    const { compare, writeReport } = await import('../../api/compare.js');
    const data = await readDataset(file, opts);
    const columns = { text: opts.text ?? data.textColumn, label: opts.label ?? data.labelColumn };
    const test = opts.test ? await readDataset(opts.test, columns) : undefined;
    const vectors = opts.methods.some(usesVectors) ? await openVectors(opts) : undefined;
    // Counted in training examples, so the time left follows the large sizes still to come.
    const bar = progressBar('Training', 'items');
    const report = await compare(data, {
      sizes: opts.sizes,
      repeats: opts.repeats,
      methods: opts.methods,
      seed: opts.seed,
      test,
      testFraction: opts.testFraction,
      vectors,
      onProgress: (done, total, what) => bar.update(done, total, what),
      command: ['emb', ...process.argv.slice(2)].join(' '),
    }).finally(() => bar.stop());
    await writeReport(report, opts.out, opts);
    for (const s of report.settings.dropped)
      notices.push(
        `size ${s} is larger than the ${report.data.trainSize} training examples; dropped`,
      );
    notices.push(...data.warnings);
    if (opts.json) printJson(report);
    else {
      console.log(report.recommendation.sentence);
      console.log(report.verdict);
      console.error(`emb: wrote ${opts.out}/report.md, report.html and report.json`);
    }
  });
}
