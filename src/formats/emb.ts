import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { EmbError } from '../errors.js';
import { Embeddings, type Provenance } from '../embeddings/embeddings.js';
import { Vocabulary } from '../embeddings/vocabulary.js';
import { native } from '../embeddings/native.js';
import type { SubwordSettings } from '../embeddings/subwords.js';
import { fastTextSubwords } from '../embeddings/fasttext-ngrams.js';
import { VERSION } from '../version.js';

/**
 * emb's native format; docs/format.md is the specification. A fixed header, a table of typed
 * sections, every section aligned to 64 bytes so the matrix is viewed as a Float32Array
 * straight out of the memory-mapped file.
 */
export const MAGIC = Uint8Array.from([0x89, 0x45, 0x4d, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]); // \x89EMB\r\n\x1a\n
export const FORMAT_VERSION = 1;
const HEADER_BYTES = 32;
const ENTRY_BYTES = 32;
const ALIGN = 64;

export enum Section {
  Metadata = 1,
  VocabOffsets = 2,
  VocabBytes = 3,
  VocabIndex = 4,
  Norms = 5,
  Matrix = 6,
  SubwordBuckets = 7,
}
enum Element {
  U8 = 1,
  U32 = 2,
  F32 = 3,
}
const ELEMENT_BYTES: Record<number, number> = {
  [Element.U8]: 1,
  [Element.U32]: 4,
  [Element.F32]: 4,
};

export interface EmbMetadata {
  rows: number;
  dims: number;
  provenance: Provenance;
  subwords?: SubwordSettings & { scheme: 'fasttext' };
}

interface SectionData {
  kind: Section;
  element: Element;
  data: Uint8Array | Uint32Array | Float32Array;
}

