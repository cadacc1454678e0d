/**
 * What a comparison found, from the measured curves alone: which method to deploy (if any beats
 * always answering the majority class), whether methods that use pretrained vectors beat
 * bag-of-words at each size, whether fine-tuning the vectors beats keeping them frozen, and
 * which leads are more than noise. Every judgement is on the comparison's metric, by a paired
 * test on the same test texts (and, with repeats, the same training subsets), at the
 * significance level ALPHA.
 */
import type { Family } from '../models/kind.js';
import type { MetricName } from '../models/metric.js';
import { kindNamed, type ModelName } from '../models/registry.js';
import { bestOf, overtakes, type Curve, type CurvePoint } from './learning-curve.js';
import { confusionScorer, mean } from './metrics.js';
import {
  ALPHA,
  correctBits,
  decodeLabels,
  pairedScoreTest,
  pairedTest,
  type Labels,
  type Paired,
} from './stats.js';

/** What the findings are computed from: the measured part of a report. */
export interface Measured {
  data: { testSize: number; classes: string[]; trainCounts: number[]; testLabels: string };
  settings: {
    seed: number;
    metric: { name: MetricName };
    /** In the order of `curves`; each method's family as its kind declared it when it ran. */
    methods: {
      name: string;
      family: Family;
      settings: { model: ModelName; classWeight?: unknown };
    }[];
    command: string | null;
  };
  curves: Curve[];
  majority: Curve;
}

/** A method against always answering the majority class, at the recommendation's size. */
export interface AgainstMajority extends Paired {
  /** The class always answered. */
  answer: string;
  /** The majority answer's score. */
  score: number;
}

export interface Recommendation {
  /**
   * The method to deploy: the best by the metric among the methods significantly better than
   * always answering the majority class, or a simpler one within noise of it; null when no
   * method is significantly better than the majority answer.
   */
  method: string | null;
  /** What it was judged by. */
  metric: MetricName;
  /** The training size the recommendation is made at: the largest tried. */
  size: number;
  /**
   * The figures below are of `method`, or (none recommended) of `best`: the mean score on the
   * test set with its 95% interval, accuracy with its Wilson interval, macro-F1.
   */
  score: number;
  scoreCi95: [number, number];
  accuracy: number;
  ci95: [number, number];
  macroF1: number;
  /**
   * The best method by the metric (among those that beat the majority answer when any does);
   * the same as `method` unless a simpler one is as good.
   */
  best: string;
  /** The method it was weighed against (null when only one method ran, or none is recommended). */
  runnerUp: string | null;
  runnerUpScore: number | null;
  /** Score of `method` minus that of `runnerUp`, with its 95% interval. */
  difference: number | null;
  differenceCi95: [number, number] | null;
  pValue: number | null;
  /** McNemar's exact test (accuracy, one run) or a paired bootstrap. */
  test: Paired['test'] | null;
  /** The method of the figures against always answering the majority class. */
  majority: AgainstMajority;
  /** Whether any method is significantly better than always answering the majority class. */
  beatsMajority: boolean;
  /** The recommendation in words. */
  sentence: string;
}

/** The best method using vectors against the best bag-of-words method, at one size. */
export interface SizeComparison extends Paired {
  size: number;
  vectors: string;
  vectorsScore: number;
  bagOfWords: string;
  bagOfWordsScore: number;
  /** Who is significantly ahead ("tie": neither). */
  answer: 'vectors' | 'bag-of-words' | 'tie';
}

export interface Transfer {
  vectorMethods: string[];
  bagOfWordsMethods: string[];
  sizes: SizeComparison[];
}

/** The best fine-tuned method against the best method on frozen vectors, at one size. */
export interface FineTuningComparison extends Paired {
  size: number;
  fineTuned: string;
  fineTunedScore: number;
  frozen: string;
  frozenScore: number;
  answer: 'fine-tuned' | 'frozen' | 'tie';
}

