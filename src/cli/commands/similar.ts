import { Command } from 'commander';
import { cosAdd } from '../../query/queries.js';
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

export function similarCommand(): Command {
  return addVectorOptions(
    new Command('similar')
      .description(
        'nearest neighbours by cosine similarity; several words are averaged (the words themselves are left out)',
      )
      .argument('[words...]', 'one or more words; none: one query per line from stdin')
      .option('--top <n>', 'how many neighbours', positiveInt('--top'), 10)
      .option('--json', 'one JSON document per query on stdout'),
  ).action(async (words: string[], opts: VectorOptions & { top: number; json?: boolean }) => {
    const emb = await openVectors(opts);
    await forEachQuery(words, !!opts.json, (ws, text) => {
      const r = cosAdd(
        emb,
        ws.map((word) => ({ word, weight: 1 })),
        opts.top,
      );
      if (opts.json)
        printJson({ query: text, results: r.results, missing: r.missing, subwords: r.subwords });
      else {
        reportWords(r.missing, r.suggestions, r.subwords);
        if (words.length === 0) console.log(`# ${text}`);
        for (const n of r.results) console.log(`${n.word}\t${fmt(n.score)}`);
      }
    });
  });
}
