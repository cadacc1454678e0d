/**
 * The learning-curve chart: the comparison's metric against training size on a log axis
 * fitted to the sizes tried, with the majority-class line and 95% intervals as error bars.
 * Methods are told apart three ways, so that no one needs to tell colours apart: a colour of
 * the Okabe–Ito palette (chosen to survive the common colour-vision deficiencies) and a marker
 * per kind, and a dash pattern per family. Rendered to SVG in Node by vega, so the page needs no
 * network: once for a wide window and once for a phone's, the page showing the one that fits.
 */
import type { Family } from '../models/kind.js';
import { metricLabel } from '../models/metric.js';
import { MODEL_NAMES, type ModelName } from '../models/registry.js';
import { familyOf, kindOf } from './findings.js';
import { MAJORITY } from './learning-curve.js';
import type { CompareReport } from './report.js';

/**
 * Okabe & Ito (2008), without yellow, which is too faint on white: one colour per kind, in
 * the registry's order, so that a kind has the same colour in every report.
 */
export const PALETTE = [
  '#E69F00',
  '#CC79A7',
  '#56B4E9',
  '#009E73',
  '#0072B2',
  '#D55E00',
  '#000000',
];

/** One marker per kind, in the registry's order, beside its colour (vega's shape names). */
export const MARKERS = [
  'circle',
  'square',
  'triangle-up',
  'diamond',
  'cross',
  'triangle-down',
  'triangle-right',
  'triangle-left',
  // A hexagon: vega's remaining shapes (wedge, arrow, stroke) are too thin to read as a point.
  'M0,-1L0.87,-0.5L0.87,0.5L0,1L-0.87,0.5L-0.87,-0.5Z',
  // A pentagon and a four-pointed star, for the networks.
  'M0,-1L0.95,-0.31L0.59,0.81L-0.59,0.81L-0.95,-0.31Z',
  'M0,-1L0.3,-0.3L1,0L0.3,0.3L0,1L-0.3,0.3L-1,0L-0.3,-0.3Z',
];

const indexOfKind = (name: string) => MODEL_NAMES.indexOf(name as ModelName);

/**
 * The colour of a kind's curves in a report that shows `kinds`. The first kinds of the
 * registry have the palette's colours in its order, the same in every report; a kind beyond
 * them takes a colour none of the report's other kinds has, while one is left.
 */
export function kindColour(name: string, kinds: readonly string[] = []): string {
  const at = indexOfKind(name);
  if (at < PALETTE.length) return PALETTE[at];
  const used = new Set(kinds.map(indexOfKind).filter((k) => k < PALETTE.length));
  const free = PALETTE.filter((_, k) => !used.has(k));
  const later = [...new Set([...kinds, name].map(indexOfKind).filter((k) => k >= PALETTE.length))];
  const j = later.sort((a, b) => a - b).indexOf(at);
  return free.length ? free[j % free.length] : PALETTE[at % PALETTE.length];
}

/** The marker of a kind's points. */
export function kindMarker(name: string): string {
  return MARKERS[indexOfKind(name) % MARKERS.length];
}

export const MAJORITY_COLOUR = '#7a7a7a';

/** The dash pattern of a family's lines (stroke and gap lengths, pixels), and its legend entry. */
export const FAMILY_DASHES: Record<Family, { dash: number[]; name: string }> = {
  'bag-of-words': { dash: [7, 4], name: 'bag-of-words' },
  vectors: { dash: [1, 0], name: 'averaged vectors' },
  combined: { dash: [12, 3, 2, 3], name: 'n-grams + vectors' },
  'fine-tuned': { dash: [2, 2], name: 'fine-tuned vectors' },
};
const MAJORITY_LINE = { dash: [1, 5], name: 'majority class' };

/** The two layouts: a desktop window's, and a phone's (about 360 CSS pixels wide). */
export type ChartLayout = 'wide' | 'narrow';

const SIZES: Record<ChartLayout, { width: number; height: number; columns: number }> = {
  wide: { width: 620, height: 360, columns: 6 },
  narrow: { width: 260, height: 250, columns: 2 },
};

