/**
 * Lines of decoded text that arrives in pieces: LF, CRLF or a lone CR ends a line (as
 * readline splits them), the last line needs no line break, and a piece may end anywhere,
 * even between the CR and the LF of one line break.
 */
export async function* splitLines(texts: AsyncIterable<string>): AsyncGenerator<string[]> {
  let partial = '';
  let afterCR = false;
  for await (const text of texts) {
    const lines: string[] = [];
    let from = afterCR && text.charCodeAt(0) === LF ? 1 : 0;
    afterCR = false;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      lines.push(partial + text.slice(from, i));
      partial = '';
      if (c === CR) {
        if (i + 1 === text.length) afterCR = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      from = i + 1;
    }
    partial += text.slice(from);
    if (lines.length > 0) yield lines;
  }
  if (partial !== '') yield [partial];
}

const LF = 10;
const CR = 13;
