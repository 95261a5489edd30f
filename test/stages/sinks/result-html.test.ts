import t from 'tap';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chain, FoRow, Row } from '../../../pipeline/types.js';
import { csvDetail } from '../../../stages/sinks/report-text.js';
import { escapeHtml, resultHtml, splitDetail } from '../../../stages/sinks/result-html.js';
import { MAX_TERMS, ResultList, type ResultListOptions } from '../../../stages/sinks/result-list.js';

const RUN_DATE = '2015-02-23T10:41:50';

async function scratch(t: { teardown(fn: () => unknown): void }): Promise<{ tmp: string; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'eb50-result-html-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const tmp = await mkdtemp(join(dir, 'sort-'));
  return { tmp, out: join(dir, 'resultatlista.txt') };
}

function list(tmp: string, extra: Partial<ResultListOptions> = {}): ResultList {
  return new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 2, ...extra });
}

function ktill2(kurskod: string, startter: string, kursomg = '2', kod = 'Q0001'): Row {
  return {
    KURSKOD: kurskod, STARTTER: startter, KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281',
    KURSOMG: kursomg, KURSTYP: ' _', FFGPOANG: '15.0', KOD: kod, STARTV: '', SLUTV: '', LOK1: '', LOK2: '',
    PLANTAL: '', ANTALORD: '', ANTALRES: '', VALUTA: '', KONVERT: '', AVGFRI: 'J',
  };
}

function ffg(pnr: string, kurs: string, termin: string): Row {
  return {
    PNR: pnr, KURS: kurs, PROGR: '', PROGINR: ' _', TERMIN: termin, KURSTAKT: '100', KURSTID: 'DAG',
    UNDFORM: 'NML', ORT: '1281', OMGANG: '1', KURSTYP: ' _', IDATUM: '', ITID: '', IANV: '', VERNR: 'null',
  };
}

function chain(row: Row, foSet: FoRow[] = []): Chain {
  return { ffg: row, ffgLine: 2, fortkurs: foSet.filter((f) => f.table === 'FORTKURS'), inregfo: [], foSet };
}

const orphan = (pnr: string, termin: string): FoRow => ({
  table: 'FORTKURS',
  row: { PNR: pnr, KURS: 'K1', TERMORDN: '2', TERMIN: termin },
  line: 3,
});

/** The text of the count cell `key`. */
function countCell(html: string, key: string): string | undefined {
  return new RegExp(`data-count="${key}">([^<]*)<`).exec(html)?.[1];
}

/** The inner HTML of <details data-section="n">, or undefined. */
function sectionHtml(html: string, n: number): string | undefined {
  return new RegExp(`<details id="avsnitt-${n}" data-section="${n}">([\\s\\S]*?)</details>`).exec(html)?.[1];
}

t.test('escapeHtml escapes the five characters that matter in content and attributes', async (t) => {
  t.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  t.equal(escapeHtml('åäö ;_ 20121'), 'åäö ;_ 20121', 'everything else is left alone');
});

t.test('splitDetail reads back what csvDetail wrote', async (t) => {
  t.same(splitDetail('XSH221;19761; _;;"a;b";"say ""hi""";'), ['XSH221', '19761', ' _', '', 'a;b', 'say "hi"']);
  t.same(splitDetail(''), []);
  const value = fc.string({ unit: fc.constantFrom('a', ' ', ';', '"', '\n', '\r', 'å', '😀') });
  fc.assert(
    fc.property(fc.array(value, { maxLength: 8 }), (values) => {
      const columns = values.map((_, i) => `C${i}`);
      const row = Object.fromEntries(values.map((v, i) => [`C${i}`, v]));
      assert.deepStrictEqual(splitDetail(csvDetail(row, columns)), values);
    }),
  );
  t.pass('every generated row reads back');
});

