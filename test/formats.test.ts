/**
 * Readers agree with the files gensim and fastText wrote, and every writer round-trips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readVectors, sniffFormat, writeVectors, WRITABLE_FORMATS } from '../src/formats/index.js';
import { Embeddings } from '../src/embeddings/embeddings.js';
import { Vocabulary } from '../src/embeddings/vocabulary.js';
import { parseNumber } from '../src/formats/numbers.js';
import { formatFloat32 } from '../src/formats/float-text.js';
import { FIXTURES } from './support/datasets.js';

const tmp = mkdtempSync(join(tmpdir(), 'emb-formats-'));

/** Every word and every value, bit for bit. */
function assertSameVectors(a: Embeddings, b: Embeddings, what: string): void {
  assert.equal(a.rows, b.rows, `${what}: rows`);
  assert.equal(a.dims, b.dims, `${what}: dims`);
  assert.deepEqual(a.vocab.words(), b.vocab.words(), `${what}: words`);
  assert.ok(
    a.matrix.every((v, i) => Object.is(v, b.matrix[i])),
    `${what}: values differ`,
  );
}

test('word2vec binary, word2vec text and GloVe text from gensim load to the same vectors', () => {
  const bin = readVectors(`${FIXTURES}w2v_tiny.bin`);
  const txt = readVectors(`${FIXTURES}w2v_tiny.txt`);
  const glove = readVectors(`${FIXTURES}glove_tiny.txt`);
  assert.equal(bin.format, 'word2vec-binary');
  assert.equal(txt.format, 'word2vec-text');
  assert.equal(glove.format, 'glove-text');
  assert.equal(bin.embeddings.rows, 9645);
  assert.equal(bin.embeddings.dims, 16);
  // gensim writes text with repr() of float32, which reads back to the same float32.
  assertSameVectors(bin.embeddings, txt.embeddings, 'bin vs txt');
  assertSameVectors(bin.embeddings, glove.embeddings, 'bin vs glove');
});

test('fastText .vec reads with its header, and every word is found by the index', () => {
  const { embeddings: e, format } = readVectors(`${FIXTURES}ft_tiny.vec`);
  assert.equal(format, 'fasttext-vec');
  assert.equal(e.rows, 15041);
  assert.equal(e.dims, 16);
  const words = e.vocab.words();
  words.forEach((w, i) => assert.equal(e.vocab.index(w), i));
  // First row checked against the file's own text.
  const line = readFileSync(`${FIXTURES}ft_tiny.vec`, 'utf8').split('\n')[1].trim().split(' ');
  assert.equal(words[0], line[0]);
  assert.deepEqual(
    Array.from(e.row(0)),
    line.slice(1).map((x) => Math.fround(Number(x))),
  );
});

test('every writer round-trips the vectors exactly', () => {
  const source = readVectors(`${FIXTURES}w2v_tiny.bin`).embeddings;
  for (const format of WRITABLE_FORMATS) {
    const path = join(tmp, `roundtrip.${format}`);
    writeVectors(source, path, format);
    const back = readVectors(path);
    assert.equal(back.format, format === 'word2vec-text' ? 'word2vec-text' : format);
    assertSameVectors(source, back.embeddings, format);
    assert.deepEqual(Array.from(back.embeddings.norms), Array.from(source.norms));
  }
  assert.deepEqual(
    readdirSync(tmp).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );
});

test('the .emb file keeps provenance and answers lookups from the mapped index', () => {
  const source = readVectors(`${FIXTURES}glove_tiny.txt`).embeddings;
  const path = join(tmp, 'prov.emb');
  writeVectors(source, path, 'emb');
  const back = readVectors(path).embeddings;
  assert.equal(back.provenance.sourceFormat, 'glove-text');
  assert.match(back.provenance.source, /glove_tiny\.txt$/);
  assert.match(back.provenance.tool ?? '', /^emb \d/);
  assert.equal(back.lookup('film')?.row, source.lookup('film')?.row);
  assert.equal(back.lookup('notawordatall'), undefined);
});

