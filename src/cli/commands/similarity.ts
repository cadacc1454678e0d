import { Command } from 'commander';
import { EmbError } from '../../errors.js';
import { similarity, subwordWords } from '../../query/queries.js';
import {
  addVectorOptions,
  fmt,
  forEachQuery,
  openVectors,
  printJson,
  reportWords,
  type VectorOptions,
} from '../common.js';

export function similarityCommand(): Command {
  return addVectorOptions(
    new Command('similarity')
      .description('cosine similarity of two words')
      .argument('[words...]', 'two words; none: one pair per line from stdin')
      .option('--json', 'one JSON document per pair on stdout'),
  ).action(async (words: string[], opts: VectorOptions & { json?: boolean }) => {
    const emb = await openVectors(opts);
    await forEachQuery(words, !!opts.json, (ws, text) => {
      if (ws.length !== 2)
        throw new EmbError('E_INPUT', `similarity takes two words, got ${ws.length}: "${text}"`);
      const { score, resolution: r } = similarity(emb, ws[0], ws[1]);
      const subwords = subwordWords(r);
      if (opts.json) printJson({ a: ws[0], b: ws[1], score, subwords });
      else {
        reportWords([], {}, subwords);
        console.log(words.length === 0 ? `${ws[0]}\t${ws[1]}\t${fmt(score)}` : fmt(score));
      }
    });
  });
}
