import { Command } from 'commander';
import { answerBatch } from '../../query/batch.js';
import { addVectorOptions, openVectors, positiveInt, type VectorOptions } from '../common.js';
import { printAnswer, runQueries } from '../query-batches.js';

export function similarCommand(): Command {
  return addVectorOptions(
    new Command('similar')
      .description(
        'nearest neighbours by cosine similarity; several words are averaged (the words themselves are left out)',
      )
      .argument('[words...]', 'one or more words; none: one query per line from stdin')
      .option('--top <n>', 'how many neighbours (at most the vocabulary)', positiveInt('--top'), 10)
      .option('--json', 'one JSON document per query on stdout')
      .addHelpText(
        'after',
        '\nExamples:\n  emb similar frog --top 10\n  emb similar king queen --json\n  emb similar < words.txt          # one query per line, answered in batches',
      ),
  ).action(async (words: string[], opts: VectorOptions & { top: number; json?: boolean }) => {
    const emb = await openVectors(opts);
    await runQueries(
      words,
      !!opts.json,
      (batch) =>
        answerBatch(
          emb,
          batch.map((q) => q.words.map((word) => ({ word, weight: 1 as const }))),
          { top: opts.top },
        ),
      printAnswer(!!opts.json),
    );
  });
}
