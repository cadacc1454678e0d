/**
 * The corpus of `emb pretrain` as a stream of documents, read once, in constant memory: text
 * files (one document per line, or paragraphs of free text separated by blank lines), a
 * CSV/TSV column or a JSON-lines field, several files one after the other, a byte stream
 * (stdin), or texts given in code.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { EmbError } from '../errors.js';
import { fileChunks, readTextRows, type Delimiter } from '../text/csv.js';
import { decodeStream } from '../text/decode.js';
import { splitLines } from '../text/lines.js';

export type CorpusLayout = 'lines' | 'paragraphs' | 'csv' | 'jsonl';
export const CORPUS_LAYOUTS: readonly CorpusLayout[] = ['lines', 'paragraphs', 'csv', 'jsonl'];

/**
 * Where the text comes from: a file, several files, a byte stream (stdin; `name` names it in
 * messages), or documents given in code.
 */
export type CorpusSource =
  | string
  | readonly string[]
  | { bytes: AsyncIterable<Uint8Array>; name?: string }
  | { texts: Iterable<string> | AsyncIterable<string>; name?: string };

export interface CorpusOptions {
  /**
   * How a file holds its documents. Default: csv for .csv/.tsv/.tab, jsonl for
   * .jsonl/.ndjson, lines for .txt, and for any other file csv when `text` is given, else lines.
   */
  layout?: CorpusLayout;
  /** The column (CSV/TSV) or field (JSON lines) holding the text; CSV finds it by name. */
  text?: string;
  /** The text encoding (default: from the byte-order mark, else UTF-8). */
  encoding?: string;
  /** The CSV delimiter (default: found from the first rows). */
  delimiter?: Delimiter;
}

/** One input of the corpus: its name in messages, and its size when it is a file. */
export interface CorpusPart {
  name: string;
  bytes?: number;
}

/** The parts of a source, each file checked to exist before any reading starts. */
export function corpusParts(source: CorpusSource): CorpusPart[] {
  if (typeof source === 'string' || Array.isArray(source)) {
    const files = typeof source === 'string' ? [source] : (source as readonly string[]);
    if (files.length === 0) throw new EmbError('E_INPUT', 'no corpus file given');
    return files.map((name) => {
      let stat;
      try {
        stat = statSync(name);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new EmbError('E_IO', `${name}: cannot read the corpus (${code ?? 'error'})`, {
          cause: e,
        });
      }
      if (!stat.isFile())
        throw new EmbError('E_INPUT', `${name}: is not a file; expected a text corpus`);
      return { name, bytes: stat.size };
    });
  }
  const s = source as { name?: string; bytes?: unknown };
  return [{ name: s.name ?? (s.bytes ? 'stdin' : 'texts') }];
}

/** Blocks of documents, in order, as they are read; `onBytes` counts the bytes read. */
export async function* readDocuments(
  source: CorpusSource,
  options: CorpusOptions,
  onBytes: (bytes: number) => void = () => {},
): AsyncGenerator<string[]> {
  if (typeof source === 'string' || Array.isArray(source)) {
    for (const part of corpusParts(source))
      yield* partDocuments(
        part.name,
        counted(fileChunks(part.name), part.name, options.encoding, onBytes),
        options,
      );
    return;
  }
  const s = source as Exclude<CorpusSource, string | readonly string[]>;
  if ('texts' in s) {
    let block: string[] = [];
    for await (const text of s.texts) {
      if (typeof text !== 'string')
        throw new EmbError('E_INPUT', `${s.name ?? 'texts'}: expected strings, got ${typeof text}`);
      block.push(text);
      if (block.length === 1024) {
        yield block;
        block = [];
      }
    }
    if (block.length > 0) yield block;
    return;
  }
  const name = s.name ?? 'stdin';
  yield* partDocuments(name, counted(s.bytes, name, options.encoding, onBytes), options);
}

function layoutOf(name: string, options: CorpusOptions): CorpusLayout {
  if (options.layout) return options.layout;
  const ext = extname(name).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.tab') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return options.text === undefined || ext === '.txt' ? 'lines' : 'csv';
}

async function* partDocuments(
  name: string,
  bytes: AsyncIterable<Uint8Array>,
  options: CorpusOptions,
): AsyncGenerator<string[]> {
  const layout = layoutOf(name, options);
  if (layout === 'csv') {
    const file = await readTextRows(name, {
      text: options.text,
      encoding: options.encoding,
      delimiter: options.delimiter,
      input: bytes,
    });
    for await (const rows of file.rows) yield rows.map((r) => r.text);
    return;
  }
  const lines = splitLines(decodeStream(bytes, name, options.encoding));
  if (layout === 'lines') yield* lines;
  else if (layout === 'paragraphs') yield* paragraphs(lines);
  else yield* jsonTexts(lines, name, options.text ?? 'text');
}

/** Free text: lines up to a blank line are one document. */
async function* paragraphs(lines: AsyncIterable<string[]>): AsyncGenerator<string[]> {
  let current: string[] = [];
  for await (const block of lines) {
    const out: string[] = [];
    for (const line of block) {
      if (line.trim() === '') {
        if (current.length > 0) out.push(current.join(' '));
        current = [];
      } else current.push(line);
    }
    if (out.length > 0) yield out;
  }
  if (current.length > 0) yield [current.join(' ')];
}

/** JSON lines: the string `field` of each object; blank lines are skipped. */
async function* jsonTexts(
  lines: AsyncIterable<string[]>,
  name: string,
  field: string,
): AsyncGenerator<string[]> {
  let line = 0;
  for await (const block of lines) {
    const out: string[] = [];
    for (const text of block) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new EmbError('E_FORMAT', `${name}: line ${line}: not valid JSON`);
      }
      const got =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)[field]
          : undefined;
      if (typeof got !== 'string')
        throw new EmbError(
          'E_INPUT',
          `${name}: line ${line}: expected an object with a string field "${field}"; name the field with the "text" option`,
        );
      out.push(got);
    }
    if (out.length > 0) yield out;
  }
}

/** Where a NUL byte is looked for: what text never has, and most binary files do early. */
const SNIFF = 8192;

/**
 * Counts the bytes as they pass, and refuses a binary file (a NUL byte in its first 8 KB,
 * unless it starts with a UTF-16 byte-order mark) before any of it is decoded.
 */
async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  encoding: string | undefined,
  onBytes: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let seen = 0;
  let utf16 = /^utf-?16/i.test(encoding ?? '');
  for await (const chunk of chunks) {
    if (seen === 0 && chunk.length >= 2)
      utf16 ||=
        (chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff);
    if (seen < SNIFF && !utf16) {
      const nul = chunk.subarray(0, SNIFF - seen).indexOf(0);
      if (nul >= 0)
        throw new EmbError(
          'E_INPUT',
          `${name}: byte ${seen + nul}: a NUL byte; this is a binary file, expected text (one document per line), CSV/TSV or JSON lines`,
        );
    }
    seen += chunk.length;
    onBytes(chunk.length);
    yield chunk;
  }
}
