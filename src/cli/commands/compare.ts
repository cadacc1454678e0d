import { basename } from 'node:path';
import { Command } from 'commander';
import { EmbError } from '../../errors.js';
import type { CurveMethod, LabelledTokens } from '../../experiments/learning-curve.js';
import type { CompareReport } from '../../experiments/report.js';
import { tokenize } from '../../text/tokenize.js';
import { VERSION } from '../../version.js';
import {
  addVectorOptions,
  openVectors,
  positiveInt,
  printJson,
  warn,
  type VectorOptions,
} from '../common.js';
import { progressBar } from '../progress.js';

const DEFAULT_SIZES = '50,100,200,500,1000,2000,5000,all';
const DEFAULT_METHODS = 'svm,nbsvm,logreg,mlp,hybrid';

interface CompareOptions extends VectorOptions {
  out: string;
  force?: boolean;
  sizes: string;
  repeats: number;
  methods: string;
  test?: string;
  seed: number;
  text?: string;
  label?: string;
  json?: boolean;
}

function parseSizes(value: string): (number | 'all')[] {
  return value.split(',').map((s) => {
    const t = s.trim();
    if (t === 'all') return 'all';
    const n = Number(t);
    if (!Number.isInteger(n) || n < 2)
      throw new EmbError(
        'E_INPUT',
        `--sizes takes whole numbers of at least 2 and "all", got "${t}"`,
      );
    return n;
  });
}

export function compareCommand(): Command {
  return addVectorOptions(
    new Command('compare')
      .description(
        'baseline vs transfer: learning curves of bag-of-words and pretrained-vector classifiers, as a report',
      )
      .argument('<data>', 'CSV or TSV file with a header row, a text column and a label column')
      .option('--out <dir>', 'report folder (report.md, report.html, report.json)', 'report')
      .option('--force', 'replace the report folder if it exists')
      .option(
        '--sizes <list>',
        'training sizes, comma-separated; "all" is the whole training part',
        DEFAULT_SIZES,
      )
      .option('--repeats <n>', 'random training subsets per size', positiveInt('--repeats'), 5)
      .option('--methods <list>', `methods, comma-separated (${DEFAULT_METHODS})`, DEFAULT_METHODS)
      .option(
        '--test <file>',
        'a separate test file (default: a stratified 20% of the data, held out)',
      )
      .option(
        '--seed <n>',
        'seed for the test split, the subsets and training',
        (v) => Number(v),
        0,
      )
      .option('--text <column>', 'the text column (default: found by name)')
      .option('--label <column>', 'the label column (default: found by name)')
      .option('--json', 'print report.json on stdout too')
      .addHelpText(
        'after',
        '\nExample:\n  emb compare reviews.csv --sizes 50,200,1000,all --out reviews-report',
      ),
  ).action(async (data: string, opts: CompareOptions) => {
    // Loaded here, not at start-up: the query commands should not pay for them.
    const { feasibleSizes, learningCurves } = await import('../../experiments/learning-curve.js');
    const { findCrossover, verdict, writeReport } = await import('../../experiments/report.js');
    const { stratifiedHoldout } = await import('../../experiments/splits.js');
    const { oovRate } = await import('../../features/sentence.js');
    const { trainerFor } = await import('../../models/registry.js');
    const { readLabelled } = await import('../../text/csv.js');
    if (!Number.isInteger(opts.seed) || opts.seed < 0)
      throw new EmbError('E_INPUT', `--seed must be a whole number, got "${opts.seed}"`);
    const methods: CurveMethod[] = opts.methods
      .split(',')
      .map((name) => ({ name: name.trim(), trainer: trainerFor(name.trim()) }));
    const requested = parseSizes(opts.sizes);
    const file = await readLabelled(data, { text: opts.text, label: opts.label });
    if (file.classes.length < 2)
      throw new EmbError(
        'E_INPUT',
        `${data}: needs at least two classes, found ${file.classes.length}`,
      );

    let train: LabelledTokens;
    let test: LabelledTokens;
    let testName: string;
    const docs = file.texts.map(tokenize);
    if (opts.test) {
      const t = await readLabelled(opts.test, {
        text: opts.text ?? file.textColumn,
        label: opts.label ?? file.labelColumn,
      });
      const unknown = t.classes.filter((c) => !file.classes.includes(c));
      if (unknown.length)
        throw new EmbError(
          'E_INPUT',
          `${opts.test}: labels ${unknown.map((c) => `"${c}"`).join(', ')} do not occur in ${data}`,
        );
      train = { docs, labels: file.labels };
      test = {
        docs: t.texts.map(tokenize),
        labels: t.labels.map((y) => file.classes.indexOf(t.classes[y])),
      };
      testName = opts.test;
    } else {
      const split = stratifiedHoldout(file.labels, 0.2, opts.seed);
      train = {
        docs: split.train.map((i) => docs[i]),
        labels: split.train.map((i) => file.labels[i]),
      };
      test = {
        docs: split.test.map((i) => docs[i]),
        labels: split.test.map((i) => file.labels[i]),
      };
      testName = `a stratified 20% of ${basename(data)} (seed ${opts.seed})`;
    }
    const { sizes, dropped } = feasibleSizes(requested, train.docs.length);
    for (const s of dropped)
      warn(`size ${s} is larger than the ${train.docs.length} training examples; dropped`);
    if (sizes.length === 0) throw new EmbError('E_INPUT', 'no training size fits the data');

    const embeddings = methods.some((m) => m.trainer.usesEmbeddings)
      ? await openVectors(opts)
      : undefined;
    const bar = progressBar('Training', 'items');
    let curves;
    try {
      curves = await learningCurves(
        train,
        test,
        file.classes,
        methods,
        { sizes, repeats: opts.repeats, seed: opts.seed },
        {
          embeddings,
          onRun: (done, total) => bar.update(done, total),
        },
      );
    } finally {
      bar.stop();
    }
    const report: CompareReport = {
      emb: VERSION,
      created: new Date().toISOString(),
      data: {
        train: data,
        test: testName,
        trainSize: train.docs.length,
        testSize: test.docs.length,
        classes: file.classes,
      },
      settings: {
        sizes,
        dropped,
        repeats: opts.repeats,
        seed: opts.seed,
        methods: methods.map((m) => ({ name: m.name, options: m.options ?? {} })),
        vectors: embeddings
          ? {
              path: opts.vectors ?? 'bundled GloVe 6B 100d',
              words: embeddings.rows,
              dims: embeddings.dims,
            }
          : null,
        command: ['emb', 'compare', ...process.argv.slice(3)].join(' '),
      },
      oovRate: embeddings ? oovRate(test.docs, embeddings).rate : null,
      curves,
      crossover: findCrossover(curves),
    };
    await writeReport(opts.out, report, !!opts.force);
    if (opts.json) printJson(report);
    else {
      console.log(verdict(report));
      console.error(`emb: wrote ${opts.out}/report.md, report.html and report.json`);
    }
  });
}
