/**
 * report.html: the Markdown report as a self-contained page with the chart inline, readable
 * from a phone's width up: the chart drawn for the window it is in, wide tables scrolling
 * within themselves rather than the page.
 */
import { basename } from 'node:path';
import type { CompareReport } from './report.js';
import { chartCaption } from './report-chart.js';
import { chartSection } from './report-markdown.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Escaped text with the Markdown the report uses inline: **bold**, `code`, and a backslash
 * before punctuation for the character itself (report-markdown's cell()).
 */
function inline(s: string): string {
  const literal: string[] = [];
  // Literal characters wait behind a mark (cell() leaves no control character in the text).
  const marked = s.replace(
    /\\([!-/:-@[-`{-~])/g,
    (_, c: string) => `\u0001${literal.push(c) - 1}\u0002`,
  );
  return (
    escape(marked)
      .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
      .replace(/`([^`]*)`/g, '<code>$1</code>')
      // eslint-disable-next-line no-control-regex -- the marks set above
      .replace(/\u0001(\d+)\u0002/g, (_, k: string) => escape(literal[Number(k)]))
  );
}

/** A table row's cells: split at each `|` that no backslash escapes. */
function cells(row: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && i + 1 < row.length) {
      current += row[i] + row[++i];
    } else if (row[i] === '|') {
      out.push(current);
      current = '';
    } else current += row[i];
  }
  out.push(current);
  return out.slice(1, -1).map((c) => c.trim());
}

/** Figures (79.4, 1,066, +0.7, < 0.001, 77.6–81.1, 5 of 5) are right-aligned, words left. */
const NUMERIC = /^(\*\*)?[−+<>\d\s.,%–-]*\d[\d\s.,%–-]*(\*\*)?( (of|to) [−+]?[\d.]+)?( \(all\))?$/;

function block(text: string): string {
  if (text.startsWith('# ')) return `<h1>${inline(text.slice(2))}</h1>`;
  if (text.startsWith('## ')) return `<h2>${inline(text.slice(3))}</h2>`;
  if (text.startsWith('> ')) return `<p class="warning">${inline(text.slice(2))}</p>`;
  if (text.startsWith('|')) {
    const rows = text.split('\n').filter((r) => !/^\| ?-/.test(r));
    return `<div class="table"><table>${rows
      .map((r, i) => {
        const tag = i === 0 ? 'th' : 'td';
        return `<tr>${cells(r)
          .map(
            (c) => `<${tag}${i > 0 && NUMERIC.test(c) ? ' class="n"' : ''}>${inline(c)}</${tag}>`,
          )
          .join('')}</tr>`;
      })
      .join('')}</table></div>`;
  }
  if (text.startsWith('- '))
    return `<ul>${text
      .split('\n')
      .map((l) => `<li>${inline(l.slice(2))}</li>`)
      .join('')}</ul>`;
  return `<p>${inline(text)}</p>`;
}

/**
 * The page: no script, no stylesheet or font from elsewhere, so it opens offline. `charts`
 * are the chart drawn wide and narrow (renderChart); the page shows the one that fits.
 */
export function renderHtml(
  report: CompareReport,
  markdown: string,
  charts: { wide: string; narrow: string },
): string {
  const heading = `<h2>${inline(chartSection(report))}</h2>`;
  const body = markdown
    .split('\n\n')
    .map((b) => b.trim())
    .filter(Boolean)
    .map(block)
    .join('\n')
    .replace(
      heading,
      () =>
        `${heading}\n<figure>${charts.wide}${charts.narrow}<figcaption>${escape(chartCaption(report))}</figcaption></figure>`,
    );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>emb compare: ${escape(basename(report.data.train))}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;overflow-wrap:break-word}
.table{overflow-x:auto;margin:1rem 0}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .55rem;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}th{background:#f4f4f4}figure{margin:1rem 0}figure svg{display:block}figcaption{font-size:13px;color:#555}
code{background:#f4f4f4;padding:0 .2rem}.warning{background:#fff4e5;border-left:4px solid #D55E00;padding:.5rem .8rem}
.chart-narrow{display:none!important}@media (max-width:40rem){.chart-wide{display:none!important}.chart-narrow{display:block!important}body{margin:1rem auto}}</style></head>
<body>
${body}
</body></html>
`;
}
