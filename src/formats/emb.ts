import { closeSync, fstatSync, readSync } from 'node:fs';
import { EmbError, option } from '../errors.js';
import { Embeddings, rowNorms, type Provenance } from '../embeddings/embeddings.js';
import { Vocabulary } from '../embeddings/vocabulary.js';
import { native } from '../native/addon.js';
import type { SubwordSettings } from '../embeddings/subwords.js';
import { fastTextSubwords } from '../embeddings/fasttext-ngrams.js';
import {
  halfToFloat,
  quantize,
  STORAGE_TYPES,
  type MatrixStorage,
  type StorageType,
} from '../embeddings/kernels.js';
import type { AtomicFile } from '../atomic.js';
import { VERSION } from '../version.js';
import { crc32c } from './crc32c.js';
import { openRegularFile } from './open.js';

/**
 * emb's native format; docs/format.md is the specification. A fixed header, a table of typed
 * sections with a CRC32C each, every section aligned to 64 bytes so the matrix is viewed as a
 * typed array straight out of the memory-mapped file.
 */
export const MAGIC = Uint8Array.from([0x89, 0x45, 0x4d, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]); // \x89EMB\r\n\x1a\n
export const FORMAT_VERSION = 2;
/** Version 1 (float32 only, no checksums) still opens. */
const READABLE_VERSIONS = [1, 2];
const HEADER_BYTES = 32;
const ENTRY_BYTES = 32;
const ALIGN = 64;
const MAX_SECTIONS = 64;

export enum Section {
  Metadata = 1,
  VocabOffsets = 2,
  VocabBytes = 3,
  VocabIndex = 4,
  Norms = 5,
  Matrix = 6,
  SubwordBuckets = 7,
  MatrixF16 = 8,
  MatrixI8 = 9,
  RowScales = 10,
}
enum Element {
  U8 = 1,
  U32 = 2,
  F32 = 3,
  F16 = 4,
  I8 = 5,
}
const ELEMENT_BYTES: Record<number, number> = {
  [Element.U8]: 1,
  [Element.U32]: 4,
  [Element.F32]: 4,
  [Element.F16]: 2,
  [Element.I8]: 1,
};
const ELEMENT_OF: Record<Section, Element> = {
  [Section.Metadata]: Element.U8,
  [Section.VocabOffsets]: Element.U32,
  [Section.VocabBytes]: Element.U8,
  [Section.VocabIndex]: Element.U32,
  [Section.Norms]: Element.F32,
  [Section.Matrix]: Element.F32,
  [Section.SubwordBuckets]: Element.F32,
  [Section.MatrixF16]: Element.F16,
  [Section.MatrixI8]: Element.I8,
  [Section.RowScales]: Element.F32,
};
const MATRIX_OF: Record<StorageType, Section> = {
  f32: Section.Matrix,
  f16: Section.MatrixF16,
  int8: Section.MatrixI8,
};
/** Checked on every open; the others (the matrix, the subword buckets) by verifyEmb. */
const SMALL = new Set([
  Section.Metadata,
  Section.VocabOffsets,
  Section.VocabBytes,
  Section.VocabIndex,
  Section.Norms,
  Section.RowScales,
]);

export interface EmbMetadata {
  rows: number;
  dims: number;
  /** How the matrix is stored (version 2; absent means f32). */
  storage?: StorageType;
  provenance: Provenance;
  subwords?: SubwordSettings & { scheme: 'fasttext' };
}

