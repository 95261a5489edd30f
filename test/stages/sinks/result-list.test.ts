import t from 'tap';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chain, FoRow, FoTable, Row } from '../../../pipeline/types.js';
import { ResultList } from '../../../stages/sinks/result-list.js';

const RUN_DATE = '2015-02-23T10:41:50';

async function scratch(t: { teardown(fn: () => unknown): void }): Promise<{ tmp: string; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'eb50-result-list-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const tmp = await mkdtemp(join(dir, 'sort-'));
  return { tmp, out: join(dir, 'resultatlista.txt') };
}

function ktill2(kurskod: string, startter: string, kursomg: string, kod: string, ffgpoang = '15.0'): Row {
  return {
    KURSKOD: kurskod, STARTTER: startter, KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281',
    KURSOMG: kursomg, KURSTYP: ' _', FFGPOANG: ffgpoang, KOD: kod, STARTV: '', SLUTV: '', LOK1: '', LOK2: '',
    PLANTAL: '', ANTALORD: '', ANTALRES: '', VALUTA: '', KONVERT: '', AVGFRI: 'J',
  };
}

function ktfort2(k: Row, termordn: string, termin: string, forpoang: string): Row {
  return {
    KURSKOD: k.KURSKOD, STARTTER: k.STARTTER, KURSTAKT: k.KURSTAKT, KURSTID: k.KURSTID, UNDFORM: k.UNDFORM,
    ORT: k.ORT, KURSOMG: k.KURSOMG, KURSTYP: k.KURSTYP, TERMORDN: termordn, FORPOANG: forpoang, KOD: k.KOD,
    TERMIN: termin, STARTV: '', SLUTV: '', LOK1: '', LOK2: '', VALUTA: '', KONVERT: '',
  };
}

function ffg(pnr: string, kurs: string, termin: string, omgang: string, extra: Partial<Row> = {}): Row {
  return {
    PNR: pnr, KURS: kurs, PROGR: '', PROGINR: ' _', TERMIN: termin, KURSTAKT: '100', KURSTID: 'DAG',
    UNDFORM: 'NML', ORT: '1281', OMGANG: omgang, KURSTYP: ' _', IDATUM: '', ITID: '', IANV: '', VERNR: 'null',
    ...extra,
  };
}

function fo(table: FoTable, pnr: string, kurs: string, termordn: string, termin: string, line = 2): FoRow {
  return { table, row: { PNR: pnr, KURS: kurs, TERMORDN: termordn, TERMIN: termin }, line };
}

function chain(row: Row, foSet: FoRow[]): Chain {
  return {
    ffg: row,
    ffgLine: 2,
    fortkurs: foSet.filter((f) => f.table === 'FORTKURS'),
    inregfo: foSet.filter((f) => f.table === 'INREGFO'),
    foSet,
  };
}

/** The entry lines of section n of a written result list (no heading, no
 *  column header). */
function section(text: string, n: number): string[] {
  const blocks = text.split('\n\n');
  const block = blocks.find((b) => b.startsWith(`(${n}) Nedanstående`));
  if (block === undefined) return [];
  const lines = block.replace(/\n$/, '').split('\n').slice(1);
  return n <= 4 ? lines.slice(1) : lines;
}

