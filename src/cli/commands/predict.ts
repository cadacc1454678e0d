import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { EmbError } from '../../errors.js';
import type { Embeddings } from '../../embeddings/embeddings.js';
import type { Model } from '../../models/model.js';
import { tokenize } from '../../text/tokenize.js';
import {
  addVectorOptions,
  defaultVectorsPath,
  openVectors,
  printJson,
  warn,
  type VectorOptions,
} from '../common.js';
import { colors as pc } from '../progress.js';

interface PredictOptions extends VectorOptions {
  input?: string;
  text?: string;
  backend: string;
  json?: boolean;
}

export function predictCommand(): Command {
  return addVectorOptions(
    new Command('predict')
      .description('label texts with a model that "emb train" saved')
      .argument('<model>', 'the model folder')
      .argument('[texts...]', 'texts to label; none: one text per line from stdin')
      .option('--input <file>', 'label the texts of a CSV or TSV file')
      .option('--text <column>', 'the text column of --input (default: found by name)')
      .addOption(
        new Option('--backend <name>', 'TensorFlow.js backend')
          .choices(['auto', 'tensorflow', 'wasm', 'cpu'])
          .default('auto'),
      )
      .option('--json', 'one JSON document per text on stdout')
      .addHelpText(
        'after',
        '\nExamples:\n  emb predict reviews.model "a gorgeous, witty film"\n  emb predict spam.model --input new.csv --json\n  cat texts.txt | emb predict reviews.model',
      ),
  ).action(async (dir: string, texts: string[], opts: PredictOptions) => {
    const { readModelMeta, checkVectors } = await import('../../models/model-dir.js');
    const { trainerFor } = await import('../../models/registry.js');
    const meta = readModelMeta(dir);
    const trainer = trainerFor(meta.kind);
    let emb: Embeddings | undefined;
    if (trainer.usesEmbeddings) {
      // The vectors the model was trained with, unless told otherwise; checked either way.
      const recorded = meta.vectors?.path;
      const vectors =
        opts.vectors ??
        (recorded && existsSync(recorded) && recorded !== defaultVectorsPath()
          ? recorded
          : undefined);
      emb = await openVectors({ ...opts, vectors });
      checkVectors(meta, emb, vectors ?? defaultVectorsPath());
    }
    const saved = { ...meta.saved, ...(opts.backend !== 'auto' ? { backend: opts.backend } : {}) };
    const model = await trainer.load(dir, saved, meta.labels, { embeddings: emb });
    let failed = 0;
    const label = async (batch: string[]) => {
      const docs = batch.map(tokenize);
      const known = docs.map((d) => !emb || d.some((t) => emb!.vector(t) !== undefined));
      const probs = await model.predict(docs.filter((_, i) => known[i]));
      let r = 0;
      batch.forEach((text, i) => {
        if (!known[i]) {
          failed++;
          const message = 'no word of this text has a vector';
          if (opts.json) printJson({ text, error: message });
          process.stderr.write(
            `${pc.red('emb:')} "${text.length > 60 ? text.slice(0, 57) + '...' : text}": ${message}\n`,
          );
          return;
        }
        report(
          model,
          text,
          probs.subarray(r * meta.labels.length, ++r * meta.labels.length),
          !!opts.json,
          batch.length > 1,
        );
      });
    };
    try {
      if (opts.input) {
        const { readLabelled } = await import('../../text/csv.js');
        const file = await readLabelled(opts.input, { text: opts.text, needLabel: false });
        if (file.skippedEmpty.length)
          warn(`${opts.input}: skipped ${file.skippedEmpty.length} rows with an empty text`);
        await label(file.texts);
      } else if (texts.length) {
        if (
          texts.length === 1 &&
          emb &&
          !tokenize(texts[0]).some((t) => emb!.vector(t) !== undefined)
        ) {
          throw new EmbError('E_OOV', `no word of "${texts[0]}" has a vector; nothing to classify`);
        }
        await label(texts);
      } else {
        if (process.stdin.isTTY)
          process.stderr.write('emb: reading texts from stdin, one per line (end with Ctrl-D)\n');
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          if (line.trim()) await label([line.trim()]);
        }
      }
    } finally {
      model.dispose();
    }
    if (failed) process.exitCode = 2;
  });
}

function report(
  model: Model,
  text: string,
  probs: Float32Array,
  json: boolean,
  withText: boolean,
): void {
  let best = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
  if (json) {
    const probabilities = Object.fromEntries(model.classes.map((c, i) => [c, probs[i]]));
    printJson({ text, label: model.classes[best], probability: probs[best], probabilities });
  } else {
    console.log(`${model.classes[best]}\t${probs[best].toFixed(4)}${withText ? `\t${text}` : ''}`);
  }
}
