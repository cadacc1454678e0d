import { Command } from 'commander';
import { EmbError } from '../../errors.js';
import type { BackendName } from '../../api/backend.js';
import {
  addVectorOptions,
  LineWriter,
  notices,
  openVectors,
  type VectorOptions,
} from '../common.js';
import { addColumnOptions, addTrainingOptions, type ColumnFlags } from '../options.js';
import { pathName } from '../parse.js';
import { count as plural, formatPrediction } from '../print.js';
import { addQuietOption, progressBar } from '../progress.js';

interface PredictFlags extends VectorOptions, ColumnFlags {
  input?: string;
  id?: string;
  out?: string;
  backend: BackendName;
  json?: boolean;
}

export function predictCommand(): Command {
  const cmd = new Command('predict')
    .description('label texts with a model that "emb train" saved: one answer per text, in order')
    .argument('<model>', 'the model folder')
    .argument('[texts...]', 'texts to label; none: one text per line from stdin')
    .option('--input <file>', 'label every row of a CSV or TSV file ("-": the file from stdin)')
    .option('--id <column>', 'a column of --input to pass through to every answer')
    .option(
      '--out <file.csv>',
      'write the answers to a CSV file (replaced if it exists)',
      pathName('--out'),
    )
    .option('--json', 'one JSON document per text on stdout')
    .addHelpText(
      'after',
      `
A text without any word gets label null (JSON; "-" in text) and the reason; one with nothing
the model met in training (no n-gram of its vocabulary, no word with a vector) is marked
"unseen" and answered with the classes' shares of the training data. Input of any size streams
through in constant memory. --out writes id (or text), label, probability, one column per
class and unseen, and renames the file into place when complete.

Examples:
  emb predict reviews.model "a gorgeous, witty film"
  emb predict spam.model --input new.csv --id id --out labelled.csv
  cat texts.txt | emb predict reviews.model --json`,
    );
  addTrainingOptions(addColumnOptions(cmd, false), false);
  return addQuietOption(addVectorOptions(cmd, true)).action(
    async (dir: string, texts: string[], opts: PredictFlags) => {
      for (const flag of ['text', 'id', 'delimiter'] as const)
        if (opts[flag] !== undefined && !opts.input)
          throw new EmbError('E_INPUT', `--${flag} is for --input FILE, which was not given`);
      if (opts.input && texts.length > 0)
        throw new EmbError('E_INPUT', 'give texts on the command line or --input FILE, not both');
      const { loadClassifier } = await import('../../api/classifier.js');
      const { openTexts, readLines } = await import('../../api/dataset.js');
      const vectors = opts.vectors ? await openVectors(opts) : undefined;
      const { setBackend } = await import('../../api/backend.js');
      setBackend(opts.backend, { production: true });
      const classifier = await loadClassifier(dir, {
        vectors,
        onWarning: (message) => notices.push(message),
      });
      const { stdin } = process;
      const input = opts.input === '-' ? stdin : undefined;
      // A file's bytes read tell how far labelling is (stdin has no size).
      const bar =
        opts.input && !input ? progressBar(`Labelling ${opts.input}`, 'bytes') : undefined;
      try {
        const { text, id, delimiter, quote, encoding } = opts;
        const onWarning = (message: string) => notices.push(message); // shown at the end
        const onProgress =
          bar && ((p: { done: number; total: number }) => bar.update(p.done, p.total));
        const file = opts.input
          ? await openTexts(input ? 'stdin' : opts.input, {
              ...{ text, id, delimiter, quote, encoding, input, onWarning, onProgress },
            })
          : undefined;
        // Someone typing at a terminal gets each line's answer as it is entered.
        const typing = !file && texts.length === 0 && stdin.isTTY;
        if (typing)
          process.stderr.write('emb: reading texts from stdin, one per line (end with Ctrl-D)\n');
        const rows = file?.rows ?? (texts.length ? texts : readLines(stdin, { encoding }));
        const predictions = classifier.predictStream(rows, { batchSize: typing ? 1 : undefined });
        if (opts.out) {
          const { writePredictions } = await import('../../api/predict.js');
          const options = { labels: classifier.labels, idColumn: file?.idColumn };
          const count = await writePredictions(opts.out, predictions, options);
          return void notices.push(`wrote ${plural(count, 'answer')} to ${opts.out}`);
        }
        const out = new LineWriter(process.stdout, typing);
        const withText = file !== undefined || texts.length !== 1;
        for await (const p of predictions)
          await out.write(formatPrediction(p, !!opts.json, withText));
        await out.end();
      } finally {
        bar?.stop();
        classifier.dispose();
      }
    },
  );
}
