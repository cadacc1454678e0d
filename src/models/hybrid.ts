import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embeddings } from '../embeddings/embeddings.js';
import { EmbError } from '../errors.js';
import { stratifiedKFold } from '../text/splits.js';
import { BagOfWords, type Csr } from '../features/bow.js';
import { SentenceEncoder, type EncoderState } from '../features/sentence.js';
import { checkTrainingData } from './baseline.js';
import { loadBagOfWords, readFloats, saveBagOfWords, writeFloats } from './linear-bow-model.js';
import { decisionValues, outputsFor, softmaxScores, trainOneVsRest } from './linear-svm.js';
import {
  vectorsFor,
  type Model,
  type SavedModel,
  type Trainer,
  type TrainContext,
} from './model.js';
import type { HybridSettings } from './settings.js';

/**
 * The hybrid: bag-of-words and pretrained vectors in one linear SVM. Each text is its TF-IDF
 * uni+bigram row (l2-normalised, as the svm baseline) followed by its standardised mean word
 * vector scaled by gamma / sqrt(dims), so that the dense block weighs about gamma against the
 * sparse one. With few examples the SVM leans on the dense block (what pretrained vectors know
 * about words it has never seen); with many, the n-grams take over. With up to 5,000 examples,
 * gamma is chosen among a few values by inner stratified cross-validation; above that the
 * choice matters little (the n-grams dominate) and gamma is 1, the search's usual choice there
 * and the cheapest fit: the search would cost seven fits on data where one takes seconds.
 *
 * Settings in settings.ts: gamma fixes the weight and skips the search; innerFolds defaults to
 * 5, or 3 above 2,000 examples, where the estimate is steady and each fit costs more.
 */
type Docs = readonly (readonly string[])[];

/** Above this many training examples gamma is 1 without a search. */
const SEARCH_LIMIT = 5000;

/** Sparse rows followed by the dense block: one CSR over bow.size + dims columns. */
export function hybridRows(sparse: Csr, dense: Float32Array, dims: number, gamma: number): Csr {
  const n = sparse.rows;
  const nnz = sparse.indptr[n] + n * dims;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const f = gamma / Math.sqrt(dims);
  let at = 0;
  for (let i = 0; i < n; i++) {
    indptr[i] = at;
    for (let k = sparse.indptr[i]; k < sparse.indptr[i + 1]; k++) {
      indices[at] = sparse.indices[k];
      values[at++] = sparse.values[k];
    }
    for (let j = 0; j < dims; j++) {
      indices[at] = sparse.cols + j;
      values[at++] = dense[i * dims + j] * f;
    }
  }
  indptr[n] = at;
  return { rows: n, cols: sparse.cols + dims, indptr, indices, values };
}

/** Both feature blocks, fitted on `docs`. */
function fitFeatures(docs: Docs, emb: Embeddings, o: HybridSettings) {
  const { bow, x } = BagOfWords.fitTransform(docs, o, 'tfidf');
  const { encoder, x: dense } = SentenceEncoder.fit(o.features, docs, emb, { clitics: o.clitics });
  return { bow, encoder, sparse: x, dense };
}

/** Accuracy of each gamma under inner stratified k-fold cross-validation; the best gamma. */
export function chooseGamma(
  docs: Docs,
  labels: readonly number[],
  classes: number,
  emb: Embeddings,
  o: HybridSettings,
  gammas: readonly number[],
  innerFolds: number,
  seed: number,
): { gamma: number; accuracies: number[] } {
  const smallest = Math.min(
    ...Array.from({ length: classes }, (_, c) => labels.filter((y) => y === c).length),
  );
  const k = Math.min(innerFolds, smallest);
  if (gammas.length === 1 || k < 2) return { gamma: gammas[0], accuracies: [] };
  const correct = new Array<number>(gammas.length).fill(0);
  for (const fold of stratifiedKFold(labels, k, seed + 1)) {
    const trainDocs = fold.train.map((i) => docs[i]);
    const trainLabels = fold.train.map((i) => labels[i]);
    const testDocs = fold.test.map((i) => docs[i]);
    const f = fitFeatures(trainDocs, emb, o);
    const testSparse = f.bow.transform(testDocs, 'tfidf');
    const testDense = f.encoder.encode(testDocs).x;
    gammas.forEach((gamma, g) => {
      const w = trainOneVsRest(
        hybridRows(f.sparse, f.dense, emb.dims, gamma),
        trainLabels,
        classes,
        o,
        seed,
      );
      const scores = decisionValues(
        hybridRows(testSparse, testDense, emb.dims, gamma),
        w,
        outputsFor(classes),
      );
      fold.test.forEach((i, r) => {
        if (predictedClass(scores, r, classes) === labels[i]) correct[g]++;
      });
    });
  }
  // Ties go to the smaller gamma: the first in the list.
  const best = correct.indexOf(Math.max(...correct));
  return { gamma: gammas[best], accuracies: correct.map((c) => c / docs.length) };
}

