import { EmbError } from '../errors.js';
import { readSetLines } from './read-set.js';

/** A word pair with its human similarity score. */
export interface WordPair {
  a: string;
  b: string;
  score: number;
  line: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a word-pair similarity set: "w1 w2 score" per line, separated by tabs, commas or
 * spaces (the first of these a line contains), "#" comment lines, blank lines, and an
 * optional header line (a first line whose score is not a number). Columns after the score
 * (per-annotator scores in the original WordSim-353 files) are ignored.
 */
export function readPairSet(path: string): WordPair[] {
  return parsePairSet(readSetLines(path), path);
}

export function parsePairSet(lines: readonly string[], file: string): WordPair[] {
  const pairs: WordPair[] = [];
  let seenData = false;
  lines.forEach((text, i) => {
    const line = i + 1;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = split(trimmed);
    const first = !seenData;
    seenData = true;
    if (fields.length < 3) {
      throw new EmbError(
        'E_INPUT',
        `${file}: line ${line}: expected "word1 word2 score", found ${fields.length} field${fields.length === 1 ? '' : 's'}: "${trimmed}"`,
      );
    }
    if (!NUMBER.test(fields[2])) {
      if (first) return; // the header line
      throw new EmbError(
        'E_INPUT',
        `${file}: line ${line}: expected a numeric score in the third column, found "${fields[2]}"`,
      );
    }
    pairs.push({ a: fields[0], b: fields[1], score: Number(fields[2]), line });
  });
  if (pairs.length === 0)
    throw new EmbError('E_INPUT', `${file}: no word pairs; expected lines "word1 word2 score"`);
  return pairs;
}

function split(line: string): string[] {
  const parts = line.includes('\t')
    ? line.split('\t')
    : line.includes(',')
      ? line.split(',')
      : line.split(/\s+/);
  return parts.map((p) => p.trim());
}
