/**
 * The defects of issue 8 in the vector-file code, each reproduced: a damaged .emb (section
 * table, metadata, word index, checksums), absurd headers and options, vector paths that are
 * not files, a full disk, Ctrl-C during a conversion, temporaries a killed run left behind,
 * and a mapped file truncated under a running query.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emb, type Run } from './support/cli.js';
import { FIXTURES } from './support/datasets.js';
import { reseal, sections as table } from './support/mutate.js';
import { readEmb } from '../src/formats/emb.js';

const dir = mkdtempSync(join(tmpdir(), 'emb-robust-'));
const BIN = fileURLToPath(new URL('../bin/emb.js', import.meta.url));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Exit 2, one line naming `path` and matching `message`, no stack trace, no signal. */
function assertClean(r: Run, path: string, message: RegExp): void {
  assert.equal(r.signal, null, 'no signal');
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.ok(lines[0].includes(path), `names ${path}: ${lines[0]}`);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

const good = join(dir, 'good.emb');
assert.equal(emb(['convert', `${FIXTURES}w2v_tiny.bin`, good]).status, 0);
const bytes = readFileSync(good);

const section = (b: Buffer, kind: number) => table(b).find((e) => e.kind === kind)!;

test('overlapping sections are refused (they gave scores of 8.8e34 or null)', () => {
  const b = Buffer.from(bytes);
  const norms = section(b, 5);
  const matrix = section(b, 6);
  b.writeBigUInt64LE(BigInt(matrix.offset), norms.at + 8);
  const path = file('overlap.emb', reseal(b));
  assertClean(emb(['similar', 'film', '--vectors', path]), path, /overlap/);
});

test('a section past the end, misaligned, or of the wrong element type is refused', () => {
  const cases: [string, (b: Buffer) => void, RegExp][] = [
    [
      'past.emb',
      (b) => b.writeBigUInt64LE(BigInt(b.length), section(b, 6).at + 16),
      /does not fit/,
    ],
    [
      'align.emb',
      (b) => b.writeBigUInt64LE(BigInt(section(b, 6).offset + 4), section(b, 6).at + 8),
      /aligned|overlap|does not fit/,
    ],
    ['element.emb', (b) => b.writeUInt32LE(1, section(b, 6).at + 4), /element type 1, expected 3/],
    ['twice.emb', (b) => b.writeUInt32LE(6, section(b, 5).at), /appears twice/],
  ];
  for (const [name, edit, message] of cases) {
    const b = Buffer.from(bytes);
    edit(b);
    const path = file(name, reseal(b));
    assertClean(emb(['info', path]), path, message);
  }
});

test('metadata that is null, not an object, or has fields of the wrong type', () => {
  for (const [name, json, message] of [
    ['null.emb', 'null', /metadata is not a JSON object/],
    ['array.emb', '[1,2]', /metadata is not a JSON object/],
    [
      'rows.emb',
      '{"rows":"9645","dims":16,"provenance":{"source":"x","sourceFormat":"y"}}',
      /"rows" must be a positive whole number/,
    ],
    [
      'dims.emb',
      '{"rows":9645,"dims":-1,"provenance":{"source":"x","sourceFormat":"y"}}',
      /"dims"/,
    ],
    ['prov.emb', '{"rows":9645,"dims":16,"provenance":null}', /"provenance"/],
    [
      'storage.emb',
      '{"rows":9645,"dims":16,"storage":"f64","provenance":{"source":"x","sourceFormat":"y"}}',
      /"storage" must be one of/,
    ],
  ] as const) {
    const b = Buffer.from(bytes);
    const m = section(b, 1);
    const text = Buffer.from(json.padEnd(m.length, ' '));
    assert.ok(text.length === m.length, 'the edit keeps the section length');
    text.copy(b, m.offset);
    const path = file(name, reseal(b));
    assertClean(emb(['similar', 'film', '--vectors', path]), path, message);
  }
});

test('a word index with no empty slot is an error, not an endless loop', () => {
  const b = Buffer.from(bytes);
  const index = section(b, 4);
  const slots = new Uint32Array(b.buffer, b.byteOffset + index.offset, index.length / 4);
  for (let i = 0; i < slots.length; i++) if (slots[i] === 0) slots[i] = 1;
  const path = file('full-index.emb', reseal(b));
  const r = spawnSync(process.execPath, [BIN, 'similar', 'film', '--vectors', path], {
    encoding: 'utf8',
    timeout: 20000,
  });
  assert.notEqual(r.error?.message, 'spawnSync ' + process.execPath + ' ETIMEDOUT');
  assertClean(
    { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr },
    path,
    /word index/,
  );
});

test('checksums: a damaged small section is refused on open, the matrix by info --verify', () => {
  const b = Buffer.from(bytes);
  b[section(b, 3).offset + 5] ^= 1; // a word's byte
  const words = file('words.emb', b);
  assertClean(emb(['info', words]), words, /VocabBytes is damaged \(checksum mismatch\)/);
  const m = Buffer.from(bytes);
  m[section(m, 6).offset + 100] ^= 0x40; // a matrix value
  const matrix = file('matrix.emb', m);
  assert.equal(emb(['info', matrix]).status, 0, 'the matrix is not read on open');
  assertClean(emb(['info', matrix, '--verify']), matrix, /section Matrix .* is damaged/);
  const ok = emb(['info', good, '--verify', '--json']);
  assert.equal(ok.status, 0);
  assert.equal(JSON.parse(ok.stdout).verified.checksums, true);
});

test('a version 1 file (no checksums) still opens and answers the same', () => {
  const b = Buffer.from(bytes);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(0, 24);
  for (const e of table(b)) b.writeUInt32LE(0, e.at + 24);
  const v1 = readEmb(file('v1.emb', b));
  const v2 = readEmb(good);
  assert.deepEqual(Array.from(v1.row(17)), Array.from(v2.row(17)));
  const a = emb(['similar', 'film', '--json', '--vectors', join(dir, 'v1.emb')]);
  const c = emb(['similar', 'film', '--json', '--vectors', good]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, c.stdout);
});

test('headers that claim absurd sizes are refused before anything is allocated', () => {
  const huge = '99999999999999';
  for (const [name, content] of [
    ['huge.txt', `${huge} 2\na 1 2\n`],
    ['huge.vec', `${huge} 2\na 1 2\n`],
    ['huge.bin', Buffer.concat([Buffer.from(`${huge} 2\na `), Buffer.alloc(8)])],
    ['dims.txt', `1 99999999999\na 1 2\n`],
  ] as const) {
    const path = file(name, content);
    const out = join(dir, `${name}.emb`);
    assertClean(emb(['convert', path, out]), path, /header says|dimension/);
    assert.equal(existsSync(out), false);
  }
});

test('--vectors naming a folder, a FIFO or /dev/stdin: one line, no hang', () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  assertClean(emb(['similar', 'film', '--vectors', folder]), folder, /is a folder/);
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assertClean(emb(['similar', 'film', '--vectors', fifo]), fifo, /is a pipe \(FIFO\)/);
  const r = emb(['similar', 'film', '--vectors', '/dev/stdin'], { input: 'film\n' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /\/dev\/stdin: is a (pipe|character device|socket)/);
  const empty = emb(['convert', '', join(dir, 'x.emb')]);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /empty file name/);
});