function predictedClass(decision: Float64Array, row: number, classes: number): number {
  if (classes === 2) return decision[row] > 0 ? 0 : 1;
  let best = 0;
  for (let c = 1; c < classes; c++)
    if (decision[row * classes + c] > decision[row * classes + best]) best = c;
  return best;
}

export class HybridModel implements Model {
  readonly kind = 'hybrid' as const;

  constructor(
    readonly classes: readonly string[],
    readonly bow: BagOfWords,
    readonly encoder: SentenceEncoder,
    readonly gamma: number,
    readonly weights: Float32Array,
    /** Inner cross-validation accuracy of each candidate gamma (empty without a search). */
    readonly innerAccuracies: readonly number[] = [],
  ) {}

  predict(docs: Docs): Float32Array {
    const x = hybridRows(
      this.bow.transform(docs, 'tfidf'),
      this.encoder.encode(docs).x,
      this.encoder.dims,
      this.gamma,
    );
    const k = this.classes.length;
    return softmaxScores(decisionValues(x, this.weights, outputsFor(k)), docs.length, k);
  }

  async save(dir: string): Promise<SavedModel> {
    writeFloats(join(dir, WEIGHTS), this.weights);
    writeFileSync(join(dir, FEATURES), JSON.stringify(this.encoder.state));
    const bow = saveBagOfWords(dir, this.bow, 'tfidf');
    return {
      format: FORMAT,
      gamma: this.gamma,
      innerAccuracies: this.innerAccuracies,
      ...bow,
      files: [WEIGHTS, FEATURES, ...bow.files],
    };
  }

  dispose(): void {}
}

const FORMAT = 'emb-hybrid-1';
const WEIGHTS = 'weights.f32';
const FEATURES = 'features.json';

export const hybridTrainer: Trainer<HybridSettings> = {
  kind: 'hybrid',
  usesEmbeddings: true,
  async train(docs, labels, classes, o, ctx: TrainContext): Promise<Model> {
    checkTrainingData(docs, labels, classes);
    const emb = vectorsFor('hybrid', ctx);
    const fixed = o.gamma ?? (docs.length > SEARCH_LIMIT ? 1 : undefined);
    const gammas = fixed !== undefined ? [fixed] : o.gammas;
    const innerFolds = o.innerFolds ?? (docs.length > 2000 ? 3 : 5);
    const chosen = chooseGamma(docs, labels, classes.length, emb, o, gammas, innerFolds, ctx.seed);
    const f = fitFeatures(docs, emb, o);
    const weights = trainOneVsRest(
      hybridRows(f.sparse, f.dense, emb.dims, chosen.gamma),
      labels,
      classes.length,
      o,
      ctx.seed,
    );
    ctx.onProgress?.(1, 1);
    return new HybridModel(classes, f.bow, f.encoder, chosen.gamma, weights, chosen.accuracies);
  },
  async load(dir, saved, classes, ctx) {
    if (saved.format !== FORMAT)
      throw new EmbError(
        'E_MODEL',
        `${dir}: expected a model saved as '${FORMAT}', found '${String(saved.format)}'`,
      );
    const { bow } = loadBagOfWords(dir, saved);
    let state: EncoderState;
    try {
      state = JSON.parse(readFileSync(join(dir, FEATURES), 'utf8')) as EncoderState;
    } catch (e) {
      throw new EmbError(
        'E_MODEL',
        `${join(dir, FEATURES)}: missing or unreadable (${(e as Error).message})`,
      );
    }
    const encoder = SentenceEncoder.restore(state, vectorsFor('hybrid', ctx));
    const weights = readFloats(join(dir, WEIGHTS));
    const expected = outputsFor(classes.length) * (bow.size + encoder.dims + 1);
    if (weights.length !== expected)
      throw new EmbError(
        'E_MODEL',
        `${dir}: expected ${expected} weights, found ${weights.length}`,
      );
    return new HybridModel(classes, bow, encoder, Number(saved.gamma), weights);
  },
};
