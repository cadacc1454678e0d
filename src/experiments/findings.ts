/**
 * What a comparison found, from the measured curves alone: which method to deploy, whether
 * methods that use pretrained vectors beat bag-of-words at each size, and which leads are more
 * than noise. Every judgement is a paired test on the same test texts (and, with repeats, the
 * same training subsets), at the significance level ALPHA.
 */
import type { Family } from '../models/kind.js';
import { kindNamed, type ModelName } from '../models/registry.js';
import { bestOf, overtakes, type Curve, type CurvePoint } from './learning-curve.js';
import { mean } from './metrics.js';
import { ALPHA, decodeCorrect, pairedTest, type Correct, type Paired } from './stats.js';

/** What the findings are computed from: the measured part of a report. */
export interface Measured {
  data: { testSize: number };
  settings: { seed: number; methods: { name: string; settings: { model: ModelName } }[] };
  curves: Curve[];
  majority: Curve;
}

export interface Recommendation {
  /** The method to deploy. */
  method: string;
  /** The training size the recommendation is made at: the largest tried. */
  size: number;
  /** Its accuracy on the test set (mean over runs), with the 95% Wilson interval. */
  accuracy: number;
  ci95: [number, number];
  macroF1: number;
  /** The most accurate method at that size (the same as `method` unless a simpler one is as good). */
  mostAccurate: string;
  /** The method it was weighed against (null when only one method ran). */
  runnerUp: string | null;
  runnerUpAccuracy: number | null;
  /** Accuracy of `method` minus that of `runnerUp`, with its 95% interval. */
  difference: number | null;
  differenceCi95: [number, number] | null;
  pValue: number | null;
  /** McNemar's exact test (one run) or a paired bootstrap (several). */
  test: Paired['test'] | null;
  /** Whether any method is significantly better than always answering the majority class. */
  beatsMajority: boolean;
  /** The recommendation in words. */
  sentence: string;
}

/** The best method using vectors against the best bag-of-words method, at one size. */
export interface SizeComparison extends Paired {
  size: number;
  vectors: string;
  vectorsAccuracy: number;
  bagOfWords: string;
  bagOfWordsAccuracy: number;
  /** Who is significantly ahead ("tie": neither). */
  answer: 'vectors' | 'bag-of-words' | 'tie';
}

export interface Transfer {
  vectorMethods: string[];
  bagOfWordsMethods: string[];
  sizes: SizeComparison[];
}

/** Where the best bag-of-words method overtakes averaged vectors alone, by means. */
export interface Crossover {
  baseline: string[];
  transfer: string[];
  size: number | null;
}

/** The kind of model a method of the report trained. */
export const kindOf = (r: Measured, method: string) =>
  kindNamed(
    r.settings.methods.find((m) => m.name === method)?.settings.model ?? (method as ModelName),
  );

export const withVectors = (r: Measured, c: Curve): boolean => kindOf(r, c.method).usesVectors;

export const inFamily = (r: Measured, c: Curve, family: Family): boolean =>
  kindOf(r, c.method).family === family;

/** Where a curve is in report.json, e.g. "curves[2]" (two methods may share a name). */
const placeOf = (r: Measured, c: Curve) =>
  c === r.majority ? 'majority' : `curves[${r.curves.indexOf(c)}]`;

/** The runs' bitsets of a curve at point i, checked against the test set. */
function bits(r: Measured, curve: Curve, i: number): Correct[] {
  const where = placeOf(r, curve);
  return curve.points[i].correct.map((s, k) =>
    decodeCorrect(s, r.data.testSize, `report.json ${where}.points[${i}].correct[${k}]`),
  );
}

const tested = new WeakMap<Measured, Map<string, Paired>>();

/**
 * `a` against `b` at point i, paired by run and by test text. Each pair is tested once per
 * report (the bootstrap is the costly part of a report); b against a is the same test with
 * the signs turned, which the seeded bootstrap reproduces exactly.
 */
export function compareAt(r: Measured, a: Curve, b: Curve, i: number): Paired {
  const cache = tested.get(r) ?? new Map<string, Paired>();
  tested.set(r, cache);
  const key = (x: Curve, y: Curve) => `${placeOf(r, x)} ${placeOf(r, y)} ${i}`;
  const reverse = cache.get(key(b, a));
  if (reverse)
    return {
      ...reverse,
      // 0 - x, not -x: no "-0" in report.json.
      difference: 0 - reverse.difference,
      ci95: [0 - reverse.ci95[1], 0 - reverse.ci95[0]],
      wins: reverse.runs - reverse.wins - ties(r, a, b, i),
    };
  let result = cache.get(key(a, b));
  if (!result) {
    result = pairedTest(bits(r, a, i), bits(r, b, i), r.data.testSize, r.settings.seed + i);
    cache.set(key(a, b), result);
  }
  return result;
}

/** Runs in which a and b were exactly as accurate (neither wins). */
const ties = (r: Measured, a: Curve, b: Curve, i: number) =>
  a.points[i].accuracies.filter((x, k) => x === b.points[i].accuracies[k]).length;

const significant = (p: Paired) => p.pValue < ALPHA;

