/**
 * Reading a linear model's weights back as terms: what each n-gram of a text adds to a
 * decision value, and a class's strongest n-grams. Weights are outputs x (cols + 1), the last
 * column the bias; two classes have one output, positive for class 0 (linear-svm.ts).
 */
import type { BagOfWords, Weighting } from '../features/bow.js';
import type { DecisionTerm } from './kind.js';

/** +1 when output `c`'s decision value speaks for class c, -1 for class 1 of two (f < 0). */
export function side(classes: number, c: number): { output: number; sign: number } {
  return classes === 2 ? { output: 0, sign: c === 0 ? 1 : -1 } : { output: c, sign: 1 };
}

/** The n-grams of one document with their shares of class c's decision value, and the bias. */
export function ngramTerms(
  bow: BagOfWords,
  weighting: Weighting,
  weights: Float32Array,
  stride: number,
  classes: number,
  doc: readonly string[],
  c: number,
): { terms: DecisionTerm[]; bias: number } {
  const { output, sign } = side(classes, c);
  const row = bow.transform([doc], weighting);
  const base = output * stride;
  const terms: DecisionTerm[] = [];
  for (let k = row.indptr[0]; k < row.indptr[1]; k++) {
    const j = row.indices[k];
    terms.push({
      term: bow.terms[j],
      kind: 'ngram',
      weight: sign * weights[base + j] * row.values[k],
    });
  }
  return { terms, bias: sign * weights[base + stride - 1] };
}

/**
 * The n columns with the largest weights toward class c; of equal weights (many: the n-grams of
 * a single text often share one), the first by text, as the column order is not kept: a saved
 * vocabulary renumbers its columns.
 */
export function strongestNgrams(
  bow: BagOfWords,
  weights: Float32Array,
  stride: number,
  classes: number,
  c: number,
  n: number,
): DecisionTerm[] {
  const { output, sign } = side(classes, c);
  const base = output * stride;
  const terms = bow.terms;
  const order = Array.from({ length: bow.size }, (_, j) => j).sort(
    (a, b) => sign * (weights[base + b] - weights[base + a]) || byText(terms[a], terms[b]),
  );
  return order
    .slice(0, n)
    .map((j) => ({ term: bow.terms[j], kind: 'ngram', weight: sign * weights[base + j] }));
}

/** Terms by the size of their share, largest first (ties by text, as strongestNgrams). */
export function bySize(terms: DecisionTerm[]): DecisionTerm[] {
  return terms
    .map((t, i) => ({ t, i }))
    .sort(
      (a, b) =>
        Math.abs(b.t.weight) - Math.abs(a.t.weight) || byText(a.t.term, b.t.term) || a.i - b.i,
    )
    .map(({ t }) => t);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
