import t from 'tap';
import {
  COUNT_KEYS,
  codesExhaustedWarning,
  csvDetail,
  csvHeader,
  header,
  labelled,
  leadingCharInUseWarning,
  lockWarning,
  sectionHeading,
  summaryLine,
  withoutLocksWarning,
} from '../../../stages/sinks/report-text.js';

// Copied from SPEC §8 (count 7 substituted for N); line 2 is "the same for KTFORT2".
const SUMMARY_INSPECT = [
  '(1) Antal poster som kommer att läggas in i tabellen KTILL2 vid skarp körning: 7.',
  '(2) Antal poster som kommer att läggas in i tabellen KTFORT2 vid skarp körning: 7.',
  '(3) Antal poster som kommer att uppdateras med ny OMGANG in i tabellen FFGKURS vid skarp körning: 7.',
  '(4) Antal poster som kommer att läggas in med ny kursomgång i tabellen KTILLHST: 7.',
];
const SUMMARY_UPDATE = [
  '(1) Antal poster som har lagts in i tabellen KTILL2: 7.',
  '(2) Antal poster som har lagts in i tabellen KTFORT2: 7.',
  '(3) Antal poster som har uppdaterats med ny OMGANG in i tabellen FFGKURS: 7.',
  '(4) Antal poster som har lagts in med ny kursomgång i tabellen KTILLHST: 7.',
];
const SUMMARY_SAME = [
  '(5) Antal poster som inte har kunnat behandlas på grund av oordnade terminer och/eller terminsordningar: 7.',
  '(6) Antal FFGKURS-poster som inte behandlas för att det saknas kurstillfällesparametrar för att skapa upp en KTILL2-post: 7.',
  '(7) Antal poster som inte kan behandlas på grund av att ingen ledig kursomgång finns: 7.',
  '(8) Antal FFGKURS-poster som inte behandlas för att kursens poäng inte kan tolkas: 7.',
  '(9) Antal FFGKURS-poster som inte behandlas för att fördelad poäng inte ryms i FFGPOANG/FORPOANG: 7.',
  '(10) Antal FFGKURS-poster som inte behandlas för att alla anmälningskoder är upptagna för terminen: 7.',
  '(11) Antal nya kurstillfällen med poäng per termin över det som kurstakten tillåter: 7.',
  '(12) Antal nya kurstillfällen där vår/höst inte stämmer med originalkurstillfället: 7.',
  '(13) Antal nya kurstillfällen där vår/höst inte stämmer med KTILLP: 7.',
  '(14) Antal nya kurstillfällen där poängsumman inte stämmer med kursens poäng i KURS: 7.',
  '(15) Antal FFGKURS-poster som inte behandlas för att samma PNR och KURS förekommer flera gånger: 7.',
  '(16) Antal FORTKURS/INREGFO-poster som saknar FFGKURS-post: 7.',
];

const HEADING_INSPECT = [
  '(1) Nedanstående poster skulle ha lagts in i KTILL2 vid skarp körning.',
  '(2) Nedanstående poster skulle ha lagts in i KTFORT2 vid skarp körning.',
  '(3) Nedanstående poster skulle ha uppdaterats med ny OMGANG i FFGKURS vid skarp körning.',
  '(4) Nedanstående poster skulle ha lagts in med ny kursomgång i KTILLHST vid skarp körning.',
];
const HEADING_UPDATE = [
  '(1) Nedanstående poster har lagts in i KTILL2.',
  '(2) Nedanstående poster har lagts in i KTFORT2.',
  '(3) Nedanstående poster har uppdaterats med ny OMGANG i FFGKURS.',
  '(4) Nedanstående poster har lagts in med ny kursomgång i KTILLHST.',
];
const HEADING_SAME = [
  '(5) Nedanstående poster har inte kunnat behandlas på grund av oordnade terminer och/eller terminsordningar.',
  '(6) Nedanstående poster har inte kunnat behandlas för att det saknas kurstillfällesparametrar för att skapa upp en KTILL2-post.',
  '(7) Nedanstående poster har inte kunnat behandlas på grund av att ingen ledig kursomgång finns.',
  '(8) Nedanstående poster har inte kunnat behandlas för att kursens poäng inte kan tolkas.',
  '(9) Nedanstående poster har inte kunnat behandlas för att fördelad poäng inte ryms i FFGPOANG/FORPOANG.',
  '(10) Nedanstående poster har inte kunnat behandlas för att alla anmälningskoder är upptagna för terminen.',
  '(11) Nedanstående nya kurstillfällen har poäng i förhållande till kurstakt som överskrider maximalt tillåten poäng per termin.',
  '(12) Nedanstående nya kurstillfällen har en annan termintyp (vår/höst) än originalkurstillfället.',
  '(13) Nedanstående nya kurstillfällen har en annan termintyp (vår/höst) än KTILLP.',
  '(14) Nedanstående nya kurstillfällen har en poängsumma som inte stämmer med kursens poäng i KURS.',
  '(15) Nedanstående FFGKURS-poster förekommer flera gånger för samma PNR och KURS och har inte behandlats.',
  '(16) Nedanstående FORTKURS/INREGFO-poster saknar FFGKURS-post.',
];

