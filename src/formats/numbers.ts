/**
 * Decimal numbers straight from bytes. The fast path builds an integer mantissa and scales it
 * by an exactly representable power of ten, which rounds correctly, as Python's float() does;
 * anything longer or odder goes through Number(). NaN signals "not a number".
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Where parseField stopped: the first separator (space or tab) after the field, or limit. */
export interface Cursor {
  end: number;
}

const isDigit = (b: number) => b >= 48 && b <= 57;
const isSeparator = (b: number) => b === 32 || b === 9;

/**
 * Parses the field that starts at `start` and ends at the next space or tab (or `limit`), in
 * one pass over its bytes; sets cursor.end to where it ended.
 */
export function parseField(buf: Uint8Array, start: number, limit: number, cursor: Cursor): number {
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* - */) {
    negative = true;
    i++;
  } else if (buf[i] === 43 /* + */) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  while (i < limit && isDigit(buf[i])) {
    mantissa = mantissa * 10 + (buf[i++] - 48);
    digits++;
  }
  if (i < limit && buf[i] === 46 /* . */) {
    i++;
    while (i < limit && isDigit(buf[i])) {
      mantissa = mantissa * 10 + (buf[i++] - 48);
      digits++;
      scale--;
    }
  }
  let exact = digits > 0 && digits <= 15;
  if (i < limit && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let expNegative = false;
    if (buf[i] === 45) {
      expNegative = true;
      i++;
    } else if (buf[i] === 43) i++;
    let exp = 0;
    const expStart = i;
    while (i < limit && isDigit(buf[i]) && exp < 1000) exp = exp * 10 + (buf[i++] - 48);
    if (i === expStart) exact = false;
    scale += expNegative ? -exp : exp;
  }
  if (i < limit && !isSeparator(buf[i])) {
    while (i < limit && !isSeparator(buf[i])) i++;
    cursor.end = i;
    return NaN;
  }
  cursor.end = i;
  if (!exact || scale < -22 || scale > 22) return slow(buf, start, i);
  const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -value : value;
}

const cursor: Cursor = { end: 0 };

/** The number in buf[start..end), or NaN. */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  const v = parseField(buf, start, end, cursor);
  return cursor.end === end ? v : NaN;
}

function slow(buf: Uint8Array, start: number, end: number): number {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  // Number() accepts forms no vector file uses ("0x10", "Infinity", ""): refuse them here.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}
