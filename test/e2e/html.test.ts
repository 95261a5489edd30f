/**
 * resultatlista.html in a real browser: the real CLI on data/sample, the page
 * opened in headless Debian Chromium (playwright-core, no bundled browser).
 * The page must render, show summary.json's 16 counts, open a section on a
 * click and load nothing but itself. A missing /usr/bin/chromium fails the
 * test: CI (.ci/run) installs it.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { COUNT_KEYS } from '../../stages/sinks/report-text.js';
import { runEb50, SAMPLE } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let browser: Browser | undefined;

async function launch(t: { fail(message: string): unknown }): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
    return undefined;
  }
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return browser;
}

t.teardown(async () => {
  await browser?.close();
});

/** Opens `file`, recording every request the page makes. */
async function open(b: Browser, file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests };
}

/** The count cells as the browser shows them, keyed by data-count. */
async function shownCounts(page: Page): Promise<Record<string, number>> {
  const cells = await page.locator('[data-count]').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-count') ?? '', (e as HTMLElement).innerText.trim()] as const),
  );
  return Object.fromEntries(cells.map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : NaN]));
}

const summaryOf = async (out: string) => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

t.test('inspection run: the page renders the 16 counts of summary.json, sections open on click, no network', async (t) => {
  const b = await launch(t);
  if (b === undefined) return;
  const dir = t.testdir();
  const out = join(dir, 'out');
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 0, r.stderr);
  const summary = await summaryOf(out);
  const { page, requests } = await open(b, join(out, 'resultatlista.html'));

  t.equal(await page.title(), 'EB50 resultatlista – Körtid: 2015-02-23 10:41:50');
  t.ok(await page.locator('h1').isVisible(), 'the heading renders');

  const shown = await shownCounts(page);
  t.same(Object.keys(shown), [...COUNT_KEYS], 'the 16 lines, in order');
  t.same(shown, summary.counts, 'every count shown equals summary.json');
  t.equal(Object.keys(summary.counts).length, 16);

  // The top warnings are at the top: above the summary table.
  const warnings = page.locator('#varningar');
  t.ok(await warnings.isVisible());
  t.match(await warnings.innerText(), /Spärr: 14 av 32 kedjor/);
  const warnBox = (await warnings.boundingBox())!;
  const tableBox = (await page.locator('table.summary').boundingBox())!;
  t.ok(warnBox.y + warnBox.height <= tableBox.y, 'warnings above the summary table');

  // The charts: drawn, and their bars add up to the summary's counts.
  const barTotals = async (id: string) =>
    (await page.locator(`#${id} svg text.bar-total`).allTextContents()).reduce((a, s) => a + Number(s), 0);
  t.ok(((await page.locator('#chart-created svg').boundingBox())?.width ?? 0) > 0, 'the created chart is drawn');
  t.equal(await barTotals('chart-created'), summary.counts.ktill2, 'created bars sum to line 1');
  const errorKeys = ['termOrder', 'missingParameters', 'noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted'];
  t.equal(
    await barTotals('chart-errors'),
    errorKeys.reduce((a, k) => a + summary.counts[k], 0),
    'error bars sum to lines 5–10',
  );

  // One <details> per non-zero line, closed until clicked.
  const nonZero = COUNT_KEYS.flatMap((k, i) => (summary.counts[k] > 0 ? [i + 1] : []));
  const sections = await page.locator('#detaljer > details').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-section'))));
  t.same(sections, nonZero, 'a section for each non-zero line');
  const termOrder = page.locator('#avsnitt-5');
  t.equal(await termOrder.evaluate((e) => (e as HTMLDetailsElement).open), false, 'closed at first');
  t.notOk(await termOrder.locator('li').first().isVisible(), 'its entries hidden');
  await termOrder.locator('summary').click();
  t.equal(await termOrder.evaluate((e) => (e as HTMLDetailsElement).open), true, 'open after a click');
  t.ok(await termOrder.locator('li').first().isVisible(), 'its entries shown');
  t.equal(await termOrder.locator('li').count(), summary.counts.termOrder, 'all entries of the section (under the cap)');
  t.match(await termOrder.locator('li').first().innerText(), /^FFGKURS: pnr='/);

  const shot = join(dir, 'resultatlista.png');
  const png = await page.screenshot({ path: shot, fullPage: true });
  const file = await readFile(shot);
  t.ok(file.length > 1000, `a screenshot was taken (${file.length} bytes)`);
  t.same([...file.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  t.equal(png.length, file.length);

  t.ok(requests.length > 0, 'the page load was seen');
  t.same(requests.filter((u) => !u.startsWith('file:')), [], 'no request but the file itself');
  await page.close();
});

t.test('a locked update run writes resultatlista.html too, with the stop warning and the same counts', async (t) => {
  const b = await launch(t);
  if (b === undefined) return;
  const out = join(t.testdir(), 'out');
  const r = runEb50(SAMPLE, out, ['--mode', 'update']);
  t.equal(r.code, 3, 'the share lock trips');
  const summary = await summaryOf(out);
  const { page, requests } = await open(b, join(out, 'resultatlista.html'));
  t.match(await page.locator('#varningar').innerText(), /Uppdateringen har stoppats av en spärr/);
  t.same(await shownCounts(page), summary.counts);
  t.match(await page.locator('tr[data-line="1"]').innerText(), /vid skarp körning/, 'nothing loaded: "would" wording');
  t.same(requests.filter((u) => !u.startsWith('file:')), []);
  await page.close();
});
