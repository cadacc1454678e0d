/**
 * Uncertainty of scores measured on a finite test set (accuracy, or any metric of the answers):
 * how sure a figure is, not just what it is, and whether one method's lead over another on the
 * same texts is more than noise.
 */
import { EmbError } from '../errors.js';
import { Random } from '../random.js';

/** 95% two-sided normal quantile. */
const Z95 = 1.959963984540054;

/** The significance level every "significantly" in a report means. */
export const ALPHA = 0.05;

/**
 * Wilson's score interval for a proportion of `correct` out of `n` (95% by default): unlike
 * the normal approximation it stays inside [0, 1] and behaves on small and extreme samples.
 * `correct` may be fractional (a mean over runs on the same texts).
 */
export function wilson(correct: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = correct / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * McNemar's exact test: two classifiers on the same texts, `b` texts only the first got
 * right and `c` only the second. Under "equally accurate" each such text is a fair coin, so
 * the two-sided p-value is twice the binomial tail of the smaller count (at most 1).
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // Terms of Binomial(n, 1/2) up to k, in logs: n can be thousands, 0.5^n underflows.
  let logTerm = -n * Math.LN2;
  let logTail = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1));
    const hi = Math.max(logTail, logTerm);
    logTail = hi + Math.log(Math.exp(logTail - hi) + Math.exp(logTerm - hi));
  }
  return Math.min(1, 2 * Math.exp(logTail));
}

/** Which test texts a run answered right, bit i for text i. */
export type Correct = Uint8Array;

export const isRight = (bits: Correct, i: number): boolean => ((bits[i >> 3] >> (i & 7)) & 1) === 1;