test('sniffing tells the formats apart by content', () => {
  assert.equal(sniffFormat(`${FIXTURES}w2v_tiny.bin`), 'word2vec-binary');
  assert.equal(sniffFormat(`${FIXTURES}w2v_tiny.txt`), 'word2vec-text');
  assert.equal(sniffFormat(`${FIXTURES}glove_tiny.txt`), 'glove-text');
  assert.equal(sniffFormat(`${FIXTURES}ft_tiny.vec`), 'fasttext-vec');
  assert.equal(sniffFormat(`${FIXTURES}ft_tiny.bin`), 'fasttext-bin');
});

test('BOM, CRLF line ends, tabs and a missing final newline are accepted', () => {
  const path = join(tmp, 'crlf.txt');
  writeFileSync(path, '\ufeff2 3\r\nhello 1 2 3\r\nw\u00f6rld\t4 5 6');
  const e = readVectors(path).embeddings;
  assert.deepEqual(e.vocab.words(), ['hello', 'wörld']);
  assert.deepEqual(Array.from(e.row(1)), [4, 5, 6]);
});

test('GloVe lines whose word has spaces in it (as in GloVe 840B) keep the whole word', () => {
  const path = join(tmp, 'spaces.txt');
  writeFileSync(path, 'a 1 2\n. . . 3 4\nb 5 6\n');
  const e = readVectors(path).embeddings;
  assert.deepEqual(e.vocab.words(), ['a', '. . .', 'b']);
  assert.deepEqual(Array.from(e.row(1)), [3, 4]);
});

test('property: numbers parse exactly as JavaScript (and Python) read them', () => {
  const enc = new TextEncoder();
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      for (const s of [String(x), x.toExponential(), x.toFixed(Math.min(20, 6))]) {
        const bytes = enc.encode(s);
        assert.ok(
          Object.is(parseNumber(bytes, 0, bytes.length), Number(s)) ||
            (Number(s) === 0 && parseNumber(bytes, 0, bytes.length) === 0),
          s,
        );
      }
    }),
    { numRuns: 3000 },
  );
  for (const bad of ['', '-', '1.2.3', 'nan', 'inf', '0x10', '1e', '--1', 'Infinity']) {
    const bytes = enc.encode(bad);
    assert.ok(Number.isNaN(parseNumber(bytes, 0, bytes.length)), bad);
  }
});

test('property: float32 values print short and read back identical', () => {
  fc.assert(
    fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const s = formatFloat32(x);
      assert.ok(
        Object.is(Math.fround(Number(s)), x) || (x === 0 && Number(s) === 0),
        `${x} -> ${s}`,
      );
      assert.ok(
        s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length <= 9,
        s,
      );
    }),
    { numRuns: 5000 },
  );
});

test('property: random vocabularies and values survive text and binary round trips', () => {
  const word = fc
    .string({ minLength: 1, maxLength: 12, unit: 'grapheme' })
    .filter((w) => !/[\s]/.test(w) && !/^\d+$/.test(w));
  fc.assert(
    fc.property(
      fc.uniqueArray(word, { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 1, max: 6 }),
      fc.infiniteStream(fc.float({ noNaN: true, noDefaultInfinity: true })),
      (words, dims, values) => {
        const it = values[Symbol.iterator]();
        const matrix = Float32Array.from(
          { length: words.length * dims },
          () => it.next().value as number,
        );
        const emb = Embeddings.fromRows(Vocabulary.build(words), matrix, dims, {
          source: 'memory',
          sourceFormat: 'test',
        });
        for (const format of WRITABLE_FORMATS) {
          const path = join(tmp, `prop.${format}`);
          writeVectors(emb, path, format);
          const back = readVectors(path, { format: format }).embeddings;
          assertSameVectors(emb, back, format);
        }
      },
    ),
    { numRuns: 60 },
  );
});
