import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EmbError } from '../errors.js';
import { bestOf, overtakes, type Curve } from './learning-curve.js';
import { mean } from './metrics.js';
import { DEFAULTS, type ModelSettings } from '../models/settings.js';

/** Everything `emb compare` found, as report.json holds it. */
export interface CompareReport {
  emb: string;
  created: string;
  data: { train: string; test: string; trainSize: number; testSize: number; classes: string[] };
  settings: {
    sizes: number[];
    dropped: number[];
    repeats: number;
    seed: number;
    methods: { name: string; settings: ModelSettings }[];
    vectors: { path: string; words: number; dims: number } | null;
    /** The command line that asked, when it came from the CLI. */
    command: string | null;
  };
  /** Share of test-set tokens without a vector (null when no method used vectors). */
  oovRate: number | null;
  curves: Curve[];
  /** Where the best bag-of-words method overtakes the best transfer method, if both ran. */
  crossover: { baseline: string[]; transfer: string[]; size: number | null } | null;
}

const BASELINES = new Set(['svm', 'nbsvm']);
const TRANSFER = new Set(['logreg', 'mlp']);

export function findCrossover(curves: readonly Curve[]): CompareReport['crossover'] {
  const base = curves.filter((c) => BASELINES.has(c.method));
  const transfer = curves.filter((c) => TRANSFER.has(c.method));
  if (base.length === 0 || transfer.length === 0) return null;
  const size = overtakes(bestOf('baseline', base), bestOf('transfer', transfer));
  return {
    baseline: base.map((c) => c.method),
    transfer: transfer.map((c) => c.method),
    size: size ?? null,
  };
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The settings that differ from the model's defaults, as " {C: 0.5}", or nothing. */
function changed(settings: ModelSettings): string {
  const defaults = DEFAULTS[settings.model] as unknown as Record<string, unknown>;
  const diff = Object.entries(settings).filter(
    ([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k]),
  );
  return diff.length ? ` ${JSON.stringify(Object.fromEntries(diff))}` : '';
}

/** One paragraph that answers "should I use pretrained vectors here?". */
export function verdict(report: CompareReport): string {
  const c = report.crossover;
  if (!c) return 'Only one family of methods ran, so there is no baseline-versus-transfer answer.';
  const base = bestOf(
    'baseline',
    report.curves.filter((x) => c.baseline.includes(x.method)),
  );
  const transfer = bestOf(
    'transfer',
    report.curves.filter((x) => c.transfer.includes(x.method)),
  );
  const gaps = transfer.points.map((p, i) => ({ size: p.size, gap: p.mean - base.points[i].mean }));
  const ahead = gaps.filter((g) => g.gap > 0);
  const lead = ahead.length ? Math.max(...ahead.map((g) => g.gap)) : 0;
  const parts: string[] = [];
  if (ahead.length) {
    parts.push(
      `Pretrained vectors (${c.transfer.join(', ')}) lead by up to ${pct(lead)} points, at n = ${ahead.map((g) => g.size).join(', ')}.`,
    );
  } else
    parts.push(
      `Pretrained vectors (${c.transfer.join(', ')}) never lead the bag-of-words baseline here.`,
    );
  if (c.size !== null && ahead.length)
    parts.push(
      `The bag-of-words baseline (${c.baseline.join(', ')}) is ahead from n = ${c.size} on.`,
    );
  else if (c.size === null)
    parts.push(
      `The bag-of-words baseline (${c.baseline.join(', ')}) does not stay ahead at the largest sizes tried.`,
    );
  return parts.join(' ');
}

function table(
  report: CompareReport,
  cell: (c: Curve, i: number) => string,
  bold?: (i: number) => number,
): string {
  const head = `| n | ${report.curves.map((c) => c.method).join(' | ')} |`;
  const rule = `|---|${report.curves.map(() => '---|').join('')}`;
  const rows = report.curves[0].points.map((p, i) => {
    const best = bold?.(i);
    const cells = report.curves.map((c, k) => (k === best ? `**${cell(c, i)}**` : cell(c, i)));
    return `| ${p.size === report.data.trainSize ? `${p.size} (all)` : p.size} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

export function renderMarkdown(report: CompareReport): string {
  const s = report.settings;
  const bestAt = (i: number) =>
    report.curves.reduce(
      (b, c, k) => (c.points[i].mean > report.curves[b].points[i].mean ? k : b),
      0,
    );
  const lines = [
    `# emb compare: ${basename(report.data.train)}`,
    '',
    verdict(report),
    '',
    `## Accuracy (%) by training size`,
    '',
    `Mean ± standard deviation over ${s.repeats} stratified random training subsets per size (one run with all the data), on a fixed test set of ${report.data.testSize}. Best per row in bold.`,
    '',
    table(report, (c, i) => `${pct(c.points[i].mean)} ± ${pct(c.points[i].std)}`, bestAt),
    '',
    `## Training time (seconds per run, mean)`,
    '',
    table(report, (c, i) => mean(c.points[i].seconds).toFixed(2)),
    '',
    `## Settings`,
    '',
    `- training data: ${report.data.train} (${report.data.trainSize} examples; classes ${report.data.classes.join(', ')})`,
    `- test data: ${report.data.test} (${report.data.testSize} examples)`,
    `- sizes: ${s.sizes.join(', ')}${s.dropped.length ? ` (dropped, larger than the training data: ${s.dropped.join(', ')})` : ''}`,
    `- repeats per size: ${s.repeats}; seed: ${s.seed}`,
    `- methods: ${s.methods.map((m) => `${m.name}${changed(m.settings)}`).join('; ')}`,
    `- vectors: ${s.vectors ? `${s.vectors.path} (${s.vectors.words} words x ${s.vectors.dims} dims)` : 'none'}`,
    ...(report.oovRate !== null ? [`- test tokens without a vector: ${pct(report.oovRate)}%`] : []),
    `- emb ${report.emb}, ${report.created}`,
    ...(s.command ? [`- command: \`${s.command}\``] : []),
    '',
  ];
  return lines.join('\n');
}

/** Accuracy against training size, log x axis, error bars of one standard deviation. */
export function chartSpec(report: CompareReport): Record<string, unknown> {
  const values = report.curves.flatMap((c) =>
    c.points.map((p) => ({
      method: c.method,
      size: p.size,
      mean: 100 * p.mean,
      lo: 100 * (p.mean - p.std),
      hi: 100 * (p.mean + p.std),
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 560,
    height: 340,
    data: { values },
    encoding: {
      x: {
        field: 'size',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'training examples (log scale)',
      },
      color: { field: 'method', type: 'nominal', title: 'method' },
    },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          y: { field: 'mean', type: 'quantitative', scale: { zero: false }, title: 'accuracy (%)' },
        },
      },
      {
        mark: { type: 'errorbar', ticks: true },
        encoding: {
          y: { field: 'lo', type: 'quantitative', title: 'accuracy (%)' },
          y2: { field: 'hi' },
        },
      },
    ],
  };
}

export async function renderChart(report: CompareReport): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(report) as never).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Markdown report as a self-contained page with the chart inline (no network needed). */
export function renderHtml(report: CompareReport, markdown: string, svg: string): string {
  const body = markdown
    .split('\n\n')
    .map((block) => {
      if (block.startsWith('# ')) return `<h1>${escape(block.slice(2))}</h1>`;
      if (block.startsWith('## ')) return `<h2>${escape(block.slice(3))}</h2>`;
      if (block.startsWith('|')) {
        const rows = block.split('\n').filter((r) => !/^\|-/.test(r));
        return `<table>${rows
          .map((r, i) => {
            const tag = i === 0 ? 'th' : 'td';
            const cells = r
              .split('|')
              .slice(1, -1)
              .map((c) => c.trim().replace(/^\*\*(.*)\*\*$/, '<b>$1</b>'));
            return `<tr>${cells.map((c) => `<${tag}>${c.startsWith('<b>') ? c : escape(c)}</${tag}>`).join('')}</tr>`;
          })
          .join('')}</table>`;
      }
      if (block.startsWith('- '))
        return `<ul>${block
          .split('\n')
          .map((l) => `<li>${escape(l.slice(2)).replace(/`([^`]*)`/g, '<code>$1</code>')}</li>`)
          .join('')}</ul>`;
      return `<p>${escape(block)}</p>`;
    })
    .join('\n');
  const withChart = body.replace(
    '<h2>Accuracy (%) by training size</h2>',
    `<h2>Accuracy (%) by training size</h2>\n<figure>${svg}</figure>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emb compare: ${escape(basename(report.data.train))}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th{background:#f4f4f4}figure{margin:1rem 0}code{background:#f4f4f4;padding:0 .2rem}</style></head>
<body>
${withChart}
</body></html>
`;
}

/**
 * Writes report.md, report.html and report.json into a temporary folder beside `dir` and
 * renames it into place when complete; an existing folder is replaced only with force.
 */
export async function writeReportFiles(
  dir: string,
  report: CompareReport,
  force: boolean,
): Promise<void> {
  const target = resolve(dir);
  if (existsSync(target) && !force)
    throw new EmbError(
      'E_INPUT',
      `${dir} exists; choose another --out or add --force to replace it`,
    );
  const markdown = renderMarkdown(report);
  const svg = await renderChart(report);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'report.md'), markdown);
    writeFileSync(join(tmp, 'report.html'), renderHtml(report, markdown, svg));
    writeFileSync(join(tmp, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    if (existsSync(target)) {
      const old = `${tmp}.old`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
