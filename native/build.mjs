// Builds the optional native addon (memory mapping and the matrix-vector kernels).
// A failure is not an error: emb falls back to plain reads and JavaScript kernels.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const gyp = [
  join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  process.env.npm_config_node_gyp,
].find((p) => p && existsSync(p));

if (process.env.EMB_NO_NATIVE) {
  console.error('emb: EMB_NO_NATIVE is set; skipping the native addon');
  process.exit(0);
}
if (!gyp) {
  console.error('emb: node-gyp not found; using the JavaScript fallback (slower, copies files)');
  process.exit(0);
}
// Build against the headers of the running Node when they are installed beside it, so that
// node-gyp does not try to download them.
const prefix = join(dirname(process.execPath), '..');
const nodedir =
  process.env.npm_config_nodedir ||
  (existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined);
const args = [gyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const run = spawnSync(process.execPath, args, { cwd: here, stdio: ['ignore', 'ignore', 'pipe'] });
if (run.status !== 0) {
  console.error('emb: could not build the native addon; using the JavaScript fallback');
  console.error(String(run.stderr).split('\n').slice(-8).join('\n'));
}
process.exit(0);
