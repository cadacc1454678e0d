import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { prepareDefault } from '../src/api/convert.js';
import { Embeddings } from '../src/embeddings/embeddings.js';
import { Vocabulary } from '../src/embeddings/vocabulary.js';
import { evalVocabulary } from '../src/query/eval-vocabulary.js';
import { analogyTopK } from '../src/embeddings/analogy-kernel.js';
import { native } from '../src/native/addon.js';
import { readEmb } from '../src/formats/emb.js';
import { EmbError } from '../src/errors.js';
import { parseAnalogySet, readAnalogySet } from '../src/query/analogy-set.js';
import { pearson, ranks, spearman } from '../src/query/correlation.js';
import { evaluateAnalogies, evaluatePairs } from '../src/query/evaluate.js';
import { parsePairSet, readPairSet } from '../src/query/pair-set.js';
import { emb as cli } from './support/cli.js';
import { DATA } from './support/datasets.js';

const QUESTIONS = `${DATA}analogy/questions-words.txt`;
const WORDSIM = `${DATA}wordsim353/wordsim353.tsv`;
const FARUQUI = `${DATA}wordsim353/faruqui/`;
const four = (x: number | null) => (x === null ? 'null' : x.toFixed(4));

describe('evaluation on GloVe 6B 100d, pinned to gensim 4.2', () => {
  let glove: Embeddings;
  before(async () => {
    glove = readEmb((await prepareDefault()).path);
  });

  test('questions-words at restrict 30000: 0.6567 (10032 / 15276), semantic 0.6608, syntactic 0.6540', () => {
    const s = evaluateAnalogies(glove, readAnalogySet(QUESTIONS), { restrict: 30000 });
    assert.equal(s.correct, 10032);
    assert.equal(s.total, 15276);
    assert.equal(s.skipped, 19544 - 15276);
    assert.equal(four(s.accuracy), '0.6567');
    assert.equal(four(s.semantic.accuracy), '0.6608');
    assert.equal(four(s.syntactic.accuracy), '0.6540');
    assert.equal(s.sections.length, 14);
    assert.deepEqual(s.sections.filter((x) => x.section.startsWith('gram')).length, 9);
  });

  test('questions-words at restrict 300000 (the default): 0.6349 (12372 / 19486)', () => {
    const s = evaluateAnalogies(glove, readAnalogySet(QUESTIONS));
    assert.equal(s.correct, 12372);
    assert.equal(s.total, 19486);
    assert.equal(s.skipped, 58);
    assert.equal(four(s.accuracy), '0.6349');
  });

  test('WordSim-353 (gensim copy): Spearman 0.5327, Pearson 0.5484, no OOV', () => {
    const s = evaluatePairs(glove, readPairSet(WORDSIM));
    assert.equal(four(s.spearman), '0.5327');
    assert.equal(four(s.pearson), '0.5484');
    assert.equal(s.pairs, 353);
    assert.equal(s.oov, 0);
  });

  // gensim 4.2 evaluate_word_pairs on the same vectors (bench/peers/evaluate_gensim.py).
  const gensimPairs: [string, number, number, number][] = [
    ['EN-WS-353-ALL.txt', 0.5327354323238274, 0.5483502231756461, 353],
    ['EN-WS-353-SIM.txt', 0.6035208452876207, 0.5941813095461251, 203],
    ['EN-WS-353-REL.txt', 0.4955440478219759, 0.5427605271203725, 252],
  ];
  for (const [file, rho, r, n] of gensimPairs) {
    test(`${file}: Spearman ${rho.toFixed(4)}, Pearson ${r.toFixed(4)} as gensim`, () => {
      const s = evaluatePairs(glove, readPairSet(FARUQUI + file));
      assert.equal(four(s.spearman), rho.toFixed(4));
      assert.equal(four(s.pearson), r.toFixed(4));
      assert.ok(
        Math.abs(s.spearman - rho) < 1e-6 && Math.abs(s.pearson - r) < 1e-6,
        `${s.spearman} ${s.pearson}`,
      );
      assert.equal(s.pairs, n);
    });
  }

  test('case-sensitive evaluation skips the capitalised questions', () => {
    const s = evaluateAnalogies(glove, readAnalogySet(QUESTIONS), {
      restrict: 30000,
      caseSensitive: true,
    });
    // GloVe 6B is lower-cased: every question with a capitalised word is skipped.
    assert.ok(s.total < 15276 && s.total > 0, `${s.total}`);
  });

  test(
    'the JavaScript fallback gives the native kernel answers, bit for bit',
    { skip: !native && 'native addon not built' },
    () => {
      const set = readAnalogySet(QUESTIONS);
      const sections = set.map((sec) => ({ ...sec, questions: sec.questions.slice(0, 60) }));
      for (const method of ['3cosadd', '3cosmul'] as const) {
        const a = evaluateAnalogies(glove, sections, { restrict: 20000, method });
        const b = evaluateAnalogies(glove, sections, { restrict: 20000, method, native: false });
        assert.deepEqual(a, b);
      }
      // The raw top five and their scores, over rows that do not divide into blocks evenly.
      const dims = glove.dims;
      const words = new Float32Array(40 * dims);
      for (let u = 0; u < 40; u++) words.set(glove.unitRow(u * 13), u * dims);
      const batch = {
        words,
        wordRows: Int32Array.from({ length: 40 }, (_, u) => u * 13),
        questions: Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 40),
      };
      for (const method of ['3cosadd', '3cosmul'] as const) {
        const n = analogyTopK(glove.matrix, dims, 12345, glove.scale, batch, method, 5, true);
        const j = analogyTopK(glove.matrix, dims, 12345, glove.scale, batch, method, 5, false);
        assert.deepEqual(n.rows, j.rows);
        assert.deepEqual(n.scores, j.scores);
      }
    },
  );

  test('3CosMul at restrict 30000: 9697 / 15276, as gensim most_similar_cosmul under the same protocol', () => {
    // bench/peers/cosmul_gensim.py (gensim's evaluation has no 3CosMul of its own).
    const s = evaluateAnalogies(glove, readAnalogySet(QUESTIONS), {
      restrict: 30000,
      method: '3cosmul',
    });
    assert.equal(s.total, 15276);
    assert.equal(s.correct, 9697);
  });
});

