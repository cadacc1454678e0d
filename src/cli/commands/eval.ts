import { Command } from 'commander';
import { evalAnalogyCommand } from './eval-analogy.js';
import { evalSimilarityCommand } from './eval-similarity.js';

export function evalCommand(): Command {
  return new Command('eval')
    .description('intrinsic evaluation: analogy sets and word-pair similarity sets, as gensim')
    .addCommand(evalAnalogyCommand().exitOverride()) // usage errors reach main: one line, exit 2
    .addCommand(evalSimilarityCommand().exitOverride())
    .addHelpText(
      'after',
      `
Examples:
  emb eval analogy questions-words.txt --restrict 30000
  emb eval similarity wordsim353.tsv --json`,
    );
}
