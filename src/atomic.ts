import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
  mkdirSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EmbError } from './errors.js';
import { native } from './native/addon.js';

/**
 * The one careful way emb writes an output file or folder: under a temporary name in the same
 * folder (`.NAME.PID.tmp`), every write checked for short writes, flushed with fsync, then
 * renamed into place. So a full disk, an I/O error, Ctrl-C or a crash never leaves a
 * half-written file under the real name, and a reader that has the old file mapped keeps its
 * pages. A full disk or an I/O error becomes one EmbError naming the real file; the temporary
 * is removed. SIGINT and SIGTERM remove temporaries before exiting with 130 / 143; those a
 * SIGKILL left (their PID dead) are removed by the next run that writes in the same folder.
 */
const TEMP = /^\.(.+)\.(\d+)\.tmp$/;

/** The temporary a write to `path` by this process goes through (for cleaning up after a worker). */
export function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** Removes temporaries of emb runs that died (their PID is no longer alive) from `dir`. */
function removeStaleTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || Number(m[2]) === process.pid || alive(Number(m[2]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---- temporaries removed on SIGINT / SIGTERM ----

const live = new Set<string>();

function onSignal(signal: NodeJS.Signals): void {
  for (const t of live) rmSync(t, { recursive: true, force: true });
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/**
 * The native addon removes a temporary file in the signal handler itself, even while
 * JavaScript is busy in a long synchronous write; a temporary folder (or any temporary without
 * the addon) is removed by Node's handlers when the event loop runs: in a signal handler only
 * rmdir() is safe, and it cannot remove a folder with files in it.
 */
function track(tmp: string, on: boolean, folder = false): void {
  if (on) live.add(tmp);
  else live.delete(tmp);
  if (!folder && native?.guardTemp(tmp, on)) return;
  if (on && live.size === 1) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  } else if (!on && live.size === 0) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A write error as one line naming the real file. */
function writeError(path: string, e: unknown): unknown {
  if (e instanceof EmbError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EIO: 'input/output error',
    EFBIG: 'the file is too large for the file system',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such folder',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
    EEXIST: 'it exists and is not a folder',
    ENAMETOOLONG: 'the name is too long',
  };
  if (code && code in why)
    return new EmbError('E_IO', `${path}: cannot write: ${why[code]} (${code})`);
  return e;
}

/**
 * Where writing `path` lands: the file itself, or the file a symbolic link points to (the link
 * stays). A folder or anything else that is not a regular file in the way, or a folder that
 * does not exist, is refused before any work.
 */
function writableTarget(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(path, e);
  }
  if (stat && !stat.isFile()) {
    const what = stat.isDirectory() ? 'a folder' : 'not a regular file';
    throw new EmbError('E_IO', `${path}: is ${what}; expected a file name to write to`);
  }
  const target = stat ? realpathSync(path) : path;
  const folder = dirname(target);
  if (!existsSync(folder))
    throw new EmbError('E_IO', `${path}: cannot write, the folder ${folder} does not exist`);
  return target;
}

/** An output file being written under its temporary name. */
export class AtomicFile {
  /** The file renamed into place: `path`, or the file it links to. */
  readonly target: string;
  readonly tmp: string;
  private readonly fd: number;
  /** Where write() appends. */
  position = 0;
  private done = false;

  constructor(readonly path: string) {
    this.target = writableTarget(path);
    this.tmp = tempName(this.target);
    removeStaleTemporaries(dirname(this.target));
    track(this.tmp, true);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      track(this.tmp, false);
      throw writeError(path, e);
    }
  }

  /** Appends all of bytes (a short write is retried; an error names the real file). */
  write(bytes: Uint8Array): void {
    this.writeAt(bytes, this.position);
    this.position += bytes.length;
  }

  /** Writes all of bytes at `position`. */
  writeAt(bytes: Uint8Array, position: number): void {
    try {
      for (let done = 0; done < bytes.length;) {
        const n = writeSync(
          this.fd,
          bytes,
          done,
          Math.min(bytes.length - done, 1 << 30),
          position + done,
        );
        if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
        done += n;
      }
    } catch (e) {
      throw writeError(this.path, e);
    }
  }

  /** Flushes, closes and renames into place. */
  commit(): void {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.done = true;
      renameSync(this.tmp, this.target);
    } catch (e) {
      this.abort();
      throw writeError(this.path, e);
    }
    track(this.tmp, false);
    syncFolder(dirname(this.target));
  }

  /** Closes and removes the temporary. */
  abort(): void {
    if (!this.done) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.done = true;
    }
    rmSync(this.tmp, { force: true });
    track(this.tmp, false);
  }
}

/** So that the rename itself survives a power cut; not every file system allows it. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/** Writes a file through `write`, atomically (see above), with file.write(). */
export function writeFileAtomically(path: string, write: (file: AtomicFile) => void): void {
  const file = new AtomicFile(path);
  try {
    write(file);
  } catch (e) {
    file.abort();
    throw writeError(path, e);
  }
  file.commit();
}

/** The same for writers that await (streams, worker threads). */
export async function writeFileAtomicallyAsync(
  path: string,
  write: (file: AtomicFile) => Promise<void>,
): Promise<void> {
  const file = new AtomicFile(path);
  try {
    await write(file);
  } catch (e) {
    file.abort();
    throw writeError(path, e);
  }
  file.commit();
}

/**
 * Writes a folder (a model, a report) under a temporary name beside it, then puts it in place:
 * an existing folder is replaced only with `replace`, and only once the new one is complete.
 * Files written into the folder are flushed before the rename.
 */
export async function writeFolderAtomically(
  dir: string,
  write: (tmp: string) => Promise<void> | void,
  options: { replace?: boolean } = {},
): Promise<void> {
  const target = resolve(dir);
  if (existsSync(target) && !options.replace)
    throw new EmbError('E_IO', `${dir} exists; choose another name or replace it`);
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw writeError(dir, e);
  }
  removeStaleTemporaries(parent);
  const tmp = tempName(target);
  const old = join(parent, `.${basename(target)}.${process.pid}.old.tmp`);
  // The two renames below are synchronous: no signal handler runs between them.
  let replaced = false;
  track(tmp, true, true);
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    await write(tmp);
    syncTree(tmp);
    if (existsSync(target)) {
      renameSync(target, old);
      replaced = true;
    }
    renameSync(tmp, target);
    syncFolder(parent);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (replaced && !existsSync(target)) renameSync(old, target);
    throw writeError(dir, e);
  } finally {
    track(tmp, false, true);
    if (replaced) rmSync(old, { recursive: true, force: true });
  }
}

function syncTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) syncTree(p);
    else {
      const fd = openSync(p, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  syncFolder(dir);
}
