/**
 * Uncertainty of accuracies measured on a finite test set: how sure a figure is, not just
 * what it is, and whether one method's lead over another on the same texts is more than noise.
 */
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

/** How one method compares with another trained on the same subsets and tested on the same texts. */
export interface Paired {
  /** Mean accuracy of the first minus the second, over the runs (a proportion). */
  difference: number;
  /** 95% interval of the difference (paired bootstrap). */
  ci95: [number, number];
  p_value: number;
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
 * with Poisson(1) counts (the large-sample form of resampling with replacement), which lets
 * each resample touch only the texts where the two disagree; it is slightly conservative.
 * Seeded: the same inputs give the same figures.
 */
export function pairedTest(
  a: readonly Correct[],
  b: readonly Correct[],
  n: number,
  seed: number,
): Paired {
  const runs = a.length;
  // Texts some run disagrees on get a slot each; per run, the slots where the two disagree and
  // which way (+1: only a was right).
  const slotOf = new Int32Array(n).fill(-1);
  let used = 0;
  const slots: Int32Array[] = [];
  const signs: Int8Array[] = [];
  let sum = 0;
  let wins = 0;
  let onlyA = 0;
  for (let r = 0; r < runs; r++) {
    const at: number[] = [];
    const sign: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = isRight(a[r], i);
      if (x === isRight(b[r], i)) continue;
      if (slotOf[i] < 0) slotOf[i] = used++;
      at.push(slotOf[i]);
      sign.push(x ? 1 : -1);
    }
    const s = sign.reduce((t, v) => t + v, 0);
    sum += s;
    if (s > 0) wins++;
    if (runs === 1) onlyA = sign.filter((v) => v > 0).length;
    slots.push(Int32Array.from(at));
    signs.push(Int8Array.from(sign));
  }
  const difference = sum / (runs * n);

  const weights = new Float64Array(used);
  const rng = new Random(seed ^ 0x5eed);
  const draws = new Float64Array(RESAMPLES);
  const repeatCounts = new Float64Array(runs);
  for (let t = 0; t < RESAMPLES; t++) {
    for (let j = 0; j < used; j++) weights[j] = poisson1(rng.next());
    repeatCounts.fill(runs === 1 ? 1 : 0);
    if (runs > 1) for (let r = 0; r < runs; r++) repeatCounts[rng.int(runs)]++;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      if (repeatCounts[r] === 0) continue;
      const at = slots[r];
      const sign = signs[r];
      let s = 0;
      for (let j = 0; j < at.length; j++) s += sign[j] * weights[at[j]];
      total += repeatCounts[r] * s;
    }
    draws[t] = total / (runs * n);
  }
  draws.sort();
  const ci95: [number, number] = [quantile(draws, 0.025), quantile(draws, 0.975)];
  let p: number;
  if (runs === 1) p = mcnemarExact(onlyA, slots[0].length - onlyA);
  else {
    let below = 0;
    let above = 0;
    for (const d of draws) {
      if (d <= 0) below++;
      if (d >= 0) above++;
    }
    p = Math.min(1, (2 * (Math.min(below, above) + 1)) / (RESAMPLES + 1));
  }
  return { difference, ci95, p_value: p, wins, runs, test: runs === 1 ? 'mcnemar' : 'bootstrap' };
}

/** Cumulative Poisson(1) probabilities, for drawing counts by inversion. */
const POISSON1_CDF = (() => {
  const cdf: number[] = [];
  let term = Math.exp(-1);
  let total = 0;
  for (let k = 0; k < 16; k++) {
    total += term;
    cdf.push(total);
    term /= k + 1;
  }
  return Float64Array.from(cdf);
})();

/** A Poisson(1) count for a uniform draw u (two comparisons on average). */
function poisson1(u: number): number {
  let k = 0;
  while (k < POISSON1_CDF.length - 1 && u > POISSON1_CDF[k]) k++;
  return k;
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}
