/**
 * Copies of a text: texts whose tokens are the same sequence (the tokenizer's normalisation,
 * so "Great film!" and "great  film !" are one text to every model). A copy that lands in
 * training and in test lets a model be graded on what it memorised; copies with different
 * labels are a contradiction no model can resolve. Splits keep each group on one side
 * (splits.ts), and the data's report names them.
 */
import type { Docs } from './tokenize.js';

/** The texts that share one token sequence: at least two. */
export interface DuplicateGroup {
  /** Indices of the texts, ascending. */
  rows: number[];
  /** Whether the copies carry more than one label. */
  conflicting: boolean;
}

/**
 * For each text, the index of the first text with the same tokens (its own index when it is
 * the first): what the splits take as `groups`.
 */
export function groupsOf(docs: Docs): Int32Array {
  const first = new Map<string, number>();
  const out = new Int32Array(docs.length);
  docs.forEach((doc, i) => {
    // Tokens never hold U+0000 (no tokenizer keeps control characters).
    const key = doc.join('\u0000');
    const seen = first.get(key);
    if (seen === undefined) first.set(key, i);
    out[i] = seen ?? i;
  });
  return out;
}

/** The groups of copies, in order of their first text. Labels are class ids. */
export function duplicateGroups(docs: Docs, labels: readonly number[]): DuplicateGroup[] {
  const groups = groupsOf(docs);
  const byFirst = new Map<number, number[]>();
  groups.forEach((g, i) => {
    if (g !== i) {
      const rows = byFirst.get(g) ?? [g];
      rows.push(i);
      byFirst.set(g, rows);
    }
  });
  return [...byFirst.values()]
    .sort((a, b) => a[0] - b[0])
    .map((rows) => ({ rows, conflicting: rows.some((i) => labels[i] !== labels[rows[0]]) }));
}

/** What the data's copies are, as emb's results carry them (crossValidate, report.json). */
export interface Duplicates {
  /** Texts that repeat an earlier text's tokens (a group of three counts two). */
  copies: number;
  /** Groups whose copies carry more than one label. */
  conflicting: number;
  /** Every group, in order of its first text. */
  groups: DuplicateRecord[];
}

export interface DuplicateRecord {
  /** Indices of the texts (0-based, into the data's texts). */
  rows: number[];
  /** The lines of the file on which they start, when the data was read from a file. */
  lines?: number[];
  /** The label of each text, in the order of `rows`. */
  labels: string[];
  conflicting: boolean;
}

/** The copies of `docs` with their labels' names and, given the rows' lines, where they are. */
export function duplicatesOf(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  lines?: readonly number[],
): Duplicates {
  const groups = duplicateGroups(docs, labels).map(({ rows, conflicting }): DuplicateRecord => ({
    rows,
    ...(lines ? { lines: rows.map((i) => lines[i]) } : {}),
    labels: rows.map((i) => classes[labels[i]]),
    conflicting,
  }));
  return {
    copies: groups.reduce((a, g) => a + g.rows.length - 1, 0),
    conflicting: groups.filter((g) => g.conflicting).length,
    groups,
  };
}
