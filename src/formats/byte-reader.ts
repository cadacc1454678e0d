import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegularFile } from './open.js';

/**
 * Sequential reads over a file in large chunks, for the streaming readers: callers look at
 * buf[pos..end) and ask for more with ensure() or findByte(). Offsets in error messages are
 * file offsets: base + index into buf. A range reads bytes [start, end) of the file only, for
 * readers that split a file between threads.
 */
export class ByteReader {
  buf: Uint8Array;
  pos = 0;
  end = 0;
  /** File offset of buf[0]. */
  base = 0;
  eof = false;
  readonly size: number;
  private readonly fd: number;

  constructor(
    readonly path: string,
    range?: { start: number; end: number },
    chunk = 1 << 24,
  ) {
    this.fd = openRegularFile(path);
    /** Where reading stops: the end of the range, or of the file. */
    this.size = range ? range.end : fstatSync(this.fd).size;
    this.base = range?.start ?? 0;
    this.buf = new Uint8Array(Math.max(1024, Math.min(chunk, this.size - this.base + 1)));
  }

  close(): void {
    closeSync(this.fd);
  }

  /** File offset of buf[i]. */
  offsetOf(i: number): number {
    return this.base + i;
  }

  /** Reads more bytes after `end`, keeping buf[pos..end). Returns false at end of file. */
  private fill(): boolean {
    if (this.eof) return false;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    if (this.end === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf.subarray(0, this.end));
      this.buf = bigger;
    }
    const want = Math.min(this.buf.length - this.end, this.size - (this.base + this.end));
    const n = want > 0 ? readSync(this.fd, this.buf, this.end, want, this.base + this.end) : 0;
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /** Makes n bytes available at pos; false when the file ends first. */
  ensure(n: number): boolean {
    while (this.end - this.pos < n) if (!this.fill()) return false;
    return true;
  }

  /** Reads until the buffer is full or the file (range) ends, keeping buf[pos..end). */
  topUp(): void {
    if (this.pos > 0 || this.end < this.buf.length)
      while (!this.eof && (this.pos > 0 || this.end < this.buf.length)) if (!this.fill()) break;
  }

  /** Index in buf of the next `byte` at or after pos, reading on as needed; -1 at end of file. */
  findByte(byte: number): number {
    let from = this.pos;
    for (;;) {
      const i = this.buf.subarray(from, this.end).indexOf(byte);
      if (i >= 0) return from + i;
      const scanned = this.end - this.pos;
      if (!this.fill()) return -1;
      from = this.pos + scanned;
    }
  }

  /** Bytes read so far (for progress). */
  get consumed(): number {
    return this.base + this.pos;
  }
}
