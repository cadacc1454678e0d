import { statSync } from 'node:fs';
import { Command } from 'commander';
import { defaultVectorsPath, openVectors, printJson, type VectorOptions } from '../common.js';
import { sniffFormat } from '../../formats/format.js';
import type { Embeddings } from '../../embeddings/embeddings.js';
import { verifyEmb } from '../../formats/emb.js';
import { embHome } from '../../store/home.js';

/** What `emb info` reports about a vector file. */
export function describe(emb: Embeddings, path: string, format: string) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zero = 0;
  for (const n of emb.norms) {
    min = Math.min(min, n);
    max = Math.max(max, n);
    sum += n;
    if (n === 0) zero++;
  }
  return {
    path,
    format,
    words: emb.rows,
    dims: emb.dims,
    bytes: statSync(path).size,
    storage: emb.storage.type,
    provenance: emb.provenance,
    subwords: emb.subwords?.settings ?? null,
    norms: { min, mean: sum / emb.rows, max, zero },
    first: Array.from({ length: Math.min(10, emb.rows) }, (_, i) => emb.word(i)),
    home: embHome(),
  };
}

export function infoCommand(): Command {
  return new Command('info')
    .description(
      'format, size, storage, provenance and norm statistics of a vector file, and where converted vectors live',
    )
    .argument('[path]', 'vector file (default: the bundled GloVe 6B 100d)')
    .option('--encoding <name>', 'utf8 or latin1, for text formats', 'utf8')
    .option('--verify', 'check the checksum of every section of an .emb (the matrix too)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      `
Converted vectors (the bundled GloVe after its first use) live in $EMB_HOME, else in the
package's embeddings/ folder when writable, else in $XDG_CACHE_HOME/emb or ~/.cache/emb.

Examples:
  emb info
  emb info vectors.emb --verify --json
  emb info GoogleNews-vectors-negative300.bin`,
    )
    .action(
      async (
        path: string | undefined,
        opts: VectorOptions & { json?: boolean; verify?: boolean },
      ) => {
        const emb = (await openVectors({ ...opts, vectors: path })).embeddings;
        const file = path ?? defaultVectorsPath();
        const format = sniffFormat(file);
        const verified = opts.verify && format === 'emb' ? { verified: verifyEmb(file) } : {};
        const d = { ...describe(emb, file, format), ...verified };
        if (opts.json) return printJson(d);
        const rows: [string, string][] = [
          ['file', d.path],
          ['format', d.format],
          ['size', `${(d.bytes / 1e6).toFixed(1)} MB`],
          [
            'storage',
            {
              f32: 'float32',
              f16: 'float16 (compact)',
              int8: 'int8 with a scale per row (compact)',
            }[d.storage],
          ],
          ...(d.verified
            ? ([
                [
                  'verified',
                  d.verified.checksums
                    ? `${d.verified.sections} sections, ${d.verified.bytes} bytes: every checksum matches`
                    : 'version 1 file: structure checked, it has no checksums',
                ],
              ] as [string, string][])
            : []),
          ['words', String(d.words)],
          ['dimensions', String(d.dims)],
          ['source', `${d.provenance.source} (${d.provenance.sourceFormat})`],
          ...(d.provenance.tool
            ? ([
                [
                  'written by',
                  `${d.provenance.tool}${d.provenance.created ? `, ${d.provenance.created}` : ''}`,
                ],
              ] as [string, string][])
            : []),
          [
            'subwords',
            d.subwords
              ? `fastText n-grams ${d.subwords.minn}-${d.subwords.maxn}, ${d.subwords.bucket} buckets`
              : 'none',
          ],
          [
            'norms',
            `min ${d.norms.min.toFixed(4)}, mean ${d.norms.mean.toFixed(4)}, max ${d.norms.max.toFixed(4)}, ${d.norms.zero} zero vectors`,
          ],
          ['first words', d.first.join(' ')],
          ['emb home', `${d.home} (converted vectors; $EMB_HOME to change)`],
        ];
        for (const [k, v] of rows) console.log(`${k.padEnd(12)} ${v}`);
      },
    );
}
