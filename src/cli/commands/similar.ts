import { Command } from 'commander';
import {
  addSkipMissing,
  addVectorOptions,
  openVectors,
  positiveInt,
  type VectorOptions,
} from '../common.js';
import { runNeighbourQueries } from '../query-batches.js';

interface SimilarOptions extends VectorOptions {
  top: number;
  json?: boolean;
  skipMissing?: boolean;
}

export function similarCommand(): Command {
  const cmd = new Command('similar')
    .description(
      'nearest neighbours by cosine similarity; several words are averaged (the words themselves are left out)',
    )
    .argument('[words...]', 'one or more words; none: one query per line from stdin')
    .option('--top <n>', 'how many neighbours (at most the vocabulary)', positiveInt('--top'), 10)
    .option('--json', 'one JSON document per query on stdout')
    .addHelpText(
      'after',
      `
Several words, quoted or not, mean the vectors' phrase token when they have one ("new york"
-> new_york), else the mean of the words. An unknown word is an error unless --skip-missing.
Lines on stdin are answered many per pass over the matrix.

Examples:
  emb similar frog
  emb similar king queen --top 5
  emb similar frog --vectors crawl-300d-2M.emb --json
  emb similar --top 3 < words.txt`,
    );
  return addSkipMissing(addVectorOptions(cmd)).action(
    async (words: string[], opts: SimilarOptions) => {
      const vectors = await openVectors(opts);
      await runNeighbourQueries(words, !!opts.json, (qs) => vectors.similarMany(qs, opts));
    },
  );
}
