/**
 * From counts to the arrays the kernel trains: the vocabulary (the pretrained words first when
 * adapting, then the corpus's words over the minimum count, most frequent first), the
 * subsampling thresholds, the negative-sampling table, the subword rows, and the initial
 * matrices.
 */
import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { ngramBuckets } from '../embeddings/fasttext-ngrams.js';
import type { SubwordSettings } from '../embeddings/subwords.js';
import { Random } from '../random.js';
import { KEEP_ALL, sigmoidTables, type KernelModel } from './kernel.js';
import type { WordCounter } from './count.js';

/** The vocabulary trained, and how the corpus's provisional ids map onto it. */
export interface VocabularyPlan {
  words: string[];
  /** Occurrences of each word in the corpus (0 for a pretrained word the corpus lacks). */
  counts: Float64Array;
  /** Provisional id -> row, or -1 for a word left out. */
  rowOf: Int32Array;
  /** Rows 0 .. pretrained - 1 are the pretrained words. */
  pretrained: number;
  /** Tokens of the corpus that are in the vocabulary: the words one epoch reads. */
  trainWords: number;
}

/**
 * The vocabulary: every pretrained word (in its order), then the corpus words seen at least
 * `minCount` times that it lacks, by count (ties: first seen first).
 */
export function planVocabulary(
  counter: WordCounter,
  minCount: number,
  corpus: string,
  init?: Embeddings,
): VocabularyPlan {
  if (counter.tokens === 0)
    throw new EmbError('E_INPUT', `${corpus}: the corpus has no words; expected text`);
  const pretrained = init?.rows ?? 0;
  const live = counter.words.length;
  const rowOf = new Int32Array(live).fill(-1);
  const initCounts = new Float64Array(pretrained);
  const fresh: number[] = [];
  let best = -1;
  for (let id = 0; id < live; id++) {
    const word = counter.words[id];
    if (word === undefined) continue;
    const c = counter.counts[id];
    const row = init ? init.vocab.index(word) : -1;
    if (row >= 0) {
      rowOf[id] = row;
      initCounts[row] += c;
    } else if (c >= minCount) fresh.push(id);
    else if (best < 0 || c > counter.counts[best]) best = id;
  }
  fresh.sort((a, b) => counter.counts[b] - counter.counts[a] || a - b);
  const words: string[] = [];
  for (let i = 0; i < pretrained; i++) words.push(init!.word(i));
  const counts = new Float64Array(pretrained + fresh.length);
  counts.set(initCounts);
  fresh.forEach((id, k) => {
    rowOf[id] = pretrained + k;
    words.push(counter.words[id]!);
    counts[pretrained + k] = counter.counts[id];
  });
  let trainWords = 0;
  for (const c of counts) trainWords += c;
  if (trainWords === 0) {
    const top =
      best >= 0
        ? ` (the most frequent, "${counter.words[best]}", ${counter.counts[best]} times)`
        : '';
    throw new EmbError(
      'E_INPUT',
      `${corpus}: no word occurs minCount = ${minCount} times${top}${init ? ', and none is in the initial vectors' : ''}; lower minCount or give more text`,
    );
  }
  return { words, counts, rowOf, pretrained, trainWords };
}

/** word2vec.c's subsampling: kept with probability (sqrt(c / (s T)) + 1) s T / c. */
export function keepThresholds(
  counts: Float64Array,
  sample: number,
  trainWords: number,
): Uint32Array {
  const keep = new Uint32Array(counts.length).fill(KEEP_ALL);
  if (sample <= 0) return keep;
  const st = sample * trainWords;
  for (let w = 0; w < counts.length; w++) {
    const c = counts[w];
    if (c === 0) continue;
    const p = (Math.sqrt(c / st) + 1) * (st / c);
    if (p < 1) keep[w] = Math.floor(p * 2 ** 32);
  }
  return keep;
}

/**
 * The unigram^0.75 distribution of negative examples (word2vec.c's table, in gensim's
 * cumulative form): word w is drawn for r in [cum[w - 1], cum[w]) of [0, 2^31); words the
 * corpus lacks (count 0) have an empty share.
 */
