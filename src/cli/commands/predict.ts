import { createInterface } from 'node:readline';
import { Command } from 'commander';
import type { Prediction } from '../../api/classifier.js';
import type { BackendName } from '../../models/tfjs/backends.js';
import { addColumnOptions, addTrainingOptions } from '../options.js';
import {
  addVectorOptions,
  notices,
  openVectors,
  printJson,
  type VectorOptions,
} from '../common.js';

interface PredictFlags extends VectorOptions {
  input?: string;
  text?: string;
  backend: BackendName;
  json?: boolean;
}

/** Lines of stdin handed to the model at once: one batch costs about what one text does. */
const BATCH = 1000;

export function predictCommand(): Command {
  const cmd = new Command('predict')
    .description('label texts with a model that "emb train" saved: one answer per text, in order')
    .argument('<model>', 'the model folder')
    .argument('[texts...]', 'texts to label; none: one text per line from stdin')
    .option('--input <file>', 'label the texts of a CSV or TSV file')
    .option('--json', 'one JSON document per text on stdout')
    .addHelpText(
      'after',
      `
A text without any word gets label null (JSON) or "-" (text) with the reason; a text without
any known word is labelled from the model's fallback and marked "oov".

Examples:
  emb predict reviews.model "a gorgeous, witty film"
  emb predict spam.model --input new.csv --json
  cat texts.txt | emb predict reviews.model`,
    );
  addTrainingOptions(addColumnOptions(cmd, false), false);
  return addVectorOptions(cmd, true).action(
    async (dir: string, texts: string[], opts: PredictFlags) => {
      const { loadClassifier } = await import('../../api/classifier.js');
      const vectors = opts.vectors ? await openVectors(opts) : undefined;
      const classifier = await loadClassifier(dir, { vectors, backend: opts.backend });
      try {
        const show = (batch: string[], withText: boolean) =>
          classifier.predict(batch).forEach((p, i) => print(batch[i], p, !!opts.json, withText));
        if (opts.input) {
          const { readTexts } = await import('../../api/dataset.js');
          const file = await readTexts(opts.input, { text: opts.text });
          notices.push(...file.warnings);
          show(file.texts, true);
        } else if (texts.length) show(texts, texts.length > 1);
        else {
          if (process.stdin.isTTY)
            process.stderr.write('emb: reading texts from stdin, one per line (end with Ctrl-D)\n');
          const batch: string[] = [];
          for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
            batch.push(line);
            if (batch.length === BATCH) show(batch.splice(0), true);
          }
          show(batch, true);
        }
      } finally {
        classifier.dispose();
      }
    },
  );
}

function print(text: string, p: Prediction, json: boolean, withText: boolean): void {
  if (json) return printJson({ text, ...p });
  const label = p.label ?? '-';
  const score = p.probability === null ? p.reason : p.probability.toFixed(4);
  const oov = p.oov ? '\toov' : '';
  console.log(`${label}\t${score}${oov}${withText ? `\t${text}` : ''}`);
}
