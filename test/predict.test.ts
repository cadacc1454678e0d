/**
 * emb predict for bulk use (issue 9): one answer per row or line, in order, always; ids
 * passed through; a CSV of the answers written atomically; input of any size streamed; and
 * every bad input one line, exit code 2, no output file. The library first, then the command
 * as a person runs it (spawned `node bin/emb.js`).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDefault } from '../src/api/convert.js';
import { EmbError } from '../src/errors.js';
import {
  loadClassifier,
  openTexts,
  predictFile,
  readLines,
  train,
  writePredictions,
  type Classifier,
  type RowPrediction,
} from '../src/index.js';
import { parseCsv } from '../src/text/csv-parse.js';
import { emb as run } from './support/cli.js';
import { reviewsCsv } from './support/reviews.js';

await prepareDefault();
const dir = mkdtempSync(join(tmpdir(), 'emb-predict-'));
const write = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const leftovers = (folder = dir) => readdirSync(folder).filter((f) => f.endsWith('.tmp'));
const emb = (args: string[], input?: string | Buffer) => run(args, { input, cwd: dir });

/** Exit code 2, one line on stderr matching `pattern`, no stack trace. */
function fails(args: string[], pattern: RegExp, input?: string | Buffer): void {
  const r = emb(args, input);
  assert.equal(r.status, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** A small review set with an id column (reviews.ts), as a dataset. */
function reviews(n: number, seed: number) {
  const rows = parseCsv(reviewsCsv(n, seed), ',', 'reviews.csv').slice(1);
  return { texts: rows.map((r) => r.fields[1]), labels: rows.map((r) => r.fields[2]) };
}

const models: Record<string, Classifier> = {};
async function model(kind: 'logreg' | 'mlp' | 'hybrid'): Promise<Classifier> {
  if (!models[kind]) {
    models[kind] = await train(reviews(60, 3), { model: kind, seed: 0 });
    await models[kind].save(join(dir, `${kind}.model`));
  }
  return models[kind];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Texts with the cases bulk input has: empty, blank, no known word, quotes, line breaks. */
const MIXED = [
  ['1', 'a wonderful, brilliant film'],
  ['2', ''],
  ['3', 'qqzzx zzqqy'],
  ['4', '   '],
  ['5', 'an awful ""boring"" mess'],
  ['6', 'two\nlines, great'],
];
/** What each row of mixedCsv() gets: [id, an answer or null (no words), unseen]. */
const MIXED_ANSWERS = [
  ['1', 'label', false],
  ['2', null, null],
  ['3', 'label', true],
  ['4', null, null],
  ['5', 'label', false],
  ['6', 'label', false],
  ['7', null, null],
];
const shape = (a: { id?: string; label: string | null; unseen?: boolean }) => [
  a.id,
  a.label === null ? null : 'label',
  a.unseen ?? null,
];
/** The documents of --json output, one per line. */
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const mixedCsv = () =>
  'id,text,label\n' +
  MIXED.map(([id, t]) => `${id},${/[",\n]/.test(t) ? `"${t}"` : t},`).join('\n') +
  '\n7\n';

describe('the library', () => {
  test('predictStream: one answer per text or row, in order, ids and lines passed through', async () => {
    const clf = await model('logreg');
    const rows = [
      { text: 'great and wonderful', id: 'a', line: 2 },
      'terrible, the worst',
      { text: '' },
      { text: 'qqzzx', id: 'b' },
    ];
    const answers = await collect(clf.predictStream(rows, { batchSize: 3 }));
    assert.deepEqual(
      answers.map((a) => [a.id, a.text, a.label, a.unseen ?? null]),
      [
        ['a', 'great and wonderful', 'pos', false],
        [undefined, 'terrible, the worst', 'neg', false],
        [undefined, '', null, null],
        ['b', 'qqzzx', answers[3].label, true],
      ],
    );
    assert.equal(answers[0].line, 2);
    assert.equal(answers[2].reason, 'the text has no words');
    assert.ok(['pos', 'neg'].includes(answers[3].label!));
    // The same answers as predict() on the whole list.
    const whole = await clf.predict(rows.map((r) => (typeof r === 'string' ? r : r.text)));
    assert.deepEqual(
      answers.map((a) => a.probabilities),
      whole.map((p) => p.probabilities),
    );
    // A model loaded from its folder streams the same answers.
    const again = await loadClassifier(join(dir, 'logreg.model'));
    assert.deepEqual(await collect(again.predictStream(rows)), answers);
    again.dispose();
    await assert.rejects(collect(clf.predictStream([{ words: 'x' } as never])), EmbError);
    await assert.rejects(collect(clf.predictStream(['x'], { batchSize: 0 })), /batchSize/);
  });

  test('predictStream reads no further ahead than one batch (constant memory)', async () => {
    const clf = await model('hybrid');
    let pulled = 0;
    async function* endless() {
      for (let i = 0; i < 5000; i++) {
        pulled++;
        yield i % 2 ? 'a charming, delightful film' : 'dull and painful';
      }
    }
    let taken = 0;
    for await (const p of clf.predictStream(endless(), { batchSize: 100 })) {
      taken++;
      assert.ok(pulled - taken < 100, `read ${pulled} texts, answered ${taken}`);
      assert.equal(p.label, taken % 2 === 0 ? 'pos' : 'neg');
    }
    assert.equal(taken, 5000);
  });

  test('openTexts and predictFile: every row of a file, empty texts and short rows included', async () => {
    const clf = await model('logreg');
    const path = write('mixed.csv', mixedCsv());
    const file = await openTexts(path, { id: 'id' });
    assert.equal(file.textColumn, 'text');
    assert.equal(file.idColumn, 'id');
    const rows = await collect(file.rows);
    assert.deepEqual(
      rows.map((r) => [r.id, r.text, r.line]),
      [
        ['1', 'a wonderful, brilliant film', 2],
        ['2', '', 3],
        ['3', 'qqzzx zzqqy', 4],
        ['4', '', 5],
        ['5', 'an awful "boring" mess', 6],
        ['6', 'two\nlines, great', 7],
        ['7', '', 9],
      ],
    );
    const answers = await collect(predictFile(clf, path, { id: 'id', batchSize: 2 }));
    assert.deepEqual(answers.map(shape), MIXED_ANSWERS);
    await assert.rejects(
      openTexts(path, { id: 'key' }),
      /mixed\.csv: no column "key"; the columns are "id", "text", "label"/,
    );
  });

  test('readLines: one text per line of a byte stream, blank lines kept', async () => {
    const bytes = Readable.from([Buffer.from('first\r\n\nsec'), Buffer.from('ond\rthird')]);
    assert.deepEqual(await collect(readLines(bytes)), ['first', '', 'second', 'third']);
    const latin1 = Readable.from([Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]);
    assert.deepEqual(await collect(readLines(latin1, { encoding: 'latin1' })), ['café']);
    const bad = Readable.from([Buffer.from('ok\nna'), Buffer.from([0xff, 0x0a])]);
    await assert.rejects(
      collect(readLines(bad)),
      /stdin: byte 5 \(line 2\): not valid UTF-8 \(0xff\)/,
    );
  });

  test('writePredictions: RFC 4180 CSV, one column per class, atomic', async () => {
    const clf = await model('logreg');
    const out = join(dir, 'lib-out.csv');
    const texts = ['great, "really" great', '', 'line one\nline two awful'];
    const count = await writePredictions(out, clf.predictStream(texts), { labels: clf.labels });
    assert.equal(count, 3);
    const rows = parseCsv(readFileSync(out, 'utf8'), ',', out).map((r) => r.fields);
    assert.deepEqual(rows[0], ['text', 'label', 'probability', 'pos', 'neg', 'unseen']);
    assert.deepEqual(
      rows.slice(1).map((r) => r[0]),
      texts,
    );
    assert.equal(rows[1][1], 'pos');
    assert.equal(Number(rows[1][2]), Math.max(Number(rows[1][3]), Number(rows[1][4])));
    assert.ok(Math.abs(Number(rows[1][3]) + Number(rows[1][4]) - 1) < 1e-5);
    assert.deepEqual(rows[2], ['', '', '', '', '', '']);
    assert.equal(rows[3][1], 'neg');
    // A class named like a column gets p_ before its name.
    await writePredictions(out, [], { labels: ['label', 'x'], idColumn: 'id' });
    assert.equal(readFileSync(out, 'utf8'), 'id,label,probability,p_label,x,unseen\n');

    // A failure part way leaves the old file as it was and no temporary file.
    async function* failing(): AsyncGenerator<RowPrediction> {
      yield* clf.predictStream(['great']);
      throw new EmbError('E_FORMAT', 'in.csv: line 3: broken CSV');
    }
    await assert.rejects(writePredictions(out, failing(), { labels: clf.labels }), /line 3/);
    assert.equal(readFileSync(out, 'utf8'), 'id,label,probability,p_label,x,unseen\n');
    assert.deepEqual(leftovers(), []);
  });

  test('writePredictions: a missing folder, a folder in the way, a link to a file', async () => {
    const labels = ['pos', 'neg'];
    await assert.rejects(
      writePredictions(join(dir, 'nowhere', 'out.csv'), [], { labels }),
      /nowhere\/out\.csv: cannot write, the folder .*nowhere does not exist/,
    );
    mkdirSync(join(dir, 'a-folder.csv'), { recursive: true });
    await assert.rejects(
      writePredictions(join(dir, 'a-folder.csv'), [], { labels }),
      /a-folder\.csv: is a folder; expected a file name to write to/,
    );
    const target = write('target.csv', 'old\n');
    symlinkSync(target, join(dir, 'link.csv'));
    await writePredictions(join(dir, 'link.csv'), [], { labels });
    assert.equal(readFileSync(target, 'utf8'), 'text,label,probability,pos,neg,unseen\n');
    assert.deepEqual(leftovers(), []);
  });
});

describe('emb predict', () => {
  test('--input: one answer per row, in order, empty texts included, ids passed through', async () => {
    await model('logreg');
    write('mixed.csv', mixedCsv());
    const j = emb(['predict', 'logreg.model', '--input', 'mixed.csv', '--id', 'id', '--json']);
    assert.equal(j.status, 0, j.stderr);
    const docs = jsonLines(j.stdout);
    assert.deepEqual(docs.map(shape), MIXED_ANSWERS);
    assert.deepEqual(Object.keys(docs[0]), [
      'id',
      'text',
      'label',
      'probability',
      'probabilities',
      'unseen',
    ]);
    assert.deepEqual(docs[1], {
      id: '2',
      text: '',
      label: null,
      probability: null,
      probabilities: null,
      reason: 'the text has no words',
    });
    // Text: the id first, one line per answer even for a text with a line break.
    const t = emb(['predict', 'logreg.model', '--input', 'mixed.csv', '--id', 'id']);
    assert.equal(t.status, 0, t.stderr);
    const lines = t.stdout.split('\n').slice(0, -1);
    assert.equal(lines.length, 7);
    assert.match(lines[1], /^2\t-\tthe text has no words\t$/);
    assert.match(lines[2], /^3\t(pos|neg)\t0\.\d{4}\tunseen\tqqzzx zzqqy$/);
    assert.match(lines[5], /^6\tpos\t[01]\.\d{4}\ttwo\\nlines, great$/);
  });

  test('--out: id (or text), label, probability, one column per class, unseen; replaced atomically', async () => {
    await model('logreg');
    write('mixed.csv', mixedCsv());
    write('answers.csv', 'an older file\n');
    const r = emb([
      'predict',
      'logreg.model',
      '--input',
      'mixed.csv',
      '--id',
      'id',
      '--out',
      'answers.csv',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /wrote 7 answers to answers\.csv/);
    const rows = parseCsv(readFileSync(join(dir, 'answers.csv'), 'utf8'), ',', 'a').map(
      (x) => x.fields,
    );
    assert.deepEqual(rows[0], ['id', 'label', 'probability', 'pos', 'neg', 'unseen']);
    assert.deepEqual(
      rows.slice(1).map((x) => [x[0], x[1] === '' ? null : 'label', x[5] === '' ? null : x[5]]),
      MIXED_ANSWERS.map(([id, label, unseen]) => [
        id,
        label,
        unseen === null ? null : String(unseen),
      ]),
    );
    // Without --id the text is the first column, quoted as RFC 4180 wants.
    const s = emb(['predict', 'logreg.model', '--out', 'lines.csv'], 'say "hi", great\nawful\n');
    assert.equal(s.status, 0, s.stderr);
    const text = readFileSync(join(dir, 'lines.csv'), 'utf8');
    assert.match(text, /^text,label,probability,pos,neg,unseen\n"say ""hi"", great",pos,/);
    assert.deepEqual(leftovers(), []);
  });

  test('stdin: every line gets its answer (CRLF, blank lines, no final line break); --input - reads a CSV', () => {
    const r = emb(['predict', 'logreg.model', '--json'], 'truly great\r\n\r\n  \nthe worst');
    assert.equal(r.status, 0, r.stderr);
    const docs = jsonLines(r.stdout);
    assert.deepEqual(
      docs.map((d) => [d.text, d.label]),
      [
        ['truly great', 'pos'],
        ['', null],
        ['  ', null],
        ['the worst', 'neg'],
      ],
    );
    const c = emb(['predict', 'logreg.model', '--input', '-', '--id', 'id'], mixedCsv());
    assert.equal(c.status, 0, c.stderr);
    assert.deepEqual(
      c.stdout
        .split('\n')
        .slice(0, -1)
        .map((l) => l.split('\t')[0]),
      ['1', '2', '3', '4', '5', '6', '7'],
    );
  });

  test('bad input: one line naming the file and place, exit 2, no output file', async () => {
    await model('logreg');
    write('mixed.csv', mixedCsv());
    fails(
      ['predict', 'logreg.model', '--input', 'mixed.csv', '--id', 'key', '--out', 'x.csv'],
      /mixed\.csv: no column "key"; the columns are "id", "text", "label"/,
    );
    fails(['predict', 'logreg.model', '--id', 'id'], /--id is for --input FILE/, 'great\n');
    fails(
      ['predict', 'logreg.model', '--input', 'mixed.csv', '--out', 'missing/x.csv'],
      /missing\/x\.csv: cannot write, the folder .*missing does not exist/,
    );
    mkdirSync(join(dir, 'taken.csv'), { recursive: true });
    fails(
      ['predict', 'logreg.model', '--input', 'mixed.csv', '--out', 'taken.csv'],
      /taken\.csv: is a folder; expected a file name to write to/,
    );
    // A model folder that is not one: a file, an empty folder, nothing.
    fails(['predict', 'mixed.csv', 'great'], /mixed\.csv: not a complete emb model folder/);
    mkdirSync(join(dir, 'empty.model'), { recursive: true });
    fails(['predict', 'empty.model', 'great'], /empty\.model: not a complete emb model folder/);
    fails(['predict', 'none.model', 'great'], /none\.model: no such model folder/);
    fails(['predict', 'logreg.model', '--input', 'none.csv'], /none\.csv: cannot read \(ENOENT\)/);
    assert.ok(!existsSync(join(dir, 'x.csv')));
    assert.deepEqual(leftovers(), []);
  });

  test('bad input far into a streamed file: the line of a broken quote, the byte of a bad one', () => {
    // 30,000 rows (about 1 MB): the errors lie well past the first pieces read and answered.
    let body = 'id,text\n';
    for (let i = 0; i < 30000; i++) body += `${i},"a great, good film ${i}"\n`;
    // Text after a closing quote joins the field, as Python's csv reads it, and is told once.
    write('stray.csv', `${body}30000,"closed"and more\n30001,fine\n`);
    const stray = emb([
      'predict',
      'logreg.model',
      '--input',
      'stray.csv',
      '--out',
      'stray-out.csv',
    ]);
    assert.equal(stray.status, 0, stray.stderr);
    assert.match(
      stray.stderr,
      /stray\.csv: 1 field has text after a closing quote \(the first on line 30002\)/,
    );
    const answers = readFileSync(join(dir, 'stray-out.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(answers.length, 30003);
    assert.match(answers[30001], /^closedand more,/); // the field read on, the quotes dropped
    write('unclosed.csv', `${body}30000,"never closed\n30001,fine\n`);
    fails(
      ['predict', 'logreg.model', '--input', 'unclosed.csv', '--out', 'unclosed-out.csv'],
      /unclosed\.csv: line 30002: broken CSV \(a quoted field opened here is never closed\)/,
    );
    write('bytes.csv', Buffer.concat([Buffer.from(`${body}30000,caf`), Buffer.from([0xe9, 0x0a])]));
    const at = Buffer.byteLength(body) + '30000,caf'.length;
    fails(
      ['predict', 'logreg.model', '--input', 'bytes.csv', '--out', 'bytes-out.csv'],
      new RegExp(
        `bytes\\.csv: byte ${at} \\(line 30002\\): not valid UTF-8 \\(0xe9\\); .*--encoding windows-1252`,
      ),
    );
    fails(
      ['predict', 'logreg.model'],
      /stdin: byte 10 \(line 2\): not valid UTF-8 \(0xff\)/,
      Buffer.concat([Buffer.from('great\nbad '), Buffer.from([0xff, 0x0a])]),
    );
    for (const f of ['unclosed-out.csv', 'bytes-out.csv']) assert.ok(!existsSync(join(dir, f)));
    assert.deepEqual(leftovers(), []);
  });

  test('an answer does not depend on the batch it was in: logreg and mlp at batch sizes 1 to 1,000', async () => {
    // docs/scale.md: TensorFlow.js's products must give the same bits whatever the batch.
    const texts = reviews(1000, 12).texts.map((t, i) => `${t} #${i}`);
    for (const kind of ['logreg', 'mlp'] as const) {
      const clf = await model(kind);
      const at = async (batchSize: number) =>
        JSON.stringify(await collect(clf.predictStream(texts, { batchSize })));
      const whole = await at(1000);
      for (const batchSize of [1, 3, 64, 999])
        assert.ok((await at(batchSize)) === whole, `${kind}, batches of ${batchSize}`);
    }
  });

  test('two processes over the two halves of an input answer byte for byte what one does', async () => {
    await model('hybrid');
    const texts = reviews(3000, 11).texts.map((t, i) => (i % 97 === 0 ? '' : `${t} #${i}`));
    const half = 1234; // not a multiple of the batch size: batches differ between the runs
    const rows = texts.map((t, i) => `${i},"${t}"`);
    write('all.csv', ['id,text', ...rows].join('\n') + '\n');
    write('part1.csv', ['id,text', ...rows.slice(0, half)].join('\n') + '\n');
    write('part2.csv', ['id,text', ...rows.slice(half)].join('\n') + '\n');
    const one = emb(['predict', 'hybrid.model', '--input', 'all.csv', '--id', 'id', '--json']);
    const a = emb(['predict', 'hybrid.model', '--input', 'part1.csv', '--id', 'id', '--json']);
    const b = emb(['predict', 'hybrid.model', '--input', 'part2.csv', '--id', 'id', '--json']);
    assert.equal(one.status, 0, one.stderr);
    assert.equal(one.stdout.split('\n').length, texts.length + 1);
    assert.ok(a.stdout + b.stdout === one.stdout, 'concatenated halves equal the whole');
    // Lines of stdin, and CSV output after each part's header.
    const lines = texts.join('\n') + '\n';
    const l1 = texts.slice(0, half).join('\n') + '\n';
    const l2 = texts.slice(half).join('\n') + '\n';
    const whole = emb(['predict', 'hybrid.model', '--out', 'whole.csv'], lines);
    const p1 = emb(['predict', 'hybrid.model', '--out', 'p1.csv'], l1);
    const p2 = emb(['predict', 'hybrid.model', '--out', 'p2.csv'], l2);
    assert.deepEqual([whole.status, p1.status, p2.status], [0, 0, 0]);
    const [w, c1, c2] = ['whole.csv', 'p1.csv', 'p2.csv'].map((f) =>
      readFileSync(join(dir, f), 'utf8'),
    );
    assert.ok(c1 + c2.slice(c2.indexOf('\n') + 1) === w, 'CSV parts without the second header');
  });
});
