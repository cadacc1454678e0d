/**
 * One CSV line as RFC 4180 writes it: a field with a comma, a quote or a line break is
 * quoted, its quotes doubled; the line ends with LF. What emb writes (predictions, exported
 * corpora) its own reader (csv-parse.ts) reads back field for field.
 */
export function csvLine(fields: readonly (string | number | boolean)[]): string {
  const quoted = fields.map((f) => {
    const s = String(f);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  });
  return quoted.join(',') + '\n';
}