export interface FineTuning {
  fineTunedMethods: string[];
  frozenMethods: string[];
  sizes: FineTuningComparison[];
  /** The answer in words. */
  verdict: string;
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

/** A curve's family, as report.json records it beside the method (settings.methods). */
export const familyOf = (r: Measured, c: Curve): Family =>
  r.settings.methods[r.curves.indexOf(c)].family;

export const inFamily = (r: Measured, c: Curve, family: Family): boolean =>
  familyOf(r, c) === family;

/** Where a curve is in report.json, e.g. "curves[2]" (two methods may share a name). */
const placeOf = (r: Measured, c: Curve) =>
  c === r.majority ? 'majority' : `curves[${r.curves.indexOf(c)}]`;

const truths = new WeakMap<Measured, Labels>();

/** The test texts' classes, checked against the test set. */
export function truthOf(r: Measured): Labels {
  let truth = truths.get(r);
  if (!truth) {
    truth = decodeLabels(
      r.data.testLabels,
      r.data.testSize,
      r.data.classes.length,
      'report.json data.testLabels',
    );
    truths.set(r, truth);
  }
  return truth;
}

const decoded = new WeakMap<CurvePoint, Labels[]>();

/** What the runs of a curve answered at point i, checked against the test set. */
export function answersAt(r: Measured, curve: Curve, i: number): Labels[] {
  const point = curve.points[i];
  let answers = decoded.get(point);
  if (!answers) {
    const where = placeOf(r, curve);
    answers = point.predicted.map((s, k) =>
      decodeLabels(
        s,
        r.data.testSize,
        r.data.classes.length,
        `report.json ${where}.points[${i}].predicted[${k}]`,
      ),
    );
    decoded.set(point, answers);
  }
  return answers;
}

const tested = new WeakMap<Measured, Map<string, Paired>>();

/**
 * `a` against `b` at point i, paired by run and by test text, on the metric: for accuracy
 * pairedTest (McNemar's exact test with one run, as before the metric could be chosen), for
 * any other metric pairedScoreTest. Each pair is tested once per report (the bootstrap is
 * the costly part of a report); b against a is the same test with the signs turned, which
 * the seeded bootstrap reproduces exactly.
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
      wins: reverse.runs - reverse.wins - ties(a, b, i),
    };
  let result = cache.get(key(a, b));
  if (!result) {
    const truth = truthOf(r);
    const seed = r.settings.seed + i;
    const metric = r.settings.metric.name;
    if (metric === 'accuracy') {
      const bits = (c: Curve) => answersAt(r, c, i).map((p) => correctBits(p, truth));
      result = pairedTest(bits(a), bits(b), r.data.testSize, seed);
    } else {
      const score = confusionScorer(metric, r.data.classes);
      const k = r.data.classes.length;
      result = pairedScoreTest(answersAt(r, a, i), answersAt(r, b, i), truth, k, score, seed);
    }
    cache.set(key(a, b), result);
  }
  return result;
}

/** Runs in which a and b scored exactly the same (neither wins). */
const ties = (a: Curve, b: Curve, i: number) =>
  a.points[i].scores.filter((x, k) => x === b.points[i].scores[k]).length;

const significant = (p: Paired) => p.pValue < ALPHA;

/** The curve with the highest mean score at point i (the first of equals). */
function bestAt(curves: readonly Curve[], i: number): Curve {
  return curves.reduce((b, c) => (c.points[i].score > b.points[i].score ? c : b));
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

/** At each size, the best of `xs` against the best of `ys`, paired by subset and test text. */
function bestAgainstBest(r: Measured, xs: readonly Curve[], ys: readonly Curve[]) {
  return r.curves[0].points.map((p, i) => {
    const x = bestAt(xs, i);
    const y = bestAt(ys, i);
    const test = compareAt(r, x, y, i);
    const ahead = !significant(test) ? 'tie' : test.difference > 0 ? 'x' : 'y';
    return {
      size: p.size,
      x: x.method,
      xScore: x.points[i].score,
      y: y.method,
      yScore: y.points[i].score,
      test,
      ahead,
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
  return bestAgainstBest(r, vectors, words).map((s) => ({
    size: s.size,
    vectors: s.x,
    vectorsScore: s.xScore,
    bagOfWords: s.y,
    bagOfWordsScore: s.yScore,
    ...s.test,
    answer: s.ahead === 'x' ? 'vectors' : s.ahead === 'y' ? 'bag-of-words' : 'tie',
  }));
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

/** Methods whose word vectors stay as pretrained: every family with vectors but the fine-tuned. */
const FROZEN_NOT: readonly Family[] = ['bag-of-words', 'fine-tuned'];

/**
 * Does fine-tuning help at this size: the best method of the family 'fine-tuned' against the
 * best method on frozen vectors (averaged, or beside n-grams), on the same subsets and texts;
 * null unless both ran.
 */
export function fineTuningBySize(r: Measured): Omit<FineTuning, 'verdict'> | null {
  const tuned = r.curves.filter((c) => inFamily(r, c, 'fine-tuned'));
  const frozen = r.curves.filter((c) => !FROZEN_NOT.includes(familyOf(r, c)));
  if (tuned.length === 0 || frozen.length === 0) return null;
  return {
    fineTunedMethods: tuned.map((c) => c.method),
    frozenMethods: frozen.map((c) => c.method),
    sizes: bestAgainstBest(r, tuned, frozen).map((s) => ({
      size: s.size,
      fineTuned: s.x,
      fineTunedScore: s.xScore,
      frozen: s.y,
      frozenScore: s.yScore,
      ...s.test,
      answer: s.ahead === 'x' ? 'fine-tuned' : s.ahead === 'y' ? 'frozen' : 'tie',
    })),
  };
}

/** Methods on averaged vectors alone: the vector methods without n-grams. */
export const averagedOnly = (r: Measured): Curve[] =>
  r.curves.filter((c) => inFamily(r, c, 'vectors'));

/** The numbers behind the recommendation, without its sentence. */
export type Choice = Omit<Recommendation, 'sentence'>;

/**
 * The method to deploy, judged at the largest size tried (the model one would train on all the
 * data): among the methods significantly better than always answering the majority class, the
 * best by the metric, unless a simpler one is not significantly worse, in which case the
 * simplest such method. None when no method beats the majority answer: a model that answers
 * the large class for every text is never recommended.
 */
export function choose(r: Measured): Choice {
  const last = r.curves[0].points.length - 1;
  const point = (c: Curve): CurvePoint => c.points[last];
  const vsMajority = new Map(r.curves.map((c) => [c, compareAt(r, c, r.majority, last)]));
  const beats = (c: Curve) => significant(vsMajority.get(c)!) && vsMajority.get(c)!.difference > 0;
  const candidates = r.curves.filter(beats);
  const best = bestAt(candidates.length ? candidates : r.curves, last);
  let chosen: Curve | undefined;
  let runnerUp: Curve | undefined;
  let vsRunnerUp: Paired | undefined;
  if (candidates.length) {
    const tests = new Map(
      r.curves.filter((c) => c !== best).map((c) => [c, compareAt(r, best, c, last)]),
    );
    // Among methods within noise of the best, the one that asks least of whoever deploys it.
    const simpler = (a: Curve, b: Curve) =>
      kindOf(r, a.method).cost - kindOf(r, b.method).cost || point(b).score - point(a).score;
    chosen = [best, ...candidates.filter((c) => c !== best && !significant(tests.get(c)!))].sort(
      simpler,
    )[0];
    const others = r.curves
      .filter((c) => c !== chosen)
      .sort((a, b) => point(b).score - point(a).score);
    runnerUp = chosen === best ? others[0] : best;
    vsRunnerUp = runnerUp
      ? chosen === best
        ? tests.get(runnerUp)!
        : compareAt(r, chosen, best, last)
      : undefined;
  }
  const judged = chosen ?? best;
  const p = point(judged);
  return {
    method: chosen?.method ?? null,
    metric: r.settings.metric.name,
    size: p.size,
    score: p.score,
    scoreCi95: p.scoreCi95,
    accuracy: p.mean,
    ci95: p.ci95,
    macroF1: p.macroF1,
    best: best.method,
    runnerUp: runnerUp?.method ?? null,
    runnerUpScore: runnerUp ? point(runnerUp).score : null,
    difference: vsRunnerUp?.difference ?? null,
    differenceCi95: vsRunnerUp?.ci95 ?? null,
    pValue: vsRunnerUp?.pValue ?? null,
    test: vsRunnerUp?.test ?? null,
    majority: {
      answer: r.data.classes[answersAt(r, r.majority, last)[0][0]],
      score: point(r.majority).score,
      ...vsMajority.get(judged)!,
    },
    beatsMajority: candidates.length > 0,
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
