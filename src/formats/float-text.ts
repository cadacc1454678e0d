/**
 * The shortest decimal that reads back as the same float32, as numpy's repr prints it, so
 * exported text files stay as compact as the originals (0.41441, not 0.4144100248813629).
 */
export function formatFloat32(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Six significant digits with zeros trimmed is the shortest form whenever one of six or
  // fewer digits exists (a float32 is within 6e-8 of it); longer ones need up to nine.
  for (let p = 6; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return trim(s);
  }
  return String(v);
}

/** toPrecision pads with zeros and may choose exponent form: keep it short and plain. */
function trim(s: string): string {
  if (s.includes('e')) {
    const [m, e] = s.split('e');
    return `${trimMantissa(m)}e${e.replace('+', '')}`;
  }
  return trimMantissa(s);
}

function trimMantissa(m: string): string {
  return m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
}
