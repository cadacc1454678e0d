import { Command, Option } from 'commander';
import { cosAdd, cosMul, parseExpression } from '../../query/queries.js';
import {
  addVectorOptions,
  fmt,
  forEachQuery,
  openVectors,
  positiveInt,
  printJson,
  reportWords,
  type VectorOptions,
} from '../common.js';

export function analogyCommand(): Command {
  return addVectorOptions(
    new Command('analogy')
      .description('vector arithmetic: "king - man + woman" finds the words closest to the result')
      .argument(
        '[expression...]',
        'words joined by + and -, or "a b c" (a is to b as c is to ?); none: one per line from stdin',
      )
      .option('--top <n>', 'how many answers', positiveInt('--top'), 10)
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
      const solve = opts.method === '3cosmul' ? cosMul : cosAdd;
      await forEachQuery(expression, !!opts.json, (ws, text) => {
        const r = solve(emb, parseExpression(ws), opts.top);
        if (opts.json)
          printJson({ query: text, results: r.results, missing: r.missing, subwords: r.subwords });
        else {
          reportWords(r.missing, r.suggestions, r.subwords);
          if (expression.length === 0) console.log(`# ${text}`);
          for (const n of r.results) console.log(`${n.word}\t${fmt(n.score)}`);
        }
      });
    },
  );
}
