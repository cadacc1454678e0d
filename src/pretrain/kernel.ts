/**
 * The training step of emb pretrain: one chunk of word ids through skip-gram or CBOW with
 * negative sampling. native/word2vec.c runs it on threads; `trainChunkJs` is the same
 * arithmetic in JavaScript (every float32 rounding where C rounds, no fused multiply-add, the
 * same mulberry32 draws), so one thread gives the same bits either way.
 */
import { native } from '../native/addon.js';

/** Words between two updates of the learning rate, as in word2vec.c. */
const ALPHA_EVERY = 10000;
/** The longest sentence; the corpus reader breaks longer documents (gensim's limit). */
export const MAX_SENTENCE = 10000;
const MAX_EXP = 6;
/** word2vec.c's table index scale: EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic. */
const EXP_SCALE = 83;
const TABLE_POINTS = 1000;
/** keep[w] for a word never subsampled away. */
export const KEEP_ALL = 0xffffffff;

/** What stays the same for a whole run: the matrices and the tables they are trained with. */
export interface KernelModel {
  dims: number;
  window: number;
  negative: number;
  cbow: boolean;
  /** Input rows (words, then subword buckets), rows x dims; trained in place. */
  syn0: Float32Array;
  /** Output rows, one per word. */
  syn1: Float32Array;
  /** Per word, the subsampling threshold on a 32-bit draw (KEEP_ALL: always kept). */
  keep: Uint32Array;
  /** The unigram^0.75 distribution negatives are drawn from, cumulative, ending at 2^31. */
  cum: Uint32Array;
  /** Sigmoid, loss of a positive, loss of a negative example, on word2vec.c's 1000-point grid. */
  tables: Float32Array;
  /** Subwords: word w's input rows are subRows[subOff[w] .. subOff[w + 1]); both empty without. */
  subOff: Int32Array;
  subRows: Int32Array;
  /** The most input rows one example can have (CBOW: the whole window's subwords). */
  maxInputs: number;
}

/** What moves from chunk to chunk. */
export interface KernelState {
  /** Input rows below this are not updated (pretrained rows while frozen). */
  frozen: number;
  alpha0: number;
  /** Words read so far (all epochs), and in all epochs: the learning rate decays linearly. */
  done: number;
  total: number;
  threads: number;
  /** One generator state per thread, advanced. */
  rng: Uint32Array;
}

/** The sigmoid and the two losses on word2vec.c's grid: x = (i / 1000 * 2 - 1) * 6. */
export function sigmoidTables(): Float32Array {
  const t = new Float32Array(3 * TABLE_POINTS);
  for (let i = 0; i < TABLE_POINTS; i++) {
    const e = Math.exp(((i / TABLE_POINTS) * 2 - 1) * MAX_EXP);
    const s = Math.fround(e / (e + 1));
    t[i] = s;
    t[TABLE_POINTS + i] = -Math.log(s);
    t[2 * TABLE_POINTS + i] = -Math.log1p(-s);
  }
  return t;
}

/** Trains on one chunk (-1 ends a sentence); returns the summed loss and the examples. */
export function trainChunk(
  model: KernelModel,
  ids: Int32Array,
  state: KernelState,
  useNative = native !== undefined,
): { loss: number; examples: number } {
  const config = Float64Array.of(
    model.dims,
    model.window,
    model.negative,
    model.cbow ? 1 : 0,
    state.frozen,
    state.alpha0,
    state.done,
    state.total,
    useNative ? state.threads : 1,
    model.maxInputs,
  );
  const result = new Float64Array(2);
  if (useNative && native) {
    native.w2vTrain(
      model.syn0,
      model.syn1,
      ids,
      model.keep,
      model.cum,
      model.tables,
      model.subOff,
      model.subRows,
      config,
      state.rng,
      result,
    );
  } else trainChunkJs(model, ids, config, state.rng, result);
  state.done = config[6];
  return { loss: result[0], examples: result[1] };
}

