/** Reading labelled texts from CSV/TSV: what works, and each way a file can be wrong. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbError } from '../src/errors.js';
import { decodeUtf8, parseLabelled, readLabelled } from '../src/text/csv.js';

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
    /no label column found.*"body", "stars".*--label/,
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
  await rejects(parseLabelled('text,label\nhi,\n', 'l.csv'), /line 2: empty label/);
});