t.test('a handful of entries renders the whole result list (inspection mode)', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });

  const a = ktill2('XSL037', '19761', '2', 'Q0003', '7.5');
  await list.addCreated(a, [ktfort2(a, ' 2', '19781', '7.5')], ['pointsOverMax']);
  await list.addFfgUpdate(ffg('4510240000', 'XSL037', '19761', '2', { IDATUM: '2015-02-23', ITID: '104150', IANV: 'EB50' }));
  const b = ktill2('XSH221', '19761', '2', 'Q0002');
  await list.addCreated(b, [ktfort2(b, '10', '19792', '0.0'), ktfort2(b, ' 2', '19762', '15.0')], [
    'pointsOverMax',
    'pointsOverMax',
    'seasonMismatchKtillp',
  ]);
  await list.addFfgUpdate(ffg('4003120000', 'XSH221', '19761', '2', { IDATUM: '2015-02-23', ITID: '104150', IANV: 'EB50' }));
  await list.addError(
    'termOrder',
    chain(ffg('5409040000', 'xfs001', '19781', '1'), [
      fo('FORTKURS', '5409040000', 'xfs001', 'x', '19783'),
      fo('FORTKURS', '5409040000', 'xfs001', ' 3', '19782'),
      fo('INREGFO', '5409040000', 'xfs001', ' 2', '19782'),
    ]),
  );
  const dupFo = [fo('FORTKURS', '7001010000', 'ABC123', '2', '20102')];
  await list.addDuplicate(chain(ffg('7001010000', 'ABC123', '20101', '1'), dupFo));
  await list.addDuplicate(chain(ffg('7001010000', 'ABC123', '20092', '1'), dupFo));
  await list.addOrphan(fo('INREGFO', '8001010000', 'ZZZ999', ' 2', '20112'));
  const hstColumns = ['KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'ANTAL'];
  await list.addKtillhst(
    { KURSKOD: 'XSH221', STARTTER: '19761', KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281', KURSOMG: '2', KURSTYP: ' _', ANTAL: '12' },
    hstColumns,
  );

  const warning = 'Varning! INLEDANDETECKEN Q används redan i anmälningskoder i KTILL2/KTILL3.';
  await list.write(out, { topWarnings: [warning] });

  const expected = `EB50 Engångsbatch för att skapa kurstillfällen för avvikande FO-terminer
Körtid: 2015-02-23 10:41:50
Inspektionsläge (UPPDATERA=N)
INLEDANDETECKEN=Q

Varning! INLEDANDETECKEN Q används redan i anmälningskoder i KTILL2/KTILL3.

(1) Antal poster som kommer att läggas in i tabellen KTILL2 vid skarp körning: 2.
(2) Antal poster som kommer att läggas in i tabellen KTFORT2 vid skarp körning: 3.
(3) Antal poster som kommer att uppdateras med ny OMGANG in i tabellen FFGKURS vid skarp körning: 2.
(4) Antal poster som kommer att läggas in med ny kursomgång i tabellen KTILLHST: 1.
(5) Antal poster som inte har kunnat behandlas på grund av oordnade terminer och/eller terminsordningar: 1.
(6) Antal FFGKURS-poster som inte behandlas för att det saknas kurstillfällesparametrar för att skapa upp en KTILL2-post: 0.
(7) Antal poster som inte kan behandlas på grund av att ingen ledig kursomgång finns: 0.
(8) Antal FFGKURS-poster som inte behandlas för att kursens poäng inte kan tolkas: 0.
(9) Antal FFGKURS-poster som inte behandlas för att fördelad poäng inte ryms i FFGPOANG/FORPOANG: 0.
(10) Antal FFGKURS-poster som inte behandlas för att alla anmälningskoder är upptagna för terminen: 0.
(11) Antal nya kurstillfällen med poäng per termin över det som kurstakten tillåter: 2.
(12) Antal nya kurstillfällen där vår/höst inte stämmer med originalkurstillfället: 0.
(13) Antal nya kurstillfällen där vår/höst inte stämmer med KTILLP: 1.
(14) Antal nya kurstillfällen där poängsumman inte stämmer med kursens poäng i KURS: 0.
(15) Antal FFGKURS-poster som inte behandlas för att samma PNR och KURS förekommer flera gånger: 2.
(16) Antal FORTKURS/INREGFO-poster som saknar FFGKURS-post: 1.

(1) Nedanstående poster skulle ha lagts in i KTILL2 vid skarp körning.
KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;FFGPOANG;KOD;STARTV;SLUTV;LOK1;LOK2;PLANTAL;ANTALORD;ANTALRES;VALUTA;KONVERT;AVGFRI;
XSH221;19761;100;DAG;NML;1281;2; _;15.0;Q0002;;;;;;;;;;J;
XSL037;19761;100;DAG;NML;1281;2; _;7.5;Q0003;;;;;;;;;;J;

(2) Nedanstående poster skulle ha lagts in i KTFORT2 vid skarp körning.
KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;TERMORDN;FORPOANG;KOD;TERMIN;STARTV;SLUTV;LOK1;LOK2;VALUTA;KONVERT;
XSH221;19761;100;DAG;NML;1281;2; _; 2;15.0;Q0002;19762;;;;;;;
XSH221;19761;100;DAG;NML;1281;2; _;10;0.0;Q0002;19792;;;;;;;
XSL037;19761;100;DAG;NML;1281;2; _; 2;7.5;Q0003;19781;;;;;;;

(3) Nedanstående poster skulle ha uppdaterats med ny OMGANG i FFGKURS vid skarp körning.
PNR;KURS;PROGR;PROGINR;TERMIN;KURSTAKT;KURSTID;UNDFORM;ORT;OMGANG;KURSTYP;IDATUM;ITID;IANV;VERNR;
4003120000;XSH221;; _;19761;100;DAG;NML;1281;2; _;2015-02-23;104150;EB50;null;
4510240000;XSL037;; _;19761;100;DAG;NML;1281;2; _;2015-02-23;104150;EB50;null;

(4) Nedanstående poster skulle ha lagts in med ny kursomgång i KTILLHST vid skarp körning.
KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;ANTAL;
XSH221;19761;100;DAG;NML;1281;2; _;12;

(5) Nedanstående poster har inte kunnat behandlas på grund av oordnade terminer och/eller terminsordningar.
FFGKURS: pnr='5409040000', kurs='xfs001', progr='', proginr=' _', termin='19781', kurstakt='100', kurstid='DAG', undform='NML', ort='1281', omgang='1', kurstyp=' _', idatum='', itid='', ianv='', vernr='null'
INREGFO: pnr='5409040000', kurs='xfs001', termordn=' 2', termin='19782'
FORTKURS: pnr='5409040000', kurs='xfs001', termordn=' 3', termin='19782'
FORTKURS: pnr='5409040000', kurs='xfs001', termordn='x', termin='19783'

(11) Nedanstående nya kurstillfällen har poäng i förhållande till kurstakt som överskrider maximalt tillåten poäng per termin.
KTILL2: kurskod='XSH221', startter='19761', kurstakt='100', kurstid='DAG', undform='NML', ort='1281', kursomg='2', kurstyp=' _', ffgpoang='15.0', kod='Q0002', startv='', slutv=''
KTILL2: kurskod='XSL037', startter='19761', kurstakt='100', kurstid='DAG', undform='NML', ort='1281', kursomg='2', kurstyp=' _', ffgpoang='7.5', kod='Q0003', startv='', slutv=''

(13) Nedanstående nya kurstillfällen har en annan termintyp (vår/höst) än KTILLP.
KTILL2: kurskod='XSH221', startter='19761', kurstakt='100', kurstid='DAG', undform='NML', ort='1281', kursomg='2', kurstyp=' _', ffgpoang='15.0', kod='Q0002', startv='', slutv=''

(15) Nedanstående FFGKURS-poster förekommer flera gånger för samma PNR och KURS och har inte behandlats.
FFGKURS: pnr='7001010000', kurs='ABC123', progr='', proginr=' _', termin='20092', kurstakt='100', kurstid='DAG', undform='NML', ort='1281', omgang='1', kurstyp=' _', idatum='', itid='', ianv='', vernr='null'
FORTKURS: pnr='7001010000', kurs='ABC123', termordn='2', termin='20102'
FFGKURS: pnr='7001010000', kurs='ABC123', progr='', proginr=' _', termin='20101', kurstakt='100', kurstid='DAG', undform='NML', ort='1281', omgang='1', kurstyp=' _', idatum='', itid='', ianv='', vernr='null'
FORTKURS: pnr='7001010000', kurs='ABC123', termordn='2', termin='20102'

(16) Nedanstående FORTKURS/INREGFO-poster saknar FFGKURS-post.
INREGFO: pnr='8001010000', kurs='ZZZ999', termordn=' 2', termin='20112'
`;
  t.equal(await readFile(out, 'utf8'), expected);

  t.same(list.counts, {
    ktill2: 2, ktfort2: 3, ffgkurs: 2, ktillhst: 1, termOrder: 1, missingParameters: 0, noFreeOmgang: 0,
    badCoursePoints: 0, pointsTooLarge: 0, codesExhausted: 0, pointsOverMax: 2, seasonMismatchOriginal: 0,
    seasonMismatchKtillp: 1, pointSumMismatch: 0, duplicateFfgkurs: 2, orphans: 1,
  });
  t.equal(list.summaryText([warning]), expected.slice(0, expected.indexOf('\n\n(1) Nedanstående') + 1), 'sammanfattning.txt is the head of the list');
  t.same(await readdir(tmp), [], 'sort runs removed');
});

