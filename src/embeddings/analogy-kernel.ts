import { kernelThreads, native } from './native.js';

/** How a candidate row is scored from its cosines with the question words a, b, c. */
export type AnalogyMethod = '3cosadd' | '3cosmul';

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
  const score = new Float32Array(ROW_BLOCK);
  for (let b = 0; b < rows; b += ROW_BLOCK) {
    const n = Math.min(ROW_BLOCK, rows - b);
    for (let u = 0; u < nwords; u++) {
      const wo = u * dims;
      for (let r = 0; r < n; r++) {
        const ro = (b + r) * dims;
        let acc = 0;
        for (let j = 0; j < dims; j++) acc = f(acc + f(words[wo + j] * matrix[ro + j]));
        S[u * ROW_BLOCK + r] = f(acc * scale[b + r]);
      }
    }
    for (let q = 0; q < nq; q++) {
      const a = questions[q * 3] * ROW_BLOCK;
      const bb = questions[q * 3 + 1] * ROW_BLOCK;
      const c = questions[q * 3 + 2] * ROW_BLOCK;
      for (let r = 0; r < n; r++) {
        score[r] =
          m === 0
            ? f(f(S[bb + r] + S[c + r]) - S[a + r])
            : f(
                f(f(f(1 + S[bb + r]) / 2) * f(f(1 + S[c + r]) / 2)) /
                  f(f(f(1 + S[a + r]) / 2) + f(1e-6)),
              );
      }
      const ea = wordRows[questions[q * 3]];
      const eb = wordRows[questions[q * 3 + 1]];
      const ec = wordRows[questions[q * 3 + 2]];
      const o = q * k;
      for (let r = 0; r < n; r++) {
        const s = score[r];
        if (out.rows[o + k - 1] >= 0 && !(s > out.scores[o + k - 1])) continue;
        if (s !== s) continue;
        const row = b + r;
        if (row === ea || row === eb || row === ec) continue;
        insert(out, o, k, row, s);
      }
    }
  }
  return out;
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
