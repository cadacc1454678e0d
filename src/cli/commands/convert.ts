import { resolve, extname } from 'node:path';
import { Command, Option } from 'commander';
import { EmbError } from '../../errors.js';
import {
  FORMAT_NAMES,
  WRITABLE_FORMATS,
  type Encoding,
  type FormatName,
  type StorageType,
  type WritableFormat,
} from '../../api/convert.js';
import { encodingOption, printJson, warn } from '../common.js';
import { addQuietOption, progressBar } from '../progress.js';

const BY_EXTENSION: Record<string, WritableFormat> = {
  '.emb': 'emb',
  '.bin': 'word2vec-binary',
  '.txt': 'word2vec-text',
  '.vec': 'word2vec-text',
};

export function convertCommand(): Command {
  return addQuietOption(new Command('convert'))
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
    .addOption(encodingOption('--encoding <name>', 'how words in the input are encoded'))
    .option(
      '--quantize <storage>',
      'store the matrix compactly in the .emb: f16 (half the size) or int8 (a quarter, a scale per row)',
      quantizeOption,
    )
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      '\nExamples:\n  emb convert glove.6B.300d.txt glove300.emb\n  emb convert crawl-300d-2M.vec crawl.emb --quantize int8\n  emb convert vectors.emb vectors.txt --to glove-text',
    )
    .action(
      async (
        input: string,
        output: string,
        opts: {
          to?: WritableFormat;
          from?: FormatName;
          encoding: Encoding;
          quantize?: StorageType;
          json?: boolean;
        },
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
        const bar = progressBar(`Converting ${input}`, 'bytes');
        // Warnings about the data are told once the file is written, never before an error.
        const warnings: string[] = [];
        const { convertVectors } = await import('../../api/convert.js');
        const done = await convertVectors(input, output, {
          to,
          format: opts.from,
          encoding: opts.encoding,
          quantize: opts.quantize,
          onProgress: (p) => bar.update(p.done, p.total),
          onWarning: (w) => warnings.push(w),
        }).finally(() => bar.stop());
        for (const w of warnings) warn(w);
        const summary = { input, output, to, ...done, seconds: (Date.now() - started) / 1000 };
        if (opts.json) printJson(summary);
        else
          console.error(
            `emb: wrote ${output} (${to}${to === 'emb' ? ` ${done.storage}` : ''}, ${done.words} words x ${done.dims} dims) in ${summary.seconds.toFixed(1)} s`,
          );
      },
    );
}

function quantizeOption(value: string): StorageType {
  if (value !== 'f16' && value !== 'int8')
    throw new EmbError('E_INPUT', `--quantize must be f16 or int8, got "${value}"`);
  return value;
}