t.test('no entries: header, no warnings block, the 16 zero lines (update mode)', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'update', leadingChar: 'Å', runDate: RUN_DATE, tmpDir: tmp });
  await list.write(out, { topWarnings: [] });
  const expected = `EB50 Engångsbatch för att skapa kurstillfällen för avvikande FO-terminer
Körtid: 2015-02-23 10:41:50
Uppdateringsläge (UPPDATERA=J)
INLEDANDETECKEN=Å

(1) Antal poster som har lagts in i tabellen KTILL2: 0.
(2) Antal poster som har lagts in i tabellen KTFORT2: 0.
(3) Antal poster som har uppdaterats med ny OMGANG in i tabellen FFGKURS: 0.
(4) Antal poster som har lagts in med ny kursomgång i tabellen KTILLHST: 0.
(5) Antal poster som inte har kunnat behandlas på grund av oordnade terminer och/eller terminsordningar: 0.
(6) Antal FFGKURS-poster som inte behandlas för att det saknas kurstillfällesparametrar för att skapa upp en KTILL2-post: 0.
(7) Antal poster som inte kan behandlas på grund av att ingen ledig kursomgång finns: 0.
(8) Antal FFGKURS-poster som inte behandlas för att kursens poäng inte kan tolkas: 0.
(9) Antal FFGKURS-poster som inte behandlas för att fördelad poäng inte ryms i FFGPOANG/FORPOANG: 0.
(10) Antal FFGKURS-poster som inte behandlas för att alla anmälningskoder är upptagna för terminen: 0.
(11) Antal nya kurstillfällen med poäng per termin över det som kurstakten tillåter: 0.
(12) Antal nya kurstillfällen där vår/höst inte stämmer med originalkurstillfället: 0.
(13) Antal nya kurstillfällen där vår/höst inte stämmer med KTILLP: 0.
(14) Antal nya kurstillfällen där poängsumman inte stämmer med kursens poäng i KURS: 0.
(15) Antal FFGKURS-poster som inte behandlas för att samma PNR och KURS förekommer flera gånger: 0.
(16) Antal FORTKURS/INREGFO-poster som saknar FFGKURS-post: 0.
`;
  t.equal(await readFile(out, 'utf8'), expected);
  t.equal(list.summaryText([]), expected);
});

