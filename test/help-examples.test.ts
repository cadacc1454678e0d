/**
 * Every example in every --help runs as written (issue 15), with the bundled vectors: in a
 * folder that holds, under the names the examples use, small real files of the formats they
 * name (a few hundred MR, SMS and SST-2 texts; the reference fixtures as word2vec, GloVe and
 * fastText files; the public evaluation sets). Examples run in the order --help lists the
 * commands, so that a model an example trains is there for the next one to use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openVectors } from '../src/index.js';
import { Vocabulary, writeVectors } from '../src/advanced.js';
import { Embeddings } from '../src/embeddings/embeddings.js';
import { csvLine } from '../src/text/csv-line.js';
import { emb } from './support/cli.js';
import { DATA, FIXTURES, loadMR, loadSMS, loadSST2 } from './support/datasets.js';

const BIN = fileURLToPath(new URL('../bin/emb.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'emb-examples-'));

const csv = (rows: string[][]) => rows.map(csvLine).join('');
/** n texts taken evenly through each class in turn (MR and SMS are sorted by class). */
function rowsOf(set: { texts: string[]; labels: number[]; classes: string[] }, n: number) {
  const byClass = set.classes.map((_, c) => set.labels.flatMap((y, i) => (y === c ? [i] : [])));
  return Array.from({ length: n }, (_, i) => {
    const members = byClass[i % byClass.length];
    const j = members[(Math.floor(i / byClass.length) * 7) % members.length];
    return [set.texts[j], set.classes[set.labels[j]]];
  });
}

const mr = rowsOf(loadMR(), 160);
writeFileSync(join(dir, 'reviews.csv'), csv([['text', 'label'], ...mr]));
writeFileSync(join(dir, 'spam.csv'), csv([['text', 'label'], ...rowsOf(loadSMS(), 300)]));
const sst = (part: 'train' | 'test', n: number) => rowsOf(loadSST2(part), n);
const tsv = (rows: string[][]) =>
  rows.map((r) => `${r[1]}\t${r[0].replace(/\t/g, ' ')}\n`).join('');
writeFileSync(join(dir, 'sst-train.tsv'), `label\ttext\n${tsv(sst('train', 300))}`);
writeFileSync(join(dir, 'sst-test.tsv'), `label\ttext\n${tsv(sst('test', 200))}`);
writeFileSync(join(dir, 'sst-train.csv'), csv([['text', 'label'], ...sst('train', 300)]));
writeFileSync(join(dir, 'sst-test.csv'), csv([['text', 'label'], ...sst('test', 200)]));
writeFileSync(
  join(dir, 'new.csv'),
  csv([['id', 'text'], ...mr.slice(0, 20).map(([text], i) => [`r${i}`, text])]),
);
writeFileSync(
  join(dir, 'texts.txt'),
  mr
    .slice(0, 10)
    .map(([t]) => t)
    .join('\n') + '\n',
);
writeFileSync(join(dir, 'words.txt'), 'frog\nking queen\n');
// emb pretrain's corpora: MR's texts one per line, SMS texts in a CSV column "body", notes.
const corpus = rowsOf(loadMR(), 3000).map(([t]) => t);
writeFileSync(join(dir, 'corpus.txt'), corpus.join('\n') + '\n');
writeFileSync(
  join(dir, 'tickets.csv'),
  csv([['id', 'body'], ...rowsOf(loadSMS(), 1000).map(([t], i) => [`t${i}`, t])]),
);
mkdirSync(join(dir, 'notes'));
for (let f = 0; f < 3; f++)
  writeFileSync(join(dir, 'notes', `n${f}.txt`), corpus.slice(f * 500, f * 500 + 500).join('\n'));
