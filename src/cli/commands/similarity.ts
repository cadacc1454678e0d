import { Command } from 'commander';
import { EmbError } from '../../errors.js';
import { addVectorOptions, fmt, openVectors, printJson, type VectorOptions } from '../common.js';
import { eachQuery, runQueries } from '../query-batches.js';

export function similarityCommand(): Command {
  const cmd = new Command('similarity')
    .description(
      'cosine similarity of two words or phrases (a phrase without a token of its own: the mean of its words; an unknown word is an error, with close spellings)',
    )
    .argument('[words...]', 'two words; none: one pair per line from stdin')
    .option('--json', 'one JSON document per pair on stdout')
    .addHelpText(
      'after',
      `
Examples:
  emb similarity cat dog
  emb similarity "new york" london
  printf 'cat dog\\ncar truck\\n' | emb similarity --json`,
    );
  return addVectorOptions(cmd).action(
    async (words: string[], opts: VectorOptions & { json?: boolean }) => {
      const vectors = await openVectors(opts);
      await runQueries(
        words,
        !!opts.json,
        eachQuery(({ words: ws, text }) => {
          if (ws.length !== 2)
            throw new EmbError(
              'E_INPUT',
              `similarity takes two words, got ${ws.length}: "${text}"`,
            );
          return { a: ws[0], b: ws[1], score: vectors.similarity(ws[0], ws[1]) };
        }),
        (_, r, fromStdin) => {
          if (opts.json) printJson(r);
          else console.log(fromStdin ? `${r.a}\t${r.b}\t${fmt(r.score)}` : fmt(r.score));
        },
      );
    },
  );
}
