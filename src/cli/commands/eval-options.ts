/** What `emb eval analogy` and `emb eval similarity` share: their flags and notes. */
import type { Command } from 'commander';
import { DEFAULT_RESTRICT, type Tally, type Vectors } from '../../api/vectors.js';
import { addVectorOptions, fmt, positiveInt, warn, type VectorOptions } from '../common.js';
import { addQuietOption } from '../progress.js';

export interface EvalFlags extends VectorOptions {
  restrict: number;
  caseSensitive?: boolean;
  subwords: boolean;
  json?: boolean;
}

/** The options both evaluations share. */
export function evalOptions(cmd: Command): Command {
  return addQuietOption(addVectorOptions(cmd))
    .option(
      '--restrict <n>',
      'only the N most frequent words count, as vocabulary and as answers',
      positiveInt('--restrict'),
      DEFAULT_RESTRICT,
    )
    .option(
      '--case-sensitive',
      'compare words as written (default: case-insensitive, the first case variant wins, as gensim)',
    )
    .option(
      '--no-subwords',
      'treat unknown words as missing even when the vectors have fastText subwords',
    )
    .option('--json', 'one JSON document on stdout');
}

export function noteSubwords(vectors: Vectors, used: number, what: string, enabled: boolean): void {
  if (vectors.hasSubwords && enabled)
    warn(
      `the vectors have fastText subwords: ${used} ${what} used n-gram vectors for unknown words (--no-subwords to skip them instead)`,
    );
}

export function percent(t: Tally): string {
  return t.accuracy === null ? '-' : `${fmt(t.accuracy)} (${t.correct}/${t.total})`;
}
