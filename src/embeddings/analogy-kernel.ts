import { kernelThreads, native } from '../native/addon.js';

/** How a candidate row is scored from its cosines with the question words a, b, c. */
export type AnalogyMethod = '3cosadd' | '3cosmul';
export const ANALOGY_METHODS: readonly AnalogyMethod[] = ['3cosadd', '3cosmul'];

export interface AnalogyBatch {
  /** Unit vectors of the distinct question words, nwords x dims. */
  words: Float32Array;
  /** Row of each word (never an answer to a question that uses it), or -1 if not a row. */
  wordRows: Int32Array;
  /** Per question, the indices into `words` of a, b and c (a is to b as c is to ?). */
  questions: Int32Array;
}

export interface TopAnswers {
  /** nq x k rows, best first; -1 where fewer than k candidates exist. */
  rows: Int32Array;
  scores: Float32Array;
}

const ROW_BLOCK = 64;
const f = Math.fround;

/**
 * The k best answers of every question among the first `rows` rows, in one pass over the
 * matrix: per block of rows, the cosine of each row with each distinct question word is
 * computed once and shared by all the questions that use the word. 3CosAdd ranks by
 * cos(x,b) + cos(x,c) - cos(x,a), which orders rows exactly as gensim's cosine with the
 * normalised mean (b - a + c)/3 does; 3CosMul by the Levy & Goldberg product. The native
 * kernel and this JavaScript fallback do the same float32 operations in the same order.
 */
export function analogyTopK(
  matrix: Float32Array,
  dims: number,
  rows: number,
  scale: Float32Array,
  batch: AnalogyBatch,
  method: AnalogyMethod,
  k: number,
  useNative = true,
): TopAnswers {
  const nq = batch.questions.length / 3;
  const out: TopAnswers = {
    rows: new Int32Array(nq * k).fill(-1),
    scores: new Float32Array(nq * k),
  };
  const m = method === '3cosmul' ? 1 : 0;
  if (native && useNative) {
    const { words, wordRows, questions } = batch;
    native.analogyTopK(
      matrix,
      dims,
      rows,
      scale,
      words,
      wordRows,
      questions,
      m,
      k,
      out.rows,
      out.scores,
      kernelThreads,
    );
    return out;
  }
  const { words, wordRows, questions } = batch;
  const nwords = wordRows.length;
  const S = new Float32Array(nwords * ROW_BLOCK);
  for (let b = 0; b < rows; b += ROW_BLOCK) {
    const n = Math.min(ROW_BLOCK, rows - b);
    for (let u = 0; u < nwords; u++)
      cosines(matrix, dims, b, n, scale, words, u * dims, S, u * ROW_BLOCK);
    for (let q = 0; q < nq; q++) {
      const a = questions[q * 3] * ROW_BLOCK;
      const bb = questions[q * 3 + 1] * ROW_BLOCK;
      const c = questions[q * 3 + 2] * ROW_BLOCK;
      const o = q * k;
      // The k-th score so far; below it (or NaN) a row cannot enter the list.
      let thr = out.rows[o + k - 1] >= 0 ? out.scores[o + k - 1] : -Infinity;
      for (let r = 0; r < n; r++) {
        const s =
          m === 0
            ? f(f(S[bb + r] + S[c + r]) - S[a + r])
            : f(
                f(f(f(1 + S[bb + r]) / 2) * f(f(1 + S[c + r]) / 2)) /
                  f(f(f(1 + S[a + r]) / 2) + f(1e-6)),
              );
        if (!(s > thr)) continue;
        const row = b + r;
        if (row === wordRows[questions[q * 3]] || row === wordRows[questions[q * 3 + 1]]) continue;
        if (row === wordRows[questions[q * 3 + 2]]) continue;
        insert(out, o, k, row, s);
        if (out.rows[o + k - 1] >= 0) thr = out.scores[o + k - 1];
      }
    }
  }
  return out;
}

/**
 * S[so + r] = <row b + r, word at wo> * scale, each sum in float32 in the order of dims (as
 * the native kernel keeps it per lane); four rows at a time share the word's values.
 */
function cosines(
  matrix: Float32Array,
  dims: number,
  b: number,
  n: number,
  scale: Float32Array,
  words: Float32Array,
  wo: number,
  S: Float32Array,
  so: number,
): void {
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const o0 = (b + r) * dims;
    const o1 = o0 + dims;
    const o2 = o1 + dims;
    const o3 = o2 + dims;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < dims; j++) {
      const w = words[wo + j];
      a0 = f(a0 + f(w * matrix[o0 + j]));
      a1 = f(a1 + f(w * matrix[o1 + j]));
      a2 = f(a2 + f(w * matrix[o2 + j]));
      a3 = f(a3 + f(w * matrix[o3 + j]));
    }
    S[so + r] = f(a0 * scale[b + r]);
    S[so + r + 1] = f(a1 * scale[b + r + 1]);
    S[so + r + 2] = f(a2 * scale[b + r + 2]);
    S[so + r + 3] = f(a3 * scale[b + r + 3]);
  }
  for (; r < n; r++) {
    const o = (b + r) * dims;
    let a = 0;
    for (let j = 0; j < dims; j++) a = f(a + f(words[wo + j] * matrix[o + j]));
    S[so + r] = f(a * scale[b + r]);
  }
}

/** Puts (row, s) into the sorted list at o; an equal score keeps the earlier row first. */
function insert(out: TopAnswers, o: number, k: number, row: number, s: number): void {
  let at = k - 1;
  while (at > 0 && (out.rows[o + at - 1] < 0 || out.scores[o + at - 1] < s)) {
    out.rows[o + at] = out.rows[o + at - 1];
    out.scores[o + at] = out.scores[o + at - 1];
    at--;
  }
  out.rows[o + at] = row;
  out.scores[o + at] = s;
}