export function unigramCumulative(counts: Float64Array): Uint32Array {
  const cum = new Uint32Array(counts.length);
  let total = 0;
  for (const c of counts) total += Math.pow(c, 0.75);
  let sum = 0;
  for (let w = 0; w < counts.length; w++) {
    sum += Math.pow(counts[w], 0.75);
    cum[w] = Math.round((sum / total) * 2 ** 31);
  }
  cum[counts.length - 1] = 2 ** 31;
  return cum;
}

/** fastText's input rows of each word: itself, then rows + bucket of each of its n-grams. */
export function subwordRows(
  words: readonly string[],
  settings: SubwordSettings,
): { subOff: Int32Array; subRows: Int32Array; widest: number } {
  const subOff = new Int32Array(words.length + 1);
  const rows: number[] = [];
  let widest = 1;
  words.forEach((word, w) => {
    rows.push(w);
    for (const b of ngramBuckets(word, settings)) rows.push(words.length + b);
    subOff[w + 1] = rows.length;
    widest = Math.max(widest, subOff[w + 1] - subOff[w]);
  });
  return { subOff, subRows: Int32Array.from(rows), widest };
}

export interface ModelSettings {
  method: 'skipgram' | 'cbow';
  dims: number;
  window: number;
  negative: number;
  sample: number;
  seed: number;
  subwords?: SubwordSettings;
}

/**
 * The kernel's model: input rows random in [-1, 1) / dims (gensim 4 and fastText; word2vec.c
 * takes half that), n-gram buckets too, the pretrained rows copied in, output rows zero.
 */
export function buildModel(
  plan: VocabularyPlan,
  settings: ModelSettings,
  init?: Embeddings,
): KernelModel {
  const { dims } = settings;
  const vocab = plan.words.length;
  const sub = settings.subwords ? subwordRows(plan.words, settings.subwords) : undefined;
  const inputRows = vocab + (settings.subwords?.bucket ?? 0);
  const syn0 = new Float32Array(inputRows * dims);
  const random = new Random(settings.seed);
  for (let i = 0; i < syn0.length; i++) syn0[i] = (random.next() * 2 - 1) / dims;
  for (let r = 0; r < plan.pretrained; r++) syn0.set(init!.row(r), r * dims);
  // Copied: a mapped file's pages need not stay resident beside the copy.
  init?.releaseRows();
  return {
    dims,
    window: settings.window,
    negative: settings.negative,
    cbow: settings.method === 'cbow',
    syn0,
    syn1: new Float32Array(vocab * dims),
    keep: keepThresholds(plan.counts, settings.sample, plan.trainWords),
    cum: unigramCumulative(plan.counts),
    tables: sigmoidTables(),
    subOff: sub?.subOff ?? new Int32Array(0),
    subRows: sub?.subRows ?? new Int32Array(0),
    maxInputs: (sub?.widest ?? 1) * 2 * settings.window,
  };
}

/** One generator state per thread, from the seed. */
export function threadStates(seed: number, threads: number): Uint32Array {
  const random = new Random(seed ^ 0x5bd1e995);
  return Uint32Array.from({ length: threads }, () => Math.floor(random.next() * 2 ** 32));
}

/**
 * The word vectors to write: the input rows, or with subwords each word's mean of its rows
 * (fastText's word vector), in float32 as fastText sums and scales them.
 */
export function wordRows(model: KernelModel, vocab: number): Float32Array {
  const d = model.dims;
  if (model.subOff.length === 0) return model.syn0.subarray(0, vocab * d);
  const out = new Float32Array(vocab * d);
  for (let w = 0; w < vocab; w++) {
    const a = model.subOff[w];
    const n = model.subOff[w + 1] - a;
    const o = w * d;
    for (let i = 0; i < n; i++) {
      const r = model.subRows[a + i] * d;
      for (let c = 0; c < d; c++) out[o + c] += model.syn0[r + c];
    }
    const by = Math.fround(1 / n);
    for (let c = 0; c < d; c++) out[o + c] *= by;
  }
  return out;
}
