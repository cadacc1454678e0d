import { readFileSync } from 'node:fs';
import { EmbError } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The lines of an evaluation set (UTF-8; LF or CRLF), numbered from 1. */
export function readSetLines(path: string): string[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EmbError('E_IO', `${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new EmbError(
      'E_ENCODING',
      `${path}: not valid UTF-8; evaluation sets must be UTF-8 text`,
    );
  }
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
