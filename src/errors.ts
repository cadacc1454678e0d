/**
 * One error class for everything a user can cause. The CLI prints `message` as one line and
 * exits with code 2; anything that is not an EmbError is a bug and keeps its stack trace.
 */
export const ERROR_CODES = [
  'E_FORMAT', // a file does not follow its format (malformed, truncated, wrong counts)
  'E_VERSION', // a native file written by an unknown format version
  'E_ENCODING', // bytes that are not valid in the expected text encoding
  'E_OOV', // a query with an unknown word, or no known word left
  'E_INPUT', // bad command-line input, settings or data set (columns, labels, sizes)
  'E_IO', // a file that cannot be read or written
  'E_MODEL', // a saved model that is incomplete or does not match
  'E_ABORTED', // the caller's AbortSignal stopped the work (nothing half-written is left)
  'E_CLOSED', // a Vectors or Classifier used after close() or dispose()
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(value);
}

export class EmbError extends Error {
  readonly code: ErrorCode;
  /**
   * The message with the options it names marked (option(), setting()): `message` spells them
   * as the API does, the command line as its flags (render).
   */
  readonly template: string;
  /** `cause` keeps the underlying error (an errno, a worker's error) for programs that log it. */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(render(message, 'api'), options);
    this.name = 'EmbError';
    this.code = code;
    this.template = message;
  }
}

// An option named in a message: NUL, then o (an option) or s (a model setting), its name, and
// its value as JSON after "=", then NUL. No message has a NUL of its own (oneLine escapes them).
// eslint-disable-next-line no-control-regex -- NUL marks options; no message has one of its own
const MARK = /\u0000([os]):([^=\u0000]+)(?:=([^\u0000]*))?\u0000/g;

/**
 * An option of a library call, named in a message: `option('folds', 5)` reads "folds: 5" from
 * the library and "--folds 5" on the command line; `option('skipMissing', true)` reads
 * "skipMissing: true" and "--skip-missing".
 */
export function option(name: string, value?: string | number | boolean): string {
  return `\u0000o:${name}${value === undefined ? '' : `=${JSON.stringify(value)}`}\u0000`;
}

/** A model setting named in a message: 'setting "minDf"' from the library, "--min-df" on the command line. */
export function setting(name: string): string {
  return `\u0000s:${name}\u0000`;
}

/** How the command line spells an option or setting: `minDf` is --min-df, a one-letter `C` is -C. */
export function flagName(name: string): string {
  return name.length === 1
    ? `-${name}`
    : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A message with its options spelled for the library ('api') or the command line ('cli'). */
export function render(template: string, style: 'api' | 'cli'): string {
  return template.replace(MARK, (_, kind: string, name: string, json?: string) => {
    const value = json === undefined ? undefined : (JSON.parse(json) as unknown);
    if (style === 'cli') {
      if (value === undefined || value === true) return flagName(name);
      return `${flagName(name)} ${String(value)}`;
    }
    if (kind === 's') return `setting "${name}"`;
    return value === undefined ? name : `${name}: ${JSON.stringify(value).replace(/"/g, "'")}`;
  });
}

// The templates of warnings made by warning(), by their text, so that the command line can
// spell their options as flags (forCommandLine); warnings are few, so the map stays small.
const warningTemplates = new Map<string, string>();

/**
 * A warning for the caller (a plain string, options spelled as the API does), whose options
 * the command line spells as flags when it prints it.
 */
export function warning(template: string): string {
  const text = render(template, 'api');
  if (text !== template) warningTemplates.set(text, template);
  return text;
}

/** A warning or message as the command line prints it: options as flags. */
export function forCommandLine(message: string): string {
  const template = warningTemplates.get(message);
  return template === undefined ? message : render(template, 'cli');
}

/** What crosses a worker thread's message port for an error, and back again. */
export interface SerializedError {
  message: string;
  code?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof EmbError) return { message: e.template, code: e.code };
  return { message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

/**
 * Rebuilds a worker's error: an EmbError when it carried a known code, else a plain Error
 * (a bug in the worker), both with the serialized form as their cause.
 */
export function deserializeError(s: SerializedError): Error {
  return isErrorCode(s.code)
    ? new EmbError(s.code, s.message, { cause: s })
    : new Error(s.message, { cause: s });
}

/** Formats "FILE: line N" / "FILE: byte N" for error messages. */
export function place(file: string, where: { line?: number; byte?: number }): string {
  if (where.line !== undefined) return `${file}: line ${where.line}`;
  if (where.byte !== undefined) return `${file}: byte ${where.byte}`;
  return file;
}

/** The error a long call rejects with when its AbortSignal fires. */
export function abortError(signal: AbortSignal): EmbError {
  const reason = signal.reason instanceof Error ? signal.reason.message : undefined;
  return new EmbError('E_ABORTED', `stopped: ${reason ?? 'aborted'}`, { cause: signal.reason });
}

/** Throws E_ABORTED when `signal` has fired: long loops call it between steps. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