t.test('summary lines 1–16 in inspection mode, byte-exact (SPEC §8)', async (t) => {
  const expected = [...SUMMARY_INSPECT, ...SUMMARY_SAME];
  for (let n = 1; n <= 16; n++) t.equal(summaryLine(n, 'inspect', 7), expected[n - 1], `line ${n}`);
});

t.test('summary lines 1–16 in update mode, byte-exact (SPEC §8)', async (t) => {
  const expected = [...SUMMARY_UPDATE, ...SUMMARY_SAME];
  for (let n = 1; n <= 16; n++) t.equal(summaryLine(n, 'update', 7), expected[n - 1], `line ${n}`);
});

t.test('summary line 4 in inspection mode has no "vid skarp körning"', async (t) => {
  t.equal(summaryLine(4, 'inspect', 0), '(4) Antal poster som kommer att läggas in med ny kursomgång i tabellen KTILLHST: 0.');
});

t.test('the count is printed as a plain integer', async (t) => {
  t.equal(summaryLine(16, 'update', 1234567), '(16) Antal FORTKURS/INREGFO-poster som saknar FFGKURS-post: 1234567.');
});

t.test('section headings 1–16 in inspection mode, byte-exact (SPEC §8)', async (t) => {
  const expected = [...HEADING_INSPECT, ...HEADING_SAME];
  for (let n = 1; n <= 16; n++) t.equal(sectionHeading(n, 'inspect'), expected[n - 1], `heading ${n}`);
});

t.test('section headings 1–16 in update mode, byte-exact (SPEC §8)', async (t) => {
  const expected = [...HEADING_UPDATE, ...HEADING_SAME];
  for (let n = 1; n <= 16; n++) t.equal(sectionHeading(n, 'update'), expected[n - 1], `heading ${n}`);
});

t.test('line numbers, modes and counts out of range are rejected', async (t) => {
  t.throws(() => summaryLine(0, 'inspect', 1), RangeError);
  t.throws(() => summaryLine(17, 'inspect', 1), RangeError);
  t.throws(() => summaryLine(1.5, 'inspect', 1), RangeError);
  t.throws(() => summaryLine(1, 'inspect', -1), RangeError);
  t.throws(() => summaryLine(1, 'inspect', 0.5), RangeError);
  t.throws(() => summaryLine(1, 'dry' as never, 1), RangeError);
  t.throws(() => sectionHeading(17, 'update'), RangeError);
  t.throws(() => sectionHeading(1, 'dry' as never), RangeError);
});

t.test('COUNT_KEYS are the summary.json counts keys in line order', async (t) => {
  t.same(
    [...COUNT_KEYS],
    [
      'ktill2', 'ktfort2', 'ffgkurs', 'ktillhst', 'termOrder', 'missingParameters', 'noFreeOmgang',
      'badCoursePoints', 'pointsTooLarge', 'codesExhausted', 'pointsOverMax', 'seasonMismatchOriginal',
      'seasonMismatchKtillp', 'pointSumMismatch', 'duplicateFfgkurs', 'orphans',
    ],
  );
});

const FFG_COLUMNS = [
  'PNR', 'KURS', 'PROGR', 'PROGINR', 'TERMIN', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'OMGANG',
  'KURSTYP', 'IDATUM', 'ITID', 'IANV', 'VERNR',
];

t.test('labelled form matches the seed layout (seed 003 §3.4)', async (t) => {
  const ffg = {
    PNR: '5409040000', KURS: 'xfs001', PROGR: '', PROGINR: ' _', TERMIN: '19781', KURSTAKT: '100',
    KURSTID: 'dag', UNDFORM: 'nml', ORT: '1281', OMGANG: '1', KURSTYP: ' _', IDATUM: 'null',
    ITID: 'null', IANV: 'null', VERNR: 'null',
  };
  // Copied from the seed's example of detail rows on error.
  t.equal(
    labelled('FFGKURS', ffg, FFG_COLUMNS),
    "FFGKURS: pnr='5409040000', kurs='xfs001', progr='', proginr=' _', termin='19781', kurstakt='100', kurstid='dag', undform='nml', ort='1281', omgang='1', kurstyp=' _', idatum='null', itid='null', ianv='null', vernr='null'",
  );
  t.equal(
    labelled('FORTKURS', { PNR: '5409040000', KURS: 'xfs001', TERMORDN: ' 2', TERMIN: '19782' }, ['PNR', 'KURS', 'TERMORDN', 'TERMIN']),
    "FORTKURS: pnr='5409040000', kurs='xfs001', termordn=' 2', termin='19782'",
  );
});

