import type { Embeddings } from '../embeddings/embeddings.js';
import { analogyTopK, type AnalogyMethod } from '../embeddings/analogy-kernel.js';
import type { AnalogySection } from './analogy-set.js';
import { pearson, spearman } from './correlation.js';
import { evalVocabulary, type EvalVocabulary } from './eval-vocabulary.js';
import type { WordPair } from './pair-set.js';

/**
 * Intrinsic evaluation with gensim's semantics (KeyedVectors.evaluate_word_analogies and
 * evaluate_word_pairs, 4.2): only the first `restrict` words count, words compare
 * case-insensitively by default, and a question or pair with a word outside that vocabulary
 * is skipped. When the vectors carry fastText subwords, unknown input words get their n-gram
 * vectors instead (the expected answer of an analogy must still be a word of the vocabulary).
 */
export interface EvalOptions {
  /** Only the first N rows serve as vocabulary and as candidate answers (default 300000). */
  restrict?: number;
  caseSensitive?: boolean;
  /** Use subword vectors for unknown words when the vectors have them (default true). */
  subwords?: boolean;
}

export interface AnalogyOptions extends EvalOptions {
  method?: AnalogyMethod;
  /** Questions answered per pass over the matrix. */
  batch?: number;
  /** Use the native kernel when it is built (default true). */
  native?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface Tally {
  /** correct / total, or null when no question was answered. */
  accuracy: number | null;
  correct: number;
  total: number;
  /** Questions left out because a word is not in the vocabulary. */
  skipped: number;
}

export interface SectionScore extends Tally {
  section: string;
}

export interface AnalogyScore extends Tally {
  /** Sections whose name does not start with "gram". */
  semantic: Tally;
  /** Sections whose name starts with "gram". */
  syntactic: Tally;
  sections: SectionScore[];
  /** Questions answered with at least one subword vector. */
  subwords: number;
}

export const DEFAULT_RESTRICT = 300000;
/** gensim looks at its 5 best answers and takes the first that is not a question word. */
const TOPN = 5;
const DEFAULT_BATCH = 4096;

/**
 * A question word's vector: a row of the restricted vocabulary, or (with subwords on) the
 * vector emb.vector gives: n-grams, or a row beyond `restrict`.
 */
interface Slot {
  key: string;
  /** The row the word stands for among the candidates (never its own answer), or -1. */
  row: number;
  vector?: Float32Array;
  fromSubwords?: boolean;
}

interface Prepared {
  section: number;
  slots: [Slot, Slot, Slot];
  expected: string;
  ignore: [string, string, string];
}

export function evaluateAnalogies(
  emb: Embeddings,
  sections: readonly AnalogySection[],
  options: AnalogyOptions = {},
): AnalogyScore {
  const vocab = evalVocabulary(
    emb,
    options.restrict ?? DEFAULT_RESTRICT,
    !!options.caseSensitive,
    sections.flatMap((s) => s.questions.flatMap((q) => q.words)),
  );
  const useSubwords = options.subwords !== false && !!emb.subwords;
  const tallies: SectionScore[] = sections.map((s) => ({
    section: s.name,
    accuracy: null,
    correct: 0,
    total: 0,
    skipped: 0,
  }));
  const prepared: Prepared[] = [];
  let subwords = 0;
  sections.forEach((section, si) => {
    for (const q of section.questions) {
      const keys = q.words.map((w) => vocab.key(w));
      const slots = q.words.slice(0, 3).map((w, i) => slot(emb, vocab, w, keys[i], useSubwords));
      if (slots.some((s) => !s) || vocab.row(keys[3]) < 0) {
        tallies[si].skipped++;
        continue;
      }
      if (slots.some((s) => s!.fromSubwords)) subwords++;
      prepared.push({
        section: si,
        slots: slots as Prepared['slots'],
        expected: keys[3],
        ignore: [keys[0], keys[1], keys[2]],
      });
    }
  });

  const batch = options.batch ?? DEFAULT_BATCH;
  emb.checkMapping();
  // A view of the float32 rows; compact files are decoded (restrict x dims floats) once.
  const candidates = emb.rowsFloat32(vocab.restrict);
  options.onProgress?.(0, prepared.length);
  for (let start = 0; start < prepared.length; start += batch) {
    const part = prepared.slice(start, start + batch);
    const top = analogyTopK(
      candidates,
      emb.dims,
      vocab.restrict,
      emb.scale,
      gather(emb, part),
      options.method ?? '3cosadd',
      TOPN,
      options.native !== false,
    );
    part.forEach((p, i) => {
      // gensim: the first of the best five that is not a question word (compared by key);
      // when all five are, the fifth stands.
      let predicted: string | undefined;
      for (let t = 0; t < TOPN; t++) {
        const row = top.rows[i * TOPN + t];
        if (row < 0) break;
        predicted = vocab.key(emb.word(row));
        if (!p.ignore.includes(predicted)) break;
      }
      const tally = tallies[p.section];
      tally.total++;
      if (predicted === p.expected) tally.correct++;
    });
    options.onProgress?.(Math.min(prepared.length, start + batch), prepared.length);
  }
  for (const t of tallies) t.accuracy = ratio(t.correct, t.total);
  const sum = (list: SectionScore[]): Tally => {
    const correct = list.reduce((s, t) => s + t.correct, 0);
    const total = list.reduce((s, t) => s + t.total, 0);
    return {
      accuracy: ratio(correct, total),
      correct,
      total,
      skipped: list.reduce((s, t) => s + t.skipped, 0),
    };
  };
  return {
    ...sum(tallies),
    semantic: sum(tallies.filter((t) => !t.section.startsWith('gram'))),
    syntactic: sum(tallies.filter((t) => t.section.startsWith('gram'))),
    sections: tallies,
    subwords,
  };
}

/** Resolves a question word: a row of the restricted vocabulary, else subwords, else none. */
function slot(
  emb: Embeddings,
  vocab: EvalVocabulary,
  word: string,
  key: string,
  useSubwords: boolean,
): Slot | undefined {
  const row = vocab.row(key);
  if (row >= 0) return { key: `r${row}`, row };
  if (!useSubwords) return undefined;
  const v = emb.vector(word);
  return v
    ? { key: `w${word}`, row: -1, vector: v.vector, fromSubwords: v.source === 'subwords' }
    : undefined;
}

/** The distinct words of a batch of questions, as unit vectors, and the questions as indices. */
function gather(emb: Embeddings, part: readonly Prepared[]) {
  const index = new Map<string, number>();
  const slots: Slot[] = [];
  const questions = new Int32Array(part.length * 3);
  part.forEach((p, i) =>
    p.slots.forEach((s, j) => {
      let at = index.get(s.key);
      if (at === undefined) {
        index.set(s.key, (at = slots.length));
        slots.push(s);
      }
      questions[i * 3 + j] = at;
    }),
  );
  const dims = emb.dims;
  const words = new Float32Array(slots.length * dims);
  const wordRows = new Int32Array(slots.length);
  slots.forEach((s, u) => {
    wordRows[u] = s.row;
    const v = s.vector ?? emb.row(s.row);
    // gensim's unit vector: each value divided by the float32 norm.
    const norm = s.vector
      ? Math.fround(Math.sqrt(v.reduce((acc, x) => acc + x * x, 0)))
      : emb.norms[s.row];
    if (norm > 0) for (let j = 0; j < dims; j++) words[u * dims + j] = v[j] / norm;
  });
  return { words, wordRows, questions };
}

export interface PairScore {
  spearman: number;
  pearson: number;
  /** Pairs with both words known. */
  pairs: number;
  /** Pairs left out because a word is not in the vocabulary. */
  oov: number;
  /** Pairs that used a subword vector. */
  subwords: number;
}

export function evaluatePairs(
  emb: Embeddings,
  pairs: readonly WordPair[],
  options: EvalOptions = {},
): PairScore {
  const vocab = evalVocabulary(
    emb,
    options.restrict ?? DEFAULT_RESTRICT,
    !!options.caseSensitive,
    pairs.flatMap((p) => [p.a, p.b]),
  );
  const useSubwords = options.subwords !== false && !!emb.subwords;
  const gold: number[] = [];
  const model: number[] = [];
  let oov = 0;
  let subwords = 0;
  for (const p of pairs) {
    const a = slot(emb, vocab, p.a, vocab.key(p.a), useSubwords);
    const b = slot(emb, vocab, p.b, vocab.key(p.b), useSubwords);
    if (!a || !b) {
      oov++;
      continue;
    }
    if (a.fromSubwords || b.fromSubwords) subwords++;
    gold.push(p.score);
    model.push(cosine(emb, a, b));
  }
  return {
    spearman: spearman(gold, model),
    pearson: pearson(gold, model),
    pairs: gold.length,
    oov,
    subwords,
  };
}

/** Cosine of two slots, rounded to float32 as gensim's similarity returns it. */
function cosine(emb: Embeddings, a: Slot, b: Slot): number {
  const va = a.vector ?? emb.row(a.row);
  const vb = b.vector ?? emb.row(b.row);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < emb.dims; j++) {
    dot += va[j] * vb[j];
    na += va[j] * va[j];
    nb += vb[j] * vb[j];
  }
  return na > 0 && nb > 0 ? Math.fround(dot / Math.sqrt(na * nb)) : 0;
}

function ratio(correct: number, total: number): number | null {
  return total > 0 ? correct / total : null;
}
