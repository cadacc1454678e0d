import { closeSync, openSync, renameSync, rmSync, fsyncSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EmbError } from './errors.js';

/**
 * Writes a file under a temporary name in the same folder and renames it into place when
 * complete, so a failure or an interruption never leaves a half-written file under the real
 * name, and a reader that has the old file mapped keeps its pages.
 */
export function writeFileAtomically(path: string, write: (fd: number) => void): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new EmbError('E_IO', `${path}: cannot write (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    write(fd);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}
