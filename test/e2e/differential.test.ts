/**
 * Differential test: the real CLI (update mode, --without-locks, fixed
 * --run-date) against the independent reference of SPEC §3–§8
 * (test/reference/eb50-reference.ts) on generated exports: the bench
 * generator with a few thousand chains, and the edge-case generator
 * (test/reference/random-export.ts). Compares the summary counts, the chain
 * counts, termsNotCompleted and every delta file row by row. On a mismatch
 * it prints the first chain whose outcome differs, with its input rows.
 */
import t, { type Test } from 'tap';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../../bench/generate.js';
import { tableColumns } from '../../pipeline/columns.js';
import { openTableFile } from '../../pipeline/read-table.js';
import type { Row, TableName } from '../../pipeline/types.js';
import { referenceDetails, referenceRun, type ChainTrace, type ReferenceResult } from '../reference/eb50-reference.js';
import { randomExport } from '../reference/random-export.js';
import { RUN_DATE, SAMPLE, eb50 } from './helpers.js';

type DeltaTable = 'KTILL2' | 'KTFORT2' | 'FFGKURS' | 'KTILLHST';
const DELTAS: DeltaTable[] = ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST'];

/** Error sections of the result list (§8) → the reference's outcome names. */
const SECTION_OUTCOME: Record<string, string> = {
  '5': 'termOrder', '6': 'missingParameters', '7': 'noFreeOmgang', '8': 'badCoursePoints',
  '9': 'pointsTooLarge', '10': 'codesExhausted', '15': 'duplicate',
};

async function readDelta(path: string, table: TableName): Promise<{ columns: string[]; rows: Row[] }> {
  const reader = await openTableFile(path, table, 'csv', { encoding: 'utf8' });
  const rows: Row[] = [];
  for await (const { row } of reader.rows()) rows.push(row);
  return { columns: reader.columns(), rows };
}

const chainKey = (pnr: string, kurs: string): string => `${pnr}\u0000${kurs}`;

/** The real run's outcome per PNR+KURS, as far as its outputs show it:
 *  an error section of the result list, or an FFGKURS update (new OMGANG). */
function realOutcomes(resultList: string, ffgDelta: Row[]): Map<string, string> {
  const out = new Map<string, string>();
  let section: string | undefined;
  for (const line of resultList.split('\n')) {
    const head = /^\((\d+)\) Nedanstående/.exec(line);
    if (head !== null) {
      section = SECTION_OUTCOME[head[1]];
      continue;
    }
    const m = /^FFGKURS: pnr='(.*?)', kurs='(.*?)',/.exec(line);
    if (m !== null && section !== undefined) out.set(chainKey(m[1], m[2]), section);
  }
  for (const r of ffgDelta) out.set(chainKey(r.PNR, r.KURS), `updated OMGANG=${r.OMGANG}`);
  return out;
}

function refOutcome(c: ChainTrace): string {
  if (c.outcome === 'created' || c.outcome === 'reused') return `updated OMGANG=${c.kursomg}`;
  if (c.outcome === 'skipped' || c.outcome === 'alreadyComplete') return 'none';
  return c.outcome;
}

function showChain(c: ChainTrace): string {
  const cols = (r: Row, names: string[]): string => names.map((n) => `${n.toLowerCase()}='${r[n] ?? ''}'`).join(', ');
  return [
    `FFGKURS #${c.index + 1}: ${cols(c.ffg, tableColumns('FFGKURS'))}`,
    ...c.fo.map((f) => `  ${f.table}: ${cols(f.row, ['TERMORDN', 'TERMIN'])}`),
    `  reference: ${c.outcome}${c.kursomg !== undefined ? ` KURSOMG=${c.kursomg}` : ''}${c.kod !== undefined ? ` KOD=${c.kod}` : ''}${c.warnings !== undefined && c.warnings.length > 0 ? ` warnings=${c.warnings.join(',')}` : ''}`,
  ].join('\n');
}

/** The detail sections of a result list: number → lines after the heading,
 *  up to the blank line. */
function detailSections(resultList: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let current: string[] | undefined;
  for (const line of resultList.split('\n')) {
    const head = /^\((\d+)\) Nedanstående/.exec(line);
    if (head !== null) {
      current = [];
      out.set(Number(head[1]), current);
    } else if (line === '') {
      current = undefined;
    } else if (current !== undefined) {
      current.push(line);
    }
  }
  return out;
}