t.test('update mode uses the update headings', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'update', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp });
  const k = ktill2('A', '20112', '2', 'Q0001');
  await list.addCreated(k, [ktfort2(k, '2', '20121', '7.5')], []);
  await list.addFfgUpdate(ffg('1', 'A', '20112', '2'));
  await list.addKtillhst({ KURSKOD: 'A', STARTTER: '20112', KURSOMG: '2' }, ['KURSKOD', 'STARTTER', 'KURSOMG']);
  await list.write(out, { topWarnings: [] });
  const text = await readFile(out, 'utf8');
  t.match(text, '\n\n(1) Nedanstående poster har lagts in i KTILL2.\nKURSKOD;');
  t.match(text, '\n\n(2) Nedanstående poster har lagts in i KTFORT2.\nKURSKOD;');
  t.match(text, '\n\n(3) Nedanstående poster har uppdaterats med ny OMGANG i FFGKURS.\nPNR;');
  t.match(text, '\n\n(4) Nedanstående poster har lagts in med ny kursomgång i KTILLHST.\nKURSKOD;STARTTER;KURSOMG;\nA;20112;2;\n');
  t.notMatch(text, 'vid skarp körning');
});

t.test('KTILL2 section: STARTTER, KURSKOD, KURSOMG in UTF-16 order, ties in processing order', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 2 });
  const rows = [
    ktill2('Å1', '20101', '2', 'Q0001'),
    ktill2('a1', '20101', '2', 'Q0002'),
    ktill2('Z1', '20101', '3', 'Q0003'),
    ktill2('Z1', '20101', '2', 'Q0004'),
    ktill2('Z1', '20092', '9', 'Q0005'),
    ktill2('a1', '20101', '2', 'Q0006'), // same sort key as Q0002: after it
    ktill2('Z1', '20101', '2', 'Q0007'), // same sort key as Q0004: after it
  ];
  for (const r of rows) await list.addCreated(r, [], []);
  await list.write(out, { topWarnings: [] });
  const kods = section(await readFile(out, 'utf8'), 1).map((l) => l.split(';')[9]);
  t.same(kods, ['Q0005', 'Q0004', 'Q0007', 'Q0003', 'Q0002', 'Q0006', 'Q0001']);
});

