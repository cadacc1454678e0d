/**
 * One error class for everything a user can cause. The CLI prints `message` as one line and
 * exits with code 2; anything that is not an EmbError is a bug and keeps its stack trace.
 */
export type ErrorCode =
  | 'E_FORMAT' // a file does not follow its format (malformed, truncated, wrong counts)
  | 'E_VERSION' // a native file written by an unknown format version
  | 'E_ENCODING' // bytes that are not valid in the expected text encoding
  | 'E_OOV' // a query with no known word left
  | 'E_INPUT' // bad command-line input or data set (columns, labels, sizes)
  | 'E_IO' // a file that cannot be read or written
  | 'E_MODEL'; // a saved model that is incomplete or does not match

export class EmbError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'EmbError';
    this.code = code;
  }
}

/** Formats "FILE: line N" / "FILE: byte N" for error messages. */
export function place(file: string, where: { line?: number; byte?: number }): string {
  if (where.line !== undefined) return `${file}: line ${where.line}`;
  if (where.byte !== undefined) return `${file}: byte ${where.byte}`;
  return file;
}
