/**
 * Baseline against transfer on the same data: learning curves of every method on the very
 * same training subsets and one test set, assembled into a report (what `emb compare` writes).
 */
import { basename } from 'node:path';
import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';
import { coverageReport } from '../features/coverage.js';
import { tokenLookup } from '../models/registry.js';
import type { OnProgress } from '../progress.js';
import type { LabelledSet } from '../text/dataset.js';
import { duplicatesOf, groupsOf } from '../text/duplicates.js';
import { stratifiedHoldout } from '../text/splits.js';
import { tokenizerFor } from '../text/tokenize.js';
import { tokenizeTexts } from '../text/tokens.js';
import { VERSION } from '../version.js';
import {
  feasibleSizes,
  learningCurves,
  type CurveMethod,
  type LabelledTokens,
} from './learning-curve.js';
import { completeReport, REPORT_FORMAT_VERSION, type CompareReport } from './report.js';

/** A comparison to run: checked settings, labelled sets with class ids, open vectors. */
export interface ComparisonPlan {
  data: LabelledSet;
  /** A separate test set, its labels already ids into data.classes; else testFraction. */
  test?: LabelledSet;
  testFraction: number;
  methods: CurveMethod[];
  sizes: (number | 'all')[];
  repeats: number;
  seed: number;
  vectors?: { embeddings: Embeddings; path: string };
  command: string | null;
  onProgress?: OnProgress;
}

export async function runComparison(plan: ComparisonPlan): Promise<CompareReport> {
  const { data, methods, seed, repeats } = plan;
  // One set of tokens for every method, so that they learn from the very same texts.
  const { tokenize } = tokenizerFor(methods[0].settings.tokenizer);
  const docs = tokenizeTexts(data.texts, tokenize);
  const pick = (idx: number[]): LabelledTokens => ({
    docs: idx.map((i) => docs[i]),
    labels: idx.map((i) => data.labels[i]),
  });
  let train: LabelledTokens;
  let test: LabelledTokens;
  let testName: string;
  if (plan.test) {
    train = { docs, labels: data.labels };
    test = { docs: plan.test.texts.map((x) => tokenize(x)), labels: plan.test.labels };
    testName = plan.test.source;
  } else {
    // Copies of a text on one side, so that none is tested after being trained on.
    const split = stratifiedHoldout(data.labels, plan.testFraction, seed, groupsOf(docs));
    train = pick(split.train);
    test = pick(split.test);
    testName = `a stratified ${Math.round(plan.testFraction * 100)}% of ${basename(data.source)} (seed ${seed})`;
  }
  const { sizes, dropped } = feasibleSizes(plan.sizes, train.docs.length);
  if (sizes.length === 0)
    throw new EmbError(
      'E_INPUT',
      `no training size fits the ${train.docs.length} training examples (asked for ${plan.sizes.join(', ')})`,
    );
  const embeddings = plan.vectors?.embeddings;
  const { curves, majority } = await learningCurves(
    train,
    test,
    data.classes,
    methods,
    { sizes, repeats, seed },
    {
      embeddings,
      onRun: (done, total, detail) => plan.onProgress?.({ stage: 'training', done, total, detail }),
    },
  );
  const coverage = embeddings
    ? coverageReport([...train.docs, ...test.docs], embeddings, lookupOf(methods))
    : undefined;
  const perClass = (labels: number[]) =>
    data.classes.map((_, k) => labels.filter((y) => y === k).length);
  const report = completeReport({
    formatVersion: REPORT_FORMAT_VERSION,
    emb: VERSION,
    created: new Date().toISOString(),
    data: {
      train: data.source,
      test: testName,
      trainSize: train.docs.length,
      testSize: test.docs.length,
      classes: data.classes,
      trainCounts: perClass(train.labels),
      testCounts: perClass(test.labels),
      duplicates: duplicatesOf(docs, data.labels, data.classes, data.lines),
    },
    settings: {
      sizes,
      dropped,
      repeats,
      seed,
      methods: methods.map((m) => ({ name: m.name, settings: m.settings })),
      vectors: plan.vectors
        ? { path: plan.vectors.path, words: embeddings!.rows, dims: embeddings!.dims }
        : null,
      command: plan.command,
    },
    oovRate: coverage?.rate ?? null,
    majority,
    curves,
  });
  if (coverage?.warning) report.warnings.unshift(coverage.warning);
  return report;
}

/** How the methods on vectors look tokens up (they share the tokenizer, so its default). */
function lookupOf(methods: CurveMethod[]): { clitics: boolean } {
  return tokenLookup((methods.find((m) => 'clitics' in m.settings) ?? methods[0]).settings);
}
