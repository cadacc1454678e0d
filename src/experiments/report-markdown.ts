/** report.md: the recommendation and the answer first, then the figures behind them. */
import { basename } from 'node:path';
import { defaultsOf, type ModelSettings } from '../models/registry.js';
import { MAJORITY, type CurvePoint } from './learning-curve.js';
import { mean } from './metrics.js';
import type { CompareReport } from './report.js';
import { count, pct, pNumber, points, range } from './sentences.js';

/** The settings that differ from the model's defaults, as " {C: 0.5}", or nothing. */
function changed(settings: ModelSettings): string {
  const defaults = defaultsOf(settings.model) as unknown as Record<string, unknown>;
  const diff = Object.entries(settings).filter(
    ([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k]),
  );
  return diff.length ? ` ${JSON.stringify(Object.fromEntries(diff))}` : '';
}

const table = (head: string[], rows: string[][]): string =>
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

/** The heading the HTML page puts the chart under. */
export const CHART_SECTION = 'Accuracy by training size';

/** One row per method and size: accuracy with both kinds of uncertainty, macro-F1, time. */
function accuracyTable(report: CompareReport): string {
  const rows: string[][] = [];
  report.curves[0].points.forEach((p, i) => {
    const n = p.size === report.data.trainSize ? `${count(p.size)} (all)` : count(p.size);
    const lead = report.leaders[i]?.methods ?? [];
    const row = (name: string, q: CurvePoint, seconds: string) => {
      const acc = lead.includes(name) ? `**${pct(q.mean)}**` : pct(q.mean);
      // One run (all the data) has no spread over subsets.
      const sd = q.accuracies.length > 1 ? pct(q.std) : '–';
      return [n, name, acc, sd, range(q.ci95), pct(q.macroF1), seconds];
    };
    rows.push(row(MAJORITY, report.majority.points[i], '–'));
    for (const c of report.curves)
      rows.push(row(c.method, c.points[i], mean(c.points[i].seconds).toFixed(2)));
  });
  return table(['n', 'method', 'accuracy %', '± sd', '95% CI', 'macro-F1 %', 'train s'], rows);
}

function transferTable(report: CompareReport): string[] {
  const t = report.transfer;
  if (!t) return [];
  const answer = {
    vectors: 'vectors help',
    'bag-of-words': 'bag-of-words ahead',
    tie: 'within noise',
  };
  return [
    `## Does transfer help at this size?`,
    '',
    `The best method that uses pretrained vectors (${t.vectorMethods.join(', ')}) against the best bag-of-words method (${t.bagOfWordsMethods.join(', ')}) at each size, on the same training subsets and test texts. With several subsets per size, the 95% interval and p come from a paired bootstrap over subsets and test texts; with one, p is McNemar's exact test. Differences are in accuracy points.`,
    '',
    table(
      ['n', 'with vectors', 'bag-of-words', 'difference', '95% CI', 'p', 'subsets won', 'answer'],
      t.sizes.map((s) => [
        count(s.size),
        `${s.vectors} ${pct(s.vectorsAccuracy)}`,
        `${s.bagOfWords} ${pct(s.bagOfWordsAccuracy)}`,
        points(s.difference),
        `${points(s.ci95[0])} to ${points(s.ci95[1])}`,
        pNumber(s.pValue),
        `${s.wins} of ${s.runs}`,
        s.answer === 'tie' ? answer.tie : `**${answer[s.answer]}**`,
      ]),
    ),
    '',
  ];
}

export function renderMarkdown(report: CompareReport): string {
  const s = report.settings;
  const d = report.data;
  const counts = (xs: number[]) => d.classes.map((c, k) => `${c} ${count(xs[k])}`).join(', ');
  return [
    `# emb compare: ${basename(d.train)}`,
    '',
    ...report.warnings.flatMap((w) => [`> **Warning:** ${w}`, '']),
    `**Recommendation.** ${report.recommendation.sentence}`,
    '',
    `**Do pretrained vectors help?** ${report.verdict}`,
    '',
    `## ${CHART_SECTION}`,
    '',
    `Accuracy on a fixed test set of ${count(d.testSize)} texts: the mean over ${s.repeats} stratified random training subsets per size (one run with all the data), their standard deviation (± sd, the spread over subsets) and the 95% Wilson interval over the test texts. In bold: the best method at each size and every method not significantly below it (paired test, p ≥ 0.05). The majority row always answers the training subset's most frequent class.`,
    '',
    accuracyTable(report),
    '',
    ...transferTable(report),
    `## Settings`,
    '',
    `- training data: ${d.train} (${count(d.trainSize)} examples: ${counts(d.trainCounts)})`,
    `- test data: ${d.test} (${count(d.testSize)} examples: ${counts(d.testCounts)})`,
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
