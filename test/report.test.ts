/**
 * The report's statistics and sentences on hand-built comparisons: every sentence must follow
 * from the figures (vectors win, bag-of-words wins, only the hybrid wins, all tie, a tiny test
 * set), and the paired tests must agree with their textbook values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { curvePoint, mostFrequent, workOf, type Curve } from '../src/experiments/learning-curve.js';
import { completeReport, reportJson, type Measurements } from '../src/experiments/report.js';
import { renderMarkdown } from '../src/experiments/report-markdown.js';
import {
  correctBits,
  decodeLabels,
  encodeLabels,
  labelBits,
  mcnemarExact,
  pairedScoreTest,
  pairedTest,
  poisson,
  scoreInterval,
  wilson,
} from '../src/experiments/stats.js';
import { Random } from '../src/random.js';
import { defaultsOf, kindNamed, MODEL_NAMES, type ModelName } from '../src/models/registry.js';
import type { Family } from '../src/models/kind.js';
import { scorer, type MetricName } from '../src/models/metric.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../src/api/compare.js';
import { EmbError } from '../src/errors.js';
import { kindColour, MAJORITY_COLOUR, PALETTE } from '../src/experiments/report-chart.js';
import { pct } from '../src/experiments/sentences.js';
import { checkChart } from './support/browser.js';
import { confusionOf, confusionScorer, mean, std } from '../src/experiments/metrics.js';

/**
 * A report built by hand: the test texts' classes, and per method, per size, what each run
 * answered, gathered into curve points by the code the learning curves use.
 */
interface Built {
  truth: number[];
  classes: string[];
  sizes: number[];
  metric?: MetricName;
  /** Per method, per size, per run: a class id for each test text. */
  answers: Partial<Record<ModelName, number[][][]>>;
  /** The class the majority line answers (default the most frequent test class). */
  majority?: number;
  /** Training seconds per run, per method (default 1). */
  seconds?: Partial<Record<ModelName, number>>;
  /** A family other than the kind's, for a kind standing in for another family. */
  families?: Partial<Record<ModelName, Family>>;
  /** Training examples per class (default the test set's counts). */
  trainCounts?: number[];
  settings?: Partial<Record<ModelName, object>>;
  /** Each method's probabilities for the test texts at the largest size. */
  probabilities?: Partial<Record<ModelName, number[][]>>;
  texts?: string[];
  command?: string;
}

function build(spec: Built) {
  const kinds = Object.keys(spec.answers) as ModelName[];
  const metric = spec.metric ?? 'accuracy';
  const k = spec.classes.length;
  const testCounts = spec.classes.map((_, c) => spec.truth.filter((y) => y === c).length);
  const curve = (method: string, runs: number[][][], seconds: number): Curve => ({
    method,
    points: spec.sizes.map((size, i) =>
      curvePoint(
        size,
        runs[i].map((predicted) => ({ predicted, seconds })),
        spec.truth,
        spec.classes,
        metric,
        0,
      ),
    ),
  });
  const answer = spec.majority ?? mostFrequent(spec.truth);
  const measured: Measurements = {
    formatVersion: 3,
    emb: 'test',
    created: '2026-01-01T00:00:00.000Z',
    data: {
      train: 'hand.csv',
      test: 'hand-test.csv',
      trainSize: spec.sizes[spec.sizes.length - 1],
      testSize: spec.truth.length,
      classes: spec.classes,
      trainCounts: spec.trainCounts ?? testCounts,
      testCounts,
      testLabels: encodeLabels(spec.truth, k),
    },
    settings: {
      metric: { name: metric, given: true, why: null },
      sizes: spec.sizes,
      dropped: [],
      repeats: spec.answers[kinds[0]]![0].length,
      seed: 0,
      methods: kinds.map((m) => ({
        name: m,
        family: spec.families?.[m] ?? kindNamed(m).family,
        settings: { ...defaultsOf(m), metric, ...spec.settings?.[m] },
      })),
      vectors: null,
      command: spec.command ?? null,
    },
    oovRate: null,
    majority: curve(
      'majority',
      spec.sizes.map((_, i) => spec.answers[kinds[0]]![i].map(() => spec.truth.map(() => answer))),
      0,
    ),
    curves: kinds.map((m) => curve(m, spec.answers[m]!, spec.seconds?.[m] ?? 1)),
    ...(spec.probabilities && {
      final: {
        texts: spec.texts ?? spec.truth.map((_, i) => `text ${i}`),
        probabilities: kinds.map((m) => Float32Array.from(spec.probabilities![m]!.flat())),
      },
    }),
  };
  return completeReport(measured);
}

/** Two classes: texts [from, from + right) (cyclically) answered right, the others wrongly. */
const windowed = (truth: number[], right: number, from = 0) =>
  truth.map((y, i) => ((i - from + truth.length) % truth.length < right ? y : 1 - y));

interface Spec {
  /** Test set size. */
  n: number;
  sizes: number[];
  /** Per method, per size: the runs as [texts right, first text right] (the offset shifts which texts). */
  methods: Partial<Record<ModelName, [number, number][][]>>;
  /** Texts of the first class, which the majority line answers (the same at every size). */
  majority: number;
  /** Training seconds per run, per method (default 1). */
  seconds?: Partial<Record<ModelName, number>>;
}

/** Balanced-style reports by accuracy: pos for the first `majority` texts, neg for the rest. */
function handBuilt(spec: Spec) {
  const truth = Array.from({ length: spec.n }, (_, i) => (i < spec.majority ? 0 : 1));
  const answers: Built['answers'] = {};
  for (const [m, sizes] of Object.entries(spec.methods))
    answers[m as ModelName] = sizes.map((runs) =>
      runs.map(([right, from]) => windowed(truth, right, from)),
    );
  return build({
    truth,
    classes: ['pos', 'neg'],
    sizes: spec.sizes,
    answers,
    majority: 0,
    seconds: spec.seconds,
    trainCounts: [1, 1],
  });
}

/** Three runs near `right` texts right, the first from text `from`, shifted a little from run to run. */
const runs3 = (right: number, from = 0): [number, number][] => [
  [right, from],
  [right - 4, from + 2],
  [right + 4, from + 1],
];
/** Three runs per size at these levels, all from text 0 (so lower levels are nested in higher ones). */
const levels = (...rights: number[]) => rights.map((k) => runs3(k));

