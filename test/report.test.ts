/**
 * The report's statistics and sentences on hand-built comparisons: every sentence must follow
 * from the figures (vectors win, bag-of-words wins, only the hybrid wins, all tie, a tiny test
 * set), and the paired tests must agree with their textbook values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mostFrequent, workOf, type Curve } from '../src/experiments/learning-curve.js';
import { completeReport, reportJson, type Measurements } from '../src/experiments/report.js';
import { renderMarkdown } from '../src/experiments/report-markdown.js';
import {
  decodeCorrect,
  encodeCorrect,
  mcnemarExact,
  pairedTest,
  poisson,
  wilson,
} from '../src/experiments/stats.js';
import { Random } from '../src/random.js';
import { defaultsOf, type ModelName } from '../src/models/registry.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../src/api/compare.js';
import { EmbError } from '../src/errors.js';
import { kindColour } from '../src/experiments/report-chart.js';
import { checkChart } from './support/browser.js';
import { mean, std } from '../src/experiments/metrics.js';

/** Run with texts [from, from + right) answered right, cyclically, on a test set of n. */
function run(n: number, right: number, from = 0): string {
  return encodeCorrect(Array.from({ length: n }, (_, i) => (i - from + n) % n < right));
}

interface Spec {
  /** Test set size. */
  n: number;
  sizes: number[];
  /** Per method, per size: the runs as [texts right, first text right] (the offset shifts which texts). */
  methods: Partial<Record<ModelName, [number, number][][]>>;
  /** Texts the majority answer gets right (the same at every size). */
  majority: number;
  /** Training seconds per run, per method (default 1). */
  seconds?: Partial<Record<ModelName, number>>;
}

function curve(
  method: string,
  n: number,
  sizes: number[],
  runs: [number, number][][],
  seconds = 1,
): Curve {
  return {
    method,
    points: sizes.map((size, i) => {
      const accuracies = runs[i].map(([k]) => k / n);
      const m = mean(accuracies);
      return {
        size,
        accuracies,
        mean: m,
        std: std(accuracies),
        ci95: wilson(m * n, n),
        macroF1s: accuracies,
        macroF1: m,
        seconds: runs[i].map(() => seconds),
        correct: runs[i].map(([k, from]) => run(n, k, from)),
      };
    }),
  };
}

function handBuilt(spec: Spec) {
  const kinds = Object.keys(spec.methods) as ModelName[];
  const measured: Measurements = {
    formatVersion: 2,
    emb: 'test',
    created: '2026-01-01T00:00:00.000Z',
    data: {
      train: 'hand.csv',
      test: 'hand-test.csv',
      trainSize: spec.sizes[spec.sizes.length - 1],
      testSize: spec.n,
      classes: ['pos', 'neg'],
      trainCounts: [1, 1],
      testCounts: [spec.majority, spec.n - spec.majority],
    },
    settings: {
      sizes: spec.sizes,
      dropped: [],
      repeats: spec.methods[kinds[0]]![0].length,
      seed: 0,
      methods: kinds.map((k) => ({ name: k, settings: defaultsOf(k) })),
      vectors: null,
      command: null,
    },
    oovRate: null,
    majority: curve(
      'majority',
      spec.n,
      spec.sizes,
      spec.sizes.map((_, i) => spec.methods[kinds[0]]![i].map(() => [spec.majority, 0])),
      0,
    ),
    curves: kinds.map((k) =>
      curve(k, spec.n, spec.sizes, spec.methods[k]!, spec.seconds?.[k] ?? 1),
    ),
  };
  return completeReport(measured);
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
    fc.property(fc.array(fc.boolean(), { maxLength: 300 }), (right) => {
      const bits = decodeCorrect(encodeCorrect(right), right.length, 'x');
      assert.deepEqual(
        right.map((_, i) => ((bits[i >> 3] >> (i & 7)) & 1) === 1),
        right,
      );
    }),
  );
  assert.throws(
    () => decodeCorrect(run(20, 5), 30, 'report.json curves[1].points[0].correct[2]'),
    (e: unknown) =>
      e instanceof EmbError &&
      /^report\.json curves\[1\]\.points\[0\]\.correct\[2\]: expected a base64 bitset of 30 test texts \(4 bytes\), got "/.test(
        e.message,
      ),
  );
  assert.throws(() => decodeCorrect('!!!!', 8, 'here'), /here: expected a base64 bitset/);
  // Bits beyond the last text mean the bitset belongs to a larger test set.
  assert.throws(() => decodeCorrect(run(8, 8), 5, 'here'), /here: expected/);
  assert.equal(mostFrequent([1, 0, 1, 2]), 1);
  assert.equal(mostFrequent([1, 0, 0, 1]), 0, 'equal counts: the smaller class id');
});

test('paired test: McNemar with one run, a seeded bootstrap with several; swapping the sides negates the difference', () => {
  const n = 500;
  const bits = (right: number, from: number) => decodeCorrect(run(n, right, from), n, 'x');
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
    /\| 1,000 \(all\) \| hybrid \| \*\*77\.0\*\* \| 0\.2 \| 75\.1–78\.8 \| 77\.0 \| 2\.00 \|/,
  );
  assert.match(md, /\| 1,000 \(all\) \| nbsvm \| 73\.0 \|/);
  assert.match(md, /\| 50 \| majority \| 50\.0 \| 0\.0 \| 47\.8–52\.2 \| 50\.0 \| – \|/);
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
  assert.equal(rec.mostAccurate, 'hybrid');
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
  // The hybrid's 25-point lead is one text: as far as 4 texts can tell, the simplest method is as good.
  assert.equal(
    r.recommendation.sentence,
    'Deploy svm: 75.0% (95% CI 30.1–95.4). The most accurate method, hybrid (100.0%), is not significantly better (+25.0 points, p = 1.00), and svm needs no word vectors. No method is significantly better than always answering the most frequent class (50.0%). With 4 test texts, treat this as a rough guess.',
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