interface Entry {
  kind: number;
  element: number;
  offset: number;
  length: number;
  crc: number;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** True when the first bytes are the .emb magic. */
export function isEmb(head: Uint8Array): boolean {
  return head.length >= MAGIC.length && MAGIC.every((b, i) => head[i] === b);
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Writes an .emb file row block by row block, so converting a file of any size needs memory
 * for one block, the words and a float per row: the matrix comes first after the section
 * table, the other sections after it, and the table (whose offsets are known only then) last.
 * Rows arrive as float32 and are stored as `storage` says; norms are those of the stored values.
 */
export class EmbWriter {
  private rows = 0;
  private crc = 0;
  private norms = new Float32Array(1024);
  private scales = new Float32Array(1024);
  private readonly kinds: Section[];
  private readonly matrixAt: number;

  constructor(
    private readonly file: AtomicFile,
    readonly dims: number,
    readonly storage: StorageType = 'f32',
    withSubwords = false,
  ) {
    if (withSubwords && storage !== 'f32')
      throw new EmbError(
        'E_INPUT',
        `${file.path}: ${option('quantize')} cannot store fastText subword vectors; convert without ${option('quantize')}, or from the .vec file (no subwords)`,
      );
    this.kinds = [
      MATRIX_OF[storage],
      Section.Norms,
      ...(storage === 'int8' ? [Section.RowScales] : []),
      Section.VocabOffsets,
      Section.VocabBytes,
      Section.VocabIndex,
      Section.Metadata,
      ...(withSubwords ? [Section.SubwordBuckets] : []),
    ];
    this.matrixAt = align(HEADER_BYTES + ENTRY_BYTES * this.kinds.length);
    file.position = this.matrixAt;
  }

  /** Appends n float32 rows (n x dims). */
  append(rows: Float32Array, n: number): void {
    const d = this.dims;
    if (this.rows + n > this.norms.length) {
      const size = Math.max(this.rows + n, this.norms.length * 2);
      this.norms = grow(this.norms, size);
      if (this.storage === 'int8') this.scales = grow(this.scales, size);
    }
    let data: Uint8Array;
    if (this.storage === 'f32') {
      data = bytesOf(rows.subarray(0, n * d));
      rowNorms(rows, d, n, this.norms.subarray(this.rows, this.rows + n));
    } else if (this.storage === 'f16') {
      const half = new Uint16Array(n * d);
      const t = halfToFloat();
      const bits = new Uint32Array(rows.buffer, rows.byteOffset, n * d);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = i * d; j < (i + 1) * d; j++) {
          const h = floatBitsToHalf(bits[j]);
          if ((h & 0x7c00) === 0x7c00) this.tooLarge(i, j - i * d, rows[j]);
          half[j] = h;
          s += t[h] * t[h];
        }
        this.norms[this.rows + i] = Math.sqrt(s);
      }
      data = bytesOf(half);
    } else {
      const q = new Int8Array(n * d);
      for (let i = 0; i < n; i++) {
        const scale = quantize(rows, i * d, d, q);
        this.scales[this.rows + i] = scale;
        let s = 0;
        for (let j = i * d; j < (i + 1) * d; j++) {
          const v = Math.fround(q[j] * scale);
          s += v * v;
        }
        this.norms[this.rows + i] = Math.sqrt(s);
      }
      data = bytesOf(q);
    }
    this.file.write(data);
    this.crc = crc32c(data, this.crc);
    this.rows += n;
  }

  private tooLarge(row: number, col: number, v: number): never {
    throw new EmbError(
      'E_INPUT',
      `${this.file.path}: value ${col + 1} of row ${this.rows + row + 1} (${v}) does not fit a float16 (at most 65504); use ${option('quantize', 'int8')}, or none`,
    );
  }

