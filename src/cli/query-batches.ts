import { createInterface } from 'node:readline';
import { EmbError } from '../errors.js';
import type { BatchAnswer } from '../query/batch.js';
import type { QueryResult } from '../query/queries.js';
import { fmt, printJson, reportWords } from './common.js';
import { colors as pc } from './progress.js';

export interface QueryLine {
  words: string[];
  text: string;
}

/** Lines answered per pass over the matrix at most. */
const MAX_BATCH = 1024;
/** A batch is answered once input pauses this long, so a person typing is answered at once. */
const IDLE_MS = 15;

/**
 * The queries on stdin, one per non-empty line, in batches: whatever has arrived when input
 * pauses (or MAX_BATCH lines), so a file piped in is answered many queries per pass over the
 * matrix and a person typing gets each answer at once.
 */
async function* stdinBatches(): AsyncGenerator<QueryLine[]> {
  if (process.stdin.isTTY)
    process.stderr.write('emb: reading queries from stdin, one per line (end with Ctrl-D)\n');
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let pending: QueryLine[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ready = () => {
    clearTimeout(timer);
    wake?.();
  };
  rl.on('line', (line) => {
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0);
    if (words.length === 0) return;
    pending.push({ words, text: line.trim() });
    if (pending.length >= MAX_BATCH) {
      rl.pause();
      ready();
    } else {
      clearTimeout(timer);
      timer = setTimeout(ready, IDLE_MS);
    }
  });
  rl.on('close', () => {
    ended = true;
    ready();
  });
  for (;;) {
    if (pending.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    if (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(batch.length);
      yield batch;
      rl.resume();
    } else if (ended) return;
  }
}

/**
 * Runs a query command: the words on the command line as one query, or else stdin's lines in
 * batches (`answer` gets a batch and answers each query, or says why not). A query with no
 * known word is reported (in JSON too) and the others go on; the command then exits 2.
 */
export async function runQueries(
  args: string[],
  json: boolean,
  answer: (queries: QueryLine[]) => BatchAnswer[],
  print: (query: QueryLine, result: QueryResult, fromStdin: boolean) => void,
): Promise<void> {
  if (args.length > 0) {
    const [a] = answer([{ words: args, text: args.join(' ') }]);
    if ('error' in a) throw a.error;
    print({ words: args, text: args.join(' ') }, a, false);
    return;
  }
  let failed = false;
  try {
    for await (const batch of stdinBatches()) {
      answer(batch).forEach((a, i) => {
        if (!('error' in a)) return print(batch[i], a, true);
        failed = true;
        if (json) printJson({ query: batch[i].text, error: a.error.message });
        process.stderr.write(`${pc.red('emb:')} ${batch[i].text}: ${a.error.message}\n`);
      });
    }
  } catch (e) {
    process.stdin.destroy(); // the command ends here: do not wait for the rest of the input
    throw e;
  }
  if (failed) process.exitCode = 2;
}

/** An answer that failed as a whole (a parse error in one line's expression, say). */
export function failed(e: unknown): BatchAnswer {
  if (e instanceof EmbError) return { error: e };
  throw e;
}

/** How similar and analogy print an answer: JSON, or the words and scores (stdin: under # query). */
export function printAnswer(
  json: boolean,
): (q: QueryLine, r: QueryResult, fromStdin: boolean) => void {
  return (q, r, fromStdin) => {
    if (json)
      printJson({ query: q.text, results: r.results, missing: r.missing, subwords: r.subwords });
    else {
      reportWords(r.missing, r.suggestions, r.subwords);
      if (fromStdin) console.log(`# ${q.text}`);
      for (const n of r.results) console.log(`${n.word}\t${fmt(n.score)}`);
    }
  };
}
