/**
 * `resultatlista.html`: the result list (SPEC §8) as one self-contained page
 * for registrar staff. Pure: a ResultListView in, an HTML string out.
 *
 * - No network: inline <style>, inline SVG, no script, no fonts; a
 *   Content-Security-Policy of `default-src 'none'` makes a browser refuse
 *   anything else, should data ever smuggle a URL in (it cannot: every value
 *   from data is escaped).
 * - Top warnings first, then the 16 summary lines as a table (each count
 *   cell carries `data-count="<summary.json counts key>"`), the per-term
 *   charts, then one collapsible <details> per non-zero section.
 * - A section shows the entries view() kept (the first 1000 by default);
 *   a longer one says so and points to resultatlista.txt.
 * - Deterministic: nothing but the view goes in (no clock, no locale).
 */
import type { ResultListView, ResultSectionView } from './result-list.js';
import type { CountKey, Counts } from './report-text.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Splits a detail line of sections 1–4 (report-text csvDetail: `;` after
 *  every value, a value holding `;`, `"`, CR or LF quoted) into its values. */
export function splitDetail(line: string): string[] {
  const values: string[] = [];
  let i = 0;
  while (i < line.length) {
    let v = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          v += line.slice(i);
          i = line.length;
          break;
        }
        v += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        v += '"';
        i++;
      }
    }
    const semi = line.indexOf(';', i);
    v += line.slice(i, semi < 0 ? line.length : semi);
    i = semi < 0 ? line.length : semi + 1;
    values.push(v);
  }
  return values;
}

/** The error classes of the chart: the chain errors, summary lines 5–10. */
export const ERROR_CLASSES: ReadonlyArray<{ n: number; key: CountKey; label: string; color: string }> = [
  { n: 5, key: 'termOrder', label: 'Oordnade terminer', color: '#E69F00' },
  { n: 6, key: 'missingParameters', label: 'Kurstillfällesparametrar saknas', color: '#56B4E9' },
  { n: 7, key: 'noFreeOmgang', label: 'Ingen ledig kursomgång', color: '#009E73' },
  { n: 8, key: 'badCoursePoints', label: 'Kursens poäng kan inte tolkas', color: '#CC79A7' },
  { n: 9, key: 'pointsTooLarge', label: 'Fördelad poäng ryms inte', color: '#0072B2' },
  { n: 10, key: 'codesExhausted', label: 'Anmälningskoder slut', color: '#D55E00' },
];