  /**
   * Writes the other sections and the table. `buckets` streams the subword section, if the
   * writer was made for one. `created` is the time recorded; null records none (a file that
   * must come out the same byte for byte on every run).
   */
  finish(
    vocab: Vocabulary,
    provenance: Provenance,
    subwords?: { settings: SubwordSettings; chunks: Iterable<Uint8Array> },
    created: string | null = new Date().toISOString(),
  ): void {
    if (vocab.size !== this.rows)
      throw new Error(`EmbWriter: ${vocab.size} words for ${this.rows} rows`);
    const rest: Provenance = { ...provenance };
    delete rest.created;
    const meta: EmbMetadata = {
      rows: this.rows,
      dims: this.dims,
      storage: this.storage,
      provenance: {
        ...rest,
        tool: `emb ${VERSION}`,
        ...(created === null ? {} : { created }),
        quantizedFrom: this.storage === 'f32' ? undefined : provenance.quantizedFrom,
      },
      ...(subwords ? { subwords: { scheme: 'fasttext' as const, ...subwords.settings } } : {}),
    };
    const entries: Entry[] = [];
    const matrixBytes =
      this.rows * this.dims * (this.storage === 'f32' ? 4 : this.storage === 'f16' ? 2 : 1);
    entries.push({
      kind: MATRIX_OF[this.storage],
      element: ELEMENT_OF[MATRIX_OF[this.storage]],
      offset: this.matrixAt,
      length: matrixBytes,
      crc: this.crc,
    });
    const put = (kind: Section, chunks: Iterable<Uint8Array>) => {
      const offset = align(this.file.position);
      this.file.write(new Uint8Array(offset - this.file.position));
      let crc = 0;
      for (const c of chunks) {
        this.file.write(c);
        crc = crc32c(c, crc);
      }
      entries.push({
        kind,
        element: ELEMENT_OF[kind],
        offset,
        length: this.file.position - offset,
        crc,
      });
    };
    put(Section.Norms, [bytesOf(this.norms.subarray(0, this.rows))]);
    if (this.storage === 'int8')
      put(Section.RowScales, [bytesOf(this.scales.subarray(0, this.rows))]);
    put(Section.VocabOffsets, [bytesOf(vocab.offsets)]);
    put(Section.VocabBytes, [vocab.bytes]);
    put(Section.VocabIndex, [bytesOf(vocab.table)]);
    put(Section.Metadata, [new TextEncoder().encode(JSON.stringify(meta))]);
    if (subwords) put(Section.SubwordBuckets, subwords.chunks);
    const table = Buffer.alloc(HEADER_BYTES + ENTRY_BYTES * entries.length);
    table.set(MAGIC, 0);
    table.writeUInt32LE(FORMAT_VERSION, 8);
    table.writeUInt32LE(entries.length, 12);
    table.writeBigUInt64LE(BigInt(this.file.position), 16);
    entries.forEach((s, i) => {
      const e = HEADER_BYTES + i * ENTRY_BYTES;
      table.writeUInt32LE(s.kind, e);
      table.writeUInt32LE(s.element, e + 4);
      table.writeBigUInt64LE(BigInt(s.offset), e + 8);
      table.writeBigUInt64LE(BigInt(s.length), e + 16);
      table.writeUInt32LE(s.crc, e + 24);
    });
    table.writeUInt32LE(crc32c(table), 24);
    this.file.writeAt(table, 0);
  }
}

function grow(a: Float32Array, size: number): Float32Array<ArrayBuffer> {
  const b = new Float32Array(size);
  b.set(a);
  return b;
}

/** float32 bits to the nearest float16 bits (ties to even); 0x7c00 (infinity) on overflow. */
export function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp >= 143) return sign | 0x7c00; // 2^16 and above, infinities, NaN
  if (exp >= 113) {
    let h = ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // may carry into the exponent
    return sign | h;
  }
  if (exp < 102) return sign; // below half the smallest subnormal: zero
  const full = mant | 0x800000;
  const shift = 126 - exp;
  let h = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && h & 1)) h++;
  return sign | h;
}

/**
 * Reads and checks the header and the whole section table: the magic, a version this reader
 * knows, the file size, the table's checksum, and each section inside the file, aligned, a
 * whole number of its elements, of the element type its kind requires, and overlapping no
 * other. Returns the sections by kind.
 */
