/** Labelled texts, labels as class ids into `classes` (strings, in first-seen order). */
export interface LabelledSet {
  texts: string[];
  labels: number[];
  classes: string[];
  /** Where it came from, for messages and reports. */
  source: string;
  /** The line of the file on which each text's row starts, when it was read from a file. */
  lines?: number[];
}

/**
 * Builds a LabelledSet from string labels. Classes are numbered in order of first appearance, or
 * in numeric order when every label is a number (`1` to `5` stars, `-1`/`1`), so that the
 * confusion matrix and reports list them as people expect.
 */
export function fromLabelled(texts: string[], labelNames: string[], source: string): LabelledSet {
  const seen = [...new Set(labelNames)];
  const numeric = seen.length > 0 && seen.every((l) => NUMBER.test(l));
  const classes = numeric ? seen.sort((a, b) => Number(a) - Number(b) || cmp(a, b)) : seen;
  const ids = new Map(classes.map((c, i) => [c, i]));
  return { texts, labels: labelNames.map((l) => ids.get(l)!), classes, source };
}

/** A decimal number as people write labels: 5, -1, 0.5, 1e3. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One warning per group of labels that are probably one class written two ways: equal but for
 * case ("Spam", "spam"), or the same number ("1", "1.0").
 */
export function labelWarnings(data: LabelledSet, source: string): string[] {
  const counts = new Array<number>(data.classes.length).fill(0);
  for (const y of data.labels) counts[y]++;
  const groups = new Map<string, number[]>();
  data.classes.forEach((c, i) => {
    const key = NUMBER.test(c) ? `number ${Number(c)}` : c.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups]
    .filter(([, g]) => g.length > 1)
    .map(([key, g]) => {
      const how = key.startsWith('number ') ? 'are the same number' : 'differ only in case';
      const which = g.map((i) => `"${data.classes[i]}" (${rows(counts[i])})`).join(', ');
      return `${source}: labels ${which} ${how} and are different classes; write them alike if they mean the same`;
    });
}

/** "1 row", "2 rows". */
export function rows(n: number): string {
  return `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
}