t.test('KTFORT2 section: STARTTER, KURSKOD, KURSOMG, then TERMORDN as an integer', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  const b = ktill2('B', '20101', '2', 'Q0002');
  const a = ktill2('A', '20101', '2', 'Q0001');
  await list.addCreated(b, [ktfort2(b, '10', '20152', '1'), ktfort2(b, ' 9', '20151', '2'), ktfort2(b, '+2', '20102', '3')], []);
  await list.addCreated(a, [ktfort2(a, '03', '20112', '4'), ktfort2(a, '2', '20111', '5')], []);
  await list.write(out, { topWarnings: [] });
  const got = section(await readFile(out, 'utf8'), 2).map((l) => l.split(';').slice(0, 1).concat(l.split(';')[8]).join('|'));
  t.same(got, ['A|2', 'A|03', 'B|+2', 'B| 9', 'B|10']);
});

t.test('FFGKURS section: TERMIN, KURS, PNR; ties in processing order', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 2 });
  const rows = [
    ffg('3', 'KA', '20101', '2', { VERNR: 'a' }),
    ffg('1', 'KB', '20101', '2', { VERNR: 'b' }),
    ffg('2', 'KA', '20101', '2', { VERNR: 'c' }),
    ffg('9', 'ZZ', '20092', '2', { VERNR: 'd' }),
    ffg('2', 'KA', '20101', '3', { VERNR: 'e' }),
    ffg('2', 'Ka', '20101', '3', { VERNR: 'f' }),
  ];
  for (const r of rows) await list.addFfgUpdate(r);
  await list.write(out, { topWarnings: [] });
  const got = section(await readFile(out, 'utf8'), 3).map((l) => l.split(';')[14]);
  t.same(got, ['d', 'c', 'e', 'a', 'b', 'f']);
});

t.test('KTILLHST section: STARTTER, KURSKOD, KURSOMG; header is the input columns', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  const cols = ['STARTTER', 'KURSKOD', 'KURSOMG', 'N'];
  for (const [s, k, o, n] of [['20101', 'B', '2', '1'], ['20101', 'A', '3', '2'], ['20092', 'Z', '2', '3'], ['20101', 'A', '2', '4'], ['20101', 'A', '2', '5']]) {
    await list.addKtillhst({ STARTTER: s, KURSKOD: k, KURSOMG: o, N: n }, cols);
  }
  await list.write(out, { topWarnings: [] });
  const text = await readFile(out, 'utf8');
  t.match(text, '(4) Nedanstående poster skulle ha lagts in med ny kursomgång i KTILLHST vid skarp körning.\nSTARTTER;KURSKOD;KURSOMG;N;\n');
  t.same(section(text, 4).map((l) => l.split(';')[3]), ['3', '4', '5', '2', '1']);
});