export function readTable(path: string): {
  size: number;
  version: number;
  entries: Map<number, Entry>;
} {
  const fd = openRegularFile(path);
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEADER_BYTES);
    const got = readSync(fd, head, 0, HEADER_BYTES, 0);
    const bad = (what: string): never => {
      throw new EmbError('E_FORMAT', `${path}: ${what}; convert the source file again`);
    };
    if (!isEmb(head.subarray(0, got)))
      throw new EmbError('E_FORMAT', `${path}: not an .emb file (bad magic bytes)`);
    if (got < HEADER_BYTES) bad(`truncated: ${size} bytes, the header alone needs ${HEADER_BYTES}`);
    const version = head.readUInt32LE(8);
    if (!READABLE_VERSIONS.includes(version)) {
      throw new EmbError(
        'E_VERSION',
        `${path}: .emb format version ${version}, expected ${READABLE_VERSIONS.join(' or ')}; ${version > FORMAT_VERSION ? 'upgrade emb, or convert the source file again' : 'convert the source file again'}`,
      );
    }
    const count = head.readUInt32LE(12);
    const declared = head.readBigUInt64LE(16);
    if (declared !== BigInt(size)) {
      bad(
        `the header says ${declared} bytes, the file has ${size}${BigInt(size) < declared ? ': it is truncated' : ''}`,
      );
    }
    const tableEnd = HEADER_BYTES + count * ENTRY_BYTES;
    if (count < 1 || count > MAX_SECTIONS || tableEnd > size) bad(`bad section count ${count}`);
    const table = Buffer.alloc(tableEnd);
    if (readSync(fd, table, 0, tableEnd, 0) !== tableEnd) bad('the section table is cut short');
    if (version >= 2) {
      const stored = table.readUInt32LE(24);
      table.writeUInt32LE(0, 24);
      if (crc32c(table) !== stored || head.readUInt32LE(28) !== 0)
        bad('the header or section table is damaged (checksum mismatch)');
    }
    const entries = new Map<number, Entry>();
    for (let i = 0; i < count; i++) {
      const e = HEADER_BYTES + i * ENTRY_BYTES;
      const kind = table.readUInt32LE(e);
      const element = table.readUInt32LE(e + 4);
      const offset64 = table.readBigUInt64LE(e + 8);
      const length64 = table.readBigUInt64LE(e + 16);
      const name = Section[kind] ?? `of kind ${kind}`;
      const unit = ELEMENT_BYTES[element];
      if (offset64 + length64 > BigInt(size) || offset64 < BigInt(align(tableEnd)))
        bad(
          `section ${name} (bytes ${offset64}..${offset64 + length64}) does not fit the ${size}-byte file`,
        );
      const offset = Number(offset64);
      const length = Number(length64);
      if (!unit) bad(`section ${name} has unknown element type ${element}`);
      if (offset % ALIGN !== 0)
        bad(`section ${name} starts at byte ${offset}, not 64-byte aligned`);
      if (length % unit !== 0)
        bad(`section ${name} is ${length} bytes, not whole elements of ${unit}`);
      if (kind in ELEMENT_OF && ELEMENT_OF[kind as Section] !== element)
        bad(`section ${name} has element type ${element}, expected ${ELEMENT_OF[kind as Section]}`);
      if (version >= 2 && table.readUInt32LE(e + 28) !== 0)
        bad(`section ${name} has a non-zero reserved field`);
      if (entries.has(kind)) bad(`section ${name} appears twice`);
      entries.set(kind, {
        kind,
        element,
        offset,
        length,
        crc: version >= 2 ? table.readUInt32LE(e + 24) : 0,
      });
    }
    const sorted = [...entries.values()].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1], sorted[i]];
      if (a.offset + a.length > b.offset)
        bad(`sections ${Section[a.kind] ?? a.kind} and ${Section[b.kind] ?? b.kind} overlap`);
    }
    return { size, version, entries };
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens an .emb file: checks the header, the section table, the metadata field by field, the
 * sizes of the sections against rows x dims, the checksums of the small sections and the word
 * index, before any query touches the mapping; then views the sections in place (mapping past
 * the end of a file kills the process with SIGBUS). Without the native addon, reads the file.
 */