describe('analogy and pair sets', () => {
  test('sections, blank lines and CRLF', () => {
    const set = parseAnalogySet(
      [': capitals', 'athens greece baghdad iraq\r', '', ': gram-x', 'a b c d'],
      'x.txt',
    );
    assert.deepEqual(
      set.map((s) => [s.name, s.questions.length]),
      [
        ['capitals', 1],
        ['gram-x', 1],
      ],
    );
  });

  test('a line with three words is an error naming the file and line', () => {
    assert.throws(
      () => parseAnalogySet([': s', 'a b c d', 'a b c'], 'set.txt'),
      (e: EmbError) =>
        e.code === 'E_INPUT' && /set\.txt: line 3: expected four words/.test(e.message),
    );
  });

  test('a question before any section, and a set with no question, are errors', () => {
    assert.throws(() => parseAnalogySet(['a b c d'], 'set.txt'), /line 1: a question before/);
    assert.throws(() => parseAnalogySet([': s', ''], 'set.txt'), /set\.txt: no analogy questions/);
  });

  test('pairs: tabs, commas, spaces, comments, a header line and CRLF', () => {
    const pairs = parsePairSet(
      [
        '# comment',
        'Word 1,Word 2,Human (mean)',
        'love,sex,6.77\r',
        'tiger\tcat\t7.35',
        'a  b 1e1',
        '',
      ],
      'p.csv',
    );
    assert.deepEqual(
      pairs.map((p) => [p.a, p.b, p.score, p.line]),
      [
        ['love', 'sex', 6.77, 3],
        ['tiger', 'cat', 7.35, 4],
        ['a', 'b', 10, 5],
      ],
    );
  });

  test('pairs: a non-numeric score after the first line is an error; an empty set too', () => {
    assert.throws(
      () => parsePairSet(['a b 1', 'c d x'], 'p.txt'),
      /p\.txt: line 2: expected a numeric score in the third column, found "x"/,
    );
    assert.throws(
      () => parsePairSet(['a b 1', 'c d'], 'p.txt'),
      /p\.txt: line 2: expected "word1 word2 score"/,
    );
    assert.throws(() => parsePairSet(['# nothing'], 'p.txt'), /p\.txt: no word pairs/);
  });
});

