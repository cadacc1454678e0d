/** report.md: the recommendation and the answer first, then the figures behind them. */
import { basename } from 'node:path';
import { metricLabel } from '../models/metric.js';
import { defaultsOf, type ModelSettings } from '../models/registry.js';
import { MAJORITY, type CurvePoint } from './learning-curve.js';
import { mean } from './metrics.js';
import type { CompareReport } from './report.js';
import type { Paired } from './stats.js';
import { count, pct, pNumber, points, range } from './sentences.js';

/** The settings that differ from the model's defaults, as " {C: 0.5}", or nothing. */
function changed(settings: ModelSettings): string {
  const defaults = defaultsOf(settings.model) as unknown as Record<string, unknown>;
  // The metric is the comparison's, listed once in the settings.
  const diff = Object.entries(settings).filter(
    ([k, v]) => k !== 'metric' && JSON.stringify(v) !== JSON.stringify(defaults[k]),
  );
  return diff.length ? ` ${JSON.stringify(Object.fromEntries(diff))}` : '';
}

const table = (head: string[], rows: string[][]): string =>
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

/**
 * A user's text as a table cell: on one line, Markdown's characters escaped (a backslash
 * before any ASCII punctuation is literal in CommonMark, and report-html reads it so).
 */
export function cell(text: string, limit = 300): string {
  // eslint-disable-next-line no-control-regex -- control characters have no place in a cell
  const flat = text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  const short = flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
  return short.replace(/[\\`*_|<>[\]#~&]/g, (c) => `\\${c}`);
}

/** The heading the HTML page puts the chart under: "Accuracy by training size". */
export function chartSection(report: CompareReport): string {
  const label = metricLabel(report.settings.metric.name);
  return `${label[0].toUpperCase()}${label.slice(1)} by training size`;
}

/**
 * One row per method and size: the metric with both kinds of uncertainty, then accuracy and
 * macro-F1 when they are not the metric, and time.
 */
function scoreTable(report: CompareReport): string {
  const metric = report.settings.metric.name;
  const extra = [
    ...(metric === 'accuracy' ? [] : [{ head: 'accuracy %', of: (q: CurvePoint) => q.mean }]),
    ...(metric === 'macro-f1' ? [] : [{ head: 'macro-F1 %', of: (q: CurvePoint) => q.macroF1 }]),
  ];
  const rows: string[][] = [];
  report.curves[0].points.forEach((p, i) => {
    const n = p.size === report.data.trainSize ? `${count(p.size)} (all)` : count(p.size);
    const lead = report.leaders[i]?.methods ?? [];
    const row = (name: string, q: CurvePoint, seconds: string) => {
      const score = lead.includes(name) ? `**${pct(q.score)}**` : pct(q.score);
      // One run (all the data) has no spread over subsets.
      const sd = q.scores.length > 1 ? pct(q.scoreStd) : '–';
      return [n, name, score, sd, range(q.scoreCi95), ...extra.map((e) => pct(e.of(q))), seconds];
    };
    rows.push(row(MAJORITY, report.majority.points[i], '–'));
    for (const c of report.curves)
      rows.push(row(c.method, c.points[i], mean(c.points[i].seconds).toFixed(2)));
  });
  return table(
    [
      'n',
      'method',
      `${metricLabel(metric)} %`,
      '± sd',
      '95% CI',
      ...extra.map((e) => e.head),
      'train s',
    ],
    rows,
  );
}

/** How the paired tests are made, for the paragraphs above their tables. */
function testsAre(report: CompareReport): string {
  const metric = report.settings.metric.name;
  const one =
    metric === 'accuracy'
      ? "with one, p is McNemar's exact test"
      : 'with one, the bootstrap resamples the test texts';
  return `With several subsets per size, the 95% interval and p come from a paired bootstrap over subsets and test texts; ${one}. Differences are in ${metricLabel(metric)} points.`;
}

/** One row of a best-against-best table: the two sides, the paired test, the answer. */
interface SideBySide extends Paired {
  size: number;
  sides: [string, number, string, number];
  answer: string;
  /** Whether the answer is a significant lead (bold). */
  lead: boolean;
}

/** A "does X help at this size?" section: the best of one group against the best of another. */
function sideBySide(
  report: CompareReport,
  heading: string,
  intro: string,
  columns: [string, string],
  rows: SideBySide[],
): string[] {
  return [
    `## ${heading}`,
    '',
    `${intro} at each size, on the same training subsets and test texts. ${testsAre(report)}`,
    '',
    table(
      ['n', ...columns, 'difference', '95% CI', 'p', 'subsets won', 'answer'],
      rows.map((s) => [
        count(s.size),
        `${s.sides[0]} ${pct(s.sides[1])}`,
        `${s.sides[2]} ${pct(s.sides[3])}`,
        points(s.difference),
        `${points(s.ci95[0])} to ${points(s.ci95[1])}`,
        pNumber(s.pValue),
        `${s.wins} of ${s.runs}`,
        s.lead ? `**${s.answer}**` : s.answer,
      ]),
    ),
    '',
  ];
}

function transferTable(report: CompareReport): string[] {
  const t = report.transfer;
  if (!t) return [];
  const answer = {
    vectors: 'vectors help',
    'bag-of-words': 'bag-of-words ahead',
    tie: 'within noise',
  };
  return sideBySide(
    report,
    'Does transfer help at this size?',
    `The best method that uses pretrained vectors (${t.vectorMethods.join(', ')}) against the best bag-of-words method (${t.bagOfWordsMethods.join(', ')})`,
    ['with vectors', 'bag-of-words'],
    t.sizes.map((s) => ({
      ...s,
      sides: [s.vectors, s.vectorsScore, s.bagOfWords, s.bagOfWordsScore],
      answer: answer[s.answer],
      lead: s.answer !== 'tie',
    })),
  );
}

function fineTuningTable(report: CompareReport): string[] {
  const f = report.fineTuning;
  if (!f) return [];
  const answer = { 'fine-tuned': 'fine-tuning helps', frozen: 'frozen ahead', tie: 'within noise' };
  return sideBySide(
    report,
    'Does fine-tuning help at this size?',
    `The best method that fine-tunes the vectors (${f.fineTunedMethods.join(', ')}) against the best method on frozen vectors (${f.frozenMethods.join(', ')})`,
    ['fine-tuned', 'frozen vectors'],
    f.sizes.map((s) => ({
      ...s,
      sides: [s.fineTuned, s.fineTunedScore, s.frozen, s.frozenScore],
      answer: answer[s.answer],
      lead: s.answer !== 'tie',
    })),
  );
}

/** The confusion matrix, the most confident mistakes and every method's scores per class. */
function mistakes(report: CompareReport): string[] {
  const c = report.confusion;
  const classes = report.data.classes;
  const which =
    report.recommendation.method === null ? 'the best method, not recommended' : 'recommended';
  const run = c.runs > 1 ? ` (run 1 of ${c.runs})` : '';
  const out = [
    `## What ${c.method} gets wrong`,
    '',
    `The answers of ${c.method} (${which}) at n = ${count(c.size)}${run} on the ${count(report.data.testSize)} test texts: each row is a true class, each column an answer.`,
    '',
    table(
      ['true class', ...classes.map((k) => `answered ${cell(k)}`)],
      c.matrix.map((row, k) => [cell(classes[k]), ...row.map(count)]),
    ),
    '',
  ];
  if (report.errors.length)
    out.push(
      `Its most confident mistakes: up to ten per true class, the highest probability of the wrong answer first.`,
      '',
      table(
        ['true class', 'answered', 'probability', 'text'],
        report.errors.map((e) => [
          cell(e.label),
          cell(e.predicted),
          e.probability.toFixed(3),
          cell(e.text),
        ]),
      ),
      '',
    );
  const size = report.perClass[0]?.size ?? c.size;
  out.push(
    `## Per class`,
    '',
    `Precision, recall and F1 of every method for each class at n = ${count(size)} (the mean over its runs there); support is the class's test texts.`,
    '',
    table(
      ['method', 'class', 'precision %', 'recall %', 'F1 %', 'support'],
      report.perClass.flatMap((m) =>
        m.classes.map((k) => [
          m.method,
          cell(k.label),
          pct(k.precision),
          pct(k.recall),
          pct(k.f1),
          count(k.support),
        ]),
      ),
    ),
    '',
  );
  return out;
}

/** The copies of a text in the data (report.json has every group, with its lines). */
function copiesLine(report: CompareReport): string[] {
  const d = report.data.duplicates;
  if (!d || d.copies === 0) return [];
  const groups = (n: number) => `${count(n)} group${n === 1 ? '' : 's'}`;
  const labels = d.conflicting ? `; ${groups(d.conflicting)} with different labels` : '';
  return [
    `- copies of a text: ${count(d.copies)} text${d.copies === 1 ? ' repeats' : 's repeat'} another's tokens, in ${groups(d.groups.length)}, kept on one side of the split${labels} (report.json's data.duplicates lists them with their lines)`,
  ];
}

/** The metric's line in the settings: which, and why when it is the default. */
function metricLine(report: CompareReport): string {
  const m = report.settings.metric;
  const label = metricLabel(m.name);
  return `- metric: ${label}${m.given ? '' : ` (the default here: ${m.why})`}; every method's inner choices were made on it`;
}

export function renderMarkdown(report: CompareReport): string {
  const s = report.settings;
  const d = report.data;
  const counts = (xs: number[]) => d.classes.map((c, k) => `${cell(c)} ${count(xs[k])}`).join(', ');
  const metric = s.metric.name;
  const intervals =
    metric === 'accuracy'
      ? 'the 95% Wilson interval over the test texts'
      : 'the 95% interval over the test texts (bootstrap)';
  return [
    `# emb compare: ${cell(basename(d.train))}`,
    '',
    ...report.warnings.flatMap((w) => [`> **Warning:** ${w}`, '']),
    `**Recommendation.** ${report.recommendation.sentence}`,
    '',
    `**Do pretrained vectors help?** ${report.verdict}`,
    '',
    ...(report.fineTuning ? [`**Does fine-tuning help?** ${report.fineTuning.verdict}`, ''] : []),
    `## ${chartSection(report)}`,
    '',
    `${chartSection(report).replace(/ by training size$/, '')} on a fixed test set of ${count(d.testSize)} texts: the mean over ${s.repeats} stratified random training subsets per size (one run with all the data), their standard deviation (± sd, the spread over subsets) and ${intervals}. In bold: the best method at each size and every method not significantly below it (paired test, p ≥ 0.05). The majority row always answers the training subset's most frequent class.`,
    '',
    scoreTable(report),
    '',
    ...transferTable(report),
    ...fineTuningTable(report),
    ...mistakes(report),
    `## Settings`,
    '',
    `- training data: ${d.train} (${count(d.trainSize)} examples: ${counts(d.trainCounts)})`,
    `- test data: ${d.test} (${count(d.testSize)} examples: ${counts(d.testCounts)})`,
    ...copiesLine(report),
    metricLine(report),
    `- sizes: ${s.sizes.join(', ')}${s.dropped.length ? ` (dropped, larger than the training data: ${s.dropped.join(', ')})` : ''}`,
    `- repeats per size: ${s.repeats}; seed: ${s.seed}`,
    `- methods: ${s.methods.map((m) => `${m.name}${changed(m.settings)}`).join('; ')}`,
    `- vectors: ${s.vectors ? `${s.vectors.path} (${s.vectors.words} words x ${s.vectors.dims} dims)` : 'none'}`,
    ...(report.oovRate !== null ? [`- test tokens without a vector: ${pct(report.oovRate)}%`] : []),
    `- recommendation made at n = ${count(report.recommendation.size)}; significance level 0.05`,
    `- emb ${report.emb}, ${report.created}`,
    ...(s.command ? [`- command: \`${s.command}\``] : []),
    '',
  ].join('\n');
}