async function compareRun(t: Test, input: string, dir: string, leadingChar = 'Q', mode: 'update' | 'inspect' = 'update'): Promise<void> {
  const out = join(dir, `out-${mode}`);
  const run = eb50(['run', '--input', input, '--output', out, '--leading-char', leadingChar, '--run-date', RUN_DATE, '--mode', mode, '--without-locks']);
  t.equal(run.code, 0, `eb50 exits 0 (${run.stderr.trim()})`);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  const ref: ReferenceResult = await referenceRun(input, { leadingChar, mode, runDate: RUN_DATE });
  const real = {} as Record<DeltaTable, { columns: string[]; rows: Row[] }>;
  const deltaDir = mode === 'update' ? 'delta' : 'preview';
  for (const table of DELTAS) real[table] = await readDelta(join(out, deltaDir, `${table}.csv`), table);

  // The first chain whose visible outcome differs, in FFGKURS order.
  const resultList = await readFile(join(out, 'resultatlista.txt'), 'utf8');
  const outcomes = realOutcomes(resultList, real.FFGKURS.rows);
  const firstDiff = ref.trace.find((c) => (outcomes.get(chainKey(c.ffg.PNR, c.ffg.KURS)) ?? 'none') !== refOutcome(c));
  const chainNote = firstDiff === undefined
    ? ''
    : `\nfirst chain that differs:\n${showChain(firstDiff)}\n  eb50: ${outcomes.get(chainKey(firstDiff.ffg.PNR, firstDiff.ffg.KURS)) ?? 'none (complete, skipped or not listed)'}`;

  t.same(summary.counts, ref.counts, 'counts (lines 1–16)', { firstChainThatDiffers: chainNote.split('\n') });
  t.same(summary.chains, ref.chains, 'chains');
  t.equal(summary.termsNotCompleted, ref.termsNotCompleted, 'termsNotCompleted');
  t.ok(firstDiff === undefined, 'every chain has the same outcome', { firstChainThatDiffers: chainNote.split('\n') });

  for (const table of DELTAS) {
    const expectedColumns = table === 'KTILLHST' ? ref.ktillhstColumns : tableColumns(table);
    t.same(real[table].columns, expectedColumns, `${table} delta columns`);
    const mine = ref.deltas[table];
    const theirs = real[table].rows;
    let i = 0;
    while (i < Math.max(mine.length, theirs.length) && JSON.stringify(mine[i]) === JSON.stringify(theirs[i])) i++;
    if (i === mine.length && i === theirs.length) {
      t.pass(`${table} delta: ${mine.length} rows, the same`);
    } else {
      const origin = ref.origin[table][i];
      t.fail(`${table} delta differs at row ${i + 1} (reference ${mine.length} rows, eb50 ${theirs.length})`, {
        reference: mine[i] ?? '(none)',
        eb50: theirs[i] ?? '(none)',
        madeBy: origin === undefined ? '(no reference row)' : showChain(ref.trace[origin]).split('\n'),
      });
    }
  }

  // Top warnings (§8): codes exhausted, INLEDANDETECKEN already in use.
  const exhausted = `Varning! Högsta tillåtna värde för anmälningskod i KTILL2 har uppnåtts för valt INLEDANDETECKEN. Antal terminer som inte avslutats: ${ref.termsNotCompleted}\nVälj nytt INLEDANDETECKEN och kör EB50 igen för att skapa återstående kurstillfällen.\n`;
  t.equal(resultList.includes(exhausted), ref.termsNotCompleted > 0, 'top warning: codes exhausted');
  t.equal(resultList.includes(`Varning! INLEDANDETECKEN ${leadingChar.toUpperCase()} används redan`), ref.leadingCharInUse, 'top warning: INLEDANDETECKEN in use');

  // Result list detail sections (§8, sort keys of docs/readings.md).
  const wanted = referenceDetails(ref);
  const found = detailSections(resultList);
  for (let n = 1; n <= 16; n++) {
    const a = wanted.get(n) ?? [];
    const b = found.get(n) ?? [];
    let i = 0;
    while (i < Math.max(a.length, b.length) && a[i] === b[i]) i++;
    if (i === a.length && i === b.length) t.pass(`result list section ${n}: ${a.length} lines, the same`);
    else t.fail(`result list section ${n} differs at line ${i + 1} (reference ${a.length} lines, eb50 ${b.length})`, { reference: a.slice(Math.max(0, i - 1), i + 3), eb50: b.slice(Math.max(0, i - 1), i + 3) });
  }
}

t.test('data/sample', async (t) => {
  await compareRun(t, SAMPLE, t.testdir());
});

t.test('data/sample, inspection mode (preview/)', async (t) => {
  await compareRun(t, SAMPLE, t.testdir(), 'Q', 'inspect');
});

t.test('edge-case export, seed 100, inspection mode (preview/)', async (t) => {
  const dir = t.testdir();
  const input = join(dir, 'input');
  await randomExport({ out: input, seed: 100, persons: 200 });
  await compareRun(t, input, dir, 'Q', 'inspect');
});

const BENCH = [
  { seed: 11, chains: 3000, newShare: 0.3, errorShare: 0.05 },
  { seed: 12, chains: 2000, newShare: 0.1, errorShare: 0.01 },
  { seed: 13, chains: 2500, newShare: 0.6, errorShare: 0.1 },
];
for (const b of BENCH) {
  t.test(`bench generator, seed ${b.seed}, ${b.chains} chains`, async (t) => {
    const dir = t.testdir();
    const input = join(dir, 'input');
    await generate({ out: input, chains: b.chains, seed: b.seed, format: 'csv', newShare: b.newShare, errorShare: b.errorShare });
    await compareRun(t, input, dir);
  });
}

