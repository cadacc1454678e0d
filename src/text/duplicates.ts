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
  // By a hash of the tokens, compared in full when hashes meet: a Map keyed by the joined
  // tokens held a second copy of the corpus while it ran (in every fit of the hybrid).
  const firsts = new Map<number, number[]>();
  const out = new Int32Array(docs.length);
  docs.forEach((doc, i) => {
    const h = tokensHash(doc);
    const same = firsts.get(h);
    const seen = same?.find((j) => sameTokens(docs[j], doc));
    if (seen === undefined) {
      if (same) same.push(i);
      else firsts.set(h, [i]);
    }
    out[i] = seen ?? i;
  });
  return out;
}

/**
 * The texts of `test` whose tokens are those of some text of `train`, ascending: a separate test
 * set cannot be split by groups, so its copies of training texts are only reported.
 */
export function copiesIn(test: Docs, train: Docs): number[] {
  // A test text's group starts in the training part exactly when it repeats a training text.
  const groups = groupsOf([...train, ...test]);
  const out: number[] = [];
  test.forEach((_, i) => {
    if (groups[train.length + i] < train.length) out.push(i);
  });
  return out;
}

/** One line on the test texts (indices `copies`) that repeat a training text. */
export function testCopiesWarning(
  source: string,
  copies: readonly number[],
  lines?: readonly number[],
): string {
  const one = copies.length === 1;
  const first = copies.slice(0, 3).map((i) => lines?.[i]);
  const where = lines
    ? ` (${one ? 'line' : 'lines'} ${first.join(', ')}${copies.length > 3 ? ', ...' : ''})`
    : '';
  const n = copies.length.toLocaleString('en-US');
  return `${source}: ${n} test ${one ? 'text repeats' : 'texts repeat'} a training text's tokens${where}; ${one ? 'its answer is' : 'their answers are'} not held out`;
}

/** FNV-1a over the tokens' UTF-16 code units, each token closed by a value no unit has. */
function tokensHash(doc: readonly string[]): number {
  let h = hashes.get(doc);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (const t of doc) {
      for (let k = 0; k < t.length; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
      h = Math.imul(h ^ 0x10000, 0x01000193);
    }
    hashes.set(doc, h);
  }
  return h;
}

/** Each document's hash, as the folds of one run ask for the same documents again. */
const hashes = new WeakMap<readonly string[], number>();

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, k) => t === b[k]);
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
