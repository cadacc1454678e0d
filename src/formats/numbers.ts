/**
 * Decimal numbers straight from bytes. The fast path builds an integer mantissa and scales it
 * by an exactly representable power of ten, which rounds correctly, as Python's float() does;
 * anything longer or odder goes through Number(). NaN signals "not a number".
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* - */) {
    negative = true;
    i++;
  } else if (buf[i] === 43 /* + */) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) {
    mantissa = mantissa * 10 + (buf[i++] - 48);
    digits++;
  }
  if (i < end && buf[i] === 46 /* . */) {
    i++;
    while (i < end && buf[i] >= 48 && buf[i] <= 57) {
      mantissa = mantissa * 10 + (buf[i++] - 48);
      digits++;
      scale--;
    }
  }
  if (digits === 0) return slow(buf, start, end);
  if (i < end && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let expNegative = false;
    if (buf[i] === 45) {
      expNegative = true;
      i++;
    } else if (buf[i] === 43) i++;
    let exp = 0;
    const expStart = i;
    while (i < end && buf[i] >= 48 && buf[i] <= 57) exp = exp * 10 + (buf[i++] - 48);
    if (i === expStart || exp > 400) return slow(buf, start, end);
    scale += expNegative ? -exp : exp;
  }
  if (i !== end) return NaN;
  if (digits > 15 || scale < -22 || scale > 22) return slow(buf, start, end);
  const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -value : value;
}

function slow(buf: Uint8Array, start: number, end: number): number {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  // Number() accepts forms no vector file uses ("0x10", "Infinity", ""): refuse them here.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}