test('statistics: Wilson and McNemar agree with their textbook values; bitsets round-trip', () => {
  const [lo, hi] = wilson(8, 10);
  assert.equal(lo.toFixed(4), '0.4902');
  assert.equal(hi.toFixed(4), '0.9433');
  // Exact binomial tails, computed with integer arithmetic elsewhere.
  assert.equal(mcnemarExact(10, 2).toFixed(6), '0.038574');
  assert.equal(mcnemarExact(2, 10).toFixed(6), '0.038574');
  assert.equal(mcnemarExact(45, 30).toFixed(6), '0.105342');
  assert.equal(mcnemarExact(600, 500).toFixed(6), '0.002820');
  assert.equal(mcnemarExact(5000, 4800).toFixed(6), '0.044404');
  assert.equal(mcnemarExact(1, 0), 1);
  assert.equal(mcnemarExact(0, 0), 1);

  fc.assert(
    fc.property(
      fc
        .integer({ min: 2, max: 70000 })
        .chain((classes) =>
          fc.tuple(
            fc.constant(classes),
            fc.array(fc.integer({ min: 0, max: classes - 1 }), { maxLength: 300 }),
          ),
        ),
      ([classes, ids]) => {
        const encoded = encodeLabels(ids, classes);
        assert.deepEqual(Array.from(decodeLabels(encoded, ids.length, classes, 'x')), ids);
        assert.equal(
          Buffer.from(encoded, 'base64').length,
          Math.ceil((ids.length * labelBits(classes)) / 8),
        );
      },
    ),
  );
  assert.deepEqual(
    [2, 3, 4, 5, 16, 17, 256, 257, 65537].map(labelBits),
    [1, 2, 2, 4, 4, 8, 8, 16, 32],
  );
  // Two classes: one bit a text, as the bitsets of right answers were.
  assert.equal(
    encodeLabels([1, 0, 1, 1, 0, 0, 0, 0, 1], 2),
    Buffer.from([0b1101, 1]).toString('base64'),
  );
  assert.deepEqual(Array.from(correctBits([1, 0, 2], [1, 1, 2])), [0b101]);
  assert.throws(
    () =>
      decodeLabels(
        encodeLabels(new Array(20).fill(1), 2),
        30,
        2,
        'report.json curves[1].points[0].predicted[2]',
      ),
    (e: unknown) =>
      e instanceof EmbError &&
      /^report\.json curves\[1\]\.points\[0\]\.predicted\[2\]: expected base64 class ids of 30 test texts, 1 bit each for 2 classes \(4 bytes\), got "/.test(
        e.message,
      ),
  );
  assert.throws(() => decodeLabels('!!!!', 8, 2, 'here'), /here: expected base64 class ids/);
  // Bits beyond the last text mean the answers belong to a larger test set.
  assert.throws(
    () => decodeLabels(encodeLabels(new Array(8).fill(1), 2), 5, 2, 'here'),
    /here: expected/,
  );
  // An id of a class the report does not have (3 classes in 2 bits: 3 is none of them).
  assert.throws(
    () => decodeLabels(encodeLabels([0, 3], 4), 2, 3, 'here'),
    /2 bits each for 3 classes/,
  );
  assert.equal(mostFrequent([1, 0, 1, 2]), 1);
  assert.equal(mostFrequent([1, 0, 0, 1]), 0, 'equal counts: the smaller class id');
});

/** The right answers of a run on n texts: [from, from + right) cyclically. */
function run(n: number, right: number, from = 0) {
  return Uint8Array.from(
    correctBits(
      Array.from({ length: n }, (_, i) => ((i - from + n) % n < right ? 1 : 0)),
      new Array<number>(n).fill(1),
    ),
  );
}

test('paired test: McNemar with one run, a seeded bootstrap with several; swapping the sides negates the difference', () => {
  const n = 500;
  const bits = (right: number, from: number) => run(n, right, from);
  // One run: a is right on texts 0..399, b on 30..409: 30 only a, 10 only b.
  const one = pairedTest([bits(400, 0)], [bits(380, 30)], n, 0);
  assert.equal(one.test, 'mcnemar');
  assert.equal(one.difference, 20 / n);
  assert.equal(one.pValue, mcnemarExact(30, 10));
  assert.equal(one.wins, 1);
  assert.ok(one.ci95[0] > 0 && one.ci95[0] < one.difference && one.ci95[1] > one.difference);

  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(n), fc.nat(n), fc.nat(n - 1), fc.nat(n - 1)), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.nat(1000),
      (runs, seed) => {
        const a = runs.map(([ka, , fa]) => bits(ka, fa));
        const b = runs.map(([, kb, , fb]) => bits(kb, fb));
        const ab = pairedTest(a, b, n, seed);
        const ba = pairedTest(b, a, n, seed);
        assert.ok(ab.pValue > 0 && ab.pValue <= 1);
        assert.ok(ab.ci95[0] <= ab.ci95[1]);
        assert.equal(ab.runs, runs.length);
        assert.ok(Math.abs(ab.difference + ba.difference) < 1e-12);
        assert.ok(Math.abs(ab.pValue - ba.pValue) < 1e-12);
        assert.ok(Math.abs(ab.ci95[0] + ba.ci95[1]) < 1e-12);
        assert.deepEqual(pairedTest(a, b, n, seed), ab, 'seeded: the same figures again');
      },
    ),
    { numRuns: 25 },
  );
  // Identical answers: no difference, p = 1, whatever the number of runs.
  const same = pairedTest([bits(300, 5), bits(310, 0)], [bits(300, 5), bits(310, 0)], n, 3);
  assert.deepEqual([same.difference, same.pValue, same.ci95], [0, 1, [0, 0]]);
  // Five runs, each 4 points ahead on texts the other gets wrong: clearly significant.
  const ahead = pairedTest(
    [0, 1, 2, 3, 4].map((r) => bits(350, r)),
    [0, 1, 2, 3, 4].map((r) => bits(330, r)),
    n,
    0,
  );
  assert.equal(ahead.test, 'bootstrap');
  assert.ok(ahead.pValue < 0.01 && ahead.wins === 5, JSON.stringify(ahead));
});

