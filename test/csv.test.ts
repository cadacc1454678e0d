/** Reading labelled texts from CSV/TSV: what works, and each way a file can be wrong. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EmbError } from '../src/errors.js';
import { CsvParser, parseCsv } from '../src/text/csv-parse.js';
import { ChunkDecoder, decodeText } from '../src/text/decode.js';
import { splitLines } from '../src/text/lines.js';
import { decodeUtf8, delimiterOption, parseLabelled, readLabelled } from '../src/text/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-csv-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EmbError, `expected an EmbError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('quoted fields with commas, quotes and line breaks; columns found by name', async () => {
  const path = file(
    'reviews.csv',
    'id,Review,Sentiment\n1,"good, ""really"" good",pos\n2,"line one\nline two",neg\n\n3,plain,pos\n',
  );
  const d = await readLabelled(path);
  assert.deepEqual(d.texts, ['good, "really" good', 'line one\nline two', 'plain']);
  assert.deepEqual(d.classes, ['pos', 'neg']);
  assert.deepEqual(d.labels, [0, 1, 0]);
  assert.equal(d.textColumn, 'Review');
  assert.equal(d.labelColumn, 'Sentiment');
});

test('TSV by extension, a sniffed delimiter otherwise, and columns given by name', async () => {
  const tsv = await readLabelled(file('a.tsv', 'label\tsentence\nx\thello, world\ny\tbye\n'));
  assert.deepEqual(tsv.texts, ['hello, world', 'bye']);
  const sniffed = await readLabelled(file('a.txt', 'words\tkind\nhello\tx\nbye\ty\n'), {
    text: 'words',
    label: 'kind',
  });
  assert.deepEqual(sniffed.labels, [0, 1]);
  const bom = await readLabelled(file('bom.csv', '\uFEFFtext,label\nhi,a\n'));
  assert.deepEqual(bom.texts, ['hi']);
});

test('a missing column names the columns that exist', async () => {
  await rejects(
    readLabelled(file('m.csv', 'body,stars\nhi,5\n')),
    /no label column found.*"body", "stars".*name it with label: .COLUMN./,
  );
  await rejects(
    readLabelled(file('m2.csv', 'text,label\nhi,5\n'), { text: 'tweet' }),
    /no column "tweet"; the columns are "text", "label"/,
  );
});

test('empty texts are skipped and counted by line', async () => {
  const d = await parseLabelled('text,label\nhi,a\n"",b\n  ,a\nyo,b\n', 'e.csv');
  assert.deepEqual(d.texts, ['hi', 'yo']);
  assert.deepEqual(d.skippedEmpty, [3, 4]);
});

test('a file that is not UTF-8 is named with the byte offset', async () => {
  const bytes = Buffer.concat([
    Buffer.from('text,label\ncaf'),
    Buffer.from([0xe9]),
    Buffer.from(',a\n'),
  ]);
  await rejects(
    readLabelled(file('latin1.csv', bytes)),
    /latin1\.csv: byte 14 \(line 2\): not valid UTF-8 \(0xe9\)/,
  );
  assert.throws(() => decodeUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]), 'x'), /byte 1/); // a surrogate
  assert.equal(decodeUtf8(Buffer.from('é€😀'), 'x'), 'é€😀');
});

test('broken CSV is named by line: an unclosed quote, a row with the wrong number of fields', async () => {
  await rejects(
    parseLabelled('text,label\nok,a\n"multi\nline",b\n"never closed,a\n', 'q.csv'),
    /q\.csv: line 5: broken CSV/,
  );
  await rejects(
    parseLabelled('text,label\nok,a\nx,b,extra\n', 'f.csv'),
    /f\.csv: line 3: expected 2 fields as in the header, got 3/,
  );
  await rejects(parseLabelled('', 'empty.csv'), /empty/);
});

describe('files as spreadsheets export them', () => {
  test('the delimiter is detected for .csv too: comma, semicolon, tab, pipe', async () => {
    const rows = [
      ['text', 'label'],
      ['Bonjour, ça va', 'pos'],
      ['Non; pas du tout', 'neg'],
    ];
    for (const d of [',', ';', '\t', '|'] as const) {
      const quote = (f: string) => (f.includes(d) ? `"${f}"` : f);
      const content = rows.map((r) => r.map(quote).join(d)).join('\r\n') + '\r\n';
      const f = await readLabelled(file(`d${d.charCodeAt(0)}.csv`, content));
      assert.equal(f.delimiter, d);
      assert.deepEqual(f.texts, ['Bonjour, ça va', 'Non; pas du tout']);
      assert.deepEqual(f.classes, ['pos', 'neg']);
    }
  });

  test('the delimiter option forces it; a wrong one says which delimiter was used', async () => {
    const path = file('forced.csv', 'text;label\nhi;a\nyo;b\n');
    const f = await readLabelled(path, { delimiter: ';' });
    assert.deepEqual(f.texts, ['hi', 'yo']);
    await rejects(
      readLabelled(path, { delimiter: ',' }),
      /no text column found .* the columns are "text;label" \(read with the delimiter ","; give the right one: delimiter\)/,
    );
    assert.equal(delimiterOption('tab'), '\t');
    assert.equal(delimiterOption('semicolon'), ';');
    assert.throws(
      () => delimiterOption('space'),
      /unknown delimiter "space"; expected one of comma, semicolon, tab, pipe/,
    );
  });

  test('UTF-8 with and without BOM, UTF-16 LE and BE with BOM', async () => {
    const content = 'text\tlabel\nnaïve café 😀\tpos\nΟΔΟΣ\tneg\n';
    const utf16be = Buffer.from(content, 'utf16le').swap16();
    const files: [string, Buffer, string][] = [
      ['u8.csv', Buffer.from(content), 'utf-8'],
      [
        'u8bom.csv',
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(content)]),
        'utf-8',
      ],
      [
        'u16le.csv',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(content, 'utf16le')]),
        'utf-16le',
      ],
      ['u16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]), 'utf-16be'],
    ];
    for (const [name, bytes, encoding] of files) {
      const f = await readLabelled(file(name, bytes));
      assert.equal(f.encoding, encoding, name);
      assert.equal(f.textColumn, 'text', name);
      assert.deepEqual(f.texts, ['naïve café 😀', 'ΟΔΟΣ'], name);
    }
  });

  test('the encoding option: latin1 (ISO-8859-1), windows-1252, and other TextDecoder labels', async () => {
    // 0xe9 is é in both; 0x80 is the euro sign in windows-1252 and a C1 control in latin1.
    const bytes = Buffer.from([
      ...Buffer.from('text,label\ncaf'),
      0xe9,
      0x20,
      0x80,
      ...Buffer.from(',a\n'),
    ]);
    const path = file('legacy.csv', bytes);
    assert.deepEqual((await readLabelled(path, { encoding: 'windows-1252' })).texts, ['café €']);
    // Any label WHATWG maps to windows-1252 reads the same (Node's own decoder gives 0x80).
    assert.deepEqual((await readLabelled(path, { encoding: 'cp1252' })).texts, ['café €']);
    assert.deepEqual((await readLabelled(path, { encoding: 'latin1' })).texts, ['café \u0080']);
    const sjis = file(
      'sjis.csv',
      Buffer.from([...Buffer.from('text,label\n'), 0x93, 0x8c, 0x8b, 0x9e, ...Buffer.from(',a\n')]),
    );
    assert.deepEqual((await readLabelled(sjis, { encoding: 'shift_jis' })).texts, ['東京']);
    await rejects(
      readLabelled(path, { encoding: 'klingon' }),
      /legacy\.csv: unknown encoding "klingon"/,
    );
  });

  test('undecodable bytes: the place, and advice that fits (never latin1 for UTF-16)', async () => {
    const latin1 = file(
      'l1.csv',
      Buffer.from([...Buffer.from('text,label\nok,a\ncaf'), 0xe9, ...Buffer.from(',a\n')]),
    );
    await rejects(
      readLabelled(latin1),
      /l1\.csv: byte 19 \(line 3\): not valid UTF-8 \(0xe9\); if it came from Excel or another Windows program, pass encoding: 'windows-1252'/,
    );
    const noBom = file('u16nobom.csv', Buffer.from('text,label\nhello,a\n', 'utf16le'));
    await rejects(
      readLabelled(noBom),
      /u16nobom\.csv: the file looks like UTF-16LE without a byte-order mark .*; pass encoding: 'utf-16le'$/,
    );
    const noBomBe = file(
      'u16benobom.csv',
      Buffer.from('text,label\nhello,a\n', 'utf16le').swap16(),
    );
    await rejects(readLabelled(noBomBe), /pass encoding: 'utf-16be'$/);
    // A lone surrogate in UTF-16: damaged, and no word of latin1.
    const broken = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('text,label\nab', 'utf16le'),
      Buffer.from([0x00, 0xd8]),
      Buffer.from('x,a\n', 'utf16le'),
    ]);
    await assert.rejects(readLabelled(file('u16bad.csv', broken)), (e: unknown) => {
      assert.ok(e instanceof EmbError);
      assert.match(
        e.message,
        /u16bad\.csv: near byte \d+ \(line 2\): not valid utf-16le .*damaged or not utf-16le/,
      );
      assert.doesNotMatch(e.message, /latin1|windows-1252/);
      return true;
    });
  });

  test('blank or missing labels are skipped and counted, never fatal; so are empty texts', async () => {
    const f = await readLabelled(
      file(
        'gaps.csv',
        'text,label\nfine,a\nno label,\n   ,b\nshort row\n"quoted, no label",  \nlast,b\n',
      ),
    );
    assert.deepEqual(f.texts, ['fine', 'last']);
    assert.deepEqual(f.lines, [2, 7]);
    assert.deepEqual(f.skippedNoLabel, [3, 5, 6]);
    assert.deepEqual(f.skippedEmpty, [4]);
    assert.equal(f.rows, 6);
  });

  test('rows padded with empty fields are fine; extra values name their line', async () => {
    const f = await readLabelled(file('pad.csv', 'text,label\nhi,a,,\nyo,b\n'));
    assert.deepEqual(f.texts, ['hi', 'yo']);
    await rejects(
      readLabelled(file('extra.csv', 'text,label\nhi,a\nyo,b,c\n')),
      /extra\.csv: line 3: expected 2 fields as in the header, got 3/,
    );
  });

  test('labels that differ only in case are a warning the caller can print', async () => {
    const f = await readLabelled(
      file('case.csv', 'text,label\na,POS\nb,pos\nc,neg\nd,pos\ne,Neg\n'),
    );
    assert.deepEqual(f.classes, ['POS', 'pos', 'neg', 'Neg']);
    assert.deepEqual(f.warnings, [
      `${join(dir, 'case.csv')}: labels "POS" (1 row), "pos" (2 rows) differ only in case and are different classes; write them alike if they mean the same`,
      `${join(dir, 'case.csv')}: labels "neg" (1 row), "Neg" (1 row) differ only in case and are different classes; write them alike if they mean the same`,
    ]);
  });

  test('numeric labels are ordered numerically; others keep their first appearance', async () => {
    const stars = await parseLabelled('text,stars\na,5\nb,10\nc,-1\nd,2.5\ne,5\n', 's.csv', {
      label: 'stars',
    });
    assert.deepEqual(stars.classes, ['-1', '2.5', '5', '10']);
    assert.deepEqual(stars.labels, [2, 3, 0, 1, 2]);
    const words = await parseLabelled('text,label\na,b\nb,a\nc,10\n', 'w.csv');
    assert.deepEqual(words.classes, ['b', 'a', '10']);
  });

  test('a broken quote names its own line, wherever it is in the file (issue 8)', async () => {
    const many = 'hello world,a\n'.repeat(2000);
    await rejects(
      parseLabelled(`text,label\n${many}"never closed,b\nok,a\n`, 'open.csv'),
      /open\.csv: line 2002: broken CSV \(a quoted field opened here is never closed\); .* read them as such with quote: 'none'$/,
    );
    await rejects(
      parseLabelled('text\tlabel\n"open\ta\nok\tb\n', 'open.tsv'),
      /open\.tsv: line 2: broken TSV \(a quoted field opened here is never closed\)/,
    );
  });

  test('text after a closing quote joins the field, as Python and spreadsheets read it, and is told once', async () => {
    const many = 'hello world,a\n'.repeat(2000);
    const file = await parseLabelled(`text,label\n${many}"closed"then text,b\n"x"y,a\n`, 'big.csv');
    assert.deepEqual(file.texts.slice(-2), ['closedthen text', 'xy']);
    assert.deepEqual(file.warnings, [
      "big.csv: 2 fields have text after a closing quote (the first on line 2002); read as spreadsheets and Python's csv module read them, the quotes dropped (quote: 'none' keeps the quotes as text)",
    ]);
    // SMS Spam Collection's line 284, with a header: a tab file whose text opens a quote.
    const sms = 'label\ttext\nham\t"Wen u miss someone..." gdeve..\nspam\tWIN now\n';
    const read = await parseLabelled(sms, 'sms.tsv');
    assert.deepEqual(read.texts, ['Wen u miss someone... gdeve..', 'WIN now']);
    const kept = await parseLabelled(sms, 'sms.tsv', { quote: 'none' });
    assert.deepEqual(kept.texts, ['"Wen u miss someone..." gdeve..', 'WIN now']);
    assert.deepEqual(kept.warnings, []);
  });
});

test('any fields written as RFC 4180 read back the same, each row on its own line (fast-check)', () => {
  const field = fc.string({
    unit: fc.constantFrom('a', 'é', ' ', ',', ';', '\t', '|', '"', '\n', '\r\n', 'x', '😀'),
    maxLength: 8,
  });
  fc.assert(
    fc.property(
      fc.constantFrom(',', ';', '\t', '|'),
      fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
      (d, rows) => {
        const quote = (f: string) => (/[",;\t|\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
        const content = rows.map((r) => r.map(quote).join(d)).join('\n') + '\n';
        const parsed = parseCsv(content, d, 'p.csv');
        assert.deepEqual(
          parsed.map((r) => r.fields),
          rows,
        );
        let line = 1;
        parsed.forEach((r, i) => {
          assert.equal(r.line, line);
          line += 1 + rows[i].join('').split(/\r\n|\n/).length - 1;
        });
      },
    ),
    { numRuns: 500 },
  );
});

test('a one-column file of texts: a blank line is an empty text, counted by line', async () => {
  const f = await readLabelled(file('texts.csv', 'text\nfirst\n\nthird\n'), { needLabel: false });
  assert.deepEqual(f.texts, ['first', 'third']);
  assert.deepEqual(f.lines, [2, 4]);
  assert.deepEqual(f.skippedEmpty, [3]);
  assert.deepEqual(f.classes, []);
});

describe('read in pieces: the same rows, text and errors wherever the pieces are cut', () => {
  /** `whole` cut at the sorted, deduplicated positions `at`. */
  const cut = <T extends { length: number; slice(a: number, b?: number): T }>(
    whole: T,
    at: number[],
  ): T[] => {
    const points = [...new Set(at.map((k) => k % (whole.length + 1)))].sort((a, b) => a - b);
    return [0, ...points].map((p, i) => whole.slice(p, [...points, whole.length][i]));
  };
  const outcome = (run: () => unknown) => {
    try {
      return { value: run() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  test('the CSV parser (fast-check, broken files included)', () => {
    const unit = fc.constantFrom('a', 'é', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'x"y');
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (content, at) => {
          const whole = outcome(() => parseCsv(content, ',', 'p.csv'));
          const pieces = outcome(() => {
            const parser = new CsvParser(',', 'p.csv');
            for (const piece of cut(content, at)) parser.push(piece);
            return parser.end().take();
          });
          assert.deepEqual(pieces, whole);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('the decoder: UTF-8, UTF-16 with BOM, windows-1252, shift_jis; bad bytes at the same place', () => {
    // Past the first 4 KB, which the decoder holds to look for a byte-order mark and UTF-16.
    const text = 'text\nnaïve café 😀 東京\r\nΟΔΟΣ €\n'.repeat(200);
    const repeated = (bytes: number[]) =>
      Buffer.from(Array.from({ length: 700 }, () => bytes).flat());
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const cases: [Buffer, string | undefined][] = [
      [Buffer.from(text), undefined],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), undefined],
      [le, undefined],
      [
        Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
        undefined,
      ],
      [repeated([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x0a, 0x93, 0x0a]), 'windows-1252'],
      [repeated([0x93, 0x8c, 0x8b, 0x9e, 0x0a, 0x41, 0x93, 0x8c, 0x0a]), 'shift_jis'],
      // Damaged: a bad UTF-8 byte after many lines, a lone surrogate, a truncated sequence.
      [
        Buffer.concat([Buffer.from(text), Buffer.from([0xef, 0x76]), Buffer.from('e\n')]),
        undefined,
      ],
      [Buffer.concat([le, Buffer.from([0x00, 0xd8, 0x41, 0x00])]), undefined],
      [Buffer.concat([Buffer.from(text), Buffer.from([0xe6, 0x9d])]), undefined],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.array(fc.nat(), { maxLength: 40 }),
        ([bytes, encoding], at) => {
          const whole = outcome(() => decodeText(bytes, 'd.csv', encoding).text);
          const pieces = outcome(() => {
            const decoder = new ChunkDecoder('d.csv', encoding);
            return (
              cut(bytes, at)
                .map((b) => decoder.push(b))
                .join('') + decoder.end()
            );
          });
          assert.deepEqual(pieces, whole);
        },
      ),
      { numRuns: 300 },
    );
    assert.equal(decodeText(cases[5][0], 'x', 'shift_jis').text, '東京\nA東\n'.repeat(700));
    const bad = Buffer.byteLength(text);
    assert.match(
      outcome(() => decodeText(cases[6][0], 'x')).error!,
      new RegExp(`x: byte ${bad} \\(line 601\\)`),
    );
  });

  test('lines of stdin: LF, CRLF and CR, wherever the pieces are cut (fast-check)', async () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '\r');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (text, at) => {
          const expected = text.split(/\r\n|\n|\r/);
          if (expected[expected.length - 1] === '') expected.pop();
          const lines: string[] = [];
          for await (const piece of splitLines(
            (async function* () {
              yield* cut(text, at).filter((p) => p !== '');
            })(),
          ))
            lines.push(...piece);
          assert.deepEqual(lines, expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a large file: a broken quote or a bad byte far in names its own line and byte', async () => {
    const row = (i: number) => `${i},"a text, with a comma ${'x'.repeat(i % 50)}"\n`;
    let body = 'id,text\n';
    for (let i = 0; i < 20000; i++) body += row(i);
    // Line 20,002 is the broken row: far past the first piece that is read (64 KB).
    const broken = file('big-broken.csv', `${body}20000,"never closed\n20001,fine\n`);
    await rejects(
      readLabelled(broken, { needLabel: false }),
      /big-broken\.csv: line 20002: broken CSV \(a quoted field opened here is never closed\)/,
    );
    const bad = file(
      'big-bad.csv',
      Buffer.concat([Buffer.from(`${body}20000,caf`), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const offset = Buffer.byteLength(body) + '20000,caf'.length;
    await rejects(
      readLabelled(bad, { needLabel: false }),
      new RegExp(`big-bad\\.csv: byte ${offset} \\(line 20002\\): not valid UTF-8 \\(0xe9\\)`),
    );
    const whole = await readLabelled(file('big.csv', body), { needLabel: false });
    assert.equal(whole.texts.length, 20000);
    assert.equal(whole.lines[19999], 20001);
  });
});
