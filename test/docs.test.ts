/**
 * The docs say what the code has: every export of the package root (and of emb/advanced) is
 * documented in docs/api.md, and the README's table of models is the registry's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../src/models/registry.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

/** The names a module exports, from its export lists (`a`, `b as c`, `type D`). */
function exportsOf(path: string): string[] {
  const names: string[] = [];
  for (const [, list] of read(path).matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const item of list.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  return names;
}

for (const entry of ['src/index.ts', 'src/advanced.ts']) {
  test(`every export of ${entry} is documented in docs/api.md`, () => {
    const api = read('docs/api.md');
    const undocumented = exportsOf(entry).filter((name) => !new RegExp(`\`${name}\\b`).test(api));
    assert.deepEqual(undocumented, [], `docs/api.md does not mention: ${undocumented.join(', ')}`);
  });
}

/** The table README.md shows between its models markers, as the registry has the kinds. */
export function modelsTable(): string {
  return [
    '| `--model` | what it is | learns from | word vectors |',
    '| --- | --- | --- | --- |',
    ...KINDS.map(
      (k) => `| \`${k.name}\` | ${k.summary} | ${k.family} | ${k.usesVectors ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
}

/** A markdown table's cells, as prettier may pad them. */
const cells = (table: string) =>
  table
    .trim()
    .split('\n')
    .map((row) =>
      row
        .split('|')
        .map((c) => c.trim().replace(/^-+$/, '---'))
        .join('|'),
    );

test("README.md's table of models is the registry's", () => {
  const readme = read('README.md');
  const found = /<!-- models -->\n([\s\S]*?)\n<!-- \/models -->/.exec(readme)?.[1] ?? '';
  assert.deepEqual(
    cells(found),
    cells(modelsTable()),
    `README.md between <!-- models --> and <!-- /models --> should be:\n${modelsTable()}`,
  );
});
