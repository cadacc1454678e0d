import { resolve, extname } from 'node:path';
import { Command, Option } from 'commander';
import { EmbError } from '../../errors.js';
import {
  FORMAT_NAMES,
  readVectors,
  writeVectors,
  WRITABLE_FORMATS,
  type FormatName,
  type WritableFormat,
} from '../../formats/index.js';
import { printJson, warn } from '../common.js';
import { progressBar } from '../progress.js';
import type { Encoding } from '../../formats/words.js';

const BY_EXTENSION: Record<string, WritableFormat> = {
  '.emb': 'emb',
  '.bin': 'word2vec-binary',
  '.txt': 'word2vec-text',
  '.vec': 'word2vec-text',
};

export function convertCommand(): Command {
  return new Command('convert')
    .description(
      'convert vectors between formats; to .emb once, then every command opens them in milliseconds',
    )
    .argument('<input>', 'word2vec .bin/.txt, GloVe .txt, fastText .vec/.bin, wink .json or .emb')
    .argument('<output>', 'the file to write (written to a temporary name, then renamed)')
    .addOption(
      new Option(
        '--to <format>',
        'output format (default: from the extension: .emb, .bin, .txt)',
      ).choices([...WRITABLE_FORMATS]),
    )
    .addOption(
      new Option('--from <format>', 'input format (default: detected)').choices([...FORMAT_NAMES]),
    )
    .addOption(
      new Option('--encoding <name>', 'how words in the input are encoded')
        .choices(['utf8', 'latin1'])
        .default('utf8'),
    )
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      `
Examples:
  emb convert glove.6B.300d.txt glove300.emb
  emb convert GoogleNews-vectors-negative300.bin news.emb
  emb convert vectors.emb vectors.txt --to glove-text
  emb convert words.vec words.emb --encoding latin1`,
    )
    .action(
      (
        input: string,
        output: string,
        opts: { to?: WritableFormat; from?: FormatName; encoding: Encoding; json?: boolean },
      ) => {
        const to = opts.to ?? BY_EXTENSION[extname(output).toLowerCase()];
        if (!to)
          throw new EmbError(
            'E_INPUT',
            `cannot tell the output format from "${output}"; add --to (${WRITABLE_FORMATS.join(', ')})`,
          );
        if (resolve(input) === resolve(output))
          throw new EmbError('E_INPUT', `${output}: the output would overwrite the input`);
        const started = Date.now();
        const bar = progressBar(`Reading ${input}`, 'bytes');
        let read;
        try {
          read = readVectors(input, {
            format: opts.from,
            encoding: opts.encoding,
            onProgress: (d, t) => bar.update(d, t),
            warn,
          });
        } finally {
          bar.stop();
        }
        const { embeddings: emb, format } = read;
        if (emb.subwords && to !== 'emb')
          warn(`${to} cannot hold subword vectors; only the ${emb.rows} word vectors are written`);
        writeVectors(emb, output, to);
        const summary = {
          input,
          from: format,
          output,
          to,
          words: emb.rows,
          dims: emb.dims,
          seconds: (Date.now() - started) / 1000,
        };
        if (opts.json) printJson(summary);
        else
          console.error(
            `emb: wrote ${output} (${to}, ${emb.rows} words x ${emb.dims} dims) in ${summary.seconds.toFixed(1)} s`,
          );
      },
    );
}
