import { Command } from 'commander';
import {
  addSkipMissing,
  addVectorOptions,
  fmt,
  forEachQuery,
  openVectors,
  positiveInt,
  printJson,
  reportWords,
  type VectorOptions,
} from '../common.js';

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
    .option('--top <n>', 'how many neighbours', positiveInt('--top'), 10)
    .option('--json', 'one JSON document per query on stdout')
    .addHelpText(
      'after',
      `
Several words, quoted or not, mean the vectors' phrase token when they have one ("new york"
-> new_york), else the mean of the words. An unknown word is an error unless --skip-missing.

Examples:
  emb similar frog
  emb similar king queen --top 5
  emb similar frog --vectors crawl-300d-2M.emb --json
  printf 'frog\\ntoad\\n' | emb similar --top 3`,
    );
  return addSkipMissing(addVectorOptions(cmd)).action(
    async (words: string[], opts: SimilarOptions) => {
      const vectors = await openVectors(opts);
      await forEachQuery(words, !!opts.json, (ws, text) => {
        const r = vectors.similarQuery(ws, opts);
        if (opts.json)
          return printJson({
            query: text,
            results: r.results,
            missing: r.missing,
            subwords: r.subwords,
          });
        reportWords(r.missing, r.suggestions, r.subwords);
        if (words.length === 0) console.log(`# ${text}`);
        for (const n of r.results) console.log(`${n.word}\t${fmt(n.score)}`);
      });
    },
  );
}