test('crafted: pretrained vectors win at every size', () => {
  const r = handBuilt({
    n: 1000,
    sizes: [50, 500, 2000],
    majority: 500,
    methods: {
      svm: levels(600, 700, 760),
      nbsvm: levels(590, 705, 765),
      logreg: levels(660, 740, 790),
      mlp: levels(650, 745, 795),
      hybrid: levels(670, 760, 820),
    },
  });
  assert.deepEqual(
    r.transfer!.sizes.map((s) => [s.vectors, s.bagOfWords, s.answer]),
    [
      ['hybrid', 'svm', 'vectors'],
      ['hybrid', 'nbsvm', 'vectors'],
      ['hybrid', 'nbsvm', 'vectors'],
    ],
  );
  assert.equal(
    r.verdict,
    'Pretrained vectors help at every size tried: the best method that uses them (hybrid) beats the best bag-of-words method by 5.5 to 7.0 points, significantly each time. Averaged vectors alone (logreg, mlp) lead significantly at every size tried (by 3.0 to 6.0 points).',
  );
  assert.equal(r.recommendation.method, 'hybrid');
  assert.equal(r.recommendation.runnerUp, 'mlp');
  assert.equal(
    r.recommendation.sentence,
    'Deploy hybrid: 82.0% (95% CI 79.5–84.3). It is significantly better than mlp (79.5%; +2.5 points, p < 0.001).',
  );
  assert.deepEqual(r.warnings, []);
});

test('crafted: the bag-of-words baseline wins at every size', () => {
  const r = handBuilt({
    n: 1000,
    sizes: [100, 1000],
    majority: 500,
    methods: {
      // svm answers other texts than nbsvm (from text 300): their 1-point gap is noise.
      svm: [runs3(700, 300), runs3(800, 300)],
      nbsvm: levels(710, 810),
      logreg: levels(640, 720),
      hybrid: levels(660, 760),
    },
  });
  assert.deepEqual(
    r.transfer!.sizes.map((s) => [s.vectors, s.bagOfWords, s.answer]),
    [
      ['hybrid', 'nbsvm', 'bag-of-words'],
      ['hybrid', 'nbsvm', 'bag-of-words'],
    ],
  );
  assert.equal(
    r.verdict,
    'Pretrained vectors do not help here: the best bag-of-words method (nbsvm) is significantly ahead of every method that uses them at every size tried, by 5.0 points. Averaged vectors alone (logreg) never lead significantly: bag-of-words is significantly ahead of them at every size tried.',
  );
  assert.equal(r.recommendation.method, 'nbsvm');
  assert.match(
    r.recommendation.sentence,
    /^Deploy nbsvm: 81\.0% \(95% CI 78\.5–83\.3\)\. It is not significantly better than svm \(80\.0%, p = 0\.\d\d\); either will do\.$/,
  );
});

test('crafted: only the hybrid beats bag-of-words; averaged vectors alone never lead', () => {
  const r = handBuilt({
    n: 2000,
    sizes: [50, 200, 1000],
    majority: 1000,
    methods: {
      svm: levels(1200, 1300, 1450),
      nbsvm: levels(1190, 1310, 1460),
      logreg: levels(1150, 1250, 1380),
      mlp: levels(1140, 1240, 1390),
      hybrid: levels(1260, 1380, 1540),
    },
    seconds: { svm: 0.1, nbsvm: 0.1, logreg: 0.3, mlp: 0.8, hybrid: 2 },
  });
  assert.deepEqual(
    r.transfer!.sizes.map((s) => [s.vectors, s.answer]),
    [
      ['hybrid', 'vectors'],
      ['hybrid', 'vectors'],
      ['hybrid', 'vectors'],
    ],
  );
  assert.equal(
    r.verdict,
    'Pretrained vectors help at every size tried: the best method that uses them (hybrid) beats the best bag-of-words method by 3.0 to 4.0 points, significantly each time. Averaged vectors alone (logreg, mlp) never lead significantly: bag-of-words is significantly ahead of them at every size tried.',
  );
  assert.equal(r.recommendation.method, 'hybrid');
  assert.equal(r.recommendation.runnerUp, 'nbsvm');
  assert.equal(
    r.recommendation.sentence,
    'Deploy hybrid: 77.0% (95% CI 75.1–78.8). It is significantly better than nbsvm (73.0%; +4.0 points, p < 0.001).',
  );
  // The best, and everything within noise of it, is bold in the table; the majority row is there.
  const md = renderMarkdown(r);
  assert.match(
    md,
    /\| 1,000 \(all\) \| hybrid \| \*\*77\.0\*\* \| 0\.2 \| 75\.1–78\.8 \| 75\.7 \| 2\.00 \|/,
  );
  assert.match(md, /\| 1,000 \(all\) \| nbsvm \| 73\.0 \|/);
  assert.match(md, /\| 50 \| majority \| 50\.0 \| 0\.0 \| 47\.8–52\.2 \| 33\.3 \| – \|/);
  assert.match(
    md,
    /\| 1,000 \| hybrid 77\.0 \| nbsvm 73\.0 \| \+4\.0 \| \+\d\.\d to \+\d\.\d \| < 0\.001 \| 3 of 3 \| \*\*vectors help\*\* \|/,
  );
});

test('crafted: every method answers alike; the simplest is recommended and nothing is called a lead', () => {
  const same = [runs3(700), runs3(700)];
  const r = handBuilt({
    n: 1000,
    sizes: [100, 1000],
    majority: 500,
    methods: { svm: same, nbsvm: same, logreg: same, mlp: same, hybrid: same },
    seconds: { svm: 0.05, nbsvm: 0.06, logreg: 0.2, mlp: 0.5, hybrid: 1 },
  });
  assert.deepEqual(
    r.transfer!.sizes.map((s) => [s.answer, s.difference, s.pValue]),
    [
      ['tie', 0, 1],
      ['tie', 0, 1],
    ],
  );
  assert.equal(
    r.verdict,
    'Pretrained vectors make no significant difference at any size tried: the best methods with and without them score the same. Averaged vectors alone (logreg, mlp) are within noise of bag-of-words at every size tried.',
  );
  assert.equal(r.recommendation.method, 'svm');
  assert.equal(
    r.recommendation.sentence,
    'Deploy svm: 70.0% (95% CI 67.1–72.8). It is not significantly better than nbsvm (70.0%, p = 1.00); either will do.',
  );
  assert.deepEqual(
    r.leaders.map((l) => l.methods.length),
    [5, 5],
  );
});

