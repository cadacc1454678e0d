/**
 * Byte-level mutations of vector files for the fuzz tests (test/fuzz-vectors.test.ts) and the
 * longer campaign (bench/fuzz.ts), and small copies of the fixtures to mutate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { crc32c } from '../../src/formats/crc32c.js';
import { readVectors, writeVectors } from '../../src/formats/index.js';
import { Embeddings } from '../../src/embeddings/embeddings.js';
import { Vocabulary } from '../../src/embeddings/vocabulary.js';
import { FIXTURES } from './datasets.js';

export interface Mutation {
  kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate' | 'dup';
  /** Where: near the start (headers, section tables) half of the time. */
  pos: number;
  byte: number;
  len: number;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'dup'),
  pos: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.nat()),
  byte: fc.integer({ min: 0, max: 255 }),
  len: fc.integer({ min: 1, max: 64 }),
});

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

export function mutate(original: Buffer, ms: readonly Mutation[]): Buffer {
  let b = Buffer.from(original);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.pos % b.length;
    if (m.kind === 'flip') b[at] ^= 1 << (m.byte % 8);
    else if (m.kind === 'set') b[at] = m.byte;
    else if (m.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    else if (m.kind === 'truncate') b = b.subarray(0, at);
    else b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
  }
  return b;
}

/** The section table of an .emb: kind, where its entry is, offset and length. */
export function sections(
  b: Buffer,
): { kind: number; at: number; offset: number; length: number }[] {
  const n = b.length >= 16 ? Math.min(64, b.readUInt32LE(12)) : 0;
  return Array.from({ length: n }, (_, i) => {
    const at = 32 + 32 * i;
    if (at + 32 > b.length) return { kind: -1, at, offset: 0, length: 0 };
    return {
      kind: b.readUInt32LE(at),
      at,
      offset: Number(b.readBigUInt64LE(at + 8)),
      length: Number(b.readBigUInt64LE(at + 16)),
    };
  });
}

/** Recomputes an .emb's checksums after an edit, so that its structural checks are reached. */
export function reseal(original: Buffer): Buffer {
  const b = Buffer.from(original);
  const table = sections(b);
  for (const e of table)
    if (e.kind >= 0 && e.offset + e.length <= b.length)
      b.writeUInt32LE(crc32c(b.subarray(e.offset, e.offset + e.length)), e.at + 24);
  const end = 32 + 32 * table.length;
  if (b.length >= end && b.length >= 32) {
    b.writeUInt32LE(0, 24);
    b.writeUInt32LE(crc32c(b.subarray(0, end)), 24);
  }
  return b;
}

/** Small copies (300 words) of each fixture format, and fastText's .bin as it is. */
export function smallFixtures(dir: string): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  const lines = (name: string, header: boolean) => {
    const all = readFileSync(`${FIXTURES}${name}`, 'utf8').split('\n');
    const body = all.slice(header ? 1 : 0, (header ? 1 : 0) + 300);
    const path = join(dir, `small-${name}`);
    writeFileSync(
      path,
      (header ? [`300 ${all[0].split(' ')[1]}`, ...body] : body).join('\n') + '\n',
    );
    out.push({ name: name.replace(/_tiny/, ''), path });
  };
  lines('w2v_tiny.txt', true);
  lines('glove_tiny.txt', false);
  lines('ft_tiny.vec', true);
  const full = readVectors(`${FIXTURES}w2v_tiny.bin`).embeddings;
  const words = full.vocab.words().slice(0, 300);
  const small = Embeddings.fromRows(
    Vocabulary.build(words),
    full.matrix.slice(0, 300 * full.dims),
    full.dims,
    full.provenance,
  );
  for (const [name, format] of [
    ['w2v.bin', 'word2vec-binary'],
    ['small.emb', 'emb'],
  ] as const) {
    const path = join(dir, `small-${name}`);
    writeVectors(small, path, format);
    out.push({ name, path });
  }
  const int8 = join(dir, 'small-int8.emb');
  writeVectors(small, int8, 'emb', { quantize: 'int8' });
  out.push({ name: 'int8.emb', path: int8 });
  out.push({ name: 'ft.bin', path: `${FIXTURES}ft_tiny.bin` });
  return out;
}