const EDGE: { seed: number; persons: number; exhaustCodes?: boolean; leadingChar?: string }[] = [
  { seed: 1, persons: 150 },
  { seed: 2, persons: 150 },
  { seed: 3, persons: 200, exhaustCodes: true },
  { seed: 4, persons: 150 },
  { seed: 5, persons: 250 },
  { seed: 6, persons: 150, exhaustCodes: true },
  { seed: 7, persons: 150, leadingChar: 'å' },
  { seed: 8, persons: 150 },
  { seed: 9, persons: 200 },
  { seed: 10, persons: 200, exhaustCodes: true, leadingChar: 'x' },
  { seed: 11, persons: 200 },
  { seed: 12, persons: 200 },
];
// EB50_DIFF_SEEDS=FROM-TO runs more edge-case seeds (e.g. 1-200) when hunting.
const more = /^(\d+)-(\d+)$/.exec(process.env.EB50_DIFF_SEEDS ?? '');
if (more !== null) {
  for (let seed = Number(more[1]); seed <= Number(more[2]); seed++) {
    EDGE.push({ seed: 1000 + seed, persons: 150 + (seed % 4) * 50, exhaustCodes: seed % 5 === 0, leadingChar: seed % 7 === 0 ? 'ö' : undefined });
  }
}
for (const e of EDGE) {
  const extra = `${e.exhaustCodes === true ? ', codes nearly exhausted' : ''}${e.leadingChar !== undefined ? `, leading char ${e.leadingChar}` : ''}`;
  t.test(`edge-case export, seed ${e.seed}${extra}`, async (t) => {
    const dir = t.testdir();
    const input = join(dir, 'input');
    await randomExport({ out: input, ...e });
    await compareRun(t, input, dir, e.leadingChar);
  });
}

// ------------------------------------------------------------ small hand-made exports

const HEADERS: Record<string, string> = {
  FFGKURS: 'PNR;KURS;PROGR;PROGINR;TERMIN;KURSTAKT;KURSTID;UNDFORM;ORT;OMGANG;KURSTYP;IDATUM;ITID;IANV;VERNR',
  FORTKURS: 'PNR;KURS;TERMORDN;TERMIN',
  INREGFO: 'PNR;KURS;TERMORDN;TERMIN',
  KTILL2: 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;FFGPOANG;KOD;LOK1;LOK2',
  KTFORT2: 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;TERMORDN;TERMIN;FORPOANG;LOK1;LOK2',
  KTILL3: 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;FFGPOANG;KOD;LOK1;LOK2',
  KTFORT3: 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;TERMORDN;TERMIN;FORPOANG;LOK1;LOK2',
  KTILLP: 'KURS;STARTTER;PROGR;PROGINR;TERMORDK;POANG;LOK1;LOK2',
  KURS: 'KURS;POANG',
  KTILLHST: 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP',
  TERMIN: 'TERMIN;STARTV;SLUTV',
};

async function writeExport(dir: string, rows: Partial<Record<string, string[]>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [table, header] of Object.entries(HEADERS)) {
    await writeFile(join(dir, `${table}.csv`), [header, ...(rows[table] ?? [])].join('\n') + '\n');
  }
}

const CATALOG = {
  KTILL2: ['KA;20111;100;DAG;NML;1281;1;X;7.5;A0001;L1;L2'],
  KTFORT2: ['KA;20111;100;DAG;NML;1281;1;X;2;20112;7.5;L3;L4'],
  KURS: ['KA;15', 'KB;15'],
  TERMIN: ['20111;2011-01-17;2011-06-05', '20112;2011-08-29;2012-01-15'],
};

t.test('hand-made: no FFGKURS rows, only orphans', async (t) => {
  const dir = t.testdir();
  const input = join(dir, 'input');
  await writeExport(input, { ...CATALOG, FORTKURS: ['1;KA;2;20112'], INREGFO: ['0;KA;2;20112', '1;KA;2;20112'] });
  await compareRun(t, input, dir);
});

// SPEC §3: "TERMORDN is compared as an integer after trimming". A
// non-integer TERMORDN has no integer value, so an INREGFO row with
// TERMORDN 'x' is not overridden by a FORTKURS row with TERMORDN 'x': both
// are in the FO set, and both are listed under the chain's termOrder error.
t.test('hand-made: a non-integer INREGFO TERMORDN is not overridden by the same text in FORTKURS', async (t) => {
  const dir = t.testdir();
  const input = join(dir, 'input');
  await writeExport(input, {
    ...CATALOG,
    FFGKURS: ['1000000001;KA;;;20111;100;DAG;NML;1281;1;X;;;;1', '1000000002;KB;;;20111;100;DAG;NML;1281;1;X;;;;1'],
    FORTKURS: ['1000000001;KA;x;20112', '1000000002;KB;x;20112'],
    INREGFO: ['1000000001;KA;x;20121', '1000000002;KB; x;20121'],
  });
  await compareRun(t, input, dir);
});
