import { Command } from 'commander';
import { MODEL_KINDS, usesVectors, type ModelKind } from '../../models/settings.js';
import {
  addVectorOptions,
  notices,
  openVectors,
  printJson,
  type VectorOptions,
} from '../common.js';
import { fraction, list, oneOf, positiveInt, wholeNumber } from '../parse.js';
import { progressBar } from '../progress.js';
import type { CompareOptions } from '../../api/compare.js';

/** Flags left out take the library's defaults (DEFAULT_SIZES, DEFAULT_METHODS, ...). */
type CompareFlags = VectorOptions &
  Pick<CompareOptions, 'sizes' | 'repeats' | 'seed' | 'testFraction'> & {
    methods?: ModelKind[];
    out: string;
    force?: boolean;
    test?: string;
    text?: string;
    label?: string;
    json?: boolean;
  };

const size = (value: string) => (value === 'all' ? 'all' : positiveInt('--sizes')(value));
const methodList = list(oneOf('--methods', MODEL_KINDS));
const share = fraction('--test-fraction');
const seedNumber = wholeNumber('--seed');

export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description('which classifier to deploy, and whether pretrained vectors help, as a report')
    .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
    .option('--out <dir>', 'report folder (report.md, report.html, report.json)', 'report')
    .option('--force', 'replace the report folder if it exists')
    .option('--sizes <list>', 'training sizes (default 50,100,...,5000,all)', list(size))
    .option(
      '--repeats <n>',
      'random training subsets per size (default 5)',
      positiveInt('--repeats'),
    )
    .option('--methods <list>', `some of ${MODEL_KINDS.join(',')} (default all)`, methodList)
    .option('--test <file>', 'a separate test file (default: a stratified share of the data)')
    .option('--test-fraction <f>', 'share held out without --test (default 0.2)', share)
    .option('--seed <n>', 'seed of the split, subsets and training (default 0)', seedNumber)
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
    const vectors = (opts.methods ?? MODEL_KINDS).some(usesVectors)
      ? await openVectors(opts)
      : undefined;
    // Progress comes in training examples, so the time left follows the large sizes to come.
    const bar = progressBar('Training', 'items');
    const { sizes, repeats, methods, seed, testFraction } = opts;
    const report = await compare(data, {
      sizes,
      repeats,
      methods,
      seed,
      testFraction,
      test,
      vectors,
      onProgress: (done, total, what) => bar.update(done, total, what),
      command: ['emb', ...process.argv.slice(2)].join(' '),
    }).finally(() => bar.stop());
    await writeReport(report, opts.out, opts);
    notices.push(...report.warnings, ...data.warnings);
    if (opts.json) printJson(report);
    else {
      console.log(`${report.recommendation.sentence}\n${report.verdict}`);
      console.error(`emb: wrote ${opts.out}/report.md, report.html and report.json`);
    }
  });
}
