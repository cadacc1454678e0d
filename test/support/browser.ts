/**
 * A report page as a person sees it: opened in Debian's Chromium (headless, through the
 * DevTools protocol with playwright-core), with the chart's geometry read from the live DOM
 * and a screenshot of it decoded to pixels.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';

export const CHROMIUM = process.env.EMB_CHROMIUM ?? '/usr/bin/chromium';

/** A box in page pixels. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface ChartView {
  /** The window's width, the page's (wider when it scrolls sideways), the chart's. */
  page: { width: number; scrollWidth: number; chartWidth: number };
  /** Each point's marker: its fill and the path of its shape (translated to its place). */
  markers: { colour: string; shape: string }[];
  /** Each line: its stroke and dash pattern. */
  lines: { colour: string; dash: string }[];
  /** The plot area, spanned by the x and y axis lines. */
  plot: Box;
  /** Every data mark (lines, points, error bars) with its kind, e.g. "mark-line". */
  marks: { kind: string; box: Box }[];
  /** The x axis's tick labels, left to right. */
  xLabels: string[];
  /** The chart as rendered, decoded. */
  image: PNG;
  /** Requests the page made for anything but itself. */
  requests: string[];
}

/**
 * Runs in the page: the plot area (spanned by the axis lines), the data marks and the x axis
 * labels. Plain JavaScript in a string, because the test's TypeScript is compiled with helpers
 * (esbuild's __name) that do not exist in the page.
 */
const MEASURE = `(() => {
  // The page holds the chart drawn for wide and narrow windows and shows the one that fits.
  const shown = [...document.querySelectorAll('figure svg')].filter(
    (s) => s.getBoundingClientRect().width > 0,
  );
  if (shown.length !== 1) throw new Error(shown.length + ' charts shown in the page');
  const svg = shown[0];
  function box(e) {
    const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }
  const axes = [...svg.querySelectorAll('.role-axis-domain line, .role-axis-domain path')];
  const spans = axes.map(box);
  const plot = {
    left: Math.min(...spans.map((b) => b.left)),
    top: Math.min(...spans.map((b) => b.top)),
    right: Math.max(...spans.map((b) => b.right)),
    bottom: Math.max(...spans.map((b) => b.bottom)),
  };
  const marks = [...svg.querySelectorAll('.role-mark')].flatMap((group) =>
    [...group.children].map((e) => ({
      kind: [...group.classList].find((c) => c.startsWith('mark-')) || '?',
      box: box(e),
    })),
  );
  // The x axis is the one whose line is horizontal.
  const xAxis = [...svg.querySelectorAll('.role-axis')].find((a) => {
    const line = a.querySelector('.role-axis-domain line, .role-axis-domain path');
    if (!line) return false;
    const b = line.getBoundingClientRect();
    return b.width > b.height;
  });
  const xLabels = [...(xAxis ? xAxis.querySelectorAll('.role-axis-label text') : [])]
    .sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left)
    .map((t) => t.textContent || '');
  // Each point's marker (its path) and each line's dash pattern, by colour.
  const markers = [...svg.querySelectorAll('.role-mark.mark-symbol path')].map((p) => ({
    colour: p.getAttribute('fill') || '',
    shape: p.getAttribute('d') || '',
  }));
  const lines = [...svg.querySelectorAll('.role-mark.mark-line path')].map((p) => ({
    colour: p.getAttribute('stroke') || '',
    dash: p.getAttribute('stroke-dasharray') || '',
  }));
  const page = {
    width: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    chartWidth: svg.getBoundingClientRect().width,
  };
  return { plot, marks, xLabels, axes: axes.length, markers, lines, page };
})()`;

