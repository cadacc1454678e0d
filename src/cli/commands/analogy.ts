import { Command, Option } from 'commander';
import { parseExpression, type Term } from '../../query/queries.js';
import { answerBatch, type BatchAnswer } from '../../query/batch.js';
import type { AnalogyMethod } from '../../embeddings/analogy-kernel.js';
import { addVectorOptions, openVectors, positiveInt, type VectorOptions } from '../common.js';
import { failed, printAnswer, runQueries } from '../query-batches.js';

export function analogyCommand(): Command {
  return addVectorOptions(
    new Command('analogy')
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
          .choices(['3cosadd', '3cosmul'])
          .default('3cosadd'),
      )
      .option('--json', 'one JSON document per query on stdout')
      .allowUnknownOption()
      .addHelpText(
        'after',
        '\nExamples:\n  emb analogy king - man + woman\n  emb analogy paris - france + germany --method 3cosmul\n  echo "man king woman" | emb analogy --json',
      ),
  ).action(
    async (
      expression: string[],
      opts: VectorOptions & { top: number; json?: boolean; method: string },
    ) => {
      const emb = await openVectors(opts);
      await runQueries(
        expression,
        !!opts.json,
        (batch) => {
          // A line whose expression does not parse fails alone; the rest go in one batch.
          const answers: BatchAnswer[] = [];
          const parsed: { at: number; terms: Term[] }[] = [];
          batch.forEach((q, at) => {
            try {
              parsed.push({ at, terms: parseExpression(q.words) });
            } catch (e) {
              answers[at] = failed(e);
            }
          });
          const method = opts.method as AnalogyMethod;
          const got = answerBatch(
            emb,
            parsed.map((p) => p.terms),
            { top: opts.top, method },
          );
          parsed.forEach((p, i) => (answers[p.at] = got[i]));
          return answers;
        },
        printAnswer(!!opts.json),
      );
    },
  );
}
