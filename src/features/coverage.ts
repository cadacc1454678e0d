/**
 * How much of a dataset the vectors cover, and the warning to give when they cover little:
 * vectors trained on one language know few tokens of another, and averaged vectors of a few
 * known words (numbers, names, punctuation) make a poor classifier.
 */
import { basename } from 'node:path';
import type { Embeddings } from '../embeddings/embeddings.js';
import { DEFAULT_LOOKUP, oovRate, tokenVectorTest, type SentenceLookup } from './sentence.js';
import type { Docs } from '../text/tokenize.js';

/** Above this share of tokens without a vector, coverageReport warns. */
export const OOV_WARNING_RATE = 0.3;

export interface CoverageReport {
  tokens: number;
  /** Tokens with no vector by the features' lookup (exact, subwords, lower case, clitic parts). */
  missing: number;
  /** missing / tokens (0 for no tokens). */
  rate: number;
  /** Documents in which no token has a vector. */
  emptyDocuments: number;
  /**
   * The script most tokens without a vector are written in (`Latin`, `Cyrillic`, `Han`...), or
   * undefined when they have no letters.
   */
  missingScript?: string;
  /** One line for the user when more than 30% of tokens have no vector; undefined otherwise. */
  warning?: string;
}

/** Scripts worth naming in the warning, most common first. */
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Han',
  'Arabic',
  'Devanagari',
  'Greek',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Thai',
  'Hebrew',
  'Bengali',
  'Tamil',
  'Telugu',
  'Georgian',
  'Armenian',
  'Ethiopic',
  'Khmer',
  'Lao',
  'Myanmar',
].map((name) => ({ name, test: new RegExp(`^\\p{Script=${name}}`, 'u') }));

/**
 * The share of `docs`' tokens the vectors have no vector for and, above 30%, a one-line
 * warning naming the likely cause (vectors for another language) and the fix (fastText
 * vectors for the data's language with --vectors).
 */
export function coverageReport(
  docs: Docs,
  emb: Embeddings,
  lookup: SentenceLookup = DEFAULT_LOOKUP,
): CoverageReport {
  const { rate, coverage } = oovRate(docs, emb, lookup);
  const report: CoverageReport = {
    tokens: coverage.tokens,
    missing: coverage.missing,
    rate,
    emptyDocuments: coverage.empty.length,
  };
  if (rate <= OOV_WARNING_RATE) return report;
  report.missingScript = dominantScript(missingTokens(docs, emb, lookup));
  const pct = (100 * rate).toFixed(1);
  const script =
    report.missingScript && report.missingScript !== 'Latin'
      ? ` (most of them in ${report.missingScript} script)`
      : '';
  report.warning =
    `${pct}% of the tokens have no word vector${script}: the vectors (${basename(emb.provenance.source)}) ` +
    `are probably for another language than the texts; use the fastText vectors ` +
    `for the texts' language (fastText's cc.LANG.300.bin: unknown words get subword vectors)`;
  return report;
}

/** Up to 10,000 tokens that have no vector, to see what they are written in. */
function missingTokens(docs: Docs, emb: Embeddings, lookup: SentenceLookup): string[] {
  const known = tokenVectorTest(emb, lookup);
  const out: string[] = [];
  for (const doc of docs) {
    for (const t of doc) if (!known(t)) out.push(t);
    if (out.length >= 10000) break;
  }
  return out;
}

function dominantScript(tokens: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const t of tokens) {
    const s = SCRIPTS.find((x) => x.test.test(t));
    if (s) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [name, n] of counts) if (best === undefined || n > counts.get(best)!) best = name;
  return best;
}
