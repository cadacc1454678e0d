import { EmbError } from '../errors.js';
import { readSetLines } from './read-set.js';

/** One question "a b c d": a is to b as c is to d. */
export interface AnalogyQuestion {
  words: [string, string, string, string];
  /** Line in the file, from 1. */
  line: number;
}

export interface AnalogySection {
  name: string;
  questions: AnalogyQuestion[];
}

/**
 * Reads an analogy set in the layout of word2vec's questions-words.txt: ": section" header
 * lines, then one question of four words per line. Blank lines are skipped; anything else
 * that is not four words is an error naming its line (gensim skips such lines silently,
 * which hides a broken file).
 */
export function readAnalogySet(path: string): AnalogySection[] {
  return parseAnalogySet(readSetLines(path), path);
}

export function parseAnalogySet(lines: readonly string[], file: string): AnalogySection[] {
  const sections: AnalogySection[] = [];
  let count = 0;
  lines.forEach((text, i) => {
    const line = i + 1;
    if (text.startsWith(':')) {
      sections.push({ name: text.replace(/^[:\s]+/, '').trim(), questions: [] });
      return;
    }
    const words = text
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0);
    if (words.length === 0) return;
    if (words.length !== 4) {
      throw new EmbError(
        'E_INPUT',
        `${file}: line ${line}: expected four words "a b c d", found ${words.length}: "${text.trim()}"`,
      );
    }
    if (sections.length === 0) {
      throw new EmbError(
        'E_INPUT',
        `${file}: line ${line}: a question before the first ": section" header line`,
      );
    }
    sections[sections.length - 1].questions.push({
      words: words as AnalogyQuestion['words'],
      line,
    });
    count++;
  });
  if (count === 0) {
    throw new EmbError(
      'E_INPUT',
      `${file}: no analogy questions; expected ": section" header lines followed by lines "a b c d"`,
    );
  }
  return sections;
}
