/**
 * The shape of the code (issue 15): layers only look down. No two folders of src/ import each
 * other; the command line calls only the package's public API (src/api/, and the root's
 * errors, progress and version); no file of src/ but the registry and the kind's own module
 * spells a model kind's name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_NAMES } from '../src/models/registry.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import (static, re-export or dynamic) of every file: [from, to], under src/. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.[^'"]+)['"]/g;
const edges = files(SRC).flatMap((from) =>
  [...readFileSync(from, 'utf8').matchAll(IMPORT)].map(([, spec]) => [
    relative(SRC, from),
    relative(SRC, resolve(dirname(from), spec.replace(/\.js$/, '.ts'))),
  ]),
);

/** The folder a file belongs to ('' for the root's files). */
const folder = (path: string) => (path.includes('/') ? path.split('/')[0] : '');

test('no two folders of src/ import each other', () => {
  const folders = new Set<string>();
  for (const [a, b] of edges)
    if (folder(a) && folder(b) && folder(a) !== folder(b)) folders.add(`${folder(a)}>${folder(b)}`);
  const both = [...folders].filter((e) => folders.has(e.split('>').reverse().join('>')));
  assert.deepEqual(both, [], `folders that import each other: ${both.join(', ')}`);
});

test('the root files (errors, progress, atomic, ...) import no folder but native/', () => {
  const up = edges.filter(
    ([a, b]) => folder(a) === '' && folder(b) !== '' && folder(b) !== 'native',
  );
  assert.deepEqual(
    up.filter(([a]) => a !== 'index.ts' && a !== 'advanced.ts'),
    [],
  );
});

test('the command line calls only the public API', () => {
  const allowed = (to: string) =>
    to.startsWith('api/') ||
    to.startsWith('cli/') ||
    ['errors.ts', 'progress.ts', 'version.ts'].includes(to);
  const reaching = edges.filter(([a, b]) => a.startsWith('cli/') && !allowed(b));
  assert.deepEqual(reaching, [], 'cli/ imports only src/api/ (and errors, progress, version)');
});

/** Code without its comments (a comment may name a kind as an example). */
const withoutComments = (code: string) =>
  code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

test("no file of src/ spells a kind's name but the registry and the kind's own module", () => {
  const quoted = new RegExp(`['"\`](${MODEL_NAMES.join('|')})['"\`]`);
  const spelled = files(SRC)
    .map((path) => relative(SRC, path))
    .filter((path) => !path.startsWith('models/kinds/') && path !== 'models/registry.ts')
    .filter((path) => quoted.test(withoutComments(readFileSync(join(SRC, path), 'utf8'))));
  assert.deepEqual(spelled, []);
});
