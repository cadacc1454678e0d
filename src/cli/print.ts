/** How the commands show results to people (--json prints the library's objects as they are). */
import type { RowPrediction } from '../api/classifier.js';
import type { Duplicates, Evaluation as FullEvaluation } from '../api/evaluate.js';
import { metricLabel } from '../api/models.js';

/** An evaluation as the commands print it (the per-row predictions go to a file, if anywhere). */
type Evaluation = Omit<FullEvaluation, 'predictions'>;

/**
 * One line a terminal shows as it is: control characters from a bad file (CR, ESC, NUL, ...)
 * become visible escapes instead of moving the cursor or changing colours.
 */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

export const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;

/** "1 text", "2,000 texts": a count that reads well. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/**
 * One line on the copies of a text in `file`, or none without any: how many, the first few
 * groups by line ("lines 3, 17"), the groups with different labels, and where to see all.
 */
export function formatDuplicates(
  file: string,
  d: Duplicates | undefined,
  all = '--json lists them all',
): string | undefined {
  if (!d || d.copies === 0) return undefined;
  const where = (gs: Duplicates['groups']) =>
    gs
      .slice(0, 3)
      .map((g) => (g.lines ? `lines ${g.lines.join(', ')}` : `rows ${g.rows.join(', ')}`))
      .join('; ') + (gs.length > 3 ? '; ...' : '');
  const conflicting = d.groups.filter((g) => g.conflicting);
  const labels = conflicting.length
    ? `; ${count(conflicting.length, 'group')} with different labels (${where(conflicting)})`
    : '';
  return `${file}: ${count(d.copies, 'text')} repeat${d.copies === 1 ? 's' : ''} another's tokens, in ${count(d.groups.length, 'group')} (${where(d.groups)}), kept on one side of every split${labels}; ${all}`;
}

/** A table with a header row; columns padded to their widest cell, numbers right-aligned. */
export function table(rows: (string | number)[][], indent = '  '): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c]?.length ?? 0)));
  return cells
    .map(
      (r, i) =>
        indent +
        r
          .map((cell, c) =>
            i > 0 && typeof rows[i][c] === 'number'
              ? cell.padStart(widths[c])
              : cell.padEnd(widths[c]),
          )
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** The evaluation as `emb train` prints it: accuracy with its uncertainty, classes, confusion. */
export function formatEvaluation(e: Evaluation): string {
  const [lo, hi] = e.ci95;
  const spread = e.folds > 1 ? ` ± ${pct(e.accuracyStd)} over folds` : '';
  const confusion = [
    ['true \\ predicted', ...e.classes],
    ...e.confusion.map((row, i) => [e.classes[i], ...row]),
  ];
  // The metric the model was judged by beside accuracy (macro-F1 is always shown).
  const metric =
    e.metric === 'accuracy' || e.metric === 'macro-f1'
      ? ''
      : `   ${metricLabel(e.metric)} ${e.metricValue.toFixed(4)}`;
  const judged = e.metric === 'accuracy' ? '' : `, judged by ${metricLabel(e.metric)}`;
  const t = e.thresholds;
  const threshold = t
    ? [
        `  threshold on P(${t.positive}): ${t.perFold.length === 1 ? t.perFold[0].toFixed(3) : `${Math.min(...t.perFold).toFixed(3)}-${Math.max(...t.perFold).toFixed(3)} over folds`}`,
      ]
    : [];
  return [
    `${e.model} on ${e.features}, ${e.protocol}${judged}:`,
    `  accuracy ${pct(e.accuracy)}${spread} (95% CI ${pct(lo, 1)}-${pct(hi, 1)})   macro-F1 ${e.macroF1.toFixed(4)}${metric}   majority class ${pct(e.majorityAccuracy)}`,
    ...threshold,
    table([
      ['class', 'precision', 'recall', 'f1', 'support'],
      ...e.perClass.map((m) => [
        m.label,
        m.precision.toFixed(4),
        m.recall.toFixed(4),
        m.f1.toFixed(4),
        m.support,
      ]),
    ]),
    '  confusion:',
    table(confusion, '    '),
  ].join('\n');
}

/** What `emb train` prints: the data, the evaluation, and where the model went. */
export function formatTraining(
  file: string,
  labels: readonly string[],
  e: Evaluation,
  out: string,
): string {
  const counts = e.classes.map(
    (c) => `${c}: ${labels.filter((l) => l === c).length.toLocaleString('en-US')}`,
  );
  const oov = e.oovRate === null ? '' : `; ${pct(e.oovRate)} of tokens have no vector`;
  return [
    `${file}: ${count(labels.length, 'text')}, ${count(e.classes.length, 'class', 'classes')} (${counts.join(', ')})${oov}`,
    formatEvaluation(e),
    `saved ${out} (trained on all ${count(labels.length, 'text')}); try: emb predict ${out} "some text"`,
  ].join('\n');
}

/**
 * One answer of `emb predict` on one line. JSON: the id (with --id), the text and the
 * library's prediction. Text: id, label (or "-"), probability (or the reason), "unseen", text;
 * tab-separated, with line breaks and tabs inside a cell escaped.
 */
export function formatPrediction(p: RowPrediction, json: boolean, withText: boolean): string {
  // JSON leaves out keys whose value is undefined: the id without --id, and the line.
  if (json) return JSON.stringify({ id: p.id, ...p, line: undefined });
  const score = p.probability === null ? p.reason : p.probability.toFixed(4);
  const cells = [p.id, p.label ?? '-', score, p.unseen ? 'unseen' : undefined];
  if (withText) cells.push(p.text);
  return cells
    .filter((c) => c !== undefined)
    .map(oneLine)
    .join('\t');
}