/** The texts a run answered right (its answers against the truth), as a bitset. */
export function correctBits(predicted: ArrayLike<number>, truth: ArrayLike<number>): Correct {
  const bits = new Uint8Array(Math.ceil(truth.length / 8));
  for (let i = 0; i < truth.length; i++)
    if (predicted[i] === truth[i]) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** Class ids, one per test text. */
export type Labels = Int32Array;

/** Bits per class id in report.json: 1, 2, 4, 8, 16 or 32, so that no id straddles a byte. */
export function labelBits(classes: number): number {
  let bits = 1;
  while (bits < 32 && 2 ** bits < classes) bits *= 2;
  return bits;
}

/**
 * Class ids as report.json stores them (a run's answers, the test set's labels): packed at
 * labelBits(classes) bits each, text i first in byte (i * bits) >> 3, least significant bits
 * first, in base64. Two classes take one bit a text: about 360 characters for 2,000 texts.
 */
export function encodeLabels(ids: ArrayLike<number>, classes: number): string {
  const bits = labelBits(classes);
  const bytes = new Uint8Array(Math.ceil((ids.length * bits) / 8));
  for (let i = 0; i < ids.length; i++) {
    const at = i * bits;
    for (let b = 0; b < bits; b += 8) {
      const chunk = bits >= 8 ? (ids[i] >>> b) & 0xff : ids[i];
      bytes[(at + b) >> 3] |= chunk << (at & 7);
    }
  }
  return Buffer.from(bytes).toString('base64');
}

/**
 * The class ids of `n` texts back from report.json; `place` names them in the error when
 * they do not fit (a report edited by hand, or from another test set).
 */
export function decodeLabels(encoded: string, n: number, classes: number, place: string): Labels {
  const bits = labelBits(classes);
  const size = Math.ceil((n * bits) / 8);
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(encoded)
    ? new Uint8Array(Buffer.from(encoded, 'base64'))
    : undefined;
  const ids = new Int32Array(n);
  let ok = bytes !== undefined && bytes.length === size;
  for (let i = 0; ok && i < n; i++) {
    const at = i * bits;
    let id = 0;
    if (bits >= 8) for (let b = 0; b < bits; b += 8) id += bytes![(at + b) >> 3] * 2 ** b;
    else id = (bytes![at >> 3] >> (at & 7)) & ((1 << bits) - 1);
    ids[i] = id;
    ok = id < classes;
  }
  // Bits past the last text mean the answers belong to a larger test set.
  const used = (n * bits) % 8;
  if (ok && used && bytes![size - 1] >> used !== 0) ok = false;
  if (!ok)
    throw new EmbError(
      'E_INPUT',
      `${place}: expected base64 class ids of ${n} test texts, ${bits} bit${bits > 1 ? 's' : ''} each for ${classes} classes (${size} bytes), got ${JSON.stringify(encoded.length > 24 ? `${encoded.slice(0, 24)}...` : encoded)}`,
    );
  return ids;
}

/** How one method compares with another trained on the same subsets and tested on the same texts. */
export interface Paired {
  /** Mean score of the first minus the second over the runs (accuracy, or the metric; a proportion). */
  difference: number;
  /** 95% interval of the difference (paired bootstrap). */
  ci95: [number, number];
  pValue: number;
  /** Runs (training subsets) in which the first scored higher than the second. */
  wins: number;
  runs: number;
  /** "mcnemar" for accuracy with one run, else "bootstrap". */
  test: 'mcnemar' | 'bootstrap';
}

const RESAMPLES = 2000;

/**
 * A paired comparison of two methods' accuracy, run r of each trained on the same subset and
 * every run tested on the same `n` texts. With one run, the p-value is McNemar's exact test. With
 * several, both sources of noise count (which subset was drawn, which texts were tested), so
 * the bootstrap resamples the runs and the texts together; its two-sided p-value is the
 * share of resampled differences on the far side of zero, doubled. Texts are reweighted
 * with Poisson(1) counts (the large-sample form of resampling with replacement; slightly
 * conservative), so only the texts the two disagree on matter, grouped by their pattern.
 * Seeded: the same inputs give the same figures.
 */
export function pairedTest(
  a: readonly Correct[],
  b: readonly Correct[],
  n: number,
  seed: number,
): Paired {
  const runs = a.length;
  // Each text the two disagree on in some run has a pattern: per run, +1 (only a right), -1
  // (only b right) or 0. Texts with the same pattern move the difference alike, so a resample
  // only needs each pattern's total weight (at most 3^runs patterns, usually a few dozen).
  const groupOf = new Map<string, number>();
  const patterns: Int8Array[] = [];
  const textGroup: number[] = [];
  const sums = new Array<number>(runs).fill(0);
  const pattern = new Int8Array(runs);
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let r = 0; r < runs; r++) {
      const x = isRight(a[r], i);
      pattern[r] = x === isRight(b[r], i) ? 0 : x ? 1 : -1;
      if (pattern[r] !== 0) any = true;
      sums[r] += pattern[r];
    }
    if (!any) continue;
    const key = pattern.join(',');
    let g = groupOf.get(key);
    if (g === undefined) {
      g = patterns.length;
      groupOf.set(key, g);
      patterns.push(Int8Array.from(pattern));
    }
    textGroup.push(g);
  }
  const difference = sums.reduce((t, x) => t + x, 0) / (runs * n);
  const wins = sums.filter((x) => x > 0).length;

  const sizes = new Float64Array(patterns.length);
  for (const g of textGroup) sizes[g]++;
  const weights = new Float64Array(patterns.length);
  const rng = new Random(seed ^ 0x5eed);
  const draws = new Float64Array(RESAMPLES);
  const repeatCounts = new Float64Array(runs);
  for (let t = 0; t < RESAMPLES; t++) {
    // A pattern's total weight: the sum of its texts' Poisson(1) counts is Poisson(texts).
    for (let g = 0; g < patterns.length; g++) weights[g] = poisson(sizes[g], rng);
    repeatCounts.fill(runs === 1 ? 1 : 0);
    if (runs > 1) for (let r = 0; r < runs; r++) repeatCounts[rng.int(runs)]++;
    let total = 0;
    for (let g = 0; g < patterns.length; g++) {
      if (weights[g] === 0) continue;
      let s = 0;
      for (let r = 0; r < runs; r++) s += repeatCounts[r] * patterns[g][r];
      total += weights[g] * s;
    }
    draws[t] = total / (runs * n);
  }
  draws.sort();
  const ci95: [number, number] = [quantile(draws, 0.025), quantile(draws, 0.975)];
  let p: number;
  if (runs === 1) {
    const counts = [0, 0];
    for (const g of textGroup) counts[patterns[g][0] > 0 ? 0 : 1]++;
    p = mcnemarExact(counts[0], counts[1]);
  } else {
    p = twoSided(draws);
  }
  return { difference, ci95, pValue: p, wins, runs, test: runs === 1 ? 'mcnemar' : 'bootstrap' };
}