test('crafted: the most accurate method is within noise of a simpler one, which is recommended', () => {
  // One run on all the data: hybrid right on texts 0..1611, nbsvm on 60..1665.
  const r = handBuilt({
    n: 2000,
    sizes: [8530],
    majority: 1000,
    methods: {
      svm: [[[1570, 40]]],
      nbsvm: [[[1606, 60]]],
      logreg: [[[1470, 0]]],
      hybrid: [[[1612, 0]]],
    },
    seconds: { svm: 0.09, nbsvm: 0.1, logreg: 0.24, hybrid: 4 },
  });
  const rec = r.recommendation;
  assert.equal(rec.method, 'nbsvm');
  assert.equal(rec.best, 'hybrid');
  assert.equal(rec.runnerUp, 'hybrid');
  assert.equal(rec.test, 'mcnemar');
  // 54 texts only nbsvm got right (1612..1665), 60 only the hybrid (0..59).
  assert.equal(rec.pValue, mcnemarExact(54, 60));
  assert.ok(Math.abs(rec.difference! - -0.003) < 1e-12);
  assert.equal(
    rec.sentence,
    `Deploy nbsvm: 80.3% (95% CI 78.5–82.0). The most accurate method, hybrid (80.6%), is not significantly better (+0.3 points, p = ${mcnemarExact(54, 60).toFixed(2)}), and nbsvm needs no word vectors and trains 40x faster.`,
  );
  const json = JSON.parse(reportJson(r));
  assert.equal(Object.keys(json)[0], 'recommendation');
  assert.deepEqual(
    Object.keys(json.recommendation).filter((k) =>
      ['method', 'accuracy', 'ci95', 'runnerUp', 'difference', 'pValue', 'sentence'].includes(k),
    ).length,
    7,
  );
  assert.equal(json.recommendation.ci95.length, 2);
});

test('crafted: a tiny test set warns, and no lead on it is called significant', () => {
  const r = handBuilt({
    n: 4,
    sizes: [10, 24],
    majority: 2,
    methods: {
      svm: [[[2, 0]], [[3, 0]]],
      logreg: [[[3, 0]], [[3, 1]]],
      hybrid: [[[4, 0]], [[4, 0]]],
    },
  });
  assert.equal(r.warnings.length, 1);
  assert.match(
    r.warnings[0],
    /^The test set has only 4 texts \(fewer than 200\): an accuracy measured on it is uncertain by up to ±\d+ points/,
  );
  assert.deepEqual(
    r.transfer!.sizes.map((s) => s.answer),
    ['tie', 'tie'],
  );
  assert.equal(
    r.verdict,
    'Pretrained vectors make no significant difference at any size tried: the best methods with and without them differ by at most 50.0 points. Averaged vectors alone (logreg) are within noise of bag-of-words at every size tried.',
  );
  // Even the hybrid's 4 texts of 4 are two texts more than answering 'pos' gets (McNemar 2 to 0,
  // p = 0.5): as far as 4 texts can tell, no method beats the majority answer, so none is deployed.
  assert.equal(r.recommendation.method, null);
  assert.equal(r.recommendation.best, 'hybrid');
  assert.equal(r.recommendation.majority.pValue, mcnemarExact(2, 0));
  assert.equal(
    r.recommendation.sentence,
    "No method beats answering 'pos' for every text (50.0%): the best, hybrid (100.0%), is not significantly better (+50.0 points, p = 0.50). More training examples and a larger test set might help. With 4 test texts, treat this as a rough guess.",
  );
  const md = renderMarkdown(r);
  assert.match(md, /^> \*\*Warning:\*\* The test set has only 4 texts/m);
  assert.ok(md.indexOf('Warning') < md.indexOf('**Recommendation.**'));
});

test('crafted: vectors help at small sizes, bag-of-words is ahead at large ones, and methods below the majority class are named', () => {
  const r = handBuilt({
    n: 1000,
    sizes: [50, 200, 1000, 5000],
    majority: 550,
    methods: {
      svm: levels(540, 640, 740, 800),
      nbsvm: levels(530, 630, 745, 810),
      // At n = 1,000 the vector methods answer other texts (from text 150): a 0.3-point gap is noise.
      logreg: [runs3(620), runs3(680), runs3(742, 150), runs3(760)],
      mlp: [runs3(610), runs3(690), runs3(738, 150), runs3(770)],
    },
  });
  assert.deepEqual(
    r.transfer!.sizes.map((s) => s.answer),
    ['vectors', 'vectors', 'tie', 'bag-of-words'],
  );
  assert.equal(
    r.verdict,
    "Pretrained vectors help significantly at n = 50 and 200 (logreg and mlp, by 5.0 to 8.0 points). At n = 1,000 the difference is within noise (0.3 points). Bag-of-words (nbsvm) is significantly ahead at n = 5,000, by 4.0 points. Below always answering the training subset's most frequent class: svm and nbsvm at n = 50 (majority 55.0%).",
  );
  // The crossover is by mean accuracy: nbsvm's 74.5 is above logreg's 74.2 from n = 1,000 on.
  assert.equal(r.crossover?.size, 1000);
});

test("progress counts training examples and each run's fixed cost, not runs", () => {
  const sizes = [50, 100, 200, 500, 1000, 2000, 5000, 8530];
  const runsAt = (s: number) => (s === 8530 ? 1 : 5);
  // Each run: its training size plus half the test set (2,000 texts) for predicting it.
  const total = workOf(sizes, runsAt, 2000);
  assert.equal(total, 5 * (50 + 100 + 200 + 500 + 1000 + 2000 + 5000) + 8530 + 36 * 1000);
  // The runs up to n = 1,000 are 25 of 36 runs (69%) but 39% of the work.
  const done = workOf(sizes.slice(0, 5), runsAt, 2000);
  assert.equal(done, 5 * 1850 + 25 * 1000);
  assert.ok(done / total < 0.4);
});

