import { readFileSync } from 'node:fs';

/** emb's version, from package.json (recorded in every file and model emb writes). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