copyFileSync(`${DATA}analogy/questions-words.txt`, join(dir, 'questions-words.txt'));
copyFileSync(`${DATA}wordsim353/wordsim353.tsv`, join(dir, 'wordsim353.tsv'));
copyFileSync(`${DATA}wordsim353/faruqui/EN-WS-353-SIM.txt`, join(dir, 'EN-WS-353-SIM.txt'));
// The vector files the examples name, in their formats, small.
copyFileSync(`${FIXTURES}glove_tiny.txt`, join(dir, 'glove.6B.300d.txt'));
copyFileSync(`${FIXTURES}ft_tiny.vec`, join(dir, 'crawl-300d-2M.vec'));
copyFileSync(`${FIXTURES}ft_tiny.bin`, join(dir, 'crawl-300d-2M.bin'));
copyFileSync(`${FIXTURES}w2v_tiny.bin`, join(dir, 'GoogleNews-vectors-negative300.bin'));
writeFileSync(
  join(dir, 'my-analogies.txt'),
  ': gender\nman woman king queen\nboy girl man woman\n: comparative\ngood better bad worse\nbig bigger small smaller\n',
);
{
  // An .emb of the bundled vectors' first 20,000 words (frog among them).
  const glove = (await openVectors()).embeddings;
  const n = 20000;
  const words = Array.from({ length: n }, (_, i) => glove.word(i));
  const rows = new Float32Array(n * glove.dims);
  for (let i = 0; i < n; i++) rows.set(glove.row(i), i * glove.dims);
  const small = Embeddings.fromRows(Vocabulary.build(words), rows, glove.dims, {
    ...glove.provenance,
    source: 'the bundled GloVe, first 20,000 words',
  });
  writeVectors(small, join(dir, 'crawl-300d-2M.emb'), 'emb');
  writeVectors(small, join(dir, 'vectors.emb'), 'emb');
}
// `emb` on the PATH, as an installed package puts it.
mkdirSync(join(dir, 'bin'));
writeFileSync(join(dir, 'bin', 'emb'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
  mode: 0o755,
});

/** The example lines of a help text, comments cut off. */
function examplesOf(help: string): string[] {
  const out: string[] = [];
  let inExamples = false;
  for (const line of help.split('\n')) {
    if (/^Examples?:$/.test(line)) inExamples = true;
    else if (inExamples && /^ {2}\S/.test(line)) out.push(line.trim().replace(/\s+#.*$/, ''));
    else if (inExamples && line.trim() === '') inExamples = false;
  }
  return out;
}

/**
 * The examples of a command's --help and of its subcommands' (the root's own only: its
 * commands are tested one by one below).
 */
function examples(command: string[]): string[] {
  const help = emb([...command, '--help']).stdout;
  const out = examplesOf(help);
  if (command.length === 0) return out;
  const subcommands = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(help)?.[1] ?? '';
  for (const m of subcommands.matchAll(/^ {2}([a-z-]+)/gm))
    if (m[1] !== 'help') out.push(...examples([...command, m[1]]));
  return out;
}

const commandNames = [
  ...(/\nCommands:\n([\s\S]*?)\n\n/.exec(emb(['--help']).stdout)?.[1] ?? '').matchAll(
    /^ {2}([a-z-]+)/gm,
  ),
]
  .map((m) => m[1])
  .filter((c) => c !== 'help');

test('the commands are found, each with examples', () => {
  assert.ok(commandNames.length >= 12, commandNames.join(' '));
  for (const c of commandNames) assert.ok(examples([c]).length > 0, `${c} --help has examples`);
});

const ran = new Set<string>();
for (const command of ['', ...commandNames]) {
  test(`every example of emb ${command || ''} --help runs as written`.replace('  ', ' '), () => {
    // An example shown twice (the root's and its command's) runs once: a second
    // `emb compare reviews.csv` would rightly refuse to replace the first one's report.
    for (const line of examples(command ? [command] : []).filter((l) => !ran.has(l))) {
      ran.add(line);
      const r = spawnSync('bash', ['-c', line], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
          HOME: dir,
          EMB_QUIET: '1',
        },
      });
      assert.equal(r.status, 0, `${line}\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${line}: no stack trace`);
    }
  });
}

// The folders and files the examples wrote are where they said.
test('what the examples wrote is there', () => {
  for (const path of ['reviews.model', 'report/report.md', 'corpora/spam.csv', 'glove300.emb'])
    assert.ok(
      spawnSync('test', ['-e', join(dir, path)]).status === 0,
      `${path} in ${dirname(join(dir, path))}`,
    );
});
