import { Command, Option } from 'commander';
import {
  addSkipMissing,
  addVectorOptions,
  openVectors,
  positiveInt,
  type VectorOptions,
} from '../common.js';
import { ANALOGY_METHODS, type AnalogyMethod } from '../../api/vectors.js';
import { runNeighbourQueries } from '../query-batches.js';

interface AnalogyOptions extends VectorOptions {
  top: number;
  json?: boolean;
  method: AnalogyMethod;
  skipMissing?: boolean;
}

export function analogyCommand(): Command {
  const cmd = new Command('analogy')
    .description('vector arithmetic: "king - man + woman" finds the words closest to the result')
    .argument(
      '[expression...]',
      'words joined by + and -, or "a b c" (a is to b as c is to ?); none: one per line from stdin',
    )
    .option('--top <n>', 'how many answers (at most the vocabulary)', positiveInt('--top'), 10)
    .addOption(
      new Option(
        '--method <name>',
        '3cosadd (offset, gensim most_similar) or 3cosmul (Levy & Goldberg)',
      )
        .choices(ANALOGY_METHODS)
        .default('3cosadd'),
    )
    .option('--json', 'one JSON document per query on stdout')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
An unknown word is an error (with close spellings) unless --skip-missing. Words between two
operators form a phrase: the vectors' phrase token if they have one ("new york" -> new_york),
else each word on its own. Lines on stdin are answered many per pass over the matrix.

Examples:
  emb analogy king - man + woman
  emb analogy king-man+woman --top 3
  emb analogy paris - france + germany --method 3cosmul
  echo "man king woman" | emb analogy --json`,
    );
  return addSkipMissing(addVectorOptions(cmd)).action(
    async (expression: string[], opts: AnalogyOptions) => {
      const vectors = await openVectors(opts);
      await runNeighbourQueries(expression, !!opts.json, (qs) => vectors.analogyMany(qs, opts));
    },
  );
}