t.test('summary table: the 16 lines in the text file\'s wording, each count in a data-count cell', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  await l.addCreated(ktill2('XSH221', '19761'), [], ['pointsOverMax']);
  await l.addError('termOrder', chain(ffg('5409040000', 'XFS001', '19781')));
  await l.addOrphan(orphan('1', '20121'));
  await l.addOrphan(orphan('2', '20121'));
  await l.write(out, { topWarnings: [] });
  const html = resultHtml(l.view([]));
  const text = await readFile(out, 'utf8');
  const view = l.view([]);

  t.equal(view.summary.length, 16);
  for (const s of view.summary) {
    t.equal(countCell(html, s.key), String(s.count), `count cell ${s.key}`);
    t.ok(text.includes(`\n(${s.n}) ${s.label}: ${s.count}.\n`), `line ${s.n} has the text file's wording`);
    t.ok(html.includes(`<td>(${s.n})</td><td>`), `line ${s.n} is a row`);
  }
  t.equal(countCell(html, 'ktill2'), '1');
  t.equal(countCell(html, 'termOrder'), '1');
  t.equal(countCell(html, 'orphans'), '2');
  t.equal(countCell(html, 'codesExhausted'), '0');
  t.equal(html.match(/data-count="/g)?.length, 16, 'exactly 16 count cells');
});

t.test('sections: one collapsed <details> per non-zero line, with its heading and entries', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  await l.addCreated(ktill2('XSH221', '19761', '2', 'Q0002'), [], []);
  await l.addCreated(ktill2('XSA001', '19761', '3', 'Q0003'), [], []);
  await l.addError('noFreeOmgang', chain(ffg('5409040000', 'XFS001', '19781'), [orphan('5409040000', '19782')]));
  await l.write(out, { topWarnings: [] });
  const html = resultHtml(l.view([]));

  t.same([...html.matchAll(/data-section="(\d+)"/g)].map((m) => m[1]), ['1', '7'], 'only the non-zero sections');
  t.notMatch(html, /<details[^>]* open/, 'all sections start closed');
  const s1 = sectionHtml(html, 1)!;
  t.match(s1, '<summary>(1) Nedanstående poster skulle ha lagts in i KTILL2 vid skarp körning. <span class="total">(2)</span></summary>');
  t.match(s1, '<th>KURSKOD</th><th>STARTTER</th>', 'sections 1–4: a table under the column names');
  t.ok(s1.indexOf('<td>XSA001</td>') < s1.indexOf('<td>XSH221</td>'), 'in the text file\'s sort order');
  t.match(s1, '<td> _</td>', 'values exactly as written (white space kept by CSS)');
  const s7 = sectionHtml(html, 7)!;
  t.match(s7, '(7) Nedanstående poster har inte kunnat behandlas på grund av att ingen ledig kursomgång finns.');
  t.match(s7, /<li><pre>FFGKURS: pnr=&#39;5409040000&#39;[^<]*\nFORTKURS: pnr=&#39;5409040000&#39;/, 'an error entry: its FFGKURS and FO lines');
  t.notMatch(html, 'class="cap"', 'nothing capped');
});

t.test('a section longer than keepPerSection shows its first entries and points to resultatlista.txt', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp, { keepPerSection: 2 });
  for (const pnr of ['5', '3', '4', '1', '2']) await l.addFfgUpdate(ffg(pnr, 'K', '20121'));
  await l.addOrphan(orphan('9', '20121'));
  await l.write(out, { topWarnings: [] });
  const view = l.view([]);
  t.same(view.sections[0].entries.map((e) => splitDetail(e[0])[0]), ['1', '2'], 'the first two in sorted order');
  t.equal(view.sections[0].total, 5);
  const html = resultHtml(view);
  const s3 = sectionHtml(html, 3)!;
  t.match(s3, '<p class="cap">Visar de första 2 av 5 posterna. Hela avsnittet finns i <a href="resultatlista.txt">resultatlista.txt</a>.</p>');
  t.equal(s3.match(/<tr><td>/g)?.length, 2, 'two rows shown');
  t.notMatch(sectionHtml(html, 16)!, 'class="cap"', 'a section within the cap has no note');
  t.equal((await readFile(out, 'utf8')).split('\n').filter((x) => /^\d;K;/.test(x)).length, 5, 'the text file has them all');
});

