import type { AtomicFile } from '../atomic.js';

/** The "ROWS DIMS" first line of word2vec binary, word2vec text and fastText .vec files. */
export const HEADER = /^\s*(\d+)\s+(\d+)\s*$/;

/**
 * Writes that line for a file whose rows are streamed: its room is kept at the start (wide
 * enough for `maxRows`) and the count filled in at the end, right-aligned with spaces before
 * it when fewer rows came than could have (every reader of the format allows them).
 */
export class HeaderSlot {
  private readonly width: number;

  constructor(
    private readonly file: AtomicFile,
    private readonly dims: number,
    maxRows: number,
  ) {
    this.width = String(maxRows).length;
    file.write(this.line(maxRows));
  }

  private line(rows: number): Uint8Array {
    return Buffer.from(`${String(rows).padStart(this.width)} ${this.dims}\n`, 'latin1');
  }

  fill(rows: number): void {
    this.file.writeAt(this.line(rows), 0);
  }
}