test('--top beyond the vocabulary is capped: every word, once, and no cost that grows with its square', () => {
  for (const top of ['999999999999', '2147483647']) {
    const r = emb(['similar', 'film', '--top', top, '--json', '--vectors', good]);
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(r.stdout).results as { word: string }[];
    assert.equal(results.length, 9645 - 1, 'every word but the query');
    assert.equal(new Set(results.map((x) => x.word)).size, results.length);
  }
  const a = emb([
    'analogy',
    'film',
    '-',
    'movie',
    '+',
    'good',
    '--top',
    '999999999999',
    '--json',
    '--method',
    '3cosmul',
    '--vectors',
    good,
  ]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(JSON.parse(a.stdout).results.length, 9645 - 3);
});

test('a fastText .bin with a byte inserted into its matrix is an error, not all-zero scores', () => {
  const ft = readFileSync(`${FIXTURES}ft_tiny.bin`);
  const at = ft.length - 200000;
  const path = file(
    'inserted.bin',
    Buffer.concat([ft.subarray(0, at), Buffer.from([7]), ft.subarray(at)]),
  );
  assertClean(
    emb(['similar', 'film', '--vectors', path]),
    path,
    /inserted or missing|finite float32/,
  );
  const cut = file('removed.bin', Buffer.concat([ft.subarray(0, at), ft.subarray(at + 1)]));
  assertClean(
    emb(['similar', 'film', '--vectors', cut]),
    cut,
    /inserted or missing|finite|truncated/,
  );
});

test('a full disk: one line naming the file, exit 2, nothing left (it used to say "wrote")', () => {
  const mnt = join(dir, 'small-disk');
  mkdirSync(mnt);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
  assert.equal(m.status, 0, `tests run as root and mount a 256 KiB tmpfs: ${m.stderr}`);
  try {
    for (const to of ['big.emb', 'big.txt', 'big.bin']) {
      const out = join(mnt, to);
      const r = emb(['convert', `${FIXTURES}w2v_tiny.bin`, out]);
      assertClean(r, out, /cannot write: no space left on the device \(ENOSPC\)/);
      assert.doesNotMatch(r.stderr, /wrote/);
      assert.deepEqual(readdirSync(mnt), [], 'no file, no temporary');
    }
    const home = emb(['prepare'], { env: { EMB_HOME: mnt } });
    assert.equal(home.status, 2, home.stderr);
    assert.match(home.stderr, /ENOSPC/);
    assert.deepEqual(readdirSync(mnt), []);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('Ctrl-C or SIGTERM during a conversion: the temporary is removed, exit 130 / 143', async () => {
  // A text file large enough that its conversion is still running when the signal comes.
  const lines = Array.from(
    { length: 60000 },
    (_, i) => `w${i} ${Array.from({ length: 50 }, (_, j) => ((i * 7 + j) % 97) / 97).join(' ')}`,
  );
  const src = file('slow.txt', lines.join('\n') + '\n');
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    const outDir = mkdtempSync(join(dir, 'sig-'));
    const child = spawn(process.execPath, [BIN, 'convert', src, join(outDir, 'out.txt')], {
      stdio: 'ignore',
    });
    // Wait until the temporary exists, then interrupt.
    for (let i = 0; i < 400 && readdirSync(outDir).length === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    assert.equal(readdirSync(outDir).length, 1, 'the conversion started writing');
    child.kill(signal);
    const status = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(status, code);
    assert.deepEqual(readdirSync(outDir), [], 'no temporary, no output');
  }
});

test('temporaries a SIGKILL left (dead PID in the name) are removed by the next write there', () => {
  const out = mkdtempSync(join(dir, 'stale-'));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  const stale = join(out, `.old.emb.${dead.stdout}.tmp`);
  writeFileSync(stale, 'left by a killed run');
  const alive = join(out, `.other.emb.${process.pid}.tmp`);
  writeFileSync(alive, 'a live run is still writing this');
  assert.equal(emb(['convert', `${FIXTURES}w2v_tiny.bin`, join(out, 'new.emb')]).status, 0);
  assert.equal(existsSync(stale), false, 'the dead run’s temporary is gone');
  assert.equal(existsSync(alive), true, 'a live run’s temporary stays');
});

test('truncating a mapped file under a running query: an error at the next query, not SIGBUS', async () => {
  const copy = join(dir, 'shrinking.emb');
  writeFileSync(copy, bytes);
  const child = spawn(process.execPath, [BIN, 'similar', '--vectors', copy, '--json'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.write('film\n');
  for (let i = 0; i < 400 && !stdout.includes('\n'); i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.match(stdout, /"query":"film"/, 'the first query was answered');
  truncateSync(copy, 4096);
  child.stdin.end('movie\n');
  const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
    child.on('exit', (c, s) => r([c, s])),
  );
  assert.equal(signal, null, `no SIGBUS: ${stderr}`);
  assert.equal(code, 2);
  assert.match(stderr, /shrinking\.emb: the file was truncated while in use/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('Ctrl-C while a model or report folder is written: the temporary folder is removed, exit 130', () => {
  const parent = mkdtempSync(join(dir, 'folder-sig-'));
  const atomic = new URL('../dist/atomic.js', import.meta.url).href;
  // The folder has a file in it when the signal comes, as a model being saved has.
  const script = `
    import { writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    const { writeFolderAtomically } = await import(${JSON.stringify(atomic)});
    await writeFolderAtomically(${JSON.stringify(join(parent, 'm.model'))}, async (tmp) => {
      writeFileSync(join(tmp, 'weights.bin'), 'x');
      process.kill(process.pid, 'SIGINT');
      await new Promise((r) => setTimeout(r, 2000));
    });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 130, r.stderr);
  assert.deepEqual(readdirSync(parent), [], 'no temporary folder, no model');
});
