/** report.html: the Markdown report as a self-contained page with the chart inline. */
import { basename } from 'node:path';
import type { CompareReport } from './report.js';
import { CHART_CAPTION } from './report-chart.js';
import { CHART_SECTION } from './report-markdown.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escaped text with the Markdown the report uses inline: **bold** and `code`. */
const inline = (s: string) =>
  escape(s)
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/`([^`]*)`/g, '<code>$1</code>');

function block(text: string): string {
  if (text.startsWith('# ')) return `<h1>${inline(text.slice(2))}</h1>`;
  if (text.startsWith('## ')) return `<h2>${inline(text.slice(3))}</h2>`;
  if (text.startsWith('> ')) return `<p class="warning">${inline(text.slice(2))}</p>`;
  if (text.startsWith('|')) {
    const rows = text.split('\n').filter((r) => !/^\| ?-/.test(r));
    return `<table>${rows
      .map((r, i) => {
        const tag = i === 0 ? 'th' : 'td';
        const cells = r.split('|').slice(1, -1);
        return `<tr>${cells.map((c) => `<${tag}>${inline(c.trim())}</${tag}>`).join('')}</tr>`;
      })
      .join('')}</table>`;
  }
  if (text.startsWith('- '))
    return `<ul>${text
      .split('\n')
      .map((l) => `<li>${inline(l.slice(2))}</li>`)
      .join('')}</ul>`;
  return `<p>${inline(text)}</p>`;
}

/** The page: no script, no stylesheet or font from elsewhere, so it opens offline. */
export function renderHtml(report: CompareReport, markdown: string, svg: string): string {
  const heading = `<h2>${CHART_SECTION}</h2>`;
  const body = markdown
    .split('\n\n')
    .map((b) => b.trim())
    .filter(Boolean)
    .map(block)
    .join('\n')
    .replace(
      heading,
      `${heading}\n<figure>${svg}<figcaption>${CHART_CAPTION}</figcaption></figure>`,
    );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emb compare: ${escape(basename(report.data.train))}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.2rem .55rem;text-align:right}
td:nth-child(2),th:nth-child(2){text-align:left}th{background:#f4f4f4}figure{margin:1rem 0}figcaption{font-size:13px;color:#555}
code{background:#f4f4f4;padding:0 .2rem}.warning{background:#fff4e5;border-left:4px solid #D55E00;padding:.5rem .8rem}</style></head>
<body>
${body}
</body></html>
`;
}
