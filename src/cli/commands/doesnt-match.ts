import { Command } from 'commander';
import {
  addSkipMissing,
  addVectorOptions,
  openVectors,
  printJson,
  reportWords,
  type VectorOptions,
} from '../common.js';
import { eachQuery, runQueries } from '../query-batches.js';

export function doesntMatchCommand(): Command {
  const cmd = new Command('doesnt-match')
    .description('the word that fits least with the others (furthest from their mean)')
    .argument('[words...]', 'two or more words; none: one list per line from stdin')
    .option('--json', 'one JSON document per list on stdout')
    .addHelpText(
      'after',
      `
At least two known words are needed; an unknown word is an error unless --skip-missing.

Examples:
  emb doesnt-match breakfast cereal dinner lunch
  echo "cat dog car mouse" | emb doesnt-match --json`,
    );
  return addSkipMissing(addVectorOptions(cmd)).action(
    async (words: string[], opts: VectorOptions & { json?: boolean; skipMissing?: boolean }) => {
      const vectors = await openVectors(opts);
      await runQueries(
        words,
        !!opts.json,
        eachQuery(({ words: ws }) => ({ words: ws, ...vectors.doesntMatchQuery(ws, opts) })),
        (_, r) => {
          if (opts.json) return printJson({ words: r.words, result: r.word, missing: r.missing });
          reportWords(r.missing, r.suggestions, []);
          console.log(r.word);
        },
      );
    },
  );
}