t.test('each error code goes to its own section, sorted by TERMIN, KURS, PNR', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  const codes = ['termOrder', 'missingParameters', 'noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted'] as const;
  for (const code of codes) {
    await list.addError(code, chain(ffg('2', 'Å', '20101', '1', { VERNR: `${code}-1` }), []));
    await list.addError(code, chain(ffg('1', 'a', '20101', '1', { VERNR: `${code}-2` }), []));
    await list.addError(code, chain(ffg('3', 'Z', '20101', '1', { VERNR: `${code}-3` }), []));
    await list.addError(code, chain(ffg('0', 'a', '20101', '1', { VERNR: `${code}-4` }), []));
    await list.addError(code, chain(ffg('1', 'a', '20101', '1', { VERNR: `${code}-5` }), []));
    t.equal(list.counts[code], 5, `${code} counted`);
  }
  await list.write(out, { topWarnings: [] });
  const text = await readFile(out, 'utf8');
  for (const [i, code] of codes.entries()) {
    const vernr = section(text, 5 + i).map((l) => /vernr='([^']*)'/.exec(l)?.[1]);
    t.same(vernr, [`${code}-3`, `${code}-4`, `${code}-2`, `${code}-5`, `${code}-1`], `section ${5 + i}`);
  }
});

t.test('error details: FO rows by integer TERMORDN, then non-integer ones in file order', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp });
  await list.addError(
    'termOrder',
    chain(ffg('1', 'K', '20101', '1'), [
      fo('FORTKURS', '1', 'K', 'b', '20112'),
      fo('FORTKURS', '1', 'K', '10', '20121'),
      fo('FORTKURS', '1', 'K', 'a', '20102'),
      fo('INREGFO', '1', 'K', ' 3', '20111'),
    ]),
  );
  await list.write(out, { topWarnings: [] });
  t.same(section(await readFile(out, 'utf8'), 5).slice(1), [
    "INREGFO: pnr='1', kurs='K', termordn=' 3', termin='20111'",
    "FORTKURS: pnr='1', kurs='K', termordn='10', termin='20121'",
    "FORTKURS: pnr='1', kurs='K', termordn='b', termin='20112'",
    "FORTKURS: pnr='1', kurs='K', termordn='a', termin='20102'",
  ]);
});

t.test('warning sections 11–14: one entry per offering per line, sorted like KTILL2', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  const all = ['pointsOverMax', 'seasonMismatchOriginal', 'seasonMismatchKtillp', 'pointSumMismatch'] as const;
  await list.addCreated(ktill2('b', '20101', '2', 'Q0001'), [], [...all, ...all]);
  await list.addCreated(ktill2('B', '20101', '2', 'Q0002'), [], [...all]);
  await list.addCreated(ktill2('C', '20101', '2', 'Q0003'), [], []);
  await list.write(out, { topWarnings: [] });
  const text = await readFile(out, 'utf8');
  for (let n = 11; n <= 14; n++) {
    t.same(section(text, n).map((l) => /kod='(Q\d+)'/.exec(l)?.[1]), ['Q0002', 'Q0001'], `section ${n}`);
  }
  t.match(list.counts, { pointsOverMax: 2, seasonMismatchOriginal: 2, seasonMismatchKtillp: 2, pointSumMismatch: 2 });
});

