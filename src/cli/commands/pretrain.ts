import { Command, Option } from 'commander';
import { EmbError } from '../../errors.js';
import {
  CORPUS_LAYOUTS,
  DEFAULT_BUCKETS,
  PRETRAIN_METHODS,
  TOKENIZER_KINDS,
  pretrainRecord,
  pretrainVectors,
  type CorpusLayout,
  type PretrainMethod,
  type PretrainProgress,
} from '../../api/pretrain.js';
import { openVectors } from '../../api/vectors.js';
import { notices, printJson } from '../common.js';
import { addColumnOptions, type ColumnFlags } from '../options.js';
import { fraction, pathName, positiveInt, positiveNumber, wholeNumber } from '../parse.js';
import { addQuietOption, progressBar, type Progress } from '../progress.js';

interface PretrainFlags extends ColumnFlags {
  out: string;
  method?: PretrainMethod;
  dims?: number;
  window?: number;
  negative?: number;
  minCount?: number;
  sample?: number;
  epochs?: number;
  lr?: number;
  threads?: number;
  seed?: number;
  subwords?: [number, number];
  buckets?: number;
  init?: string;
  freezeInit?: boolean;
  warmupEpochs?: number;
  tokenizer?: string;
  format?: CorpusLayout;
  json?: boolean;
}

export function pretrainCommand(): Command {
  const cmd = new Command('pretrain')
    .description(
      'train word vectors on your own text (skip-gram or CBOW, fastText subwords), from scratch or adapted from the bundled GloVe',
    )
    .argument(
      '[corpus...]',
      'text files (one document per line), CSV/TSV or JSON lines; none or "-": stdin',
    )
    .requiredOption(
      '--out <file.emb>',
      'the .emb file to write (renamed into place when complete)',
      pathName('--out'),
    )
    .addOption(
      new Option('--method <m>', 'skipgram or cbow (default skipgram)').choices([
        ...PRETRAIN_METHODS,
      ]),
    )
    .option('--dims <n>', 'vector size (default 100; with --init, its size)', positiveInt('--dims'))
    .option(
      '--window <n>',
      'context words on each side, shrunk at random per word (default 5)',
      positiveInt('--window'),
    )
    .option(
      '--negative <n>',
      'negative examples per word pair (default 5)',
      positiveInt('--negative'),
    )
    .option(
      '--min-count <n>',
      'leave out words seen fewer times (default 5)',
      positiveInt('--min-count'),
    )
    .option(
      '--sample <t>',
      "subsampling threshold of frequent words, word2vec's formula (default 1e-3; 0: none)",
      sampleOption,
    )
    .option('--epochs <n>', 'passes over the corpus (default 5)', positiveInt('--epochs'))
    .option(
      '--lr <alpha>',
      'starting learning rate, decayed linearly (default 0.025 skip-gram, 0.05 CBOW; 0.01 with --init)',
      positiveNumber('--lr'),
    )
    .option(
      '--threads <n>',
      'training threads (default: the cores); 1 with --seed gives the same file every run',
      positiveInt('--threads'),
    )
    .option('--seed <n>', 'seed of the random numbers (default 1)', wholeNumber('--seed'))
    .option(
      '--subwords <min,max>',
      "fastText's character n-grams from min to max characters, so unseen words get vectors (e.g. 3,6)",
      subwordRange,
    )
    .option(
      '--buckets <n>',
      `n-gram buckets with --subwords (default ${DEFAULT_BUCKETS.toLocaleString('en')}, fastText's)`,
      positiveInt('--buckets'),
    )
    .option(
      '--init <bundled|path>',
      'start from these vectors: "bundled" (GloVe 6B 100d) or a vector file; every word of theirs is kept',
    )
    .option(
      '--freeze-init',
      "keep the --init vectors' rows fixed; only new words and the output layer train",
    )
    .option(
      '--warmup-epochs <n>',
      'first epochs with the --init rows fixed (default 1 with --init)',
      wholeNumber('--warmup-epochs'),
    )
    .addOption(
      new Option(
        '--tokenizer <kind>',
        'the tokens, as the classifiers make them (default unicode)',
      ).choices([...TOKENIZER_KINDS]),
    )
    .addOption(
      new Option(
        '--format <layout>',
        'lines (one document per line), paragraphs (blank lines between documents), csv or jsonl (default: from the extension; csv with --text)',
      ).choices([...CORPUS_LAYOUTS]),
    )
    .option('--json', 'print a JSON summary on stdout');
  addColumnOptions(cmd, false);
  return addQuietOption(cmd)
    .addHelpText(
      'after',
      `
Progress goes to stderr: words per second, the running loss (mean negative-sampling loss per
example), the time left. Ctrl-C leaves no partial file. The file records the corpus, its
tokens and every setting in its header (emb info FILE --json).

Examples:
  emb pretrain corpus.txt --out domain.emb
  emb pretrain corpus.txt --method cbow --dims 300 --epochs 10 --out domain.emb
  emb pretrain corpus.txt --subwords 3,6 --out domain.emb
  emb pretrain tickets.csv --text body --init bundled --out adapted.emb
  cat notes/*.txt | emb pretrain --min-count 2 --out notes.emb
  emb train reviews.csv --vectors adapted.emb`,
    )
    .action(async (files: string[], opts: PretrainFlags) => {
      if (opts.buckets !== undefined && !opts.subwords)
        throw new EmbError('E_INPUT', '--buckets is for --subwords, which was not given');
      const stdin = files.length === 0 || (files.length === 1 && files[0] === '-');
      if (!stdin && files.includes('-'))
        throw new EmbError('E_INPUT', 'read stdin ("-") alone, not with files');
      const started = Date.now();
      const show = reporter();
      try {
        await pretrainVectors(stdin ? { bytes: process.stdin, name: 'stdin' } : files, {
          out: opts.out,
          method: opts.method,
          dims: opts.dims,
          window: opts.window,
          negative: opts.negative,
          minCount: opts.minCount,
          sample: opts.sample,
          epochs: opts.epochs,
          lr: opts.lr,
          threads: opts.threads,
          seed: opts.seed,
          subwords: opts.subwords && {
            minn: opts.subwords[0],
            maxn: opts.subwords[1],
            bucket: opts.buckets ?? DEFAULT_BUCKETS,
          },
          init: opts.init,
          freezeInit: opts.freezeInit,
          warmupEpochs: opts.warmupEpochs,
          tokenizer: opts.tokenizer,
          layout: opts.format,
          text: opts.text,
          delimiter: opts.delimiter,
          encoding: opts.encoding,
          onProgress: show.update,
        });
      } finally {
        show.stop();
      }
      const vectors = await openVectors(opts.out);
      const record = pretrainRecord(vectors)!;
      const seconds = (Date.now() - started) / 1000;
      if (opts.json) printJson({ out: opts.out, seconds, ...record });
      else
        notices.push(
          `wrote ${opts.out}: ${record.words} words x ${record.settings.dims} dims${record.init ? ` (${record.newWords} new)` : ''} from ${record.tokens} tokens, loss ${record.loss}, in ${seconds.toFixed(1)} s`,
        );
    });
}

