import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { ENCODINGS, type Encoding, type Vectors } from '../api/vectors.js';
import { colors as pc, progressBar, type Progress } from './progress.js';

export interface VectorOptions {
  vectors?: string;
  /** How the words of a text vector file are encoded (--encoding, or --vectors-encoding). */
  vectorsEncoding?: Encoding;
  encoding?: string;
}

/**
 * --vectors and the encoding of its words: --encoding for the commands whose only input is the
 * vector file, --vectors-encoding for those that also read a data file (whose --encoding that is).
 */
export function addVectorOptions(cmd: Command, readsData = false): Command {
  return cmd
    .option(
      '--vectors <path>',
      'vector file in any supported format (default: the bundled GloVe 6B 100d)',
    )
    .addOption(
      encodingOption(
        readsData ? '--vectors-encoding <name>' : '--encoding <name>',
        'how words in a text vector file are encoded',
      ),
    );
}

/** The encoding of a vector file's words, the same choices for every command. */
export function encodingOption(flag: string, description: string): Option {
  return new Option(flag, description).choices([...ENCODINGS]).default('utf8');
}

export function warn(message: string): void {
  process.stderr.write(`${pc.yellow('emb:')} ${message}\n`);
}

/**
 * Opens the vectors a command asked for (library openVectors), with progress bars for the
 * long steps: converting the default vectors the first time, and reading a foreign format,
 * after which a hint about `emb convert` is printed when that took long.
 */
export async function openVectors(options: VectorOptions): Promise<Vectors> {
  const { openVectors: open } = await import('../api/vectors.js');
  const bars: Partial<Record<string, Progress>> = {};
  const started = Date.now();
  try {
    const vectors = await open(options.vectors, {
      // Commands that read a data file have --vectors-encoding (always set, default utf8).
      encoding: options.vectorsEncoding ?? (options.encoding as Encoding | undefined),
      onWarning: (message) => notices.push(message), // shown when the run ends well
      onProgress: ({ stage, done, total }) => {
        bars[stage] ??= progressBar(
          stage === 'read' ? `Reading ${options.vectors}` : 'Converting the default vectors (once)',
          'bytes',
        );
        bars[stage].update(done, total);
      },
    });
    if (Object.keys(bars).some((s) => s !== 'read'))
      notices.push(`wrote ${vectors.path}; later runs map it in milliseconds`);
    if (bars.read && Date.now() - started > 2000)
      notices.push(
        `reading ${vectors.path} took ${((Date.now() - started) / 1000).toFixed(1)} s; "emb convert ${vectors.path} OUT.emb" once makes later runs instant`,
      );
    return vectors;
  } finally {
    for (const bar of Object.values(bars)) bar?.stop();
  }
}

/**
 * Notes for the user that are printed when the command ends well (main prints them), so a
 * failing run shows its one error line and nothing else.
 */
export const notices: string[] = [];

export { positiveInt } from './parse.js';

/**
 * Lines to a stream in large writes (one write per line costs more than predicting the
 * line), waiting whenever the reader is slower, so memory stays flat; `eager` writes each
 * line at once, for someone typing at a terminal.
 */
export class LineWriter {
  private buffer = '';

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly eager = false,
  ) {}

  async write(line: string): Promise<void> {
    this.buffer += line + '\n';
    if (this.eager || this.buffer.length >= 1 << 16) await this.end();
  }

  /** Writes what is left. */
  async end(): Promise<void> {
    const text = this.buffer;
    this.buffer = '';
    if (text !== '' && !this.stream.write(text)) await once(this.stream, 'drain');
  }
}

export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc) + '\n');
}

/** Scores to four decimals, as people read them. */
export function fmt(score: number): string {
  return score.toFixed(4);
}

/** --skip-missing, for query commands that take several words. */
export function addSkipMissing(cmd: Command): Command {
  return cmd.option(
    '--skip-missing',
    'leave unknown words out (and say which) instead of refusing the query',
  );
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