t.test('everything from data is escaped: text, table cells, chart labels and attributes', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  const evil = `<script>alert("x")</script>&'`;
  await l.addCreated(ktill2(evil, `"><img src=x onerror=alert(1)>`), [], []);
  await l.addError('termOrder', chain(ffg(evil, 'K', `<b>20121</b>`)));
  await l.addOrphan(orphan(evil, '20121'));
  await l.write(out, { topWarnings: [`Varning! ${evil}`] });
  const html = resultHtml(l.view([`Varning! ${evil}`]));
  t.notMatch(html, /<script/i);
  t.notMatch(html, /<img/i);
  t.notMatch(html, /<b>/);
  t.notMatch(html, /"><img/);
  t.match(html, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  t.match(html, 'data-term="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"', 'chart attribute escaped');
  t.match(html, '<li>Varning! &lt;script&gt;', 'top warning escaped');
});

t.test('top warnings come first, in an alert box; none, no box', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  await l.write(out, { topWarnings: ['Varning! A', 'Varning! B'] });
  const html = resultHtml(l.view(['Varning! A', 'Varning! B']));
  const box = html.indexOf('<section class="warnings" id="varningar" role="alert">');
  t.ok(box > 0);
  t.ok(box < html.indexOf('id="sammanfattning"'), 'before the summary table');
  t.ok(html.indexOf('<li>Varning! A</li>') < html.indexOf('<li>Varning! B</li>'), 'in order');
  t.equal(html.match(/<details id=/g), null, 'no sections when every count is 0');
  t.match(html, '<p class="empty">Inga poster.</p>');

  const { tmp: tmp2, out: out2 } = await scratch(t);
  const quiet = list(tmp2);
  await quiet.write(out2, { topWarnings: [] });
  t.notMatch(resultHtml(quiet.view([])), 'class="warnings"');
});