export function chartSpec(
  report: CompareReport,
  layout: ChartLayout = 'wide',
): Record<string, unknown> {
  const curves = report.curves;
  const methods = curves.map((c) => c.method);
  // Methods side by side around each size (a few percent apart on the log axis), so that
  // their error bars do not hide one another.
  const dodge = (k: number) => Math.pow(1.045, k - (curves.length - 1) / 2);
  const values = [
    ...curves.flatMap((c, k) =>
      c.points.map((p) => ({
        method: c.method,
        family: FAMILY_DASHES[familyOf(report, c)].name,
        size: p.size,
        x: p.size * dodge(k),
        score: 100 * p.score,
        lo: 100 * p.scoreCi95[0],
        hi: 100 * p.scoreCi95[1],
      })),
    ),
    ...report.majority.points.map((p) => ({
      method: MAJORITY,
      family: MAJORITY_LINE.name,
      size: p.size,
      x: p.size,
      score: 100 * p.score,
      lo: 100 * p.score,
      hi: 100 * p.score,
    })),
  ];
  const sizes = report.settings.sizes;
  const lo = Math.min(...values.map((v) => v.lo));
  const hi = Math.max(...values.map((v) => v.hi));
  const kind = (m: string) => kindOf(report, m).name;
  const domain = [...methods, MAJORITY];
  const isMethod = { not: { field: 'method', equal: MAJORITY } };
  const families = [
    ...new Set(curves.map((c) => FAMILY_DASHES[familyOf(report, c)])),
    MAJORITY_LINE,
  ];
  const { width, height, columns } = SIZES[layout];
  const yTitle = `${metricLabel(report.settings.metric.name)} on the test set (%)`;
  const legend = {
    orient: 'bottom',
    direction: 'horizontal',
    labelFontSize: 12,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    titleLimit: width,
  };
  // The methods' legend: colour and marker together (the majority line has neither).
  const methodLegend = {
    ...legend,
    title: null,
    columns,
    symbolSize: 110,
    labelExpr: `datum.label === '${MAJORITY}' ? 'majority class' : datum.label`,
  };
  // The families' legend: a line sample of each dash pattern.
  const familyLegend = {
    ...legend,
    title: 'lines:',
    // Without a canvas vega estimates a label's width at about twice what it takes, and sizes
    // columns (and truncates labels) by the estimate: three columns fit the wide chart, one
    // a phone's, and no label is cut short.
    columns: layout === 'narrow' ? 1 : 3,
    labelLimit: 0,
    symbolType: 'stroke',
    symbolSize: 500,
    symbolStrokeWidth: 2,
    symbolStrokeColor: '#444',
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width,
    height,
    // The two legends one above the other, so that a narrow chart stays narrow.
    config: {
      legend: { layout: { bottom: { anchor: 'start', direction: 'vertical', margin: 6 } } },
    },
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        scale: {
          type: 'log',
          domain: [Math.min(...sizes) / 1.25, Math.max(...sizes) * 1.25],
          nice: false,
        },
        axis: {
          values: sizes,
          format: ',d',
          labelFlush: false,
          grid: true,
          labelOverlap: false,
          ...(layout === 'narrow' ? { labelAngle: -45, labelAlign: 'right' } : {}),
        },
        title: 'training examples (log scale)',
      },
      color: {
        field: 'method',
        type: 'nominal',
        scale: {
          domain,
          range: [...methods.map((m) => kindColour(kind(m), methods.map(kind))), MAJORITY_COLOUR],
        },
        legend: methodLegend,
      },
      strokeDash: {
        field: 'family',
        type: 'nominal',
        scale: { domain: families.map((f) => f.name), range: families.map((f) => f.dash) },
        legend: familyLegend,
      },
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2.2 },
        encoding: {
          y: {
            field: 'score',
            type: 'quantitative',
            scale: { domain: [Math.floor(lo - 1), Math.ceil(hi + 1)], nice: false },
            title: yTitle,
          },
        },
      },
      {
        transform: [{ filter: isMethod }],
        mark: { type: 'errorbar', ticks: { size: 7 }, thickness: 1.6 },
        encoding: {
          y: { field: 'lo', type: 'quantitative', title: yTitle },
          y2: { field: 'hi' },
          strokeDash: { value: [1, 0] },
        },
      },
      {
        transform: [{ filter: isMethod }],
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: {
          y: { field: 'score', type: 'quantitative', title: yTitle },
          strokeDash: { value: [1, 0] },
          shape: {
            field: 'method',
            type: 'nominal',
            // The majority line has no points; its legend entry shows a line alone.
            scale: { domain, range: [...methods.map((m) => kindMarker(kind(m))), 'stroke'] },
            legend: methodLegend,
          },
        },
      },
    ],
  };
}

/** What the chart shows that its axes do not say. */
export function chartCaption(report: CompareReport): string {
  const metric = report.settings.metric.name;
  const interval =
    metric === 'accuracy'
      ? '95% Wilson interval over the test texts'
      : '95% interval over the test texts (bootstrap)';
  return `Error bars: ${interval}. At each size the methods are drawn slightly apart so that their bars do not hide one another. The grey line always answers the training subset's most frequent class.`;
}

export async function renderChart(
  report: CompareReport,
  layout: ChartLayout = 'wide',
): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(
    vega.parse(vegaLite.compile(chartSpec(report, layout) as never).spec),
    { renderer: 'none' },
  );
  try {
    // Scaled to the page's width when the window is narrower than the chart, never wider.
    return (await view.toSVG()).replace(/^<svg[^>]*>/, (tag) =>
      tag
        .replace(' class="marks"', ` class="marks chart-${layout}"`)
        .replace(
          / width="([\d.]+)" height="[\d.]+"/,
          ' style="width:100%;max-width:$1px;height:auto"',
        ),
    );
  } finally {
    view.finalize();
  }
}
