import { Command } from 'commander';
import { fmt, openVectors, printJson } from '../common.js';
import { evalOptions, noteSubwords, type EvalFlags } from './eval-options.js';

export function evalSimilarityCommand(): Command {
  return evalOptions(
    new Command('similarity')
      .description(
        'Spearman and Pearson correlation with human scores on a word-pair set ("w1 w2 score" lines), as gensim evaluate_word_pairs',
      )
      .argument('<file>', 'the word-pair set, e.g. wordsim353.tsv')
      .addHelpText(
        'after',
        `
Examples:
  emb eval similarity wordsim353.tsv
  emb eval similarity EN-WS-353-SIM.txt --restrict 100000 --json`,
      ),
  ).action(async (file: string, opts: EvalFlags) => {
    const vectors = await openVectors(opts);
    const score = vectors.evaluatePairs(file, {
      restrict: opts.restrict,
      caseSensitive: opts.caseSensitive,
      subwords: opts.subwords,
    });
    noteSubwords(vectors, score.subwords, 'pairs', opts.subwords);
    if (opts.json) {
      const { spearman, pearson, pairs: used, oov } = score;
      printJson({ spearman, pearson, pairs: used, oov });
      return;
    }
    console.log(`spearman  ${fmt(score.spearman)}`);
    console.log(`pearson   ${fmt(score.pearson)}`);
    console.log(`pairs     ${score.pairs} (${score.oov} left out: a word not in the vocabulary)`);
  });
}
