import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EmbError } from './errors.js';

/**
 * A file written as it is produced, under a temporary name in its own folder, and renamed
 * into place by commit(): no reader ever sees half of it, and abort() (or a failure) leaves
 * nothing behind. An existing file is replaced (through a symbolic link, its target);
 * anything else at the path, such as a folder, is refused. Small on purpose, the pattern of
 * writeFileAtomically in atomic.ts for output that arrives over time; that module's careful
 * writer (full disks, signals) is meant to take its place.
 */
export class OutputFile {
  private buffer = '';

  private constructor(
    readonly path: string,
    private readonly target: string,
    private readonly tmp: string,
    private fd: number | undefined,
  ) {}

  static open(path: string): OutputFile {
    let target = path;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) {
        const what = stat.isDirectory() ? 'a folder' : 'not a regular file';
        throw new EmbError('E_IO', `${path}: is ${what}; expected a file name to write to`);
      }
      target = realpathSync(path);
    } catch (e) {
      if (e instanceof EmbError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(path, e);
    }
    const folder = dirname(target);
    if (!existsSync(folder))
      throw new EmbError('E_IO', `${path}: cannot write, the folder ${folder} does not exist`);
    const tmp = join(folder, `.${basename(target)}.${process.pid}.tmp`);
    try {
      return new OutputFile(path, target, tmp, openSync(tmp, 'w'));
    } catch (e) {
      throw cannotWrite(path, e);
    }
  }

  /** Adds text; it reaches the disk in large writes. */
  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= 1 << 16) this.flush();
  }

  /** Puts the complete file in place. */
  commit(): void {
    try {
      this.flush();
      fsyncSync(this.fd!);
      closeSync(this.fd!);
      this.fd = undefined;
      renameSync(this.tmp, this.target);
    } catch (e) {
      this.abort();
      throw e instanceof EmbError ? e : cannotWrite(this.path, e);
    }
  }

  /** Removes the temporary file; the path keeps what it had. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    try {
      writeSync(this.fd!, this.buffer);
    } catch (e) {
      this.abort();
      throw cannotWrite(this.path, e);
    }
    this.buffer = '';
  }
}

function cannotWrite(path: string, e: unknown): EmbError {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new EmbError('E_IO', `${path}: cannot write (${code})`, { cause: e });
}
