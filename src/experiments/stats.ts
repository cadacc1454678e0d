/**
 * Uncertainty of accuracies measured on a finite test set: how sure a figure is, not just
 * what it is, and whether one method's lead over another on the same texts is more than noise.
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

/** Which texts were answered right, as report.json stores it (CurvePoint.correct). */
export function encodeCorrect(right: readonly boolean[]): string {
  const bits = new Uint8Array(Math.ceil(right.length / 8));
  right.forEach((ok, i) => {
    if (ok) bits[i >> 3] |= 1 << (i & 7);
  });
  return Buffer.from(bits).toString('base64');
}

/**
 * The bitset of one run back from report.json; `place` names it in the error when it does not
 * fit a test set of `n` texts (a report edited by hand, or from another test set).
 */
export function decodeCorrect(encoded: string, n: number, place: string): Correct {
  const bits = /^[A-Za-z0-9+/]*={0,2}$/.test(encoded)
    ? new Uint8Array(Buffer.from(encoded, 'base64'))
    : undefined;
  const extra =
    bits && bits.length === Math.ceil(n / 8) && n % 8 ? bits[bits.length - 1] >> (n % 8) : 0;
  if (!bits || bits.length !== Math.ceil(n / 8) || extra !== 0)
    throw new EmbError(
      'E_INPUT',
      `${place}: expected a base64 bitset of ${n} test texts (${Math.ceil(n / 8)} bytes), got ${JSON.stringify(encoded.length > 24 ? `${encoded.slice(0, 24)}...` : encoded)}`,
    );
  return bits;
}

/** How one method compares with another trained on the same subsets and tested on the same texts. */
export interface Paired {
  /** Mean accuracy of the first minus the second, over the runs (a proportion). */
  difference: number;
  /** 95% interval of the difference (paired bootstrap). */
  ci95: [number, number];
  pValue: number;
  /** Runs (training subsets) in which the first was more accurate than the second. */
  wins: number;
  runs: number;
  /** "mcnemar" with one run, "bootstrap" with several. */
  test: 'mcnemar' | 'bootstrap';
}

const RESAMPLES = 2000;

/**
 * A paired comparison of two methods, run r of each trained on the same subset and every run
 * tested on the same `n` texts. With one run, the p-value is McNemar's exact test. With
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
    let below = 0;
    let above = 0;
    for (const d of draws) {
      if (d <= 0) below++;
      if (d >= 0) above++;
    }
    p = Math.min(1, (2 * (Math.min(below, above) + 1)) / (RESAMPLES + 1));
  }
  return { difference, ci95, pValue: p, wins, runs, test: runs === 1 ? 'mcnemar' : 'bootstrap' };
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