test('the page in a real browser: a hand-built report with one size and four test texts still draws a readable chart', async () => {
  const r = handBuilt({
    n: 4,
    sizes: [24],
    majority: 2,
    methods: { svm: [[[3, 0]]], nbsvm: [[[2, 1]]], logreg: [[[3, 1]]], hybrid: [[[4, 0]]] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'emb-report-'));
  await writeReport(r, join(dir, 'out'));
  const colours = Object.fromEntries(
    ['svm', 'nbsvm', 'logreg', 'hybrid'].map((m) => [m, kindColour(m)]),
  );
  await checkChart(join(dir, 'out', 'report.html'), { colours, sizes: ['24'] });
  rmSync(dir, { recursive: true, force: true });
});

test('Poisson draws: mean and variance equal lambda, small and large (inversion and transformed rejection)', () => {
  const rng = new Random(7);
  for (const lambda of [0.5, 3, 9, 10, 37, 500, 4000]) {
    const draws = Array.from({ length: 40000 }, () => poisson(lambda, rng));
    const m = mean(draws);
    const v = std(draws) ** 2;
    // Four standard errors of the mean; the variance within 5%.
    assert.ok(
      Math.abs(m - lambda) < 4 * Math.sqrt(lambda / draws.length),
      `lambda ${lambda}: mean ${m}`,
    );
    assert.ok(Math.abs(v / lambda - 1) < 0.05, `lambda ${lambda}: variance ${v}`);
    assert.ok(draws.every((k) => Number.isInteger(k) && k >= 0));
  }
  // The shape, not just two moments: P(X = k) for lambda 20 against the exact probabilities.
  const counts = new Map<number, number>();
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const k = poisson(20, rng);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let pmf = Math.exp(-20);
  for (let k = 0; k <= 35; k++) {
    if (k > 0) pmf *= 20 / k;
    const seen = (counts.get(k) ?? 0) / n;
    assert.ok(Math.abs(seen - pmf) < 5 * Math.sqrt(pmf / n) + 1e-4, `P(${k}) ${seen} vs ${pmf}`);
  }
});

test('metric scores: a confusion matrix scores as the models score the answers, for every metric', () => {
  const classes = ['a', 'b', 'c'];
  const metrics: MetricName[] = ['accuracy', 'macro-f1', 'balanced-accuracy', 'f1:b', 'recall:c'];
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: 1, maxLength: 60 }),
      (pairs) => {
        const truth = pairs.map(([y]) => y);
        const predicted = pairs.map(([, p]) => p);
        for (const m of metrics) {
          const expected = scorer(m, classes)(truth, predicted);
          const got = confusionScorer(m, classes)(confusionOf(truth, predicted, 3));
          assert.ok(Math.abs(got - expected) < 1e-12, `${m}: ${got} against ${expected}`);
        }
      },
    ),
  );
  assert.throws(() => confusionScorer('f1:d', classes), /metric "f1:d": no class "d"/);
});

test('paired test on a metric: the same answers tie, sides swap, accuracy agrees with the accuracy test, and an interval of the mean score matches Wilson', () => {
  const n = 1000;
  const rng = new Random(3);
  const truth = Array.from({ length: n }, (_, i) => (i < 900 ? 0 : 1));
  const noisy = (right: number) => Int32Array.from(truth, (y) => (rng.next() < right ? y : 1 - y));
  const accuracy = confusionScorer('accuracy', ['neg', 'pos']);
  const macro = confusionScorer('macro-f1', ['neg', 'pos']);
  const a = [noisy(0.8), noisy(0.8), noisy(0.8)];
  const b = [noisy(0.75), noisy(0.75), noisy(0.75)];
  const same = pairedScoreTest(a, a, truth, 2, macro, 0);
  assert.deepEqual([same.difference, same.pValue, same.ci95, same.wins], [0, 1, [0, 0], 0]);
  const ab = pairedScoreTest(a, b, truth, 2, macro, 5);
  const ba = pairedScoreTest(b, a, truth, 2, macro, 5);
  assert.ok(Math.abs(ab.difference + ba.difference) < 1e-12);
  assert.ok(Math.abs(ab.ci95[0] + ba.ci95[1]) < 1e-12 && Math.abs(ab.pValue - ba.pValue) < 1e-12);
  assert.equal(ab.test, 'bootstrap');
  assert.deepEqual(pairedScoreTest(a, b, truth, 2, macro, 5), ab, 'seeded');
  // The observed difference is the mean over runs of the scores' differences.
  const score = (p: Int32Array) => scorer('macro-f1', ['neg', 'pos'])(truth, p);
  const expected = mean(a.map((p, r) => score(p) - score(b[r])));
  assert.ok(Math.abs(ab.difference - expected) < 1e-12);
  assert.ok(ab.ci95[0] < ab.difference && ab.difference < ab.ci95[1]);
  // Scored by accuracy, it measures what the accuracy test measures, from the same resampling.
  const bits = (p: Int32Array) => correctBits(p, truth);
  const byBits = pairedTest(a.map(bits), b.map(bits), n, 5);
  const byScore = pairedScoreTest(a, b, truth, 2, accuracy, 5);
  assert.ok(Math.abs(byScore.difference - byBits.difference) < 1e-12);
  assert.ok(Math.abs(byScore.ci95[0] - byBits.ci95[0]) < 0.01, `${byScore.ci95} ${byBits.ci95}`);
  assert.ok(Math.abs(byScore.ci95[1] - byBits.ci95[1]) < 0.01, `${byScore.ci95} ${byBits.ci95}`);
  assert.equal(byScore.pValue < 0.05, byBits.pValue < 0.05);
  // One run's accuracy on 1,000 texts: the bootstrap interval is Wilson's within half a point.
  const one = scoreInterval([a[0]], truth, 2, accuracy, 1);
  const right = truth.filter((y, i) => a[0][i] === y).length;
  const [lo, hi] = wilson(right, n);
  assert.ok(Math.abs(one[0] - lo) < 0.005 && Math.abs(one[1] - hi) < 0.005, `${one} ${[lo, hi]}`);
});

/**
 * Answers on imbalanced test texts (class 1 the small one): `found` of the small class's texts
 * answered 1 (from its `from`-th on), and `false1` of the large class's answered 1 too.
 */
function imbalanced(truth: number[], found: number, false1: number, from = 0): number[] {
  const small = truth.flatMap((y, i) => (y === 1 ? [i] : []));
  const large = truth.flatMap((y, i) => (y === 0 ? [i] : []));
  const out = truth.map(() => 0);
  for (let j = 0; j < found; j++) out[small[(from + j) % small.length]] = 1;
  for (let j = 0; j < false1; j++) out[large[(from + j) % large.length]] = 1;
  return out;
}

/** 950 texts of 'neg' and 50 of 'pos', the pos ones spread among them. */
const fivePercent = Array.from({ length: 1000 }, (_, i) => (i % 20 === 7 ? 1 : 0));

/** One run on all of 1,900 training texts, 95 of them pos, tested on fivePercent. */
const onFivePercent = {
  truth: fivePercent,
  classes: ['neg', 'pos'],
  sizes: [1900],
  trainCounts: [1805, 95],
};