/** "3,6" -> [3, 6]. */
function subwordRange(value: string): [number, number] {
  const [minn, maxn, ...rest] = value.split(',').map((p) => Number(p.trim()));
  if (
    rest.length === 0 &&
    Number.isInteger(minn) &&
    Number.isInteger(maxn) &&
    minn >= 1 &&
    minn <= maxn &&
    maxn <= 100
  )
    return [minn, maxn];
  throw new EmbError(
    'E_INPUT',
    `--subwords must be MIN,MAX with 1 <= MIN <= MAX <= 100, e.g. 3,6; got "${value}"`,
  );
}

function sampleOption(value: string): number {
  return Number(value) === 0 && value.trim() !== '' ? 0 : fraction('--sample')(value);
}

/**
 * Training progress on stderr (progress.ts: a bar on a terminal, else a plain line at most
 * every 10 seconds, nothing with --quiet), with words per second and the running loss. The
 * training step's clock starts at its first report, so its estimate leaves out the reading.
 */
function reporter(): { update: (p: PretrainProgress) => void; stop: () => void } {
  const reading = progressBar('Reading the corpus', 'bytes');
  let training: Progress | undefined;
  let start = 0;
  let startWords = 0;
  return {
    update(p) {
      if (p.stage === 'reading') return reading.update(p.done, p.total || undefined);
      if (p.stage !== 'training') return;
      reading.stop();
      const now = Date.now();
      if (!training) {
        training = progressBar('Training');
        start = now;
        startWords = p.done;
      }
      const rate = (p.done - startWords) / Math.max(1e-3, (now - start) / 1000);
      const note = `epoch ${p.epoch}, ${Math.round(rate / 1000)}k words/s, loss ${p.loss?.toFixed(4) ?? '-'}`;
      training.update(p.done, p.total, note);
    },
    stop() {
      reading.stop();
      training?.stop();
    },
  };
}
