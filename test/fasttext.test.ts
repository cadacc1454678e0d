import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readEmb } from '../src/formats/emb.js';
import { readFastTextBin } from '../src/formats/fasttext-bin.js';
import { readVectors, writeVectors } from '../src/formats/index.js';
import { EmbError } from '../src/errors.js';
import { cosAdd } from '../src/query/queries.js';
import { emb as cli } from './support/cli.js';
import { FIXTURES } from './support/datasets.js';

const BIN = `${FIXTURES}ft_tiny.bin`;
const dir = mkdtempSync(join(tmpdir(), 'emb-fasttext-'));
const model = readFastTextBin(BIN);

/** `fasttext print-word-vectors ft_tiny.bin < probe_words.txt`, as word -> vector. */
const probes = readFileSync(`${FIXTURES}probe_vectors.txt`, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => {
    const [word, ...values] = l.trim().split(' ');
    return { word, vector: values.map(Number) };
  });

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) d = Math.max(d, Math.abs(a[j] - b[j]));
  return d;
}

describe('fastText .bin', () => {
  test('header and dictionary', () => {
    assert.equal(model.rows, 15041);
    assert.equal(model.dims, 16);
    assert.deepEqual(model.subwords?.settings, { minn: 3, maxn: 6, bucket: 20000 });
    assert.equal(model.provenance.sourceFormat, 'fasttext-bin');
  });

  test('every probe word equals fasttext print-word-vectors within 1e-4 (in and out of vocabulary, non-ASCII, CJK, emoji)', () => {
    assert.equal(probes.length, 15);
    const unknown = probes.filter((p) => !model.vocab.has(p.word)).map((p) => p.word);
    for (const w of ['unfilmable', 'naïve', 'Daniël', '日本語', '😀', 'super-duper'])
      assert.ok(unknown.includes(w), w);
    for (const p of probes) {
      const v = model.vector(p.word);
      assert.ok(v, p.word);
      assert.equal(v.source, model.vocab.has(p.word) ? 'vocab' : 'subwords', p.word);
      assert.ok(maxDiff(v.vector, p.vector) < 1e-4, `${p.word}: ${maxDiff(v.vector, p.vector)}`);
    }
  });

  test('a capitalised spelling of a known word gets its own n-gram vector, as in fastText', () => {
    // echo Film | fasttext print-word-vectors ft_tiny.bin (fastText 0.9.2)
    const film = [
      -0.14389, -0.077199, -0.99863, 0.21164, 0.28615, 0.25599, -0.45988, -0.76922, 0.44744, 1.1151,
      0.22709, 0.25348, -0.12598, 0.62364, -0.3557, -0.30856,
    ];
    const v = model.vector('Film');
    assert.equal(v?.source, 'subwords');
    assert.ok(maxDiff(v!.vector, film) < 1e-4);
  });

  test('the word vectors equal the .vec fastText wrote, within 1e-4', () => {
    const lines = readFileSync(`${FIXTURES}ft_tiny.vec`, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean);
    assert.equal(lines.length, model.rows);
    lines.forEach((line, i) => {
      const [word, ...values] = line.trimEnd().split(' ');
      assert.equal(model.word(i), word);
      assert.ok(maxDiff(model.row(i), values.map(Number)) < 1e-4, word);
    });
  });

  test("neighbours in fastText's order (fasttext nn, ft_nn.txt)", () => {
    const out = readFileSync(`${FIXTURES}ft_nn.txt`, 'utf8')
      .replace(/Query word\? /g, '\n')
      .split('\n')
      .filter(Boolean);
    const expected = out.map((l) => l.split(' ')[0]);
    ['film', 'unfilmable', 'moviegoers', 'café'].forEach((query, q) => {
      const r = cosAdd(model, [{ word: query, weight: 1 }], { top: 5 });
      assert.deepEqual(
        r.results.map((n) => n.word),
        expected.slice(q * 5, q * 5 + 5),
        query,
      );
      assert.deepEqual(r.subwords, query === 'unfilmable' ? ['unfilmable'] : []);
    });
  });

  test('.bin -> .emb keeps the buckets: a mapped .emb gives the same vectors for unknown words', () => {
    const out = join(dir, 'ft.emb');
    writeVectors(model, out, 'emb');
    const mapped = readEmb(out);
    assert.deepEqual(mapped.subwords?.settings, model.subwords?.settings);
    assert.deepEqual(mapped.matrix, model.matrix);
    for (const p of probes)
      assert.deepEqual(mapped.vector(p.word)?.vector, model.vector(p.word)?.vector, p.word);
    const converted = cli(['convert', BIN, join(dir, 'cli.emb'), '--json']);
    assert.equal(converted.status, 0, converted.stderr);
    const viaCli = readVectors(join(dir, 'cli.emb')).embeddings;
    assert.deepEqual(viaCli.vector('unfilmable')?.vector, model.vector('unfilmable')?.vector);
  });

  test('similar and eval say when they used subword vectors', () => {
    const s = cli(['similar', '--vectors', BIN, '--top', '3', 'unfilmable']);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stderr, /subword n-grams.*"unfilmable"/);
    assert.equal(s.stdout.split('\n')[0].split('\t')[0], 'competent');
    const pairs = join(dir, 'pairs.tsv');
    writeFileSync(pairs, 'film\tmovie\t9\nunfilmable\tfilm\t5\nfilm\tthe\t1\n');
    const e = cli(['eval', 'similarity', pairs, '--vectors', BIN, '--json']);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).pairs, 3);
    assert.match(e.stderr, /1 pairs used n-gram vectors/);
    const analogies = join(dir, 'analogies.txt');
    writeFileSync(
      analogies,
      ': s\ngood better bad worse\nfilm films unfilmable movie\nfilm films qqqzzz movie\n',
    );
    const a = cli(['eval', 'analogy', analogies, '--vectors', BIN, '--json']);
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual([JSON.parse(a.stdout).total, JSON.parse(a.stdout).skipped], [3, 0]);
    assert.match(a.stderr, /2 questions used n-gram vectors/);
    const b = cli(['eval', 'analogy', analogies, '--vectors', BIN, '--json', '--no-subwords']);
    assert.deepEqual([JSON.parse(b.stdout).total, JSON.parse(b.stdout).skipped], [1, 2]);
    const off = cli(['eval', 'similarity', pairs, '--vectors', BIN, '--json', '--no-subwords']);
    assert.deepEqual([JSON.parse(off.stdout).pairs, JSON.parse(off.stdout).oov], [2, 1]);
  });
});