test('crafted, imbalanced: a useless majority model is never deployed; the report says what might help', () => {
  const spec: Built = {
    ...onFivePercent,
    metric: 'macro-f1',
    answers: {
      // Always 'neg', as the majority line.
      svm: [[imbalanced(fivePercent, 0, 0)]],
      // Two texts of pos found, one false alarm: within noise of always answering 'neg'.
      logreg: [[imbalanced(fivePercent, 2, 1)]],
    },
  };
  const r = build(spec);
  const rec = r.recommendation;
  assert.equal(rec.method, null);
  assert.equal(rec.best, 'logreg');
  assert.equal(rec.beatsMajority, false);
  assert.equal(rec.majority.answer, 'neg');
  assert.equal(pct(rec.majority.score), '48.7');
  assert.ok(rec.majority.pValue >= 0.05);
  assert.match(
    rec.sentence,
    /^No method beats answering 'neg' for every text \(macro-F1 48\.7\): the best, logreg \(macro-F1 5\d\.\d\), is not significantly better \(\+\d\.\d points, p = 0\.\d+\)\. Class weights \(classWeight: 'balanced'\) or more examples of pos might help\.$/,
  );
  // From the command line the advice is in flags; with class weights already on, it is not repeated.
  assert.match(
    build({ ...spec, command: 'emb compare x.csv' }).recommendation.sentence,
    /Class weights \(--class-weight balanced\) or more examples of pos might help\.$/,
  );
  const weighted = build({
    ...spec,
    settings: { svm: { classWeight: 'balanced' }, logreg: { classWeight: 'balanced' } },
  });
  assert.match(weighted.recommendation.sentence, /\. More examples of pos might help\.$/);
  const md = renderMarkdown(r);
  assert.match(md, /\*\*Recommendation\.\*\* No method beats answering 'neg'/);
  assert.match(
    md,
    /## What logreg gets wrong\n\nThe answers of logreg \(the best method, not recommended\)/,
  );
  assert.match(md, /\| macro-F1 % \| ± sd \| 95% CI \| accuracy % \| train s \|/);
});

test('crafted, imbalanced: of two methods within noise that beat the majority answer the simpler is deployed, never one that ties with the majority', () => {
  const r = build({
    ...onFivePercent,
    metric: 'macro-f1',
    answers: {
      // svm is the simplest, but within noise of always answering 'neg'.
      svm: [[imbalanced(fivePercent, 1, 0)]],
      logreg: [[imbalanced(fivePercent, 30, 20)]],
      hybrid: [[imbalanced(fivePercent, 31, 19, 3)]],
    },
  });
  const rec = r.recommendation;
  assert.equal(rec.best, 'hybrid');
  assert.equal(rec.method, 'logreg');
  assert.ok(rec.pValue! >= 0.05, `p = ${rec.pValue}`);
  assert.ok(rec.majority.pValue < 0.05 && rec.majority.difference > 0.2);
  assert.match(
    rec.sentence,
    /^Deploy logreg: macro-F1 \d+\.\d \(95% CI \d+\.\d–\d+\.\d; accuracy \d+\.\d%\)\. The best method by macro-F1, hybrid \(macro-F1 \d+\.\d\), is not significantly better \(\+\d\.\d points, p = 0\.\d+\), and logreg is simpler\.$/,
  );
  assert.deepEqual(r.leaders[0].methods, ['logreg', 'hybrid']);
});

test('crafted, imbalanced: a method below the majority answer is named only where the figures shown are below it', () => {
  const r = build({
    ...onFivePercent,
    metric: 'macro-f1',
    answers: {
      svm: [[imbalanced(fivePercent, 0, 0)]],
      // One false alarm and nothing found: macro-F1 48.69 against the majority's 48.72.
      nbsvm: [[imbalanced(fivePercent, 0, 1)]],
      logreg: [[imbalanced(fivePercent, 30, 20)]],
      // Thirty false alarms and nothing found: 47.9.
      mlp: [[imbalanced(fivePercent, 0, 30)]],
    },
  });
  const [, nbsvm, , mlp] = r.curves.map((c) => c.points[0].score);
  assert.ok(nbsvm < r.majority.points[0].score && pct(nbsvm) === '48.7');
  assert.equal(pct(mlp), '47.9');
  assert.match(
    r.verdict,
    / Below always answering the training subset's most frequent class: mlp at n = 1,900 \(majority macro-F1 48\.7\)\.$/,
  );
});

test('crafted, imbalanced: a clear winner on macro-F1 that loses on accuracy is deployed by macro-F1; by accuracy nothing is', () => {
  const spec: Built = {
    ...onFivePercent,
    answers: {
      // 5 of pos found, no false alarm: accuracy 95.5%, macro-F1 57.9.
      svm: [[imbalanced(fivePercent, 5, 0)]],
      // 35 of pos found, 40 false alarms: accuracy 94.5%, macro-F1 76.5.
      logreg: [[imbalanced(fivePercent, 35, 40)]],
    },
  };
  const byF1 = build({ ...spec, metric: 'macro-f1' });
  const [svm, logreg] = byF1.curves.map((c) => c.points[0]);
  assert.deepEqual(
    [svm.mean, logreg.mean, pct(svm.score), pct(logreg.score)],
    [0.955, 0.945, '57.9', '76.5'],
  );
  assert.equal(byF1.recommendation.method, 'logreg');
  assert.match(
    byF1.recommendation.sentence,
    /^Deploy logreg: macro-F1 76\.5 \(95% CI \d+\.\d–\d+\.\d; accuracy 94\.5%\)\. It is significantly better than svm \(macro-F1 57\.9; \+18\.6 points, p < 0\.001\)\.$/,
  );
  assert.equal(byF1.recommendation.test, 'bootstrap');

  const byAccuracy = build({ ...spec, metric: 'accuracy' });
  const rec = byAccuracy.recommendation;
  assert.equal(rec.method, null);
  assert.equal(rec.best, 'svm');
  // svm's five texts more than the majority answer's are McNemar's 5 to 0.
  assert.equal(rec.majority.test, 'mcnemar');
  assert.equal(rec.majority.pValue, mcnemarExact(5, 0));
  assert.equal(
    rec.sentence,
    "No method beats answering 'neg' for every text (95.0%): the best, svm (95.5%), is not significantly better (+0.5 points, p = 0.063). Accuracy rewards answering 'neg': judge by macro-F1 (metric: 'macro-f1'). Class weights (classWeight: 'balanced') or more examples of pos might help.",
  );
});