/** Opens `html` in Chromium in a window `width` CSS pixels wide and measures its chart. */
export async function viewChart(html: string, width = 1200): Promise<ChartView> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the browser test needs Chromium at ${CHROMIUM}: apt-get install -y chromium (or set EMB_CHROMIUM)`,
    );
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'emb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height: 900 },
    // Without the background-networking flags Chromium tries to reach its update and sync
    // hosts, which this machine's closed network refuses, many times over.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await context.newPage();
    const url = pathToFileURL(html).href;
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url);
    const geometry = (await page.evaluate(MEASURE)) as Omit<ChartView, 'image' | 'requests'> & {
      axes: number;
    };
    const { axes, ...view } = geometry;
    if (axes !== 2) throw new Error(`expected 2 axis lines, found ${axes}`);
    const image = PNG.sync.read(await page.locator('figure svg:visible').screenshot());
    return { ...view, image, requests };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Pixels of the image within `tolerance` (per channel) of the colour "#rrggbb". */
export function pixelsOf(image: PNG, hex: string, tolerance = 12): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const d = image.data;
    if (
      Math.abs(d[i] - r) <= tolerance &&
      Math.abs(d[i + 1] - g) <= tolerance &&
      Math.abs(d[i + 2] - b) <= tolerance
    )
      n++;
  }
  return n;
}

/** Share of pixels that are not (near) white. */
export function inkShare(image: PNG): number {
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4)
    if (image.data[i] < 235 || image.data[i + 1] < 235 || image.data[i + 2] < 235) ink++;
  return ink / (image.width * image.height);
}

/**
 * The checks a person would make of a report's chart, in a window `width` pixels wide (default
 * a desktop's): the page fits it without scrolling sideways, the chart is drawn (not blank),
 * every method's colour shows, every mark lies within the axes, the x axis is labelled with
 * the sizes and fitted to them (no wide empty margin), and the page loads nothing from elsewhere.
 */
export async function checkChart(
  html: string,
  expected: { colours: Record<string, string>; sizes: string[]; width?: number },
): Promise<ChartView> {
  const view = await viewChart(html, expected.width);
  assert.deepEqual(view.requests, [], 'the page loads nothing from the network');
  // The page fits the window: nothing to scroll sideways to, the chart included.
  assert.ok(
    view.page.scrollWidth <= view.page.width && view.page.chartWidth <= view.page.width,
    JSON.stringify(view.page),
  );
  const ink = inkShare(view.image);
  assert.ok(ink > 0.03 && ink < 0.6, `share of drawn pixels ${ink.toFixed(3)}`);
  for (const [name, colour] of Object.entries(expected.colours))
    assert.ok(pixelsOf(view.image, colour) > 40, `${name} (${colour}) is not visible in the chart`);
  const { plot } = view;
  // Not shrunk to a thumbnail: 300 x 200 pixels, or most of a phone's width.
  const least = Math.min(300, 0.6 * view.page.width);
  assert.ok(
    plot.right - plot.left > least && plot.bottom - plot.top > (2 * least) / 3,
    JSON.stringify(plot),
  );
  // A point's symbol and an error bar's tick reach a few pixels past their centre.
  const slack = 5;
  const data = view.marks.filter((m) => m.box.right > m.box.left || m.box.bottom > m.box.top);
  assert.ok(data.length >= Object.keys(expected.colours).length, `${data.length} marks`);
  for (const m of data)
    assert.ok(
      m.box.left >= plot.left - slack &&
        m.box.right <= plot.right + slack &&
        m.box.top >= plot.top - slack &&
        m.box.bottom <= plot.bottom + slack,
      `${m.kind} at ${JSON.stringify(m.box)} lies outside the axes ${JSON.stringify(plot)}`,
    );
  assert.deepEqual(view.xLabels, expected.sizes);
  const width = plot.right - plot.left;
  const first = Math.min(...data.map((m) => m.box.left));
  const last = Math.max(...data.map((m) => m.box.right));
  const where = `the marks span ${first.toFixed(0)}-${last.toFixed(0)} of an x axis at ${plot.left.toFixed(0)}-${plot.right.toFixed(0)}`;
  // Fitted: the sizes reach the axis's ends; a single size sits in the middle.
  if (expected.sizes.length > 1)
    assert.ok(first - plot.left < 0.1 * width && plot.right - last < 0.1 * width, where);
  else assert.ok(Math.abs((first + last) / 2 - (plot.left + plot.right) / 2) < 0.1 * width, where);
  return view;
}
