/**
 * The Swedish text of the result list (SPEC §8), as pure functions: summary
 * lines, section headings, detail rows, header and top warnings. The wording
 * of lines and headings is SPEC §8's, byte for byte.
 */
import type { Mode } from '../../pipeline/options.js';
import type { Row } from '../../pipeline/types.js';

export type { Mode };

/** summary.json `counts` keys, in summary-line order: key i is line i + 1. */
export const COUNT_KEYS = [
  'ktill2', 'ktfort2', 'ffgkurs', 'ktillhst',
  'termOrder', 'missingParameters', 'noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted',
  'pointsOverMax', 'seasonMismatchOriginal', 'seasonMismatchKtillp', 'pointSumMismatch',
  'duplicateFfgkurs', 'orphans',
] as const;

export type CountKey = (typeof COUNT_KEYS)[number];
export type Counts = Record<CountKey, number>;

/** A summary line / section number, 1–16. */
export type LineNo = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16;

export const JOB_NAME = 'EB50 Engångsbatch för att skapa kurstillfällen för avvikande FO-terminer';

/** [inspection, update] wording of summary lines 1–4, up to the count. */
const SUMMARY_BY_MODE: Record<1 | 2 | 3 | 4, readonly [string, string]> = {
  1: [
    'Antal poster som kommer att läggas in i tabellen KTILL2 vid skarp körning',
    'Antal poster som har lagts in i tabellen KTILL2',
  ],
  2: [
    'Antal poster som kommer att läggas in i tabellen KTFORT2 vid skarp körning',
    'Antal poster som har lagts in i tabellen KTFORT2',
  ],
  3: [
    'Antal poster som kommer att uppdateras med ny OMGANG in i tabellen FFGKURS vid skarp körning',
    'Antal poster som har uppdaterats med ny OMGANG in i tabellen FFGKURS',
  ],
  // SPEC §8 has no "vid skarp körning" in the inspection wording of line 4.
  4: [
    'Antal poster som kommer att läggas in med ny kursomgång i tabellen KTILLHST',
    'Antal poster som har lagts in med ny kursomgång i tabellen KTILLHST',
  ],
};

/** Summary lines 5–16, the same in both modes, up to the count. */
const SUMMARY_SAME: Record<number, string> = {
  5: 'Antal poster som inte har kunnat behandlas på grund av oordnade terminer och/eller terminsordningar',
  6: 'Antal FFGKURS-poster som inte behandlas för att det saknas kurstillfällesparametrar för att skapa upp en KTILL2-post',
  7: 'Antal poster som inte kan behandlas på grund av att ingen ledig kursomgång finns',
  8: 'Antal FFGKURS-poster som inte behandlas för att kursens poäng inte kan tolkas',
  9: 'Antal FFGKURS-poster som inte behandlas för att fördelad poäng inte ryms i FFGPOANG/FORPOANG',
  10: 'Antal FFGKURS-poster som inte behandlas för att alla anmälningskoder är upptagna för terminen',
  11: 'Antal nya kurstillfällen med poäng per termin över det som kurstakten tillåter',
  12: 'Antal nya kurstillfällen där vår/höst inte stämmer med originalkurstillfället',
  13: 'Antal nya kurstillfällen där vår/höst inte stämmer med KTILLP',
  14: 'Antal nya kurstillfällen där poängsumman inte stämmer med kursens poäng i KURS',
  15: 'Antal FFGKURS-poster som inte behandlas för att samma PNR och KURS förekommer flera gånger',
  16: 'Antal FORTKURS/INREGFO-poster som saknar FFGKURS-post',
};

/** [inspection, update] section headings 1–4. */
const HEADING_BY_MODE: Record<1 | 2 | 3 | 4, readonly [string, string]> = {
  1: ['Nedanstående poster skulle ha lagts in i KTILL2 vid skarp körning.', 'Nedanstående poster har lagts in i KTILL2.'],
  2: ['Nedanstående poster skulle ha lagts in i KTFORT2 vid skarp körning.', 'Nedanstående poster har lagts in i KTFORT2.'],
  3: [
    'Nedanstående poster skulle ha uppdaterats med ny OMGANG i FFGKURS vid skarp körning.',
    'Nedanstående poster har uppdaterats med ny OMGANG i FFGKURS.',
  ],
  4: [
    'Nedanstående poster skulle ha lagts in med ny kursomgång i KTILLHST vid skarp körning.',
    'Nedanstående poster har lagts in med ny kursomgång i KTILLHST.',
  ],
};

const HEADING_SAME: Record<number, string> = {
  5: 'Nedanstående poster har inte kunnat behandlas på grund av oordnade terminer och/eller terminsordningar.',
  6: 'Nedanstående poster har inte kunnat behandlas för att det saknas kurstillfällesparametrar för att skapa upp en KTILL2-post.',
  7: 'Nedanstående poster har inte kunnat behandlas på grund av att ingen ledig kursomgång finns.',
  8: 'Nedanstående poster har inte kunnat behandlas för att kursens poäng inte kan tolkas.',
  9: 'Nedanstående poster har inte kunnat behandlas för att fördelad poäng inte ryms i FFGPOANG/FORPOANG.',
  10: 'Nedanstående poster har inte kunnat behandlas för att alla anmälningskoder är upptagna för terminen.',
  11: 'Nedanstående nya kurstillfällen har poäng i förhållande till kurstakt som överskrider maximalt tillåten poäng per termin.',
  12: 'Nedanstående nya kurstillfällen har en annan termintyp (vår/höst) än originalkurstillfället.',
  13: 'Nedanstående nya kurstillfällen har en annan termintyp (vår/höst) än KTILLP.',
  14: 'Nedanstående nya kurstillfällen har en poängsumma som inte stämmer med kursens poäng i KURS.',
  15: 'Nedanstående FFGKURS-poster förekommer flera gånger för samma PNR och KURS och har inte behandlats.',
  16: 'Nedanstående FORTKURS/INREGFO-poster saknar FFGKURS-post.',
};