/** native/word2vec.c's w2vTrain with one thread, step for step. */
function trainChunkJs(
  m: KernelModel,
  ids: Int32Array,
  config: Float64Array,
  rngState: Uint32Array,
  result: Float64Array,
): void {
  const fround = Math.fround;
  const d = m.dims;
  const window = m.window;
  const negative = m.negative;
  const frozen = config[4];
  const alpha0 = config[5];
  const total = config[7];
  const { syn0, syn1, keep, cum, tables } = m;
  const vocab = cum.length;
  const subwords = m.subOff.length > 0;
  const hidden = new Float32Array(d);
  const grad = new Float32Array(d);
  const lanes = new Float32Array(16);
  const sentence = new Int32Array(MAX_SENTENCE);
  const inputs = new Int32Array(m.maxInputs);
  let s = rngState[0];
  let loss = 0;
  let examples = 0;
  let done = config[6];

  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const alphaAt = (words: number): number => {
    const f = 1 - words / (total + 1);
    return fround(alpha0 * (f > 1e-4 ? f : 1e-4));
  };
  const rowsOf = (w: number, at: number): number => {
    if (!subwords) {
      inputs[at] = w;
      return 1;
    }
    const a = m.subOff[w];
    const n = m.subOff[w + 1] - a;
    for (let i = 0; i < n; i++) inputs[at + i] = m.subRows[a + i];
    return n;
  };

  const pair = (from: number, n: number, target: number, alpha: number): void => {
    let o = inputs[from] * d;
    for (let c = 0; c < d; c++) hidden[c] = syn0[o + c];
    if (n > 1) {
      for (let i = 1; i < n; i++) {
        o = inputs[from + i] * d;
        for (let c = 0; c < d; c++) hidden[c] = hidden[c] + syn0[o + c];
      }
      const inv = fround(1 / n);
      for (let c = 0; c < d; c++) hidden[c] = hidden[c] * inv;
    }
    grad.fill(0);
    for (let k = 0; k <= negative; k++) {
      let t: number;
      let label: number;
      if (k === 0) {
        t = target;
        label = 1;
      } else {
        // native/word2vec.c's draw(): the first word whose cumulative share exceeds r.
        const r = next() >>> 1;
        let lo = 0;
        let hi = vocab - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cum[mid] > r) hi = mid;
          else lo = mid + 1;
        }
        t = lo;
        if (t === target) continue;
        label = 0;
      }
      const out = t * d;
      // native/word2vec.c's dot(): element c into lane c % 16, then the lanes pairwise.
      lanes.fill(0);
      for (let c = 0; c < d; c++) lanes[c & 15] += fround(hidden[c] * syn1[out + c]);
      for (let w = 8; w >= 1; w >>= 1) for (let l = 0; l < w; l++) lanes[l] += lanes[l + w];
      const f = lanes[0];
      let g: number;
      if (f > MAX_EXP) {
        g = fround((label - 1) * alpha);
        if (k > 0) loss += f;
      } else if (f < -MAX_EXP) {
        g = fround(label * alpha);
        if (k === 0) loss -= f;
      } else {
        const i = fround(fround(f + MAX_EXP) * EXP_SCALE) | 0;
        g = fround(fround(label - tables[i]) * alpha);
        loss += k === 0 ? tables[TABLE_POINTS + i] : tables[2 * TABLE_POINTS + i];
      }
      for (let c = 0; c < d; c++) {
        grad[c] = grad[c] + fround(g * syn1[out + c]);
        syn1[out + c] = syn1[out + c] + fround(g * hidden[c]);
      }
    }
    for (let i = 0; i < n; i++) {
      const r = inputs[from + i];
      if (r < frozen) continue;
      o = r * d;
      for (let c = 0; c < d; c++) syn0[o + c] = syn0[o + c] + grad[c];
    }
    examples++;
  };

  const trainSentence = (len: number, alpha: number): void => {
    for (let i = 0; i < len; i++) {
      const b = next() % window;
      const lo = i - window + b;
      const hi = i + window - b;
      if (m.cbow) {
        let n = 0;
        for (let c = lo; c <= hi; c++)
          if (c >= 0 && c < len && c !== i) n += rowsOf(sentence[c], n);
        if (n > 0) pair(0, n, sentence[i], alpha);
      } else if (!subwords) {
        // word2vec.c's orientation: each context word's row predicts the centre word.
        for (let c = lo; c <= hi; c++)
          if (c >= 0 && c < len && c !== i) {
            inputs[0] = sentence[c];
            pair(0, 1, sentence[i], alpha);
          }
      } else {
        const n = rowsOf(sentence[i], 0);
        for (let c = lo; c <= hi; c++)
          if (c >= 0 && c < len && c !== i) pair(0, n, sentence[c], alpha);
      }
    }
  };

  let pos = 0;
  let local = 0;
  let alpha = alphaAt(done);
  while (pos < ids.length) {
    let len = 0;
    while (pos < ids.length) {
      const w = ids[pos++];
      if (w < 0) break;
      local++;
      if (keep[w] !== KEEP_ALL && next() >= keep[w]) continue;
      sentence[len++] = w;
      if (len === MAX_SENTENCE) break;
    }
    if (local >= ALPHA_EVERY) {
      done += local;
      local = 0;
      alpha = alphaAt(done);
    }
    trainSentence(len, alpha);
  }
  done += local;
  rngState[0] = s;
  result[0] = loss;
  result[1] = examples;
  config[6] = done;
}
