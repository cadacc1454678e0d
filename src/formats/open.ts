import { constants, fstatSync, openSync, closeSync, statSync } from 'node:fs';
import { EmbError } from '../errors.js';

/**
 * Opens a vector file for reading, refusing what emb cannot read twice or map: a folder, a
 * FIFO, a terminal, /dev/stdin. The type is checked before the open (opening a FIFO waits for
 * a writer) and again on the descriptor.
 */
export function openRegularFile(path: string): number {
  const fail = (e: unknown): never => {
    throw new EmbError('E_IO', `${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? e})`);
  };
  if (path === '') throw new EmbError('E_INPUT', 'an empty file name was given for the vectors');
  let kind: string | undefined;
  try {
    kind = describe(statSync(path));
  } catch (e) {
    fail(e);
  }
  if (kind) throw notRegular(path, kind);
  let fd = -1;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    fail(e);
  }
  const again = describe(fstatSync(fd));
  if (again) {
    closeSync(fd);
    throw notRegular(path, again);
  }
  return fd;
}

function describe(st: import('node:fs').Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device (a terminal or /dev/stdin)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(path: string, kind: string): EmbError {
  return new EmbError(
    'E_INPUT',
    `${path}: is ${kind}; vector files must be regular files (emb reads them more than once), so save the vectors to a file first`,
  );
}
