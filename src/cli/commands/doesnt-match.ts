import { Command } from 'commander';
import { doesntMatch, subwordWords } from '../../query/queries.js';
import {
  addVectorOptions,
  forEachQuery,
  openVectors,
  printJson,
  reportWords,
  type VectorOptions,
} from '../common.js';

export function doesntMatchCommand(): Command {
  return addVectorOptions(
    new Command('doesnt-match')
      .description('the word that fits least with the others (furthest from their mean)')
      .argument('[words...]', 'two or more words; none: one list per line from stdin')
      .option('--json', 'one JSON document per list on stdout'),
  ).action(async (words: string[], opts: VectorOptions & { json?: boolean }) => {
    const emb = await openVectors(opts);
    await forEachQuery(words, !!opts.json, (ws) => {
      const { word, resolution: r } = doesntMatch(emb, ws);
      const subwords = subwordWords(r);
      if (opts.json) printJson({ words: ws, result: word, missing: r.missing, subwords });
      else {
        reportWords(r.missing, r.suggestions, subwords);
        console.log(word);
      }
    });
  });
}