/** Twice the share of resampled differences on the far side of zero (at most 1). */
function twoSided(draws: Float64Array): number {
  let below = 0;
  let above = 0;
  for (const d of draws) {
    if (d <= 0) below++;
    if (d >= 0) above++;
  }
  return Math.min(1, (2 * (Math.min(below, above) + 1)) / (draws.length + 1));
}

/**
 * A Poisson(lambda) count. Small means by inversion; from 10 on by Hörmann's transformed
 * rejection with squeeze (PTRS, 1993; what numpy uses), which takes about one pair of uniform
 * draws whatever the mean, so a pattern of 2,000 texts costs no more than one of 2.
 */
export function poisson(lambda: number, rng: Random): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    // Group sizes are whole numbers: their cumulative probabilities are computed once.
    const cdf = Number.isInteger(lambda) ? SMALL_CDFS[lambda] : poissonCdf(lambda);
    const u = rng.next();
    let k = 0;
    while (k < cdf.length - 1 && u > cdf[k]) k++;
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * loglam - logFactorial(k)
    )
      return k;
  }
}

/** P(X <= k) for k = 0..39 (beyond that the tail of a mean below 10 is under 1e-12). */
function poissonCdf(lambda: number): Float64Array {
  const cdf = new Float64Array(40);
  let term = Math.exp(-lambda);
  let total = 0;
  for (let k = 0; k < cdf.length; k++) {
    total += term;
    cdf[k] = total;
    term *= lambda / (k + 1);
  }
  return cdf;
}

const SMALL_CDFS = Array.from({ length: 10 }, (_, l) => poissonCdf(l));