t.test('self-contained: no script, no external resource, a CSP that forbids loading any', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  await l.addCreated(ktill2('A', '20121'), [], []);
  await l.write(out, { topWarnings: [] });
  const html = resultHtml(l.view([]));
  t.match(html, /^<!DOCTYPE html>\n<html lang="sv">/);
  t.match(html, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  t.notMatch(html, /<script|<link|<img|<iframe|\bsrc=|url\(|@import/i);
  const urls = [...html.matchAll(/https?:\/\/[^"' )]+/g)].map((m) => m[0]);
  t.same([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'the only URL is the SVG namespace name');
  t.same([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]).filter((h) => !h.startsWith('#')).every((h) => h === 'resultatlista.txt'), true);
});

t.test('per-term counts: created offerings by STARTTER, errors by class and TERMIN', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  await l.addCreated(ktill2('A', '20122'), [], []);
  await l.addCreated(ktill2('B', '20121'), [], []);
  await l.addCreated(ktill2('C', '20122', '3'), [], []);
  await l.addError('termOrder', chain(ffg('1', 'K', '20121')));
  await l.addError('termOrder', chain(ffg('2', 'K', '20121')));
  await l.addError('pointsTooLarge', chain(ffg('3', 'K', '20121')));
  await l.addError('missingParameters', chain(ffg('4', 'K', '19892')));
  await l.write(out, { topWarnings: [] });
  const view = l.view([]);
  t.same(view.terms.map((x) => x.term), ['19892', '20121', '20122'], 'terms in UTF-16 order');
  t.same(view.terms.map((x) => x.counts.ktill2), [0, 1, 2]);
  t.same(view.terms.map((x) => x.counts.termOrder), [0, 2, 0]);
  t.equal(view.otherTerms, undefined);

  const html = resultHtml(view);
  const chart = (id: string) => new RegExp(`<figure id="${id}">([\\s\\S]*?)</figure>`).exec(html)![1];
  const created = chart('chart-created');
  t.match(created, 'Kurstillfällen som skulle skapas vid skarp körning, per starttermin (rad 1)');
  t.same([...created.matchAll(/<g data-term="([^"]*)">/g)].map((m) => m[1]), ['20121', '20122'], 'a bar per start term with offerings');
  t.match(created, '<title>20122: 2</title>');
  const errors = chart('chart-errors');
  t.same([...errors.matchAll(/<g data-term="([^"]*)">/g)].map((m) => m[1]), ['19892', '20121'], 'a bar per term with errors');
  t.match(errors, '<title>20121: (5) Oordnade terminer: 2</title>');
  t.match(errors, '<title>20121: (9) Fördelad poäng ryms inte: 1</title>');
  t.match(errors, '<title>19892: (6) Kurstillfällesparametrar saknas: 1</title>');
  t.notMatch(errors, '(7) Ingen ledig kursomgång: ', 'no segment for a zero class');
  t.match(errors, '<tr><td>20121</td><td>2</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>3</td></tr>', 'the same as a table');
});

t.test('terms past MAX_TERMS are counted together as "övriga terminer"', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp, { maxInMemory: 1000 });
  for (let i = 0; i < MAX_TERMS + 3; i++) await l.addError('termOrder', chain(ffg(String(i), 'K', `T${String(i).padStart(4, '0')}`)));
  await l.write(out, { topWarnings: [] });
  const view = l.view([]);
  t.equal(view.terms.length, MAX_TERMS);
  t.equal(view.otherTerms?.termOrder, 3);
  t.match(resultHtml(view), '<g data-term="(övriga terminer)">');
});

t.test('update wording; a locked update run (nothingWritten) uses the inspection wording', async (t) => {
  const { tmp, out } = await scratch(t);
  const u = list(tmp, { mode: 'update' });
  await u.addCreated(ktill2('A', '20121'), [], []);
  await u.write(out, { topWarnings: [] });
  const html = resultHtml(u.view([]));
  t.match(html, '<span>Uppdateringsläge (UPPDATERA=J)</span>');
  t.match(html, 'Antal poster som har lagts in i tabellen KTILL2</a></td><td class="count" data-count="ktill2">1</td>');
  t.match(html, '(1) Nedanstående poster har lagts in i KTILL2.');
  t.match(html, 'Skapade kurstillfällen per starttermin (rad 1)');

  const { tmp: tmp2, out: out2 } = await scratch(t);
  const locked = list(tmp2, { mode: 'update' });
  await locked.addCreated(ktill2('A', '20121'), [], []);
  locked.nothingWritten();
  await locked.write(out2, { topWarnings: [] });
  const lockedHtml = resultHtml(locked.view([]));
  t.match(lockedHtml, '<span>Uppdateringsläge (UPPDATERA=J)</span>');
  t.match(lockedHtml, 'Antal poster som kommer att läggas in i tabellen KTILL2 vid skarp körning</a>');
  t.match(lockedHtml, 'Kurstillfällen som skulle skapas vid skarp körning, per starttermin');
});

t.test('the page is a function of the view: same view, same bytes', async (t) => {
  const { tmp, out } = await scratch(t);
  const l = list(tmp);
  await l.addCreated(ktill2('A', '20121'), [], ['pointSumMismatch']);
  await l.write(out, { topWarnings: ['Varning! X'] });
  t.equal(resultHtml(l.view(['Varning! X'])), resultHtml(l.view(['Varning! X'])));
});

t.test('view() only after write(); keepPerSection is checked', async (t) => {
  const { tmp } = await scratch(t);
  t.throws(() => list(tmp).view([]), /view\(\) before write\(\)/);
  t.throws(() => list(tmp, { keepPerSection: -1 }), /keepPerSection must be a non-negative integer, got -1/);
  t.throws(() => list(tmp, { keepPerSection: 1.5 }), /keepPerSection/);
});
