/**
 * The report of `emb compare`: what was measured (curves on the same subsets and test texts),
 * what it means (findings and sentences), and the files it is written to.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFolderAtomically } from '../atomic.js';
import { EmbError, option } from '../errors.js';
import {
  choose,
  findCrossover,
  leaders,
  transferBySize,
  type Crossover,
  type Recommendation,
  type Transfer,
} from './findings.js';
import type { Curve } from './learning-curve.js';
import { renderChart } from './report-chart.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';
import { recommendationSentence, verdict, warnings } from './sentences.js';
import type { ModelSettings } from '../models/registry.js';
import type { Duplicates } from '../text/duplicates.js';

/** Everything `emb compare` found, as report.json holds it (the recommendation first). */
export interface CompareReport {
  recommendation: Recommendation;
  /** Whether pretrained vectors help, in words. */
  verdict: string;
  /** What the user should know before reading on: sizes dropped, a small test set. */
  warnings: string[];
  /** report.json's layout: 2 since every key is camelCase. */
  formatVersion: typeof REPORT_FORMAT_VERSION;
  emb: string;
  created: string;
  data: {
    train: string;
    test: string;
    trainSize: number;
    testSize: number;
    classes: string[];
    /** Examples per class (in the order of `classes`) in the training part and the test set. */
    trainCounts: number[];
    testCounts: number[];
    /** Copies of a text in the data (before the split, which keeps them on one side). */
    duplicates?: Duplicates;
  };
  settings: {
    sizes: number[];
    dropped: number[];
    repeats: number;
    seed: number;
    methods: { name: string; settings: ModelSettings }[];
    vectors: { path: string; words: number; dims: number } | null;
    /** The command line that asked, when it came from the CLI. */
    command: string | null;
  };
  /** Share of test-set tokens without a vector (null when no method used vectors). */
  oovRate: number | null;
  /** At each size, the best vector method against the best bag-of-words method (null without both). */
  transfer: Transfer | null;
  /** At each size, the best method and those not significantly below it. */
  leaders: { size: number; methods: string[] }[];
  /** Where bag-of-words overtakes averaged vectors alone (logreg, mlp), if both ran. */
  crossover: Crossover | null;
  /** Always answering the most frequent class of the training subset. */
  majority: Curve;
  curves: Curve[];
}

export const REPORT_FORMAT_VERSION = 2;

/** What was measured, before anything is concluded from it. */
export type Measurements = Omit<
  CompareReport,
  'recommendation' | 'verdict' | 'warnings' | 'transfer' | 'leaders' | 'crossover'
>;

/** The findings and sentences of a report, computed from its measurements alone. */
export function completeReport(m: Measurements): CompareReport {
  const choice = choose(m);
  const transfer = transferBySize(m);
  const { majority, curves, ...about } = m;
  // In report.json: what it decided first, then what it was run on, then the figures.
  return {
    recommendation: { ...choice, sentence: recommendationSentence(m, choice) },
    verdict: verdict(m, transfer),
    warnings: warnings(m.data, m.settings.dropped),
    ...about,
    transfer,
    leaders: leaders(m),
    crossover: findCrossover(m),
    majority,
    curves,
  };
}

/**
 * report.json, indented, with arrays of plain values (accuracies, seconds, bitsets) on one
 * line each, so that a report with hundreds of runs stays short enough to read. JSON strings
 * hold no raw newline, so removing newlines between brackets never touches their content.
 */
export function reportJson(report: CompareReport): string {
  return (
    JSON.stringify(report, null, 2).replace(/\[([^[\]{}]*)\]/g, (m) =>
      m
        .replace(/\[\n\s*/, '[')
        .replace(/\n\s*\]$/, ']')
        .replace(/,\n\s*/g, ', '),
    ) + '\n'
  );
}

/**
 * Writes report.md, report.html and report.json into a temporary folder beside `dir` and
 * renames it into place when complete; an existing folder is replaced only with force.
 */
export async function writeReportFiles(
  dir: string,
  report: CompareReport,
  force: boolean,
): Promise<void> {
  if (existsSync(resolve(dir)) && !force)
    throw new EmbError(
      'E_INPUT',
      `${dir} exists; choose another folder (${option('out')}) or pass ${option('force', true)} to replace it`,
    );
  const markdown = renderMarkdown(report);
  const svg = await renderChart(report);
  await writeFolderAtomically(
    dir,
    (tmp) => {
      writeFileSync(join(tmp, 'report.md'), markdown);
      writeFileSync(join(tmp, 'report.html'), renderHtml(report, markdown, svg));
      writeFileSync(join(tmp, 'report.json'), reportJson(report));
    },
    { replace: true },
  );
}