describe('fastText .bin: bad input', () => {
  const bytes = readFileSync(BIN);
  const variant = (name: string, edit: (b: Buffer) => Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, edit(Buffer.from(bytes)));
    return p;
  };
  // The input matrix header follows the quantization flag: int64 rows (words + buckets), int64 dim.
  const matrixHeader = Buffer.alloc(17);
  matrixHeader.writeBigInt64LE(BigInt(15041 + 20000), 1);
  matrixHeader.writeBigInt64LE(16n, 9);
  const flagAt = bytes.indexOf(matrixHeader);
  const dataAt = flagAt + 17;

  const cases: [string, string, RegExp][] = [
    [
      'truncated inside the matrix',
      variant('truncated.bin', (b) => b.subarray(0, dataAt + 1000)),
      new RegExp(
        `truncated\\.bin: byte ${dataAt + 1000}: the file ends inside the input matrix.*from byte ${dataAt}`,
      ),
    ],
    [
      'an unsupported version',
      variant('v13.bin', (b) => (b.writeInt32LE(13, 4), b)),
      /v13\.bin: byte 4: fastText model version 13, expected 11 or 12/,
    ],
    [
      'a quantized model',
      variant('quant.bin', (b) => ((b[flagAt] = 1), b)),
      /quant\.bin: a quantized fastText model \(\.ftz\)/,
    ],
    [
      'truncated inside the dictionary',
      variant('dict.bin', (b) => b.subarray(0, 5000)),
      /dict\.bin: byte 5000: the file ends inside the dictionary/,
    ],
  ];
  for (const [what, path, message] of cases) {
    test(`${what}: an EmbError, and one line with exit code 2 from the CLI`, () => {
      assert.throws(
        () => readFastTextBin(path),
        (e: EmbError) => e instanceof EmbError && message.test(e.message),
      );
      const r = cli(['similar', '--vectors', path, 'film']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }

  test('the flag found above really is the quantization byte', () => {
    assert.ok(flagAt > 64 && bytes[flagAt] === 0);
    const copy = join(dir, 'copy.bin');
    copyFileSync(BIN, copy);
    assert.equal(readFastTextBin(copy).rows, 15041);
  });
});
