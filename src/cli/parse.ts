/**
 * Parsers for option values: each turns the text of one flag into a typed value or an
 * E_INPUT error that names the flag and what it expects. Ranges and cross-field rules are
 * checked once more by the library (settings.ts), which names the setting.
 */
import { EmbError } from '../errors.js';

const expected = (flag: string, what: string, value: string): never => {
  throw new EmbError('E_INPUT', `${flag} must be ${what}, got "${value}"`);
};

/** A positive whole number. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : expected(flag, 'a positive whole number', value);
  };
}

/** A whole number >= 0 (seeds). */
export function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    return value.trim() !== '' && Number.isInteger(n) && n >= 0
      ? n
      : expected(flag, 'a whole number', value);
  };
}

/** A file or folder name: not empty nor only spaces, which would write to a name no one means. */
export function pathName(flag: string): (value: string) => string {
  return (value) => (value.trim() !== '' ? value : expected(flag, 'a file or folder name', value));
}

export function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const x = Number(value);
    return value.trim() !== '' && x > 0 && Number.isFinite(x)
      ? x
      : expected(flag, 'a positive number', value);
  };
}

/** A fraction strictly between 0 and 1. */
export function fraction(flag: string): (value: string) => number {
  return (value) => {
    const x = Number(value);
    return x > 0 && x < 1 ? x : expected(flag, 'a fraction between 0 and 1', value);
  };
}

/** One of `values` (for items of a list; a single value uses commander's .choices()). */
export function oneOf<T extends string>(flag: string, values: readonly T[]): (value: string) => T {
  return (value) =>
    values.includes(value as T)
      ? (value as T)
      : expected(flag, `some of ${values.join(', ')}`, value);
}

/** "1,2" -> [1, 2]. */
export function ngramRange(value: string): [number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length === 1 && Number.isInteger(parts[0])) return [parts[0], parts[0]];
  return parts.length === 2 && parts.every((n) => Number.isInteger(n))
    ? [parts[0], parts[1]]
    : expected('--ngrams', 'MIN,MAX, e.g. 1,2', value);
}

/** A comma-separated list, each item parsed by `item`. */
export function list<T>(item: (value: string) => T): (value: string) => T[] {
  return (value) =>
    value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0)
      .map(item);
}

/** A training size of emb compare: a whole number of at least 2, or "all". */
export function trainingSize(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const n = Number(value);
  return Number.isInteger(n) && n >= 2
    ? n
    : expected('--sizes', 'whole numbers of at least 2, or "all"', value);
}