test('crafted: does fine-tuning help, size by size, the best fine-tuned method against the best on frozen vectors (mlp standing in for a fine-tuned kind)', () => {
  const n = 1000;
  const truth = Array.from({ length: n }, (_, i) => (i < 500 ? 0 : 1));
  const at = (...levels: number[]) =>
    levels.map((k) => [0, 1, 2].map((r) => windowed(truth, k + 4 * (r - 1), r)));
  const r = build({
    truth,
    classes: ['pos', 'neg'],
    sizes: [100, 1000, 5000],
    majority: 0,
    families: { mlp: 'fine-tuned' },
    answers: {
      svm: at(600, 700, 780),
      logreg: at(680, 740, 760),
      hybrid: at(690, 760, 800),
      // Behind at 100, within noise at 1,000, ahead at 5,000.
      mlp: at(640, 761, 840),
    },
  });
  const ft = r.fineTuning!;
  assert.deepEqual(ft.fineTunedMethods, ['mlp']);
  assert.deepEqual(ft.frozenMethods, ['logreg', 'hybrid']);
  assert.deepEqual(
    ft.sizes.map((s) => [s.size, s.fineTuned, s.frozen, s.answer]),
    [
      [100, 'mlp', 'hybrid', 'frozen'],
      [1000, 'mlp', 'hybrid', 'tie'],
      [5000, 'mlp', 'hybrid', 'fine-tuned'],
    ],
  );
  assert.ok(ft.sizes.every((s) => s.test === 'bootstrap' && s.runs === 3));
  assert.equal(
    ft.verdict,
    'Fine-tuning helps significantly at n = 5,000 (mlp, by 4.0 points). At n = 1,000 the difference is within noise (0.1 points). Frozen vectors (hybrid) are significantly ahead at n = 100, by 5.0 points.',
  );
  // Fine-tuned methods use vectors, so they count for "do pretrained vectors help" too.
  assert.deepEqual(r.transfer!.vectorMethods, ['logreg', 'hybrid', 'mlp']);
  const md = renderMarkdown(r);
  assert.match(md, /\*\*Does fine-tuning help\?\*\* Fine-tuning helps significantly at n = 5,000/);
  assert.match(md, /## Does fine-tuning help at this size\?/);
  assert.match(
    md,
    /\| 5,000 \| mlp 84\.0 \| hybrid 80\.0 \| \+4\.0 \| .* \| 3 of 3 \| \*\*fine-tuning helps\*\* \|/,
  );
  assert.equal(JSON.parse(reportJson(r)).fineTuning.sizes.length, 3);
  // Without a fine-tuned method there is no such question.
  const plain = build({
    truth,
    classes: ['pos', 'neg'],
    sizes: [100],
    answers: { svm: at(600), logreg: at(680) },
  });
  assert.equal(plain.fineTuning, null);
  assert.doesNotMatch(renderMarkdown(plain), /fine-tuning/i);
});

test("what the recommended model gets wrong: its confusion matrix, every method's scores per class, its most confident mistakes, escaped in md and html", async () => {
  const classes = ['neg', 'pos', 'meh'];
  const n = 60;
  const truth = Array.from({ length: n }, (_, i) => (i < 40 ? 0 : i < 55 ? 1 : 2));
  // logreg answers right but for texts 0..13 (neg taken for pos) and 40..41 (pos taken for neg).
  const logreg = truth.map((y, i) => (i < 14 ? 1 : i === 40 || i === 41 ? 0 : y));
  // Its probability for its answer: text i's mistakes grow more confident with i.
  const probabilities = logreg.map((a, i) => {
    const row = [0, 0, 0];
    row[a] = a === truth[i] ? 0.9 : 0.5 + i / 200;
    row[(a + 1) % 3] = 1 - row[a];
    return row;
  });
  const texts = truth.map((_, i) => `text ${i}`);
  texts[13] = 'a | b **not bold** <script>x</script> `code`\nnext line';
  const r = build({
    truth,
    classes,
    sizes: [500],
    metric: 'macro-f1',
    answers: { svm: [[truth.map(() => 0)]], logreg: [[logreg]] },
    probabilities: { svm: truth.map(() => [1, 0, 0]), logreg: probabilities },
    texts,
  });
  assert.equal(r.recommendation.method, 'logreg');
  assert.deepEqual(r.confusion, {
    method: 'logreg',
    size: 500,
    run: 1,
    runs: 1,
    matrix: [
      [26, 14, 0],
      [2, 13, 0],
      [0, 0, 5],
    ],
  });
  // Up to ten per true class, the most confident first: neg's from text 13 down to 4.
  assert.deepEqual(
    r.errors.map((e) => [e.label, e.predicted, e.probability]),
    [
      ...[13, 12, 11, 10, 9, 8, 7, 6, 5, 4].map((i) => [
        'neg',
        'pos',
        Math.round((0.5 + i / 200) * 1e4) / 1e4,
      ]),
      ['pos', 'neg', 0.705],
      ['pos', 'neg', 0.7],
    ],
  );
  assert.equal(r.errors[0].text, texts[13]);
  const byMethod = Object.fromEntries(r.perClass.map((m) => [m.method, m.classes]));
  assert.deepEqual(
    byMethod.logreg.map((k) => [k.label, k.precision, k.recall, k.support]),
    [
      ['neg', 26 / 28, 26 / 40, 40],
      ['pos', 13 / 27, 13 / 15, 15],
      ['meh', 1, 1, 5],
    ],
  );
  assert.deepEqual(
    byMethod.svm.map((k) => k.recall),
    [1, 0, 0],
  );
  const json = JSON.parse(reportJson(r));
  assert.deepEqual(Object.keys(json.errors[0]), ['text', 'label', 'predicted', 'probability']);
  const md = renderMarkdown(r);
  assert.match(
    md,
    /\| true class \| answered neg \| answered pos \| answered meh \|\n\| --- \| --- \| --- \| --- \|\n\| neg \| 26 \| 14 \| 0 \|/,
  );
  assert.match(md, /\| logreg \| pos \| 48\.1 \| 86\.7 \| 61\.9 \| 15 \|/);
  // The user's text cannot break the table or the page: escaped, on one line.
  assert.ok(
    md.includes(
      '| neg | pos | 0.565 | a \\| b \\*\\*not bold\\*\\* \\<script\\>x\\</script\\> \\`code\\` next line |',
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'emb-report-'));
  await writeReport(r, join(dir, 'out'));
  const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
  assert.ok(
    html.includes('<td>a | b **not bold** &lt;script&gt;x&lt;/script&gt; `code` next line</td>'),
  );
  assert.doesNotMatch(html, /<script>/);
  rmSync(dir, { recursive: true, force: true });
});

test("the settings name the data's copies of a text, kept on one side of the split", () => {
  const r = build({
    truth: fivePercent,
    classes: ['neg', 'pos'],
    sizes: [1900],
    metric: 'macro-f1',
    answers: { svm: [[imbalanced(fivePercent, 30, 20)]] },
  });
  assert.doesNotMatch(renderMarkdown(r), /copies of a text/);
  r.data.duplicates = {
    copies: 3,
    conflicting: 1,
    groups: [
      { rows: [0, 5], lines: [2, 7], labels: ['neg', 'neg'], conflicting: false },
      { rows: [1, 8, 9], lines: [3, 10, 11], labels: ['neg', 'pos', 'neg'], conflicting: true },
    ],
  };
  assert.match(
    renderMarkdown(r),
    /\n- copies of a text: 3 texts repeat another's tokens, in 2 groups, kept on one side of the split; 1 group with different labels \(report\.json's data\.duplicates lists them with their lines\)\n/,
  );
});