const CREATED_COLOR = '#0072B2';
const OTHER_TERMS = '(övriga terminer)';

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:0 auto;max-width:78rem;padding:1rem 1.5rem 3rem}
h1{font-size:1.35rem;margin:.5rem 0 .25rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.meta{margin:0;color:#444}.meta span+span::before{content:" · "}
.warnings{border:2px solid #b3261e;background:#fdecea;border-radius:6px;padding:.25rem 1rem;margin:1rem 0}
.warnings h2{color:#b3261e;margin:.5rem 0}.warnings li{font-weight:600;margin:.25rem 0}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}.summary td.count{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.summary tr.zero td{color:#777}.summary tr.zero td.count{font-weight:400}
.rows td{white-space:pre;font:13px/1.3 ui-monospace,Menlo,Consolas,monospace}
.scroll{overflow-x:auto;max-width:100%}
details{border:1px solid #ccc;border-radius:6px;margin:.5rem 0;padding:.25rem .75rem}
details>summary{cursor:pointer;font-weight:600;padding:.25rem 0}details[open]>summary{margin-bottom:.5rem}
summary .total{font-weight:400;color:#555}
ol.entries{padding-left:3.5rem}ol.entries pre{margin:.15rem 0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.3 ui-monospace,Menlo,Consolas,monospace}
.cap{background:#fff8e1;border-left:4px solid #e6a700;padding:.3rem .75rem}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.25rem}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .axis{stroke:#999}svg .grid{stroke:#e5e5e5}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.25rem 0}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.35rem;vertical-align:-1px}
${ERROR_CLASSES.map((c) => `.s${c.n}{background:${c.color}}`).join('')}
.empty{color:#555;font-style:italic}
`;

/** The page for `view`. */
export function resultHtml(view: ResultListView): string {
  const [job = '', ...meta] = view.header;
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="sv">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(['EB50 resultatlista', ...meta.slice(0, 1)].join(' – '))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(job)}</h1>`,
    `<p class="meta">${meta.map((l) => `<span>${escapeHtml(l)}</span>`).join('')}</p>`,
    '</header>',
    topWarnings(view.topWarnings),
    summaryTable(view),
    charts(view),
    '<section id="detaljer">',
    '<h2>Detaljer</h2>',
    view.sections.length === 0 ? '<p class="empty">Inga poster.</p>' : view.sections.map(section).join('\n'),
    '</section>',
    '<footer><p>Samma innehåll som <a href="resultatlista.txt">resultatlista.txt</a>, som alltid har alla poster.</p></footer>',
    '</body>',
    '</html>',
    '',
  ];
  return parts.filter((p) => p !== '').join('\n') + '\n';
}

function topWarnings(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return [
    '<section class="warnings" id="varningar" role="alert">',
    '<h2>Varningar</h2>',
    '<ul>',
    ...warnings.map((w) => `<li>${escapeHtml(w)}</li>`),
    '</ul>',
    '</section>',
  ].join('\n');
}

function summaryTable(view: ResultListView): string {
  const rows = view.summary.map((s) => {
    const label = s.count > 0 ? `<a href="#avsnitt-${s.n}">${escapeHtml(s.label)}</a>` : escapeHtml(s.label);
    return (
      `<tr data-line="${s.n}"${s.count === 0 ? ' class="zero"' : ''}>` +
      `<td>(${s.n})</td><td>${label}</td><td class="count" data-count="${s.key}">${s.count}</td></tr>`
    );
  });
  return [
    '<section id="sammanfattning">',
    '<h2>Sammanfattning</h2>',
    '<table class="summary">',
    '<thead><tr><th>Rad</th><th>Beskrivning</th><th>Antal</th></tr></thead>',
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
    '</section>',
  ].join('\n');
}

function section(s: ResultSectionView): string {
  const cap =
    s.entries.length < s.total
      ? `<p class="cap">Visar de första ${s.entries.length} av ${s.total} posterna. ` +
        'Hela avsnittet finns i <a href="resultatlista.txt">resultatlista.txt</a>.</p>'
      : '';
  const body = s.columns === undefined ? entryList(s.entries) : rowTable(s.columns, s.entries);
  return [
    `<details id="avsnitt-${s.n}" data-section="${s.n}">`,
    `<summary>${escapeHtml(s.heading)} <span class="total">(${s.total})</span></summary>`,
    cap,
    body,
    '</details>',
  ]
    .filter((p) => p !== '')
    .join('\n');
}

/** Sections 1–4: one table row per detail line, under the column names. */
function rowTable(columns: readonly string[], entries: readonly string[][]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = entries.flatMap((lines) =>
    lines.map((l) => `<tr>${splitDetail(l).map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`),
  );
  return ['<div class="scroll"><table class="rows">', `<thead><tr>${head}</tr></thead>`, '<tbody>', ...rows, '</tbody>', '</table></div>'].join(
    '\n',
  );
}

/** Sections 5–16: each entry its labelled lines, as in the text file. */
function entryList(entries: readonly string[][]): string {
  return ['<ol class="entries">', ...entries.map((lines) => `<li><pre>${escapeHtml(lines.join('\n'))}</pre></li>`), '</ol>'].join('\n');
}

// ---- charts ---------------------------------------------------------------

interface Segment {
  value: number;
  color: string;
  title: string;
}

interface Bar {
  label: string;
  segments: Segment[];
}

function termLabel(term: string): string {
  return term === '' ? '(tom)' : term;
}

/** Terms with their counts, the bucket of terms past MAX_TERMS last. */
function allTerms(view: ResultListView): { label: string; counts: Counts }[] {
  const terms = view.terms.map((t) => ({ label: termLabel(t.term), counts: t.counts }));
  if (view.otherTerms !== undefined) terms.push({ label: OTHER_TERMS, counts: view.otherTerms });
  return terms;
}

function charts(view: ResultListView): string {
  const terms = allTerms(view);
  const createdTitle =
    view.wording === 'inspect'
      ? 'Kurstillfällen som skulle skapas vid skarp körning, per starttermin (rad 1)'
      : 'Skapade kurstillfällen per starttermin (rad 1)';
  const created: Bar[] = terms
    .filter((t) => t.counts.ktill2 > 0)
    .map((t) => ({
      label: t.label,
      segments: [{ value: t.counts.ktill2, color: CREATED_COLOR, title: `${t.label}: ${t.counts.ktill2}` }],
    }));
  const errorTerms = terms.filter((t) => ERROR_CLASSES.some((c) => t.counts[c.key] > 0));
  const errors: Bar[] = errorTerms.map((t) => ({
    label: t.label,
    segments: ERROR_CLASSES.map((c) => ({
      value: t.counts[c.key],
      color: c.color,
      title: `${t.label}: (${c.n}) ${c.label}: ${t.counts[c.key]}`,
    })),
  }));
  const legend = [
    '<ul class="legend">',
    ...ERROR_CLASSES.map((c) => `<li><span class="swatch s${c.n}"></span>(${c.n}) ${escapeHtml(c.label)}</li>`),
    '</ul>',
  ].join('\n');
  const errorTable = dataTable(
    ['Termin', ...ERROR_CLASSES.map((c) => `(${c.n})`), 'Summa'],
    errorTerms.map((t) => {
      const values = ERROR_CLASSES.map((c) => t.counts[c.key]);
      return [t.label, ...values.map(String), String(values.reduce((a, b) => a + b, 0))];
    }),
  );
  const createdTable = dataTable(
    ['Starttermin', 'Antal'],
    created.map((b) => [b.label, String(b.segments[0].value)]),
  );
  return [
    '<section id="diagram">',
    '<h2>Per termin</h2>',
    figure('chart-created', createdTitle, created, '', createdTable),
    figure('chart-errors', 'Fel per klass och termin (rad 5–10, efter FFGKURS-postens TERMIN)', errors, legend, errorTable),
    '</section>',
  ].join('\n');
}

function figure(id: string, title: string, bars: Bar[], legend: string, table: string): string {
  const body =
    bars.length === 0
      ? '<p class="empty">Inga poster.</p>'
      : [`<div class="scroll">${barChart(`${id}-title`, title, bars)}</div>`, legend, `<details class="as-table"><summary>Visa som tabell</summary>\n${table}\n</details>`]
          .filter((p) => p !== '')
          .join('\n');
  return [`<figure id="${id}">`, `<figcaption id="${id}-title">${escapeHtml(title)}</figcaption>`, body, '</figure>'].join('\n');
}

function dataTable(head: string[], rows: string[][]): string {
  return [
    '<table>',
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** A step of 1, 2 or 5 × 10^k giving at most about 5 grid lines. */
function tickStep(max: number): number {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;
/** Term labels longer than this are cut in the chart (whole in the tooltip). */
const LABEL_CHARS = 9;

/** A (stacked) bar chart as inline SVG: one bar per term. */
function barChart(labelledBy: string, title: string, bars: Bar[]): string {
  const slot = 46;
  const barWidth = 30;
  const left = 48;
  const top = 18;
  const plot = 180;
  const bottom = 28;
  const width = left + slot * bars.length + 8;
  const height = top + plot + bottom;
  const totals = bars.map((b) => b.segments.reduce((a, s) => a + s.value, 0));
  const step = tickStep(Math.max(...totals, 1));
  const yMax = Math.ceil(Math.max(...totals, 1) / step) * step;
  const y = (v: number): number => r1(top + plot - (v / yMax) * plot);

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${labelledBy}">`,
    `<title>${escapeHtml(title)}</title>`,
  ];
  for (let v = 0; v <= yMax; v += step) {
    out.push(
      `<line class="${v === 0 ? 'axis' : 'grid'}" x1="${left}" x2="${width - 4}" y1="${y(v)}" y2="${y(v)}"/>`,
      `<text x="${left - 6}" y="${r1(y(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const x = left + slot * i + (slot - barWidth) / 2;
    const cx = r1(x + barWidth / 2);
    let base = 0;
    out.push(`<g data-term="${escapeHtml(bar.label)}">`);
    for (const s of bar.segments) {
      if (s.value === 0) continue;
      const y0 = y(base);
      const y1 = y(base + s.value);
      out.push(
        `<rect x="${r1(x)}" y="${y1}" width="${barWidth}" height="${r1(y0 - y1)}" fill="${s.color}"><title>${escapeHtml(s.title)}</title></rect>`,
      );
      base += s.value;
    }
    const chars = [...bar.label]; // code points: never half a surrogate pair
    const short = chars.length > LABEL_CHARS ? `${chars.slice(0, LABEL_CHARS - 1).join('')}…` : bar.label;
    out.push(
      `<text class="bar-total" x="${cx}" y="${r1(y(base) - 4)}" text-anchor="middle">${totals[i]}</text>`,
      `<text x="${cx}" y="${top + plot + 16}" text-anchor="middle"><title>${escapeHtml(bar.label)}</title>${escapeHtml(short)}</text>`,
      '</g>',
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
