/**
 * The learning-curve chart: accuracy against training size on a log axis fitted to the sizes
 * tried, bag-of-words methods dashed and methods with vectors solid, the Okabe–Ito palette
 * (told apart with the common colour-vision deficiencies), 95% intervals as error bars, and the
 * majority-class line. Rendered to SVG in Node by vega, so the page needs no network.
 */
import { MODEL_NAMES, type ModelName } from '../models/registry.js';
import { kindOf, withVectors } from './findings.js';
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

/** The colour of a kind's curves. */
export function kindColour(name: string): string {
  return PALETTE[MODEL_NAMES.indexOf(name as ModelName) % PALETTE.length];
}
export const MAJORITY_COLOUR = '#7a7a7a';
const DASHED = [7, 4];
const SOLID = [1, 0];
const DOTTED = [2, 3];
const Y_TITLE = 'accuracy on the test set (%)';
/** Line samples in the legend, so that dashed and solid can be read off it. */
const LEGEND = {
  title: 'dashed: bag-of-words; solid: with vectors',
  titleLimit: 400,
  orient: 'bottom',
  direction: 'horizontal',
  symbolType: 'stroke',
  symbolSize: 500,
  symbolStrokeWidth: 2.5,
  labelFontSize: 12,
  labelExpr: `datum.label === '${MAJORITY}' ? 'majority class' : datum.label`,
};

export function chartSpec(report: CompareReport): Record<string, unknown> {
  const curves = report.curves;
  const methods = curves.map((c) => c.method);
  // Methods side by side around each size (a few percent apart on the log axis), so that
  // their error bars do not hide one another.
  const dodge = (k: number) => Math.pow(1.045, k - (curves.length - 1) / 2);
  const values = [
    ...curves.flatMap((c, k) =>
      c.points.map((p) => ({
        method: c.method,
        size: p.size,
        x: p.size * dodge(k),
        mean: 100 * p.mean,
        lo: 100 * p.ci95[0],
        hi: 100 * p.ci95[1],
      })),
    ),
    ...report.majority.points.map((p) => ({
      method: MAJORITY,
      size: p.size,
      x: p.size,
      mean: 100 * p.mean,
      lo: 100 * p.mean,
      hi: 100 * p.mean,
    })),
  ];
  const sizes = report.settings.sizes;
  const lo = Math.min(...values.map((v) => v.lo));
  const hi = Math.max(...values.map((v) => v.hi));
  const colour = (m: string) => kindColour(kindOf(report, m).name);
  const domain = [...methods, MAJORITY];
  const isMethod = { not: { field: 'method', equal: MAJORITY } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 620,
    height: 360,
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
        axis: { values: sizes, format: ',d', labelFlush: false, grid: true },
        title: 'training examples (log scale)',
      },
      color: {
        field: 'method',
        type: 'nominal',
        scale: { domain, range: [...methods.map(colour), MAJORITY_COLOUR] },
        legend: LEGEND,
      },
      strokeDash: {
        field: 'method',
        type: 'nominal',
        scale: {
          domain,
          range: [...curves.map((c) => (withVectors(report, c) ? SOLID : DASHED)), DOTTED],
        },
        legend: LEGEND,
      },
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2.2 },
        encoding: {
          y: {
            field: 'mean',
            type: 'quantitative',
            scale: { domain: [Math.floor(lo - 1), Math.ceil(hi + 1)], nice: false },
            title: Y_TITLE,
          },
        },
      },
      {
        transform: [{ filter: isMethod }],
        mark: { type: 'errorbar', ticks: { size: 7 }, thickness: 1.6 },
        encoding: {
          y: { field: 'lo', type: 'quantitative', title: Y_TITLE },
          y2: { field: 'hi' },
          strokeDash: { value: SOLID },
        },
      },
      {
        transform: [{ filter: isMethod }],
        mark: { type: 'point', filled: true, size: 36, opacity: 1 },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: Y_TITLE },
          strokeDash: { value: SOLID },
        },
      },
    ],
  };
}

/** What the chart shows that its axes do not say. */
export const CHART_CAPTION =
  'Error bars: 95% Wilson interval over the test texts. At each size the methods are drawn slightly apart so that their bars do not hide one another.';

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