export function readEmb(path: string): Embeddings {
  const { size, version, entries } = readTable(path);
  const { buffer, fd } = mapOrRead(path, size);
  const bad = (what: string): never => {
    throw new EmbError('E_FORMAT', `${path}: ${what}; convert the source file again`);
  };
  const section = (kind: Section): Entry | undefined => {
    const e = entries.get(kind);
    if (e && version >= 2 && SMALL.has(kind)) {
      const got = crc32c(new Uint8Array(buffer, e.offset, e.length));
      if (got !== e.crc) bad(`section ${Section[kind]} is damaged (checksum mismatch)`);
    }
    return e;
  };
  const need = (kind: Section): Entry =>
    section(kind) ?? bad(`section ${Section[kind]} is missing`);
  const u32 = (e: Entry) => new Uint32Array(buffer, e.offset, e.length / 4);
  const f32 = (e: Entry) => new Float32Array(buffer, e.offset, e.length / 4);

  const m = need(Section.Metadata);
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, m.offset, m.length)),
    );
  } catch {
    bad('the metadata section is not valid JSON');
  }
  const meta = checkMetadata(json, bad);
  const { rows, dims } = meta;
  const storage = meta.storage ?? 'f32';
  if (version < 2 && storage !== 'f32')
    bad(`version 1 files store float32 only, the metadata says ${storage}`);
  const expect = (ok: boolean, what: string) => {
    if (!ok) bad(`${what} (the metadata says ${rows} words x ${dims} dims)`);
  };
  const offsets = u32(need(Section.VocabOffsets));
  const wordBytes = need(Section.VocabBytes);
  const bytes = new Uint8Array(buffer, wordBytes.offset, wordBytes.length);
  const table = u32(need(Section.VocabIndex));
  const norms = f32(need(Section.Norms));
  expect(offsets.length === rows + 1, `the vocabulary offsets have ${offsets.length} entries`);
  let ordered = offsets[0] === 0 && offsets[rows] === bytes.length;
  for (let i = 0; ordered && i < rows; i++) ordered = offsets[i] <= offsets[i + 1];
  expect(ordered, 'the vocabulary offsets do not match the word bytes');
  expect(norms.length === rows, `the norms section has ${norms.length} values`);
  expect(
    table.length > rows && (table.length & (table.length - 1)) === 0,
    `the word index has ${table.length} slots, expected a power of two above the word count`,
  );
  // Every row exactly once and at least one empty slot, so that probing always ends.
  let used = 0;
  for (let i = 0; i < table.length; i++) {
    if (table[i] > rows) bad(`the word index names row ${table[i] - 1}, past the last word`);
    if (table[i] !== 0) used++;
  }
  expect(used === rows, `the word index holds ${used} words`);

  const matrixEntry = need(MATRIX_OF[storage]);
  const values = rows * dims;
  let matrix: MatrixStorage;
  if (storage === 'f32') matrix = { type: 'f32', data: f32(matrixEntry) };
  else if (storage === 'f16')
    matrix = {
      type: 'f16',
      data: new Uint16Array(buffer, matrixEntry.offset, matrixEntry.length / 2),
    };
  else {
    const scales = f32(need(Section.RowScales));
    expect(scales.length === rows, `the row scales section has ${scales.length} values`);
    matrix = {
      type: 'int8',
      data: new Int8Array(buffer, matrixEntry.offset, matrixEntry.length),
      scales,
    };
  }
  expect(
    matrix.data.length === values,
    `the ${Section[MATRIX_OF[storage]]} section has ${matrix.data.length} values`,
  );
  let subwords;
  if (meta.subwords) {
    const buckets = f32(need(Section.SubwordBuckets));
    expect(
      buckets.length === meta.subwords.bucket * dims,
      `the subword section has ${buckets.length} values for ${meta.subwords.bucket} buckets`,
    );
    subwords = fastTextSubwords(meta.subwords, buckets, dims);
  }
  return new Embeddings(
    new Vocabulary(offsets, bytes, table),
    dims,
    matrix,
    norms,
    { ...meta.provenance },
    subwords,
    fd === undefined ? undefined : { file: path, fd, size },
  );
}