t.test('duplicates (15) and orphans (16): TERMIN, KURS, PNR, ties in processing order', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  await list.addOrphan(fo('FORTKURS', '2', 'K', '2', '20102'));
  await list.addOrphan(fo('INREGFO', '1', 'K', '3', '20102'));
  await list.addOrphan(fo('FORTKURS', '1', 'K', '2', '20102'));
  await list.addOrphan(fo('FORTKURS', '9', 'A', '2', '20112'));
  await list.addOrphan(fo('FORTKURS', '9', 'Z', '2', '20092'));
  await list.addDuplicate(chain(ffg('5', 'K', '20101', '1', { VERNR: 'x' }), []));
  await list.addDuplicate(chain(ffg('5', 'K', '20101', '1', { VERNR: 'y' }), []));
  await list.addDuplicate(chain(ffg('4', 'K', '20101', '1', { VERNR: 'z' }), []));
  await list.write(out, { topWarnings: [] });
  const text = await readFile(out, 'utf8');
  t.same(section(text, 16).map((l) => /^(\w+): pnr='(\w+)', kurs='(\w+)', termordn='(\w+)'/.exec(l)?.slice(1).join('|')), [
    'FORTKURS|9|Z|2',
    'INREGFO|1|K|3',
    'FORTKURS|1|K|2',
    'FORTKURS|2|K|2',
    'FORTKURS|9|A|2',
  ]);
  t.same(section(text, 15).map((l) => /vernr='(\w+)'/.exec(l)?.[1]), ['z', 'x', 'y']);
  t.equal(list.counts.orphans, 5);
  t.equal(list.counts.duplicateFfgkurs, 3);
});

t.test('sections larger than maxInMemory spill to tmpDir and are removed after write()', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 2 });
  for (let i = 0; i < 7; i++) await list.addOrphan(fo('FORTKURS', String(7 - i), 'K', '2', '20102'));
  t.not((await readdir(tmp)).length, 0, 'runs spilled');
  await list.write(out, { topWarnings: [] });
  t.same(await readdir(tmp), []);
  t.same(section(await readFile(out, 'utf8'), 16).map((l) => /pnr='(\d)'/.exec(l)?.[1]), ['1', '2', '3', '4', '5', '6', '7']);
});

t.test('a section larger than one write chunk (64 KiB) is written whole', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 500 });
  const n = 2000;
  for (let i = n; i > 0; i--) await list.addOrphan(fo('FORTKURS', String(i).padStart(6, '0'), 'K', '2', '20102'));
  await list.write(out, { topWarnings: [] });
  const pnrs = section(await readFile(out, 'utf8'), 16).map((l) => /pnr='(\d+)'/.exec(l)?.[1]);
  t.equal(pnrs.length, n);
  t.same(pnrs, Array.from({ length: n }, (_, i) => String(i + 1).padStart(6, '0')));
});

t.test('cleanup() removes spilled runs of a list that is never written', async (t) => {
  const { tmp } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  await list.addOrphan(fo('FORTKURS', '1', 'K', '2', '20102'));
  await list.addOrphan(fo('FORTKURS', '2', 'K', '2', '20102'));
  await list.cleanup();
  t.same(await readdir(tmp), []);
});

t.test('write() is once only; nothing can be added after it', async (t) => {
  const { tmp, out } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp });
  await list.write(out, { topWarnings: [] });
  await t.rejects(list.write(out, { topWarnings: [] }), /write\(\) called twice/);
  await t.rejects(list.addOrphan(fo('FORTKURS', '1', 'K', '2', '20102')), /after write\(\)/);
});

t.test('a failed write leaves no temp files behind', async (t) => {
  const { tmp } = await scratch(t);
  const list = new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: tmp, maxInMemory: 1 });
  await list.addOrphan(fo('FORTKURS', '1', 'K', '2', '20102'));
  await list.addOrphan(fo('FORTKURS', '2', 'K', '2', '20102'));
  // An output error (exit 4), naming the file and the cause.
  await t.rejects(list.write(join(tmp, 'no', 'such', 'dir', 'resultatlista.txt'), { topWarnings: [] }), {
    code: 'OUTPUT',
    message: /cannot write .*resultatlista\.txt: ENOENT/,
  });
  t.same(await readdir(tmp), []);
});

t.test('options are validated up front', async (t) => {
  t.throws(() => new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: '2015-02-23', tmpDir: '/tmp' }), /runDate/);
  t.throws(() => new ResultList({ mode: 'dry' as never, leadingChar: 'Q', runDate: RUN_DATE, tmpDir: '/tmp' }), /mode/);
  t.throws(() => new ResultList({ mode: 'inspect', leadingChar: 'Q', runDate: RUN_DATE, tmpDir: '' }), /tmpDir/);
});
