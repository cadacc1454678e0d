/**
 * What each way of running emb costs (issue 20): the same query, `analogy king - man + woman`
 * on the bundled vectors, as a whole process started the ways people start it. npx and npm
 * exec pay npm's own start-up (reading its config and the package tree) before emb starts;
 * `node_modules/.bin/emb` and a global install run the same `#!/usr/bin/env node` link to
 * bin/emb.js, so the link here stands for both.
 *
 *   npm run build && flock /tmp/emb-bench.lock node --import tsx bench/startup.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/emb.js');
const runs = Number(process.argv[2] ?? 11);
const query = ['analogy', 'king', '-', 'man', '+', 'woman'];
const links = mkdtempSync(join(tmpdir(), 'emb-startup-'));
symlinkSync(bin, join(links, 'emb'));
const npx = join(process.execPath, '../npx');
const npm = join(process.execPath, '../npm');

const ways: [string, string, string[]][] = [
  ['node -e 0 (Node alone)', process.execPath, ['-e', '0']],
  ['node bin/emb.js', process.execPath, [bin, ...query]],
  ['node_modules/.bin/emb or a global install (the same link)', join(links, 'emb'), query],
  ['npx emb', npx, ['emb', ...query]],
  ['npm exec emb --', npm, ['exec', 'emb', '--', ...query]],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `## Start-up: one query, whole process (median of ${runs}; load ${loadavg()[0].toFixed(1)})\n`,
);
console.log('| way of running | seconds | of it before emb starts |');
console.log('|---|---|---|');
let direct = 0;
for (const [name, cmd, args] of ways) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
    times.push((performance.now() - t) / 1000);
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  }
  const m = median(times);
  if (name === 'node bin/emb.js') direct = m;
  const extra = direct && name !== 'node bin/emb.js' ? `+${(m - direct).toFixed(3)} s` : '';
  console.log(`| ${name} | ${m.toFixed(3)} | ${extra} |`);
}
rmSync(links, { recursive: true });
console.log(`\nLoad average at the end ${loadavg()[0].toFixed(1)}.`);
