#!/usr/bin/env node
// The emb command: runs the compiled CLI (npm install builds it through the prepare script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('emb: not built yet; run "npm install" (or "npm run build") in the emb folder');
  process.exit(2);
}
await import(main.href);