/** The metadata JSON, checked field by field (a damaged or hand-edited file says which). */
function checkMetadata(json: unknown, bad: (what: string) => never): EmbMetadata {
  const obj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const whole = (v: unknown, max: number) =>
    Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (!obj(json)) bad('the metadata is not a JSON object');
  const { rows, dims, storage, provenance, subwords } = json;
  if (!whole(rows, 2 ** 31 - 2) || rows === 0)
    bad(`metadata "rows" must be a positive whole number, got ${JSON.stringify(rows)}`);
  if (!whole(dims, 1 << 20) || dims === 0)
    bad(`metadata "dims" must be a positive whole number, got ${JSON.stringify(dims)}`);
  if (storage !== undefined && !STORAGE_TYPES.includes(storage as StorageType))
    bad(
      `metadata "storage" must be one of ${STORAGE_TYPES.join(', ')}, got ${JSON.stringify(storage)}`,
    );
  if (
    !obj(provenance) ||
    typeof provenance.source !== 'string' ||
    typeof provenance.sourceFormat !== 'string'
  )
    bad('metadata "provenance" must be an object with "source" and "sourceFormat" strings');
  for (const k of ['tool', 'created', 'quantizedFrom'])
    if (provenance[k] !== undefined && typeof provenance[k] !== 'string')
      bad(`metadata "provenance.${k}" must be a string`);
  if (subwords !== undefined) {
    if (
      !obj(subwords) ||
      subwords.scheme !== 'fasttext' ||
      !whole(subwords.minn, 100) ||
      !whole(subwords.maxn, 100) ||
      !whole(subwords.bucket, 2 ** 31 - 1)
    )
      bad(
        'metadata "subwords" must be {"scheme": "fasttext", "minn", "maxn", "bucket"} with whole numbers',
      );
  }
  return json as unknown as EmbMetadata;
}

/**
 * Checks the CRC32C of every section (the matrix and the subword buckets too), reading the
 * file in pieces; `emb info --verify` and every conversion run it. Version 1 files have no
 * checksums: only their structure is checked.
 */
export function verifyEmb(path: string): { sections: number; bytes: number; checksums: boolean } {
  const { version, entries } = readTable(path);
  const fd = openRegularFile(path);
  const chunk = Buffer.alloc(1 << 24);
  let bytes = 0;
  try {
    for (const e of entries.values()) {
      if (version < 2) continue;
      let crc = 0;
      for (let at = 0; at < e.length;) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, e.length - at), e.offset + at);
        if (n <= 0) throw new EmbError('E_FORMAT', `${path}: the file shrank while it was checked`);
        crc = crc32c(chunk.subarray(0, n), crc);
        at += n;
      }
      if (crc !== e.crc)
        throw new EmbError(
          'E_FORMAT',
          `${path}: section ${Section[e.kind] ?? e.kind} (bytes ${e.offset}..${e.offset + e.length}) is damaged (checksum mismatch); convert the source file again`,
        );
      bytes += e.length;
    }
  } finally {
    closeSync(fd);
  }
  return { sections: entries.size, bytes, checksums: version >= 2 };
}

function mapOrRead(path: string, size: number): { buffer: ArrayBuffer; fd?: number } {
  if (native) {
    try {
      return native.map(path, size);
    } catch (e) {
      throw new EmbError('E_IO', `${path}: cannot map: ${(e as Error).message}`);
    }
  }
  const buffer = new ArrayBuffer(size);
  const fd = openRegularFile(path);
  try {
    const bytes = new Uint8Array(buffer);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, Math.min(size - at, 1 << 30), at);
      if (n === 0) throw new EmbError('E_FORMAT', `${path}: the file shrank while it was read`);
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return { buffer };
}