test('the mistakes are the answers the run gave, also where a decision threshold answered a class below half', () => {
  // Texts 0..39 neg, 40..49 pos; the model answers pos from a probability of 0.3 on.
  const truth = Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : 1));
  const pPos = truth.map((y, i) => (y === 1 ? 0.6 : i < 3 ? 0.3 + i / 100 : 0.1));
  const answers = pPos.map((p) => (p >= 0.3 ? 1 : 0));
  const r = build({
    truth,
    classes: ['neg', 'pos'],
    sizes: [500],
    metric: 'macro-f1',
    answers: { svm: [[truth.map(() => 0)]], logreg: [[answers]] },
    probabilities: { svm: truth.map(() => [1, 0]), logreg: pPos.map((p) => [1 - p, p]) },
  });
  assert.equal(r.confusion.method, 'logreg');
  assert.deepEqual(r.confusion.matrix, [
    [37, 3],
    [0, 10],
  ]);
  assert.deepEqual(
    r.errors.map((e) => [e.text, e.label, e.predicted, e.probability]),
    [
      ['text 2', 'neg', 'pos', 0.32],
      ['text 1', 'neg', 'pos', 0.31],
      ['text 0', 'neg', 'pos', 0.3],
    ],
  );
});

test("colours: the first kinds keep the palette's in every report; later kinds take one no other kind of the report has", () => {
  const first = MODEL_NAMES.slice(0, PALETTE.length);
  const later = MODEL_NAMES.slice(PALETTE.length);
  assert.ok(later.length > 0, 'more kinds than colours');
  assert.deepEqual(
    first.map((k) => kindColour(k, MODEL_NAMES)),
    PALETTE,
  );
  // Later kinds beside the first two: colours of their own.
  const shown = [...first.slice(0, 2), ...later];
  const colours = shown.map((k) => kindColour(k, shown));
  assert.equal(new Set(colours).size, shown.length, JSON.stringify(colours));
  assert.deepEqual(colours.slice(0, 2), PALETTE.slice(0, 2));
});

test('the chart in a real browser at a phone width and a desktop width: the metric plotted, the majority line, methods told apart by marker and dash as well as colour, no sideways scrolling', async () => {
  const at = (found: number, false1: number) =>
    [0, 1, 2].map((r) => imbalanced(fivePercent, found + r, false1, r));
  const r = build({
    truth: fivePercent,
    classes: ['neg', 'pos'],
    sizes: [50, 200, 1000, 1900],
    metric: 'macro-f1',
    answers: {
      svm: [at(2, 5), at(8, 10), at(20, 12), at(30, 10)],
      nbsvm: [at(3, 6), at(9, 10), at(22, 12), at(31, 12)],
      logreg: [at(10, 30), at(18, 30), at(24, 25), at(27, 20)],
      mlp: [at(9, 30), at(16, 25), at(23, 25), at(28, 20)],
      hybrid: [at(10, 25), at(20, 25), at(28, 15), at(33, 10)],
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'emb-report-'));
  await writeReport(r, join(dir, 'out'));
  const html = join(dir, 'out', 'report.html');
  const colours = Object.fromEntries(r.curves.map((c) => [c.method, kindColour(c.method)]));
  const sizes = ['50', '200', '1,000', '1,900'];
  for (const width of [1200, 375]) {
    const view = await checkChart(html, {
      colours: { ...colours, majority: MAJORITY_COLOUR },
      sizes,
      width,
    });
    // The narrow drawing for the phone, the wide one for the desktop.
    assert.ok(
      width > 600 ? view.page.chartWidth > 600 : view.page.chartWidth < 360,
      `${view.page.chartWidth}`,
    );
    // Each method's points have a marker of their own; each family's lines a dash of their own.
    const shapes = new Map<string, Set<string>>();
    for (const m of view.markers)
      shapes.set(
        m.colour.toLowerCase(),
        (shapes.get(m.colour.toLowerCase()) ?? new Set()).add(m.shape),
      );
    const methods = r.curves.map((c) => kindColour(c.method).toLowerCase());
    const markerOf = methods.map((c) => [...(shapes.get(c) ?? [])]);
    assert.ok(
      markerOf.every((s) => s.length === 1),
      JSON.stringify(markerOf),
    );
    assert.equal(new Set(markerOf.flat()).size, methods.length, 'one marker per method');
    const dashOf = (colour: string) =>
      view.lines.find((l) => l.colour.toLowerCase() === colour.toLowerCase())?.dash ?? '';
    assert.equal(dashOf(kindColour('svm')), dashOf(kindColour('nbsvm')), 'bag-of-words alike');
    assert.notEqual(dashOf(kindColour('logreg')), dashOf(kindColour('hybrid')));
    assert.notEqual(dashOf(kindColour('svm')), dashOf(kindColour('logreg')));
    assert.notEqual(dashOf(MAJORITY_COLOUR), dashOf(kindColour('svm')));
  }
  const page = readFileSync(html, 'utf8');
  assert.match(page, /macro-F1 on the test set \(%\)/);
  rmSync(dir, { recursive: true, force: true });
});
