/**
 * RFC 4180 rows with exact line numbers: fields quoted with '"' may hold the delimiter, line
 * breaks and doubled quotes; rows end with LF, CRLF or CR. A quote inside an unquoted field
 * is kept as a character, and text after a closing quote joins the field (`"Wen u miss.."
 * gdeve..` is `Wen u miss.. gdeve..`), as Python's csv module and spreadsheet tools read them;
 * those fields are counted (`lenient`), so that a reader can say so. With quotes off
 * (`quote: false`), '"' is a character like any other. Written here rather than taken
 * from fast-csv because a parse error must name the line it is on: fast-csv reported
 * "line 1" for text after a closing quote on line 5 (issue 8), and its errors carry no
 * position to recover it from.
 *
 * The parser is incremental: text arrives in pieces of any size (a piece may end inside a
 * field, inside a quoted line break or between CR and LF) and rows come out as soon as they
 * are complete, so a file of any size is parsed in constant memory. Whole texts go through
 * the same parser in one piece.
 */
import { EmbError, option } from '../errors.js';

export interface CsvRow {
  fields: string[];
  /** Line on which the row starts (1-based). */
  line: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Where the parser is between two characters. */
const enum At {
  /** Before a row's first character. */
  RowStart,
  /** Before a field's first character (after a delimiter). */
  FieldStart,
  /** Inside an unquoted field. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Right after a quote inside a quoted field: a doubled quote, or the closing one. */
  QuoteInQuoted,
  /** After a closing quote: only the delimiter or the end of the row may follow. */
  Closed,
}

export class CsvParser {
  private readonly d: number;
  private rows: CsvRow[] = [];
  private fields: string[] = [];
  private field = '';
  private at = At.RowStart;
  /** The line the next character is on. */
  private line = 1;
  private rowLine = 1;
  /** The line of the quote that opened the current quoted field. */
  private opened = 1;
  /** The last character was a CR: an LF right after it ends no second line. */
  private afterCR = false;
  /** Fields with text after their closing quote, and the line of the first. */
  lenient = { fields: 0, line: 0 };

  constructor(
    private readonly delimiter: string,
    private readonly path: string,
    private readonly quotes = true,
  ) {
    this.d = delimiter.charCodeAt(0);
  }

  /** "TSV" for a tab-separated file, else "CSV", as messages name it. */
  private get kind(): string {
    return this.delimiter === '\t' ? 'TSV' : 'CSV';
  }

  /** Rows completed so far (taken once: a second call returns only newer ones). */
  take(): CsvRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /** Parses the next piece of text. Throws on broken CSV; rows before the error stay takeable. */
  push(text: string): this {
    const d = this.d;
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.at) {
        case At.RowStart:
          if (this.afterCR && text.charCodeAt(i) === LF) {
            // The LF of a CRLF whose CR ended the previous piece.
            this.afterCR = false;
            i++;
            continue;
          }
          this.afterCR = false;
          this.rowLine = this.line;
          this.at = At.FieldStart;
          continue;
        case At.FieldStart:
          if (this.quotes && text.charCodeAt(i) === QUOTE) {
            this.opened = this.line;
            this.at = At.Quoted;
            i++;
          } else this.at = At.Unquoted;
          continue;
        case At.Unquoted: {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === d || c === LF || c === CR) break;
            j++;
          }
          this.field += text.slice(i, j);
          if (j < n) i = this.endField(text.charCodeAt(j), j);
          else i = n;
          continue;
        }
        case At.Quoted: {
          const q = text.indexOf('"', i);
          const to = q < 0 ? n : q;
          this.countBreaks(text, i, to, q >= 0);
          this.field += text.slice(i, to);
          if (q >= 0) {
            this.at = At.QuoteInQuoted;
            i = q + 1;
          } else i = n;
          continue;
        }
        case At.QuoteInQuoted:
          if (text.charCodeAt(i) === QUOTE) {
            this.field += '"';
            this.at = At.Quoted;
            i++;
          } else this.at = At.Closed;
          continue;
        case At.Closed: {
          const c = text.charCodeAt(i);
          if (c !== d && c !== LF && c !== CR) {
            // Text after the closing quote: the rest of the field, unquoted.
            if (this.lenient.fields++ === 0) this.lenient.line = this.line;
            this.at = At.Unquoted;
            continue;
          }
          i = this.endField(c, i);
          continue;
        }
      }
    }
    return this;
  }

  /** The end of the text: the last row, if it has no line break after it. */
  end(): this {
    if (this.at === At.Quoted) {
      throw new EmbError(
        'E_FORMAT',
        `${this.path}: line ${this.opened}: broken ${this.kind} (a quoted field opened here is never closed); ${ADVICE}, or if the quotes are part of the texts read them as such with ${option('quote', 'none')}`,
      );
    }
    if (this.at !== At.RowStart) this.endField(LF, -1);
    return this;
  }

  /** Ends the field at `i` with the delimiter, CR or LF `c`; returns where parsing goes on. */
  private endField(c: number, i: number): number {
    this.fields.push(this.field);
    this.field = '';
    if (c === this.d) {
      this.at = At.FieldStart;
      return i + 1;
    }
    this.rows.push({ fields: this.fields, line: this.rowLine });
    this.fields = [];
    this.at = At.RowStart;
    this.afterCR = c === CR;
    this.line++;
    return i + 1;
  }

  /**
   * Counts the line breaks (LF, CRLF or a lone CR) of text[from .. to) inside a quoted field;
   * `closed` says a quote follows (a CR before it then waits for no LF).
   */
  private countBreaks(text: string, from: number, to: number, closed: boolean): void {
    let count = 0;
    let afterCR = this.afterCR;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === CR || (c === LF && !afterCR)) count++;
      afterCR = c === CR;
    }
    this.afterCR = closed ? false : afterCR;
    this.line += count;
  }
}

const ADVICE =
  'quote fields that contain the delimiter, quotes or line breaks, and double the quotes inside them';

/** All rows of `content` (blank lines are rows with one empty field). */
export function parseCsv(content: string, delimiter: string, path: string): CsvRow[] {
  return new CsvParser(delimiter, path).push(content).end().take();
}

export function printable(delimiter: string): string {
  return delimiter === '\t' ? '\\t' : delimiter;
}