describe('question vocabulary', () => {
  const words = ['the', 'Paris', 'paris', 'PARIS', 'ıx', 'ix', 'straße', 'far'];
  const tiny = Embeddings.fromRows(
    Vocabulary.build(words),
    new Float32Array(words.length * 2).fill(1),
    2,
    { source: 'test', sourceFormat: 'emb' },
  );

  test('case-insensitive: upper-cased, the first (most frequent) variant wins, within restrict', () => {
    const v = evalVocabulary(tiny, 7, false, ['paris', 'IX', 'STRASSE', 'far', 'nope']);
    assert.equal(v.row(v.key('paris')), 1);
    assert.equal(v.row('IX'), 4); // "ı" upper-cases to "I", as in Python
    assert.equal(v.row(v.key('straße')), 6);
    assert.equal(v.row('FAR'), -1); // row 7 is outside restrict 7
    assert.equal(v.row('NOPE'), -1);
  });

  test('case-sensitive: exact spelling within restrict', () => {
    const v = evalVocabulary(tiny, 7, true, []);
    assert.deepEqual(
      ['paris', 'PARIS', 'Paris', 'far'].map((w) => v.row(v.key(w))),
      [2, 3, 1, -1],
    );
  });
});

describe('correlation', () => {
  // scipy.stats 1.10: rankdata, spearmanr and pearsonr of these values.
  const x = [1, 2, 2, 3, 5, 5, 5, 0.5];
  const y = [0.3, 0.1, 0.1, 0.9, 0.7, 0.2, 0.2, 0.4];
  test('ties share their average rank', () => {
    assert.deepEqual(Array.from(ranks(x)), [2, 3.5, 3.5, 5, 7, 7, 7, 1]);
  });
  test('Spearman and Pearson agree with scipy', () => {
    assert.ok(Math.abs(spearman(x, y) - 0.06212258693380329) < 1e-12);
    assert.ok(Math.abs(pearson(x, y) - 0.1526385882473021) < 1e-12);
  });
  test('a constant side gives NaN', () => {
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  });
});

describe('emb eval (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emb-eval-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  test('--json prints exactly the documented keys', () => {
    const analogies = file(
      'small.txt',
      ': capital-common-countries\nathens greece baghdad iraq\nathens greece bangkok thailand\n: gram3-comparative\nbad worse big bigger\nzzqx zzqy good better\n',
    );
    const a = cli(['eval', 'analogy', analogies, '--restrict', '30000', '--json']);
    assert.equal(a.status, 0, a.stderr);
    const doc = JSON.parse(a.stdout);
    assert.deepEqual(Object.keys(doc), [
      'accuracy',
      'correct',
      'total',
      'skipped',
      'semantic',
      'syntactic',
      'sections',
    ]);
    assert.equal(doc.total, 3);
    assert.equal(doc.skipped, 1);
    assert.deepEqual(
      doc.sections.map((s: { section: string }) => s.section),
      ['capital-common-countries', 'gram3-comparative'],
    );
    const s = cli(['eval', 'similarity', WORDSIM, '--json']);
    assert.equal(s.status, 0, s.stderr);
    const pairs = JSON.parse(s.stdout);
    assert.deepEqual(Object.keys(pairs), ['spearman', 'pearson', 'pairs', 'oov']);
    assert.equal(pairs.spearman.toFixed(4), '0.5327');
  });

  test('without the native addon (EMB_NO_NATIVE) the CLI prints the same figures', () => {
    const set = file(
      'fallback.txt',
      ': family\nboy girl brother sister\nboy girl father mother\nking queen man woman\n: gram2-opposite\nacceptable unacceptable aware unaware\n',
    );
    const args = ['eval', 'analogy', set, '--restrict', '30000', '--json'];
    const withNative = cli(args);
    const without = cli(args, { env: { EMB_NO_NATIVE: '1' } });
    assert.equal(without.status, 0, without.stderr);
    assert.equal(without.stdout, withNative.stdout);
    assert.equal(JSON.parse(without.stdout).total, 4);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'an analogy line with three words',
      ['analogy', file('three.txt', ': s\na b c d\na b c\n')],
      /three\.txt: line 3: expected four words/,
    ],
    [
      'a non-numeric score',
      ['similarity', file('score.tsv', 'w1\tw2\tscore\nlove\tsex\t6.77\ntiger\tcat\thigh\n')],
      /score\.tsv: line 3: expected a numeric score/,
    ],
    [
      'an empty analogy set',
      ['analogy', file('empty.txt', '')],
      /empty\.txt: no analogy questions/,
    ],
    [
      'an empty pair set',
      ['similarity', file('empty.tsv', '# only a comment\n')],
      /empty\.tsv: no word pairs/,
    ],
    ['a missing file', ['analogy', join(dir, 'nope.txt')], /nope\.txt: cannot read/],
    ['no file argument', ['analogy'], /missing required argument 'file'/],
  ];
  for (const [what, args, message] of bad) {
    test(`${what}: one line on stderr, exit code 2`, () => {
      const r = cli(['eval', ...args]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    });
  }
});