function checkLineNo(n: number): asserts n is LineNo {
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new RangeError(`line number must be 1–16, got ${n}`);
}

function checkMode(mode: string): asserts mode is Mode {
  if (mode !== 'inspect' && mode !== 'update') throw new RangeError(`mode must be inspect or update, got ${mode}`);
}

function byMode(n: LineNo, mode: Mode, perMode: Record<1 | 2 | 3 | 4, readonly [string, string]>, same: Record<number, string>): string {
  return n <= 4 ? perMode[n as 1 | 2 | 3 | 4][mode === 'inspect' ? 0 : 1] : same[n];
}

/** Summary line `n` (SPEC §8), e.g. `(16) Antal FORTKURS/INREGFO-poster som saknar FFGKURS-post: 3.` */
export function summaryLine(n: number, mode: Mode, count: number): string {
  checkLineNo(n);
  checkMode(mode);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  return `(${n}) ${byMode(n, mode, SUMMARY_BY_MODE, SUMMARY_SAME)}: ${count}.`;
}

/** The heading of detail section `n` (SPEC §8), e.g.
 *  `(3) Nedanstående poster skulle ha uppdaterats med ny OMGANG i FFGKURS vid skarp körning.` */
export function sectionHeading(n: number, mode: Mode): string {
  checkLineNo(n);
  checkMode(mode);
  return `(${n}) ${byMode(n, mode, HEADING_BY_MODE, HEADING_SAME)}`;
}

/** The seed's labelled form: `FFGKURS: pnr='…', kurs='…', …` — lower-case
 *  column names, values exactly as read (a missing column is ''). */
export function labelled(table: string, row: Row, columns: readonly string[]): string {
  return `${table}: ${columns.map((c) => `${c.toLowerCase()}='${row[c] ?? ''}'`).join(', ')}`;
}

/** A value as a field of a `;`-joined line: quoted only when it holds `;`,
 *  `"`, CR or LF (the CSV rule of SPEC §11), so one row stays one line. */
function field(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A created row as a detail line: values `;`-joined with a trailing `;`
 *  (`XSH221;19761;100;DAG;NML;1281;2; _;15.0;Q0002;;;;;;;;;;;`). */
export function csvDetail(row: Row, columns: readonly string[]): string {
  return columns.map((c) => `${field(row[c] ?? '')};`).join('');
}

/** The column header line of sections 1–4: `KURSKOD;STARTTER;…;AVGFRI;`. */
export function csvHeader(columns: readonly string[]): string {
  return columns.map((c) => `${c};`).join('');
}

/** SPEC §8 top warning when a start term ran out of codes (two lines). */
export function codesExhaustedWarning(termsNotCompleted: number): string[] {
  return [
    `Varning! Högsta tillåtna värde för anmälningskod i KTILL2 har uppnåtts för valt INLEDANDETECKEN. Antal terminer som inte avslutats: ${termsNotCompleted}`,
    'Välj nytt INLEDANDETECKEN och kör EB50 igen för att skapa återstående kurstillfällen.',
  ];
}

/** Top warning: INLEDANDETECKEN already starts codes in KTILL2/KTILL3 (SPEC §8). */
export function leadingCharInUseWarning(leadingChar: string): string {
  return `Varning! INLEDANDETECKEN ${leadingChar} används redan i anmälningskoder i KTILL2/KTILL3.`;
}

/** Top warning for `--without-locks` (SPEC §9 "omsynkning utan spärrar"). */
export function withoutLocksWarning(): string {
  return 'Varning! Körningen har gjorts utan spärrar (--without-locks): utlösta spärrar har inte stoppat körningen.';
}

/** Top warning for a tripped (or, with --without-locks, overridden) safety
 *  lock; `text` is the lock's own sentence. */
export function lockWarning(text: string): string {
  return `Varning! ${text}`;
}

/** Top warning of an update run that a safety lock stopped (SPEC §9). */
export function stoppedByLockWarning(): string {
  return 'Varning! Uppdateringen har stoppats av en spärr: inga poster har lagts in. Raderna nedan visar vad som skulle ha gjorts. Kontrollera exporten; är ändringen verklig och bekräftad, kör om med --without-locks (omsynkning utan spärrar) eller med ett högre --max-new-share/--max-shrink.';
}

/** The run lock of a run that died was taken over (SPEC §9). */
export function lockTakenOverWarning(holder: string): string {
  return `Körlåset från en avbruten körning (${holder}) togs över; dess ofullständiga filer har tagits bort.`;
}

/** The shrink lock could not compare: the previous summary.json is unusable. */
export function previousSummaryUnreadableWarning(reason: string): string {
  return `summary.json från förra körningen kunde inte läsas (${reason}); antalet rader jämfördes inte med förra körningen.`;
}

const RUN_DATE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})$/;

/** The header lines: job name, run time, mode, INLEDANDETECKEN. */
export function header(opts: { mode: Mode; leadingChar: string; runDate: string }): string[] {
  checkMode(opts.mode);
  const m = RUN_DATE.exec(opts.runDate);
  if (m === null) throw new RangeError(`runDate must be YYYY-MM-DDTHH:MM:SS, got ${opts.runDate}`);
  return [
    JOB_NAME,
    `Körtid: ${m[1]} ${m[2]}`,
    opts.mode === 'inspect' ? 'Inspektionsläge (UPPDATERA=N)' : 'Uppdateringsläge (UPPDATERA=J)',
    `INLEDANDETECKEN=${opts.leadingChar}`,
  ];
}