t.test('labelled form prints a missing column as empty and values exactly as read', async (t) => {
  t.equal(labelled('INREGFO', { PNR: "O'Hara ", KURS: 'Å;"x"' }, ['PNR', 'KURS', 'TERMIN']), "INREGFO: pnr='O'Hara ', kurs='Å;\"x\"', termin=''");
});

const KTILL2_COLUMNS = [
  'KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'FFGPOANG', 'KOD',
  'STARTV', 'SLUTV', 'LOK1', 'LOK2', 'PLANTAL', 'ANTALORD', 'ANTALRES', 'VALUTA', 'KONVERT', 'AVGFRI',
];

t.test('csv detail line matches the seed example, with a trailing ;', async (t) => {
  const row = {
    KURSKOD: 'XSH221', STARTTER: '19761', KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281',
    KURSOMG: '2', KURSTYP: ' _', FFGPOANG: '15.0', KOD: 'Q0002', STARTV: '', SLUTV: '', LOK1: '', LOK2: '',
    PLANTAL: '', ANTALORD: '', ANTALRES: '', VALUTA: '', KONVERT: '',
  };
  t.equal(csvDetail(row, KTILL2_COLUMNS), 'XSH221;19761;100;DAG;NML;1281;2; _;15.0;Q0002;;;;;;;;;;;');
});

t.test('csv detail line quotes a value holding ; " CR or LF (the CSV rule of SPEC §11)', async (t) => {
  t.equal(csvDetail({ A: 'a;b', B: 'say "hi"', C: 'x\ny', D: 'r\r', E: ' _' }, ['A', 'B', 'C', 'D', 'E']), '"a;b";"say ""hi""";"x\ny";"r\r"; _;');
});

t.test('csv header line matches the seed (column names ;-joined with a trailing ;)', async (t) => {
  t.equal(
    csvHeader(KTILL2_COLUMNS),
    'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;FFGPOANG;KOD;STARTV;SLUTV;LOK1;LOK2;PLANTAL;ANTALORD;ANTALRES;VALUTA;KONVERT;AVGFRI;',
  );
  t.equal(csvHeader([]), '');
});

t.test('codes-exhausted top warning is the two lines of SPEC §8', async (t) => {
  t.same(codesExhaustedWarning(2), [
    'Varning! Högsta tillåtna värde för anmälningskod i KTILL2 har uppnåtts för valt INLEDANDETECKEN. Antal terminer som inte avslutats: 2',
    'Välj nytt INLEDANDETECKEN och kör EB50 igen för att skapa återstående kurstillfällen.',
  ]);
});

t.test('other top warnings', async (t) => {
  t.equal(leadingCharInUseWarning('Q'), 'Varning! INLEDANDETECKEN Q används redan i anmälningskoder i KTILL2/KTILL3.');
  t.equal(
    withoutLocksWarning(),
    'Varning! Körningen har gjorts utan spärrar (--without-locks): utlösta spärrar har inte stoppat körningen.',
  );
  t.equal(lockWarning('Spärr: Inga KTILL2-poster finns i exporten.'), 'Varning! Spärr: Inga KTILL2-poster finns i exporten.');
});

t.test('header: job, run time, mode, INLEDANDETECKEN', async (t) => {
  t.same(header({ mode: 'inspect', leadingChar: 'Q', runDate: '2015-02-23T10:41:50' }), [
    'EB50 Engångsbatch för att skapa kurstillfällen för avvikande FO-terminer',
    'Körtid: 2015-02-23 10:41:50',
    'Inspektionsläge (UPPDATERA=N)',
    'INLEDANDETECKEN=Q',
  ]);
  t.same(header({ mode: 'update', leadingChar: 'Ö', runDate: '2015-02-23T10:41:50' }), [
    'EB50 Engångsbatch för att skapa kurstillfällen för avvikande FO-terminer',
    'Körtid: 2015-02-23 10:41:50',
    'Uppdateringsläge (UPPDATERA=J)',
    'INLEDANDETECKEN=Ö',
  ]);
});

t.test('header rejects a run date not in YYYY-MM-DDTHH:MM:SS form', async (t) => {
  t.throws(() => header({ mode: 'inspect', leadingChar: 'Q', runDate: '2015-02-23 10:41:50' }), /runDate must be YYYY-MM-DDTHH:MM:SS/);
  t.throws(() => header({ mode: 'x' as never, leadingChar: 'Q', runDate: '2015-02-23T10:41:50' }), RangeError);
});
