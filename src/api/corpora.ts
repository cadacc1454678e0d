/** The corpora that ship with emb (store/corpora.ts), listed and exported as labelled CSV. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../atomic.js';
import { CORPORA, corpusRows } from '../store/corpora.js';
import { csvLine } from '../text/csv-line.js';

/** The corpora emb can export, with a line on each. */
export function listCorpora(): { name: string; description: string }[] {
  return Object.entries(CORPORA).map(([name, c]) => ({ name, description: c.description }));
}

/**
 * Writes a corpus as CSV (text, label, group columns; RFC 4180 quoting) under a temporary
 * name renamed into place; the folder is created if needed. Resolves to the rows written and
 * the count of each label.
 */
export async function exportCorpus(
  name: string,
  output: string,
): Promise<{ corpus: string; output: string; rows: number; labels: Record<string, number> }> {
  const rows = corpusRows(name);
  const csv = [['text', 'label', 'group'], ...rows.map((r) => [r.text, r.label, r.group])]
    .map(csvLine)
    .join('');
  mkdirSync(dirname(output), { recursive: true });
  writeFileAtomically(output, (file) => file.write(Buffer.from(csv)));
  const labels: Record<string, number> = {};
  for (const r of rows) labels[r.label] = (labels[r.label] ?? 0) + 1;
  return { corpus: name, output, rows: rows.length, labels };
}
