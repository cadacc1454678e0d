import { Command, Option } from 'commander';
import type { Embeddings } from '../../embeddings/embeddings.js';
import { readAnalogySet } from '../../query/analogy-set.js';
import {
  DEFAULT_RESTRICT,
  evaluateAnalogies,
  evaluatePairs,
  type Tally,
} from '../../query/evaluate.js';
import { readPairSet } from '../../query/pair-set.js';
import {
  addVectorOptions,
  fmt,
  openVectors,
  positiveInt,
  printJson,
  warn,
  type VectorOptions,
} from '../common.js';
import { progressBar } from '../progress.js';

interface EvalFlags extends VectorOptions {
  restrict: number;
  caseSensitive?: boolean;
  subwords: boolean;
  json?: boolean;
}

/** The options both evaluations share. */
function evalOptions(cmd: Command): Command {
  return addVectorOptions(cmd)
    .option(
      '--restrict <n>',
      'only the N most frequent words count, as vocabulary and as answers',
      positiveInt('--restrict'),
      DEFAULT_RESTRICT,
    )
    .option(
      '--case-sensitive',
      'compare words as written (default: case-insensitive, the first case variant wins, as gensim)',
    )
    .option(
      '--no-subwords',
      'treat unknown words as missing even when the vectors have fastText subwords',
    )
    .option('--json', 'one JSON document on stdout');
}

function noteSubwords(emb: Embeddings, used: number, what: string, enabled: boolean): void {
  if (emb.subwords && enabled)
    warn(
      `the vectors have fastText subwords: ${used} ${what} used n-gram vectors for unknown words (--no-subwords to skip them instead)`,
    );
}

function percent(t: Tally): string {
  return t.accuracy === null ? '-' : `${fmt(t.accuracy)} (${t.correct}/${t.total})`;
}

function analogyCommand(): Command {
  return evalOptions(
    new Command('analogy')
      .description(
        'accuracy on an analogy set (": section" lines, then "a b c d" lines), as gensim evaluate_word_analogies',
      )
      .argument('<file>', 'the analogy set, e.g. questions-words.txt')
      .addOption(
        new Option('--method <name>', '3cosadd (gensim) or 3cosmul (Levy & Goldberg)')
          .choices(['3cosadd', '3cosmul'])
          .default('3cosadd'),
      ),
  ).action(async (file: string, opts: EvalFlags & { method: '3cosadd' | '3cosmul' }) => {
    const sections = readAnalogySet(file);
    const emb = (await openVectors(opts)).embeddings;
    const bar = progressBar('Answering questions');
    let score;
    try {
      score = evaluateAnalogies(emb, sections, {
        restrict: opts.restrict,
        caseSensitive: opts.caseSensitive,
        subwords: opts.subwords,
        method: opts.method,
        onProgress: (done, total) => bar.update(done, total),
      });
    } finally {
      bar.stop();
    }
    noteSubwords(emb, score.subwords, 'questions', opts.subwords);
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

function similarityCommand(): Command {
  return evalOptions(
    new Command('similarity')
      .description(
        'Spearman and Pearson correlation with human scores on a word-pair set ("w1 w2 score" lines), as gensim evaluate_word_pairs',
      )
      .argument('<file>', 'the word-pair set, e.g. wordsim353.tsv'),
  ).action(async (file: string, opts: EvalFlags) => {
    const pairs = readPairSet(file);
    const emb = (await openVectors(opts)).embeddings;
    const score = evaluatePairs(emb, pairs, {
      restrict: opts.restrict,
      caseSensitive: opts.caseSensitive,
      subwords: opts.subwords,
    });
    noteSubwords(emb, score.subwords, 'pairs', opts.subwords);
    if (opts.json) {
      const { spearman, pearson, pairs: used, oov } = score;
      printJson({ spearman, pearson, pairs: used, oov });
      return;
    }
    console.log(`spearman  ${fmt(score.spearman)}`);
    console.log(`pearson   ${fmt(score.pearson)}`);
    console.log(`pairs     ${score.pairs} (${score.oov} left out: a word not in the vocabulary)`);
  });
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('intrinsic evaluation: analogy sets and word-pair similarity sets')
    .addCommand(analogyCommand().exitOverride()) // usage errors reach main: one line, exit 2
    .addCommand(similarityCommand().exitOverride());
}
