import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import type { ModelInfo } from '../../api/info.js';
import { encodingOption, openVectors, printJson, type VectorOptions } from '../common.js';
import { pct } from '../print.js';

export function infoCommand(): Command {
  return new Command('info')
    .description(
      "a vector file's format, size, storage, provenance and norms, and where converted vectors live; or a model folder's kind, labels, settings, metrics and the vectors it needs",
    )
    .argument('[path]', 'vector file or model folder (default: the bundled GloVe 6B 100d)')
    .addOption(encodingOption('--encoding <name>', 'how words in a text vector file are encoded'))
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
  emb info GoogleNews-vectors-negative300.bin
  emb info reviews.model`,
    )
    .action(
      async (
        path: string | undefined,
        opts: VectorOptions & { json?: boolean; verify?: boolean },
      ) => {
        const { describeModel, describeVectors } = await import('../../api/info.js');
        if (path && statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
          const m = describeModel(path);
          return opts.json ? printJson(m) : printModel(m);
        }
        // The default vectors, converted with progress on first use (common.ts).
        const vectors = await openVectors({ ...opts, vectors: path });
        const d = describeVectors(vectors, { verify: opts.verify });
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

/** A model folder as `emb info` prints it. */
function printModel(m: ModelInfo): void {
  const metrics = m.metrics as { accuracy?: number; macroF1?: number; protocol?: string };
  const changed = Object.entries(m.settings).filter(([k]) => k !== 'model');
  const rows: [string, string][] = [
    ['model', `${m.path} (${(m.bytes / 1e6).toFixed(1)} MB, ${Object.keys(m.files).length} files)`],
    ['kind', `${m.kind}: ${m.summary}`],
    ['reads', m.features],
    ['labels', m.labels.join(', ')],
    ['settings', changed.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')],
    ['tokenizer', m.tokenizer],
    [
      'metrics',
      metrics.accuracy === undefined
        ? 'none recorded'
        : `accuracy ${pct(metrics.accuracy)}${metrics.macroF1 === undefined ? '' : `, macro-F1 ${metrics.macroF1.toFixed(4)}`}${metrics.protocol ? ` (${metrics.protocol})` : ''}`,
    ],
    ...(m.decision
      ? ([
          [
            'decision',
            `"${m.decision.positive}" when its probability is at least ${m.decision.threshold.toFixed(4)}`,
          ],
        ] as [string, string][])
      : []),
    [
      'vectors',
      m.vectors
        ? `${m.vectors.path} (${m.vectors.words} words x ${m.vectors.dims} dims, fingerprint ${m.vectors.fingerprint})${existsSync(m.vectors.path) ? '' : '; not there now: pass --vectors to predict'}`
        : 'none (a bag-of-words model)',
    ],
    ['trained', `${m.created} with emb ${m.embVersion}`],
    [
      'files',
      Object.entries(m.files)
        .map(([f, n]) => `${f} ${n}`)
        .join(', '),
    ],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(12)} ${v}`);
}
