// Builds the native addon (memory mapping, the scan kernels, the text parser, CRC32C).
// A failure is not an error unless EMB_REQUIRE_NATIVE=1 (as CI sets it): emb falls back to
// plain reads and JavaScript kernels, with the same answers, slower.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const required = process.env.EMB_REQUIRE_NATIVE === '1';
const gyp = [
  join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  process.env.npm_config_node_gyp,
].find((p) => p && existsSync(p));

function giveUp(message, detail) {
  console.error(`emb: ${message}${required ? '' : '; using the JavaScript fallback (slower)'}`);
  if (detail) console.error(detail);
  process.exit(required ? 1 : 0);
}

if (process.env.EMB_NO_NATIVE === '1') {
  if (required) giveUp('EMB_NO_NATIVE=1 and EMB_REQUIRE_NATIVE=1 contradict each other');
  console.error('emb: EMB_NO_NATIVE=1; skipping the native addon');
  process.exit(0);
}
if (!gyp) giveUp('node-gyp not found, so the native addon cannot be built');
// Build against the headers of the running Node when they are installed beside it, so that
// node-gyp does not try to download them.
const prefix = join(dirname(process.execPath), '..');
const nodedir =
  process.env.npm_config_nodedir ||
  (existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined);
const args = [gyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const run = spawnSync(process.execPath, args, { cwd: here, stdio: ['ignore', 'ignore', 'pipe'] });
if (run.status !== 0)
  giveUp('could not build the native addon', String(run.stderr).split('\n').slice(-8).join('\n'));
process.exit(0);
