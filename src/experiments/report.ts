/**
 * The report of `emb compare`: what was measured (curves on the same subsets and test texts),
 * what it means (findings and sentences), and the files it is written to.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFolderAtomically } from '../atomic.js';
import { EmbError, option } from '../errors.js';
import {
  answersAt,
  choose,
  findCrossover,
  fineTuningBySize,
  leaders,
  transferBySize,
  truthOf,
  type Crossover,
  type FineTuning,
  type Recommendation,
  type Transfer,
} from './findings.js';
import type { Curve } from './learning-curve.js';
import {
  confidentMistakes,
  confusionOf,
  perClassOf,
  type Confusion,
  type MethodClasses,
  type Mistake,
} from './mistakes.js';
import { renderChart } from './report-chart.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';
import { fineTuningVerdict, recommendationSentence, verdict, warnings } from './sentences.js';
import type { Family } from '../models/kind.js';
import type { MetricName } from '../models/metric.js';
import type { ModelSettings } from '../models/registry.js';
import type { Duplicates } from '../text/duplicates.js';

/** The metric a comparison judges by, and why that one. */
export interface ComparisonMetric {
  name: MetricName;
  /** Whether the caller chose it; else it is the default for the training labels. */
  given: boolean;
  /** For a default, why it was chosen (the class counts), in words; null when given. */
  why: string | null;
}

/** Everything `emb compare` found, as report.json holds it (the recommendation first). */
export interface CompareReport {
  recommendation: Recommendation;
  /** Whether pretrained vectors help, in words. */
  verdict: string;
  /** What the user should know before reading on: sizes dropped, a small test set. */
  warnings: string[];
  /**
   * report.json's layout: 3 since the curves keep what each run answered (`predicted`, with
   * `data.testLabels`) and the findings judge by `settings.metric`.
   */
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
    /** The test texts' classes, packed as CurvePoint.predicted is (encodeLabels). */
    testLabels: string;
    /** Copies of a text in the data (before the split, which keeps them on one side). */
    duplicates?: Duplicates;
  };
  settings: {
    /** What every finding judges by; every method's inner choices were made on it too. */
    metric: ComparisonMetric;
    sizes: number[];
    dropped: number[];
    repeats: number;
    seed: number;
    /** Each method (in the order of `curves`), its kind's family and its settings. */
    methods: { name: string; family: Family; settings: ModelSettings }[];
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
  /** At each size, the best fine-tuned method against the best on frozen vectors (null without both). */
  fineTuning: FineTuning | null;
  /** Every method's precision, recall and F1 per class at the largest size. */
  perClass: MethodClasses[];
  /** The recommended method's answers at the largest size (the best method's when none is recommended). */
  confusion: Confusion;
  /**
   * That run's most confident mistakes: up to ten per true class, the highest probability of
   * the wrong answer first (empty when the run's probabilities were not kept).
   */
  errors: Mistake[];
  /** Always answering the most frequent class of the training subset. */
  majority: Curve;
  curves: Curve[];
}

export const REPORT_FORMAT_VERSION = 3;

/** What was measured, before anything is concluded from it. */
export type Measurements = Omit<
  CompareReport,
  | 'recommendation'
  | 'verdict'
  | 'warnings'
  | 'transfer'
  | 'leaders'
  | 'crossover'
  | 'fineTuning'
  | 'perClass'
  | 'confusion'
  | 'errors'
> & {
  /**
   * The test texts, and each curve's probabilities from its first run at the largest size
   * (LearningCurves.final), for the mistakes; not part of report.json.
   */
  final?: { texts: readonly string[]; probabilities: readonly Float32Array[] };
};

/** The findings and sentences of a report, computed from its measurements alone. */
export function completeReport(m: Measurements): CompareReport {
  const choice = choose(m);
  const transfer = transferBySize(m);
  const tuning = fineTuningBySize(m);
  const { majority, curves, final, ...about } = m;
  const shown = choice.method ?? choice.best;
  const k = curves.findIndex((c) => c.method === shown);
  const probabilities = final?.probabilities[k];
  // The first run at the largest size: the one whose answers the confusion matrix counts.
  const answers = () => answersAt(m, curves[k], curves[k].points.length - 1)[0];
  // In report.json: what it decided first, then what it was run on, then the figures.
  return {
    recommendation: { ...choice, sentence: recommendationSentence(m, choice) },
    verdict: verdict(m, transfer),
    warnings: warnings(m.data, m.settings.dropped),
    ...about,
    transfer,
    leaders: leaders(m),
    crossover: findCrossover(m),
    fineTuning: tuning && { ...tuning, verdict: fineTuningVerdict(tuning) },
    perClass: perClassOf(m),
    confusion: confusionOf(m, shown),
    errors: probabilities
      ? confidentMistakes(final!.texts, truthOf(m), answers(), probabilities, m.data.classes)
      : [],
    majority,
    curves,
  };
}

/**
 * report.json, indented, with arrays of plain values (accuracies, seconds, answers) on one
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
  const charts = {
    wide: await renderChart(report, 'wide'),
    narrow: await renderChart(report, 'narrow'),
  };
  await writeFolderAtomically(
    dir,
    (tmp) => {
      writeFileSync(join(tmp, 'report.md'), markdown);
      writeFileSync(join(tmp, 'report.html'), renderHtml(report, markdown, charts));
      writeFileSync(join(tmp, 'report.json'), reportJson(report));
    },
    { replace: true },
  );
}
