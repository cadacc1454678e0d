import { Command } from 'commander';
import { exportCorpus, listCorpora } from '../../api/corpora.js';
import { printJson } from '../common.js';
import { count } from '../print.js';

export function datasetsCommand(): Command {
  const cmd = new Command('datasets')
    .description('corpora that ship with emb, exported as labelled CSV')
    .addHelpText(
      'after',
      `
Examples:
  emb datasets list
  emb datasets export spam-assassin corpora/spam.csv`,
    );
  cmd
    .command('list')
    .description('the corpora emb can export')
    .addHelpText('after', '\nExample:\n  emb datasets list')
    .action(() => {
      for (const c of listCorpora()) console.log(`${c.name}\t${c.description}`);
    });
  cmd
    .command('export')
    .description(
      'write a corpus as CSV with text and label columns (written to a temporary name, then renamed)',
    )
    .argument(
      '<name>',
      `corpus: ${listCorpora()
        .map((c) => c.name)
        .join(', ')}`,
    )
    .argument('<output>', 'the CSV file to write')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      '\nExample:\n  emb datasets export spam-assassin corpora/spam.csv   # then: emb train corpora/spam.csv',
    )
    .action(async (name: string, output: string, opts: { json?: boolean }) => {
      const done = await exportCorpus(name, output);
      if (opts.json) printJson(done);
      else
        console.error(
          `emb: wrote ${output} (${count(done.rows, 'text')}: ${Object.entries(done.labels)
            .map(([l, n]) => `${l}: ${n.toLocaleString('en-US')}`)
            .join(', ')})`,
        );
    });
  return cmd;
}
