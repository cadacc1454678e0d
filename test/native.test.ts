/**
 * The native addon's contract (issue 12): every argument is checked (a wrong type throws, no
 * kernel reads an uninitialised value), EMB_REQUIRE_NATIVE=1 makes a missing addon an error,
 * and the build is portable (no -march=native; the kernels are cloned per CPU level).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { native } from '../src/native/addon.js';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the addon is built and loaded (CI sets EMB_REQUIRE_NATIVE=1; test:js runs without it)', () => {
  if (process.env.EMB_NO_NATIVE === '1') assert.equal(native, undefined);
  else assert.ok(native, 'native/build/Release/emb_native.node loads');
});

test('arguments of the wrong type throw TypeError instead of being read as garbage', () => {
  if (!native) return assert.equal(process.env.EMB_NO_NATIVE, '1');
  const m = new Float32Array(16);
  const inv = new Float32Array(4).fill(1);
  const q = new Float32Array(4);
  const call = (dims: unknown, k: unknown, data: unknown = m) =>
    native!.scan(
      0,
      data as Float32Array,
      new Float32Array(0),
      dims as number,
      4,
      inv,
      q,
      k as number,
      k as number,
      new Int32Array(2),
      new Int32Array(0),
      new Int32Array(4),
      new Float32Array(4),
      1,
    );
  assert.throws(() => call('4', 1), TypeError);
  assert.throws(() => call(4, undefined), TypeError);
  assert.throws(() => call(4, -1), TypeError);
  assert.throws(() => call(4, 1.5), TypeError);
  assert.throws(() => call(4, 1, new Int8Array(16)), TypeError);
  assert.throws(() => call(4, 1, [1, 2, 3]), TypeError);
  assert.throws(() => call(5, 1), RangeError, 'sizes that do not agree');
  assert.doesNotThrow(() => call(4, 1));
  assert.throws(() => (native!.crc32c as (...a: unknown[]) => number)('abc', 0), TypeError);
  assert.throws(() => (native!.map as (...a: unknown[]) => unknown)(42), TypeError);
});

test('EMB_REQUIRE_NATIVE=1: an addon that does not load is an error, not a silent fallback', () => {
  const copy = mkdtempSync(join(tmpdir(), 'emb-nonative-'));
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
  const load = `import(${JSON.stringify(join(copy, 'dist/native/addon.js'))}).then(m => console.log(m.native ? 'native' : 'fallback'))`;
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-e', load], {
      encoding: 'utf8',
      env: { ...process.env, EMB_NO_NATIVE: '', EMB_REQUIRE_NATIVE: '', ...env },
    });
  assert.equal(run({}).stdout.trim(), 'fallback');
  const required = run({ EMB_REQUIRE_NATIVE: '1' });
  assert.notEqual(required.status, 0);
  assert.match(required.stderr, /EMB_REQUIRE_NATIVE=1 but the native addon did not load/);
  const build = spawnSync(process.execPath, [join(root, 'native/build.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, EMB_NO_NATIVE: '1', EMB_REQUIRE_NATIVE: '1' },
  });
  assert.equal(build.status, 1, 'a build that cannot happen fails when the addon is required');
});

test('the build is portable: no -march=native, hot loops cloned per CPU level', () => {
  const gyp = readFileSync(join(root, 'native/binding.gyp'), 'utf8');
  assert.doesNotMatch(gyp, /march=native/);
  assert.match(
    readFileSync(join(root, 'native/common.h'), 'utf8'),
    /target_clones\("arch=x86-64-v4", "arch=x86-64-v3", "default"\)/,
  );
});
