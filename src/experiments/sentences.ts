/**
 * The report's sentences, computed from its figures: what to deploy (or why nothing should be),
 * whether pretrained vectors help and whether fine-tuning them does. Each clause is chosen by
 * what the paired tests found, so the words cannot claim a lead the figures do not show.
 */
import { option, render } from '../errors.js';
import { defaultMetric, metricLabel, type MetricName } from '../models/metric.js';
import {
  averagedOnly,
  familiesBySize,
  kindOf,
  withVectors,
  secondsAt,
  type Choice,
  type FineTuning,
  type Measured,
  type Transfer,
} from './findings.js';
import type { Curve } from './learning-curve.js';
import { ALPHA, wilson } from './stats.js';

/** Below this many test texts a report warns that its figures cannot separate methods. */
export const SMALL_TEST_SET = 200;

export const pct = (x: number): string => (100 * x).toFixed(1);
export const points = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
export const count = (n: number): string => n.toLocaleString('en-US');
/** "0.21", "0.042" or "< 0.001". */
export const pNumber = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(p < 0.1 ? 3 : 2));
export const pValue = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${pNumber(p)}`);
export const range = ([lo, hi]: readonly [number, number]): string => `${pct(lo)}–${pct(hi)}`;

/** "a", "a and b", "a, b and c". */
export function and(items: readonly string[]): string {
  return items.length < 2
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const sizes = (xs: readonly number[]) => `n = ${and(xs.map(count))}`;

/** A score as the report writes it: "79.4%" for accuracy, "macro-F1 61.3" for another metric. */
export function figure(metric: MetricName, x: number): string {
  return metric === 'accuracy' ? `${pct(x)}%` : `${metricLabel(metric)} ${pct(x)}`;
}

/** The sentences of a report speak to whoever asked: in flags from the command line. */
const spoken = (r: Measured, template: string) =>
  render(template, r.settings.command === null ? 'api' : 'cli');

/** Warnings that belong at the top of a report (and on the command line's stderr). */
export function warnings(
  data: { testSize: number; trainSize: number },
  dropped: number[],
): string[] {
  const out = dropped.map(
    (s) => `size ${s} is larger than the ${data.trainSize} training examples; dropped`,
  );
  if (data.testSize >= SMALL_TEST_SET) return out;
  const testSize = data.testSize;
  const [lo, hi] = wilson(testSize / 2, testSize);
  return [
    ...out,
    `The test set has only ${count(testSize)} text${testSize === 1 ? '' : 's'} (fewer than ${SMALL_TEST_SET}): an accuracy measured on it is uncertain by up to ±${((100 * (hi - lo)) / 2).toFixed(0)} points, too much to tell similar methods apart. Test on more texts (a separate test file, or a larger test share).`,
  ];
}

/** Why `a` is the simpler choice than `b`, e.g. "needs no word vectors and trains 2.4x faster". */
function simplerBecause(r: Measured, a: string, b: string, size: number): string[] {
  const reasons: string[] = [];
  if (!kindOf(r, a).usesVectors && kindOf(r, b).usesVectors) reasons.push('needs no word vectors');
  const ratio = secondsAt(r, b, size) / Math.max(1e-3, secondsAt(r, a, size));
  if (ratio >= 1.5) reasons.push(`trains ${ratio.toFixed(ratio < 10 ? 1 : 0)}x faster`);
  return reasons;
}

/** The recommendation in words: what to deploy, how sure, and against what. */
export function recommendationSentence(r: Measured, c: Choice): string {
  const metric = c.metric;
  const of = (x: number) => figure(metric, x);
  const out: string[] = [];
  if (c.method === null) {
    const m = c.majority;
    const worse = m.difference < 0 && m.pValue < ALPHA;
    out.push(
      `No method beats answering '${m.answer}' for every text (${of(m.score)}): the best, ${c.best} (${of(c.score)}), ${worse ? 'scores significantly lower' : 'is not significantly better'} (${points(m.difference)} points, ${pValue(m.pValue)}).`,
      spoken(r, whatMightHelp(r, metric)),
    );
  } else {
    const accuracy = metric === 'accuracy' ? '' : `; accuracy ${pct(c.accuracy)}%`;
    out.push(`Deploy ${c.method}: ${of(c.score)} (95% CI ${range(c.scoreCi95)}${accuracy}).`);
    if (c.runnerUp === null || c.pValue === null || c.difference === null) {
      out.push('It is the only method compared.');
    } else if (c.method !== c.best) {
      const why = simplerBecause(r, c.method, c.best, c.size);
      const best =
        metric === 'accuracy'
          ? 'The most accurate method'
          : `The best method by ${metricLabel(metric)}`;
      out.push(
        `${best}, ${c.best} (${of(c.runnerUpScore!)}), is not significantly better (${points(-c.difference)} points, ${pValue(c.pValue)}), and ${c.method} ${why.length ? and(why) : 'is simpler'}.`,
      );
    } else if (c.pValue < ALPHA) {
      out.push(
        `It is significantly better than ${c.runnerUp} (${of(c.runnerUpScore!)}; ${points(c.difference)} points, ${pValue(c.pValue)}).`,
      );
    } else {
      const why = simplerBecause(r, c.method, c.runnerUp, c.size);
      const rival = simplerBecause(r, c.runnerUp, c.method, c.size);
      out.push(
        `It is not significantly better than ${c.runnerUp} (${of(c.runnerUpScore!)}, ${pValue(c.pValue)})${
          why.length
            ? `, and it ${and(why)}.`
            : rival.length
              ? `, which ${and(rival)} but is no simpler to deploy.`
              : '; either will do.'
        }`,
      );
    }
  }
  if (r.data.testSize < SMALL_TEST_SET)
    out.push(`With ${count(r.data.testSize)} test texts, treat this as a rough guess.`);
  return out.join(' ');
}

/**
 * What might make a method beat the majority answer: on imbalanced data, a metric that does not
 * reward answering the large class, class weights (unless every method had them) and more
 * examples of the small classes; on balanced data, more examples.
 */
function whatMightHelp(r: Measured, metric: MetricName): string {
  const counts = r.data.trainCounts;
  const labels = counts.flatMap((n, k) => new Array<number>(n).fill(k));
  if (defaultMetric(labels, counts.length) === 'accuracy')
    return `More training examples${r.data.testSize < SMALL_TEST_SET ? ' and a larger test set' : ''} might help.`;
  const largest = Math.max(...counts);
  const small = r.data.classes.filter((_, k) => counts[k] * 4 < largest);
  const out: string[] = [];
  if (metric === 'accuracy')
    out.push(
      `Accuracy rewards answering '${r.data.classes[counts.indexOf(largest)]}': judge by macro-F1 (${option('metric', 'macro-f1')}).`,
    );
  const weighted = r.settings.methods.every((m) => m.settings.classWeight !== undefined);
  const more = `more examples of ${and(small)}`;
  out.push(
    weighted
      ? `${more[0].toUpperCase()}${more.slice(1)} might help.`
      : `Class weights (${option('classWeight', 'balanced')}) or ${more} might help.`,
  );
  return out.join(' ');
}

/** The rows of a size-by-size comparison, as the sentences read them. */
interface Row {
  size: number;
  difference: number;
}

/** "by 3.0 points" or "by 3.0 to 6.1 points": the size of the differences in some rows. */
function gap(rows: readonly Row[]): string {
  const d = rows.map((s) => Math.abs(s.difference));
  const [lo, hi] = [pct(Math.min(...d)), pct(Math.max(...d))];
  return lo === hi ? `${hi} points` : `${lo} to ${hi} points`;
}

const named = <R extends Row>(rows: readonly R[], pick: (s: R) => string) =>
  and([...new Set(rows.map(pick))]);
const at = (rows: readonly Row[], all: number) =>
  rows.length === all ? 'every size tried' : sizes(rows.map((s) => s.size));

/**
 * "Do pretrained vectors help?": the best method that uses them (the hybrid included) against
 * the best bag-of-words method, size by size; then averaged vectors alone when the hybrid ran
 * beside them; then any method that did worse than always answering the most frequent class.
 * Only significant differences are called a lead.
 */
export function verdict(r: Measured, transfer: Transfer | null): string {
  if (!transfer) {
    const only = r.curves.some((c) => withVectors(r, c))
      ? 'methods that use pretrained vectors'
      : 'bag-of-words methods';
    return `Only ${only} ran, so this report cannot say whether pretrained vectors help.${belowMajority(r)}`;
  }
  const rows = transfer.sizes;
  const all = rows.length;
  const help = rows.filter((s) => s.answer === 'vectors');
  const hurt = rows.filter((s) => s.answer === 'bag-of-words');
  const tie = rows.filter((s) => s.answer === 'tie');
  const parts: string[] = [];
  if (help.length === all)
    parts.push(
      `Pretrained vectors help at every size tried: the best method that uses them (${named(help, (s) => s.vectors)}) beats the best bag-of-words method by ${gap(help)}, significantly each time.`,
    );
  else if (hurt.length === all)
    parts.push(
      `Pretrained vectors do not help here: the best bag-of-words method (${named(hurt, (s) => s.bagOfWords)}) is significantly ahead of every method that uses them at every size tried, by ${gap(hurt)}.`,
    );
  else if (tie.length === all)
    parts.push(
      `Pretrained vectors make no significant difference at any size tried: ${withinNoise(tie)}.`,
    );
  else {
    if (help.length)
      parts.push(
        `Pretrained vectors help significantly at ${at(help, all)} (${named(help, (s) => s.vectors)}, by ${gap(help)}).`,
      );
    if (tie.length) parts.push(`At ${at(tie, all)} the difference is within noise (${gap(tie)}).`);
    if (hurt.length)
      parts.push(
        `Bag-of-words (${named(hurt, (s) => s.bagOfWords)}) is significantly ahead at ${at(hurt, all)}, by ${gap(hurt)}.`,
      );
  }
  const averaged = averagedOnly(r);
  if (averaged.length && averaged.length < transfer.vectorMethods.length)
    parts.push(averagedAlone(r, averaged));
  return parts.join(' ') + belowMajority(r);
}

function withinNoise(rows: readonly Row[]): string {
  const most = Math.max(...rows.map((s) => Math.abs(s.difference)));
  return most === 0
    ? 'the best methods with and without them score the same'
    : `the best methods with and without them differ by at most ${pct(most)} points`;
}

/**
 * Averaged vectors without n-grams (logreg, mlp) against bag-of-words, so that a hybrid's
 * lead is not taken for theirs.
 */
function averagedAlone(r: Measured, averaged: Curve[]): string {
  const words = r.curves.filter((c) => !withVectors(r, c));
  const rows = familiesBySize(r, averaged, words);
  const all = rows.length;
  const help = rows.filter((s) => s.answer === 'vectors');
  const hurt = rows.filter((s) => s.answer === 'bag-of-words');
  const who = `Averaged vectors alone (${averaged.map((c) => c.method).join(', ')})`;
  const behind = hurt.length
    ? `bag-of-words is significantly ahead of them at ${at(hurt, all)}`
    : undefined;
  if (!help.length)
    return behind
      ? `${who} never lead significantly: ${behind}.`
      : `${who} are within noise of bag-of-words at every size tried.`;
  return `${who} lead significantly at ${at(help, all)} (by ${gap(help)})${behind ? `; ${behind}` : ''}.`;
}

/**
 * " Below always answering the most frequent class: svm at n = 50." or nothing. Below as the
 * tables show it: a method that answers the majority class for all but a text or two is a
 * hundredth of a point under it, the same figure to the decimal shown, and is not named.
 */
function belowMajority(r: Measured): string {
  const metric = r.settings.metric.name;
  const shown = (x: number) => Number(pct(x));
  const below = r.majority.points
    .map((m, i) => ({
      size: m.size,
      level: m.score,
      methods: r.curves
        .filter((c: Curve) => shown(c.points[i].score) < shown(m.score))
        .map((c) => c.method),
    }))
    .filter((x) => x.methods.length);
  if (!below.length) return '';
  return ` Below always answering the training subset's most frequent class: ${below
    .map((x) => `${and(x.methods)} at n = ${count(x.size)} (majority ${figure(metric, x.level)})`)
    .join('; ')}.`;
}

/**
 * "Does fine-tuning help?": the best fine-tuned method against the best method on frozen
 * vectors, size by size; only significant differences are called a lead.
 */
export function fineTuningVerdict(ft: Omit<FineTuning, 'verdict'>): string {
  const rows = ft.sizes;
  const all = rows.length;
  const help = rows.filter((s) => s.answer === 'fine-tuned');
  const hurt = rows.filter((s) => s.answer === 'frozen');
  const tie = rows.filter((s) => s.answer === 'tie');
  if (help.length === all)
    return `Fine-tuning the vectors helps at every size tried: the best fine-tuned method (${named(help, (s) => s.fineTuned)}) beats the best method on frozen vectors by ${gap(help)}, significantly each time.`;
  if (hurt.length === all)
    return `Fine-tuning does not help here: the best method on frozen vectors (${named(hurt, (s) => s.frozen)}) is significantly ahead of every fine-tuned method at every size tried, by ${gap(hurt)}.`;
  if (tie.length === all) {
    const most = Math.max(...rows.map((s) => Math.abs(s.difference)));
    return `Fine-tuning makes no significant difference at any size tried: the best fine-tuned method and the best on frozen vectors ${most === 0 ? 'score the same' : `differ by at most ${pct(most)} points`}.`;
  }
  const parts: string[] = [];
  if (help.length)
    parts.push(
      `Fine-tuning helps significantly at ${at(help, all)} (${named(help, (s) => s.fineTuned)}, by ${gap(help)}).`,
    );
  if (tie.length) parts.push(`At ${at(tie, all)} the difference is within noise (${gap(tie)}).`);
  if (hurt.length)
    parts.push(
      `Frozen vectors (${named(hurt, (s) => s.frozen)}) are significantly ahead at ${at(hurt, all)}, by ${gap(hurt)}.`,
    );
  return parts.join(' ');
}
