import { Command, Option } from 'commander';
import { ANALOGY_METHODS, type AnalogyMethod } from '../../api/vectors.js';
import { openVectors, printJson } from '../common.js';
import { progressBar } from '../progress.js';
import { evalOptions, noteSubwords, percent, type EvalFlags } from './eval-options.js';

export function evalAnalogyCommand(): Command {
  return evalOptions(
    new Command('analogy')
      .description(
        'accuracy on an analogy set (": section" lines, then "a b c d" lines), as gensim evaluate_word_analogies',
      )
      .argument('<file>', 'the analogy set, e.g. questions-words.txt')
      .addOption(
        new Option('--method <name>', '3cosadd (gensim) or 3cosmul (Levy & Goldberg)')
          .choices(ANALOGY_METHODS)
          .default('3cosadd'),
      )
      .addHelpText(
        'after',
        `
Examples:
  emb eval analogy questions-words.txt --restrict 30000
  emb eval analogy questions-words.txt --method 3cosmul --json
  emb eval analogy my-analogies.txt --vectors crawl-300d-2M.bin --case-sensitive`,
      ),
  ).action(async (file: string, opts: EvalFlags & { method: AnalogyMethod }) => {
    const vectors = await openVectors(opts);
    const bar = progressBar('Answering questions');
    let score;
    try {
      score = vectors.evaluateAnalogies(file, {
        restrict: opts.restrict,
        caseSensitive: opts.caseSensitive,
        subwords: opts.subwords,
        method: opts.method,
        onProgress: (done, total) => bar.update(done, total),
      });
    } finally {
      bar.stop();
    }
    noteSubwords(vectors, score.subwords, 'questions', opts.subwords);
    if (opts.json) {
      const { accuracy, correct, total, skipped, semantic, syntactic, sections: parts } = score;
      printJson({ accuracy, correct, total, skipped, semantic, syntactic, sections: parts });
      return;
    }
    const width = Math.max(10, ...score.sections.map((s) => s.section.length));
    for (const s of score.sections)
      console.log(
        `${s.section.padEnd(width)}  ${percent(s)}${s.skipped ? `  skipped ${s.skipped}` : ''}`,
      );
    console.log(`${'semantic'.padEnd(width)}  ${percent(score.semantic)}`);
    console.log(`${'syntactic'.padEnd(width)}  ${percent(score.syntactic)}`);
    console.log(`${'total'.padEnd(width)}  ${percent(score)}  skipped ${score.skipped}`);
  });
}