const LOG_FACTORIALS = (() => {
  const t = new Float64Array(64);
  for (let k = 2; k < t.length; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

/** log(k!): a table below 64, Stirling's series above (error far below 1e-12 there). */
function logFactorial(k: number): number {
  if (k < LOG_FACTORIALS.length) return LOG_FACTORIALS[k];
  const x = k + 1;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5)
  );
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

/** A score of a confusion matrix (k x k, flat, row = true class, column = answer); 0..1. */
export type ConfusionScore = (confusion: Float64Array) => number;

/**
 * The test texts grouped by their class and by what each of several labellings (runs)
 * answered: texts of a group move any score alike, so a resample needs only each group's
 * total weight (for two classes and ten labellings at most 2^11 groups, usually far fewer).
 */
class Groups {
  /** Texts in each group. */
  readonly size: number[] = [];
  readonly truth: number[] = [];
  /** Group g's answer in labelling l: answers[g * labellings + l]. */
  readonly answers: number[] = [];

  constructor(
    truth: ArrayLike<number>,
    readonly labellings: readonly ArrayLike<number>[],
    readonly classes: number,
  ) {
    const index = new Map<string, number>();
    const key = new Array<number>(labellings.length + 1);
    for (let i = 0; i < truth.length; i++) {
      key[0] = truth[i];
      for (let l = 0; l < labellings.length; l++) key[l + 1] = labellings[l][i];
      const k = key.join(',');
      let g = index.get(k);
      if (g === undefined) {
        g = this.size.length;
        index.set(k, g);
        this.size.push(0);
        this.truth.push(truth[i]);
        for (let l = 0; l < labellings.length; l++) this.answers.push(labellings[l][i]);
      }
      this.size[g]++;
    }
  }

  /** Labelling l's confusion matrix with group g weighted weights[g], into `out`. */
  confusion(l: number, weights: ArrayLike<number>, out: Float64Array): Float64Array {
    out.fill(0);
    const n = this.labellings.length;
    for (let g = 0; g < this.size.length; g++)
      if (weights[g] !== 0)
        out[this.truth[g] * this.classes + this.answers[g * n + l]] += weights[g];
    return out;
  }
}

/** Poisson(1) weights for each text, summed by group: each group's total is Poisson(its size). */
function resampleGroups(groups: Groups, rng: Random, into: Float64Array): Float64Array {
  for (let g = 0; g < groups.size.length; g++) into[g] = poisson(groups.size[g], rng);
  return into;
}

/**
 * Like pairedTest, for any score of the answers (macro-F1, a class's recall...): run r of
 * `a` and of `b` were trained on the same subset, and every run answered the same texts,
 * whose classes are `truth`. The difference is the mean over runs of score(a) - score(b);
 * the bootstrap resamples the runs and the texts together (Poisson weights, as pairedTest),
 * recomputing each score from the resampled confusion matrices, and p is twice the share of
 * resampled differences on the far side of zero. Seeded: the same inputs give the same figures.
 */
export function pairedScoreTest(
  a: readonly Labels[],
  b: readonly Labels[],
  truth: ArrayLike<number>,
  classes: number,
  score: ConfusionScore,
  seed: number,
): Paired {
  const runs = a.length;
  const groups = new Groups(truth, [...a, ...b], classes);
  const matrix = new Float64Array(classes * classes);
  const diff = (r: number, weights: ArrayLike<number>) =>
    score(groups.confusion(r, weights, matrix)) -
    score(groups.confusion(runs + r, weights, matrix));
  const observed = Array.from({ length: runs }, (_, r) => diff(r, groups.size));
  const difference = observed.reduce((t, x) => t + x, 0) / runs;
  const wins = observed.filter((x) => x > 0).length;

  const rng = new Random(seed ^ 0x5eed);
  const weights = new Float64Array(groups.size.length);
  const draws = new Float64Array(RESAMPLES);
  const repeatCounts = new Float64Array(runs);
  for (let t = 0; t < RESAMPLES; t++) {
    resampleGroups(groups, rng, weights);
    repeatCounts.fill(runs === 1 ? 1 : 0);
    if (runs > 1) for (let r = 0; r < runs; r++) repeatCounts[rng.int(runs)]++;
    let total = 0;
    for (let r = 0; r < runs; r++) if (repeatCounts[r]) total += repeatCounts[r] * diff(r, weights);
    draws[t] = total / runs;
  }
  draws.sort();
  return {
    difference,
    ci95: [quantile(draws, 0.025), quantile(draws, 0.975)],
    pValue: twoSided(draws),
    wins,
    runs,
    test: 'bootstrap',
  };
}

/**
 * The 95% interval of the mean score of several runs on the same texts, over the test texts
 * (percentile bootstrap, Poisson weights): what the Wilson interval is for accuracy.
 */
export function scoreInterval(
  runs: readonly Labels[],
  truth: ArrayLike<number>,
  classes: number,
  score: ConfusionScore,
  seed: number,
): [number, number] {
  const groups = new Groups(truth, runs, classes);
  const matrix = new Float64Array(classes * classes);
  const rng = new Random(seed ^ 0x5eed);
  const weights = new Float64Array(groups.size.length);
  const draws = new Float64Array(RESAMPLES);
  for (let t = 0; t < RESAMPLES; t++) {
    resampleGroups(groups, rng, weights);
    let total = 0;
    for (let r = 0; r < runs.length; r++) total += score(groups.confusion(r, weights, matrix));
    draws[t] = total / runs.length;
  }
  draws.sort();
  return [quantile(draws, 0.025), quantile(draws, 0.975)];
}
