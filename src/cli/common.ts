import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import { EmbError } from '../errors.js';
import type { Embeddings } from '../embeddings/embeddings.js';
import { defaultVectorsPath } from '../embeddings/home.js';
import { sniffFormat } from '../formats/format.js';
import type { Encoding } from '../formats/words.js';
import { colors as pc, progressBar } from './progress.js';

export interface VectorOptions {
  vectors?: string;
  encoding?: Encoding;
}

/** --vectors and --encoding, shared by every command that reads vectors. */
export function addVectorOptions(cmd: Command): Command {
  return cmd
    .option(
      '--vectors <path>',
      'vector file in any supported format (default: the bundled GloVe 6B 100d)',
    )
    .addOption(
      new Option('--encoding <name>', 'how words in the vector file are encoded')
        .choices(['utf8', 'latin1'])
        .default('utf8'),
    );
}

export function warn(message: string): void {
  process.stderr.write(`${pc.yellow('emb:')} ${message}\n`);
}

/**
 * Opens the vectors a command asked for. The default vectors are converted once to .emb and
 * memory-mapped from then on; a foreign file is read (with a progress bar) and a hint about
 * `emb convert` is printed when that took long. Readers and the converter are imported only
 * when needed, so a query on an .emb file loads no more than it uses.
 */
export async function openVectors(options: VectorOptions): Promise<Embeddings> {
  const path = options.vectors ?? defaultVectorsPath();
  if (!options.vectors && !existsSync(path)) {
    const { prepareDefault } = await import('../embeddings/default.js');
    const bar = progressBar('Converting the default vectors (once)', 'bytes');
    try {
      prepareDefault({ onProgress: (d, t) => bar.update(d, t) });
    } finally {
      bar.stop();
    }
    warn(`wrote ${path}; later runs map it in milliseconds`);
  }
  if (sniffFormat(path) === 'emb') return (await import('../formats/emb.js')).readEmb(path);
  const { readVectors } = await import('../formats/index.js');
  const started = Date.now();
  const bar = progressBar(`Reading ${path}`, 'bytes');
  try {
    const { embeddings } = readVectors(path, {
      encoding: options.encoding,
      onProgress: (d, t) => bar.update(d, t),
      warn,
    });
    bar.stop();
    if (Date.now() - started > 2000) {
      warn(
        `reading ${path} took ${((Date.now() - started) / 1000).toFixed(1)} s; "emb convert ${path} OUT.emb" once makes later runs instant`,
      );
    }
    return embeddings;
  } finally {
    bar.stop();
  }
}

export { defaultVectorsPath };

/** The words given on the command line, or else one query per non-empty line of stdin. */
export async function* queriesFrom(
  args: string[],
): AsyncGenerator<{ words: string[]; text: string }> {
  if (args.length > 0) {
    yield { words: args, text: args.join(' ') };
    return;
  }
  if (process.stdin.isTTY)
    process.stderr.write('emb: reading queries from stdin, one per line (end with Ctrl-D)\n');
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0);
    if (words.length > 0) yield { words, text: line.trim() };
  }
}

/** A positive whole number option. */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new EmbError('E_INPUT', `${name} must be a positive whole number, got "${value}"`);
    return n;
  };
}

export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc) + '\n');
}

/** Scores to four decimals, as people read them. */
export function fmt(score: number): string {
  return score.toFixed(4);
}

/**
 * Runs each query of a query command: a query that fails on its own (no known word) is
 * reported and the others go on; the command then exits 2.
 */
export async function forEachQuery(
  args: string[],
  json: boolean,
  answer: (words: string[], text: string) => void,
): Promise<void> {
  let failed = false;
  for await (const { words, text } of queriesFrom(args)) {
    try {
      answer(words, text);
    } catch (e) {
      if (!(e instanceof EmbError) || args.length > 0) throw e;
      failed = true;
      if (json) printJson({ query: text, error: e.message });
      process.stderr.write(`${pc.red('emb:')} ${text}: ${e.message}\n`);
    }
  }
  if (failed) process.exitCode = 2;
}

/** Tells the user, on stderr, which words were unknown and which came from subwords. */
export function reportWords(
  missing: string[],
  suggestions: Record<string, string[]>,
  subwords: string[],
): void {
  for (const w of missing) {
    const s = suggestions[w];
    warn(
      `not in the vocabulary: "${w}"${s?.length ? ` (did you mean ${s.map((x) => `"${x}"`).join(', ')}?)` : ''}; left out`,
    );
  }
  if (subwords.length > 0)
    warn(
      `built from subword n-grams (not in the vocabulary): ${subwords.map((w) => `"${w}"`).join(', ')}`,
    );
}
