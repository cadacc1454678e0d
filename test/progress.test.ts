/**
 * Progress when stderr is not a terminal (src/cli/progress.ts): a plain line at most every
 * 10 s with the counts, the time elapsed and an estimate of the time left, nothing with --quiet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clock, progressLines } from '../src/cli/progress.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emb } from './support/cli.js';
import { FIXTURES } from './support/datasets.js';

function fake() {
  const lines: string[] = [];
  let t = 0;
  return {
    lines,
    tick: (s: number) => (t += s * 1000),
    now: () => t,
    write: (l: string) => lines.push(l),
  };
}

test('no line before 10 s; then one at most every 10 s, with elapsed time and an estimate', () => {
  const f = fake();
  const p = progressLines('Cross-validating', 'items', f.write, f.now);
  p.update(0, 10);
  f.tick(9);
  p.update(1, 10);
  assert.deepEqual(f.lines, []);
  f.tick(3); // 12 s: 2 of 10 done, 6 s each
  p.update(2, 10);
  f.tick(1);
  p.update(3, 10); // too soon for another line
  assert.deepEqual(f.lines, ['emb: Cross-validating: 2/10, 0:12 elapsed, about 0:48 left\n']);
  f.tick(10);
  p.update(3, 10);
  f.tick(30);
  p.stop();
  assert.deepEqual(f.lines.slice(1), [
    'emb: Cross-validating: 3/10, 0:23 elapsed, about 0:54 left\n',
    'emb: Cross-validating: 3/10, 0:53 elapsed, done\n',
  ]);
});

test('no estimate before anything is done; megabytes for bytes; nothing at all for a short step', () => {
  const f = fake();
  const p = progressLines('Converting x.emb', 'bytes', f.write, f.now);
  f.tick(11);
  p.update(0, 480e6);
  assert.deepEqual(f.lines, [
    'emb: Converting x.emb: 0/480 MB, 0:11 elapsed, time left not known yet\n',
  ]);
  const g = fake();
  const q = progressLines('Quick', 'items', g.write, g.now);
  q.update(1, 2);
  q.stop();
  assert.deepEqual(g.lines, []);
  assert.equal(clock(3725), '1:02:05');
});

test('emb convert piped to a log prints progress lines (also from an .emb), none with --quiet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emb-progress-'));
  const env = { EMB_QUIET: '', EMB_PROGRESS_INTERVAL: '0' };
  const line = /emb: Converting \S+: \d+\/\d+ MB, \d+:\d\d elapsed, (about \d+:\d\d left|done)\n/;
  const first = emb(['convert', `${FIXTURES}ft_tiny.bin`, join(dir, 'tiny.emb')], { env });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, line);
  const args = ['convert', join(dir, 'tiny.emb'), join(dir, 'tiny.txt'), '--to', 'glove-text'];
  const fromEmb = emb(args, { env });
  assert.equal(fromEmb.status, 0, fromEmb.stderr);
  assert.match(fromEmb.stderr, line);
  const quiet = emb([...args, '--quiet'], { env });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /Converting/);
});