/** Serialises embeddings into fd. */
export function writeEmb(emb: Embeddings, fd: number): void {
  const meta: EmbMetadata = {
    rows: emb.rows,
    dims: emb.dims,
    provenance: {
      ...emb.provenance,
      tool: `emb ${VERSION}`,
      created: new Date().toISOString(),
    },
    ...(emb.subwords
      ? { subwords: { scheme: 'fasttext' as const, ...emb.subwords.settings } }
      : {}),
  };
  const sections: SectionData[] = [
    {
      kind: Section.Metadata,
      element: Element.U8,
      data: new TextEncoder().encode(JSON.stringify(meta)),
    },
    { kind: Section.VocabOffsets, element: Element.U32, data: emb.vocab.offsets },
    { kind: Section.VocabBytes, element: Element.U8, data: emb.vocab.bytes },
    { kind: Section.VocabIndex, element: Element.U32, data: emb.vocab.table },
    { kind: Section.Norms, element: Element.F32, data: emb.norms },
    { kind: Section.Matrix, element: Element.F32, data: emb.matrix },
  ];
  if (emb.subwords)
    sections.push({
      kind: Section.SubwordBuckets,
      element: Element.F32,
      data: emb.subwords.buckets,
    });

  const table = Buffer.alloc(HEADER_BYTES + ENTRY_BYTES * sections.length);
  let offset = align(table.length);
  const offsets = sections.map((s) => {
    const at = offset;
    offset = align(at + s.data.byteLength);
    return at;
  });
  const fileSize = offsets[offsets.length - 1] + sections[sections.length - 1].data.byteLength;
  table.set(MAGIC, 0);
  table.writeUInt32LE(FORMAT_VERSION, 8);
  table.writeUInt32LE(sections.length, 12);
  table.writeBigUInt64LE(BigInt(fileSize), 16);
  sections.forEach((s, i) => {
    const e = HEADER_BYTES + i * ENTRY_BYTES;
    table.writeUInt32LE(s.kind, e);
    table.writeUInt32LE(s.element, e + 4);
    table.writeBigUInt64LE(BigInt(offsets[i]), e + 8);
    table.writeBigUInt64LE(BigInt(s.data.byteLength), e + 16);
  });
  writeSync(fd, table);
  let at = table.length;
  const zeros = Buffer.alloc(ALIGN);
  sections.forEach((s, i) => {
    if (offsets[i] > at) writeSync(fd, zeros, 0, offsets[i] - at);
    const bytes = new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    // writeSync takes at most 2 GiB at a time.
    for (let o = 0; o < bytes.length; o += 1 << 30)
      writeSync(fd, bytes.subarray(o, Math.min(bytes.length, o + (1 << 30))));
    at = offsets[i] + s.data.byteLength;
  });
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** True when the first bytes are the .emb magic. */
export function isEmb(head: Uint8Array): boolean {
  return head.length >= MAGIC.length && MAGIC.every((b, i) => head[i] === b);
}

/**
 * Opens an .emb file: checks the header and every section against the file size before
 * mapping (mapping past the end of a file kills the process with SIGBUS), then views the
 * sections in place. Without the native addon, reads the file into memory instead.
 */
export function readEmb(path: string): Embeddings {
  const { size, entries } = readTable(path);
  const buffer = mapOrRead(path, size);
  const view = <T>(
    kind: Section,
    element: Element,
    make: (b: ArrayBuffer, o: number, n: number) => T,
    required = true,
  ): T | undefined => {
    const e = entries.get(kind);
    if (!e) {
      if (required) throw new EmbError('E_FORMAT', `${path}: section ${Section[kind]} is missing`);
      return undefined;
    }
    if (e.element !== element)
      throw new EmbError(
        'E_FORMAT',
        `${path}: section ${Section[kind]} has element type ${e.element}, expected ${element}`,
      );
    return make(buffer, e.offset, e.length / ELEMENT_BYTES[element]);
  };
  const u8 = (b: ArrayBuffer, o: number, n: number) => new Uint8Array(b, o, n);
  const u32 = (b: ArrayBuffer, o: number, n: number) => new Uint32Array(b, o, n);
  const f32 = (b: ArrayBuffer, o: number, n: number) => new Float32Array(b, o, n);

  let meta: EmbMetadata;
  try {
    meta = JSON.parse(
      new TextDecoder().decode(view(Section.Metadata, Element.U8, u8)),
    ) as EmbMetadata;
  } catch {
    throw new EmbError('E_FORMAT', `${path}: the metadata section is not valid JSON`);
  }
  const { rows, dims } = meta;
  const offsets = view(Section.VocabOffsets, Element.U32, u32)!;
  const bytes = view(Section.VocabBytes, Element.U8, u8)!;
  const table = view(Section.VocabIndex, Element.U32, u32)!;
  const norms = view(Section.Norms, Element.F32, f32)!;
  const matrix = view(Section.Matrix, Element.F32, f32)!;
  const expect = (ok: boolean, what: string) => {
    if (!ok)
      throw new EmbError(
        'E_FORMAT',
        `${path}: ${what} (metadata says ${rows} words x ${dims} dims)`,
      );
  };
  expect(
    Number.isInteger(rows) && rows > 0 && Number.isInteger(dims) && dims > 0,
    'bad dimensions in the metadata',
  );
  expect(
    offsets.length === rows + 1 && offsets[rows] === bytes.length,
    'the vocabulary offsets do not match the word bytes',
  );
  expect(
    table.length >= rows && (table.length & (table.length - 1)) === 0,
    'the word index has a bad size',
  );
  expect(norms.length === rows, `the norms section has ${norms.length} values`);
  expect(matrix.length === rows * dims, `the matrix has ${matrix.length} values`);
  let subwords;
  if (meta.subwords) {
    const buckets = view(Section.SubwordBuckets, Element.F32, f32)!;
    expect(
      buckets.length === meta.subwords.bucket * dims,
      `the subword section has ${buckets.length} values`,
    );
    subwords = fastTextSubwords(meta.subwords, buckets, dims);
  }
  const provenance: Provenance = { ...meta.provenance };
  return new Embeddings(
    new Vocabulary(offsets, bytes, table),
    dims,
    matrix,
    norms,
    provenance,
    subwords,
  );
}

/** Reads and checks header and section table; returns the sections by kind. */
export function readTable(path: string): {
  size: number;
  entries: Map<number, { element: number; offset: number; length: number }>;
} {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new EmbError('E_IO', `${path}: cannot open (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEADER_BYTES);
    const got = readSync(fd, head, 0, HEADER_BYTES, 0);
    if (!isEmb(head.subarray(0, got)))
      throw new EmbError('E_FORMAT', `${path}: not an .emb file (bad magic bytes)`);
    if (got < HEADER_BYTES)
      throw new EmbError(
        'E_FORMAT',
        `${path}: truncated: ${size} bytes, the header alone needs ${HEADER_BYTES}`,
      );
    const version = head.readUInt32LE(8);
    if (version !== FORMAT_VERSION) {
      throw new EmbError(
        'E_VERSION',
        `${path}: .emb format version ${version}, expected ${FORMAT_VERSION}; ${version > FORMAT_VERSION ? 'upgrade emb, or convert the source file again' : 'convert the source file again'}`,
      );
    }
    const count = head.readUInt32LE(12);
    const declared = Number(head.readBigUInt64LE(16));
    if (declared !== size) {
      throw new EmbError(
        'E_FORMAT',
        `${path}: the header says ${declared} bytes, the file has ${size}${size < declared ? ': it is truncated' : ''}; convert the source file again`,
      );
    }
    if (count > 1024 || HEADER_BYTES + count * ENTRY_BYTES > size)
      throw new EmbError('E_FORMAT', `${path}: bad section count ${count}`);
    const table = Buffer.alloc(count * ENTRY_BYTES);
    readSync(fd, table, 0, table.length, HEADER_BYTES);
    const entries = new Map<number, { element: number; offset: number; length: number }>();
    for (let i = 0; i < count; i++) {
      const e = i * ENTRY_BYTES;
      const kind = table.readUInt32LE(e);
      const element = table.readUInt32LE(e + 4);
      const offset = Number(table.readBigUInt64LE(e + 8));
      const length = Number(table.readBigUInt64LE(e + 16));
      const unit = ELEMENT_BYTES[element] ?? 1;
      if (offset + length > size || offset % ALIGN !== 0 || length % unit !== 0) {
        throw new EmbError(
          'E_FORMAT',
          `${path}: section ${kind} (bytes ${offset}..${offset + length}) does not fit the ${size}-byte file`,
        );
      }
      entries.set(kind, { element, offset, length });
    }
    return { size, entries };
  } finally {
    closeSync(fd);
  }
}

function mapOrRead(path: string, size: number): ArrayBuffer {
  if (native) {
    try {
      return native.map(path, size);
    } catch (e) {
      throw new EmbError('E_IO', `${path}: cannot map: ${(e as Error).message}`);
    }
  }
  const buffer = new ArrayBuffer(size);
  const fd = openSync(path, 'r');
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
  return buffer;
}
