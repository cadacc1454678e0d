/**
 * RFC 4180 rows with exact line numbers: fields quoted with '"' may hold the delimiter, line
 * breaks and doubled quotes; rows end with LF, CRLF or CR. A quote inside an unquoted field
 * is kept as a character (as Python's csv and Excel read it). Written here rather than taken
 * from fast-csv because a parse error must name the line it is on: fast-csv reported
 * "line 1" for text after a closing quote on line 5 (issue 8), and its errors carry no
 * position to recover it from.
 */
import { EmbError } from '../errors.js';

export interface CsvRow {
  fields: string[];
  /** Line on which the row starts (1-based). */
  line: number;
}

export interface CsvParseOptions {
  /** Stop after this many rows (for sniffing the delimiter). */
  maxRows?: number;
  /** Return the rows before a parse error instead of throwing it (for sniffing). */
  upToError?: boolean;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** All rows of `content` (blank lines are rows with one empty field). */
export function parseCsv(
  content: string,
  delimiter: string,
  path: string,
  options: CsvParseOptions = {},
): CsvRow[] {
  const d = delimiter.charCodeAt(0);
  const maxRows = options.maxRows ?? Infinity;
  const rows: CsvRow[] = [];
  const n = content.length;
  let i = 0;
  let line = 1;
  try {
    while (i < n && rows.length < maxRows) {
      const row: CsvRow = { fields: [], line };
      for (;;) {
        // One field, starting at i.
        if (content.charCodeAt(i) === QUOTE) {
          const opened = line;
          let value = '';
          let from = ++i;
          for (;;) {
            const q = content.indexOf('"', i);
            if (q < 0) {
              throw new EmbError(
                'E_FORMAT',
                `${path}: line ${opened}: broken CSV (a quoted field opened here is never closed); quote fields that contain the delimiter, quotes or line breaks, and double the quotes inside them`,
              );
            }
            line += countBreaks(content, i, q);
            if (content.charCodeAt(q + 1) === QUOTE) {
              value += content.slice(from, q + 1);
              i = from = q + 2;
              continue;
            }
            value += content.slice(from, q);
            i = q + 1;
            break;
          }
          row.fields.push(value);
          const c = content.charCodeAt(i);
          if (i < n && c !== d && c !== LF && c !== CR) {
            throw new EmbError(
              'E_FORMAT',
              `${path}: line ${line}: broken CSV (expected "${printable(delimiter)}" or the end of the line after a closing quote, found "${content[i]}"); quote fields that contain the delimiter, quotes or line breaks, and double the quotes inside them`,
            );
          }
        } else {
          let j = i;
          while (j < n) {
            const c = content.charCodeAt(j);
            if (c === d || c === LF || c === CR) break;
            j++;
          }
          row.fields.push(content.slice(i, j));
          i = j;
        }
        // After a field: a delimiter (another field follows), or the end of the row.
        if (i < n && content.charCodeAt(i) === d) {
          i++;
          continue;
        }
        if (content.charCodeAt(i) === CR) i++;
        if (content.charCodeAt(i) === LF) i++;
        line++;
        break;
      }
      rows.push(row);
    }
    return rows;
  } catch (e) {
    if (!options.upToError) throw e;
  }
  return rows;
}

/** Line breaks (LF, CRLF or a lone CR) in content[from .. to). */
function countBreaks(content: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = content.charCodeAt(k);
    if (c === LF || (c === CR && content.charCodeAt(k + 1) !== LF)) count++;
  }
  return count;
}

export function printable(delimiter: string): string {
  return delimiter === '\t' ? '\\t' : delimiter;
}
