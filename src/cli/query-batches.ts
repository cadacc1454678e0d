/**
 * How every query command runs: the words on the command line as one query, or else stdin's
 * lines in batches, each query answered in its place. A query that fails alone (an unknown
 * word) gets its error where its answer would be (JSON: {"query", "error", "code"}; text: a
 * "# query" line and an "error" line) and the others go on; the command then exits 2.
 */
import { createInterface } from 'node:readline';
import { EmbError, render } from '../errors.js';
import type { QueryResult } from '../api/vectors.js';
import { fmt, printJson, reportWords } from './common.js';
import { colors as pc } from './progress.js';

export interface QueryLine {
  words: string[];
  text: string;
}

/** An answer, or why the query has none. */
export type Answer<T> = T | { error: EmbError };

/** Lines answered per pass over the matrix at most. */
const MAX_BATCH = 1024;
/** A batch is answered once input pauses this long, so a person typing is answered at once. */
const IDLE_MS = 15;

/** Words of a line as a shell would split them: "new york" in double quotes is one argument. */
export function splitQuoted(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)]
    .map((m) => m[1] ?? m[2])
    .filter((w) => w.trim().length > 0);
}

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
    const words = splitQuoted(line);
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
 * Runs a query command: `answer` gets a batch of queries and answers each one (or says why
 * not), `print` shows an answer.
 */
export async function runQueries<T>(
  args: string[],
  json: boolean,
  answer: (queries: QueryLine[]) => Answer<T>[],
  print: (query: QueryLine, result: T, fromStdin: boolean) => void,
): Promise<void> {
  if (args.length > 0) {
    const query = { words: args, text: args.join(' ') };
    const [a] = answer([query]);
    if (isError(a)) throw a.error;
    print(query, a, false);
    return;
  }
  let failed = false;
  try {
    for await (const batch of stdinBatches()) {
      answer(batch).forEach((a, i) => {
        if (!isError(a)) return print(batch[i], a, true);
        failed = true;
        const { text } = batch[i];
        const message = render(a.error.template, 'cli');
        if (json) printJson({ query: text, error: message, code: a.error.code });
        else console.log(`# ${text}\nerror\t${message}`);
        process.stderr.write(`${pc.red('emb:')} ${text}: ${message}\n`);
      });
    }
  } catch (e) {
    process.stdin.destroy(); // the command ends here: do not wait for the rest of the input
    throw e;
  }
  if (failed) process.exitCode = 2;
}

function isError<T>(a: Answer<T>): a is { error: EmbError } {
  return typeof a === 'object' && a !== null && 'error' in a && a.error instanceof EmbError;
}

/** One query at a time, for commands without a batched kernel: its EmbError is its answer. */
export function eachQuery<T>(
  answer: (query: QueryLine) => T,
): (queries: QueryLine[]) => Answer<T>[] {
  return (queries) =>
    queries.map((q) => {
      try {
        return answer(q);
      } catch (e) {
        if (e instanceof EmbError) return { error: e };
        throw e;
      }
    });
}

/** Runs similar or analogy: batches of queries to `many`, answers printed as neighbours. */
export function runNeighbourQueries(
  args: string[],
  json: boolean,
  many: (queries: string[][]) => Answer<QueryResult>[],
): Promise<void> {
  return runQueries(args, json, (batch) => many(batch.map((q) => q.words)), printNeighbours(json));
}

/** How similar and analogy print an answer: JSON, or the words and scores (stdin: under # query). */
function printNeighbours(
  json: boolean,
): (q: QueryLine, r: QueryResult, fromStdin: boolean) => void {
  return (q, r, fromStdin) => {
    if (json)
      return printJson({
        query: q.text,
        results: r.results,
        missing: r.missing,
        subwords: r.subwords,
      });
    reportWords(r.missing, r.suggestions, r.subwords);
    if (fromStdin) console.log(`# ${q.text}`);
    for (const n of r.results) console.log(`${n.word}\t${fmt(n.score)}`);
  };
}