/** The curve with the highest mean at point i (the first of equals). */
function bestAt(curves: readonly Curve[], i: number): Curve {
  return curves.reduce((b, c) => (c.points[i].mean > b.points[i].mean ? c : b));
}

/** At each size, the best method and every method not significantly below it. */
export function leaders(r: Measured): { size: number; methods: string[] }[] {
  if (r.curves.length === 0) return [];
  return r.curves[0].points.map((p, i) => {
    const best = bestAt(r.curves, i);
    return {
      size: p.size,
      methods: r.curves
        .filter((c) => c === best || !significant(compareAt(r, best, c, i)))
        .map((c) => c.method),
    };
  });
}

/**
 * At each size, the best of `vectors` against the best of `words` (bag-of-words), paired by
 * subset and test text.
 */
export function familiesBySize(
  r: Measured,
  vectors: readonly Curve[],
  words: readonly Curve[],
): SizeComparison[] {
  return r.curves[0].points.map((p, i) => {
    const v = bestAt(vectors, i);
    const w = bestAt(words, i);
    const test = compareAt(r, v, w, i);
    return {
      size: p.size,
      vectors: v.method,
      vectorsAccuracy: v.points[i].mean,
      bagOfWords: w.method,
      bagOfWordsAccuracy: w.points[i].mean,
      ...test,
      answer: !significant(test) ? 'tie' : test.difference > 0 ? 'vectors' : 'bag-of-words',
    };
  });
}

/** Does transfer help at this size: the best vector method (the hybrid included) against the best bag-of-words one. */
export function transferBySize(r: Measured): Transfer | null {
  const vectors = r.curves.filter((c) => withVectors(r, c));
  const words = r.curves.filter((c) => !withVectors(r, c));
  if (vectors.length === 0 || words.length === 0) return null;
  return {
    vectorMethods: vectors.map((c) => c.method),
    bagOfWordsMethods: words.map((c) => c.method),
    sizes: familiesBySize(r, vectors, words),
  };
}

/** Methods on averaged vectors alone: the vector methods without n-grams. */
export const averagedOnly = (r: Measured): Curve[] =>
  r.curves.filter((c) => inFamily(r, c, 'vectors'));

/** The numbers behind the recommendation, without its sentence. */
export type Choice = Omit<Recommendation, 'sentence'>;

/**
 * The method to deploy, judged at the largest size tried (the model one would train on all the
 * data): the most accurate, unless a simpler method is not significantly worse, in which case
 * the simplest such method.
 */
export function choose(r: Measured): Choice {
  const last = r.curves[0].points.length - 1;
  const point = (c: Curve): CurvePoint => c.points[last];
  const best = bestAt(r.curves, last);
  const tests = new Map(
    r.curves.filter((c) => c !== best).map((c) => [c, compareAt(r, best, c, last)]),
  );
  // Among methods within noise of the best, the one that asks least of whoever deploys it.
  const simpler = (a: Curve, b: Curve) =>
    kindOf(r, a.method).cost - kindOf(r, b.method).cost || point(b).mean - point(a).mean;
  const chosen = [best, ...r.curves.filter((c) => c !== best && !significant(tests.get(c)!))].sort(
    simpler,
  )[0];
  const others = r.curves.filter((c) => c !== chosen).sort((a, b) => point(b).mean - point(a).mean);
  const runnerUp = chosen === best ? others[0] : best;
  const vsRunnerUp = runnerUp
    ? chosen === best
      ? tests.get(runnerUp)!
      : compareAt(r, chosen, best, last)
    : undefined;
  return {
    method: chosen.method,
    size: point(chosen).size,
    accuracy: point(chosen).mean,
    ci95: point(chosen).ci95,
    macroF1: point(chosen).macroF1,
    mostAccurate: best.method,
    runnerUp: runnerUp?.method ?? null,
    runnerUpAccuracy: runnerUp ? point(runnerUp).mean : null,
    difference: vsRunnerUp?.difference ?? null,
    differenceCi95: vsRunnerUp?.ci95 ?? null,
    pValue: vsRunnerUp?.pValue ?? null,
    test: vsRunnerUp?.test ?? null,
    beatsMajority: r.curves.some((c) => {
      const vs = compareAt(r, c, r.majority, last);
      return significant(vs) && vs.difference > 0;
    }),
  };
}

/** Mean training seconds per run of a method at the recommendation's size. */
export function secondsAt(r: Measured, method: string, size: number): number {
  const p = r.curves.find((c) => c.method === method)?.points.find((x) => x.size === size);
  return p ? mean(p.seconds) : 0;
}

/** Where the best bag-of-words method overtakes the best method on averaged vectors alone. */
export function findCrossover(r: Measured): Crossover | null {
  const base = r.curves.filter((c) => !withVectors(r, c));
  const averaged = averagedOnly(r);
  if (base.length === 0 || averaged.length === 0) return null;
  const size = overtakes(bestOf('baseline', base), bestOf('transfer', averaged));
  return {
    baseline: base.map((c) => c.method),
    transfer: averaged.map((c) => c.method),
    size: size ?? null,
  };
}
