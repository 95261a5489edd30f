/**
 * An independent reference implementation of EB50 for the differential test
 * (test/e2e/differential.test.ts), written from SPEC.md (§3–§8, §11) and
 * docs/readings.md alone, without looking at stages/ or the merge-join.
 *
 * Deliberately naive so that it is obviously right: every table is loaded
 * into an array (small data only), chains are processed in FFGKURS file
 * order, every look-up is a linear `find`/`filter` over a whole table, and
 * points are integer tenths. Each SPEC step is one function, in SPEC order.
 */
import { openTable } from '../../pipeline/read-table.js';
import { tableColumns } from '../../pipeline/columns.js';
import { TABLES, type Row, type TableName } from '../../pipeline/types.js';

export interface ReferenceOptions {
  /** INLEDANDETECKEN as given (folded to upper case here). */
  leadingChar: string;
  mode: 'inspect' | 'update';
  /** `YYYY-MM-DDTHH:MM:SS`, as `--run-date`. */
  runDate: string;
}

export type ReferenceOutcome =
  | 'skipped' | 'duplicate' | 'termOrder' | 'missingParameters' | 'alreadyComplete' | 'reused'
  | 'badCoursePoints' | 'pointsTooLarge' | 'noFreeOmgang' | 'codesExhausted' | 'created';

/** What happened to one FFGKURS row, for diagnosing a difference. */
export interface ChainTrace {
  /** Position in FFGKURS (0-based). */
  index: number;
  ffg: Row;
  /** Every FORTKURS and INREGFO row of this PNR+KURS, labelled. */
  fo: FoItem[];
  /** The FO set (§3): FORTKURS rows, then the INREGFO rows not overridden. */
  foSet: FoItem[];
  /** The new KTILL2 row of a created offering. */
  ktill2?: Row;
  outcome: ReferenceOutcome;
  /** New (or reused) KURSOMG, and KOD, where there is one. */
  kursomg?: string;
  kod?: string;
  warnings?: string[];
}

export interface ReferenceResult {
  counts: Record<string, number>;
  chains: { read: number; withContinuation: number; alreadyComplete: number; reused: number; created: number };
  termsNotCompleted: number;
  /** Some KTILL2/KTILL3 code already starts with INLEDANDETECKEN (any
   *  case): a top warning of §8. */
  leadingCharInUse: boolean;
  deltas: { KTILL2: Row[]; KTFORT2: Row[]; FFGKURS: Row[]; KTILLHST: Row[] };
  /** The input KTILLHST columns (upper case, input order): the delta's. */
  ktillhstColumns: string[];
  /** One entry per FFGKURS row, in file order. */
  trace: ChainTrace[];
  /** Orphan rows (§3): the FORTKURS ones, then the INREGFO ones, each in
   *  file order (so within one PNR+KURS, FORTKURS rows come first). */
  orphans: FoItem[];
  /** For each delta row, the index in `trace` of the chain that made it. */
  origin: { KTILL2: number[]; KTFORT2: number[]; FFGKURS: number[]; KTILLHST: number[] };
}

type Tables = Record<TableName, Row[]>;

export interface FoItem {
  table: 'FORTKURS' | 'INREGFO';
  row: Row;
}

// ------------------------------------------------------------ small helpers

/** ASCII spaces only (SPEC §11 "Trimming"). */
function trim(s: string): string {
  return s.replace(/^ +/, '').replace(/ +$/, '');
}

/** `[+-]?[0-9]+` after trimming (SPEC §11), else undefined. */
function toInt(s: string): number | undefined {
  const t = trim(s);
  return /^[+-]?[0-9]+$/.test(t) ? Number(t) : undefined;
}

function sameInt(a: string, b: string): boolean {
  const x = toInt(a);
  return x !== undefined && x === toInt(b);
}

/** `[0-9]{4}[12]` exactly (SPEC §2, §11). */
function isTerm(s: string): boolean {
  return /^[0-9]{4}[12]$/.test(s);
}

function termIndex(s: string): number {
  return Number(s.slice(0, 4)) * 2 + Number(s.slice(4)) - 1;
}

/** 1 spring, 2 autumn, of a term index. */
function seasonOfIndex(i: number): number {
  return (((i % 2) + 2) % 2) + 1;
}

/** A points value in tenths, rounded half up (SPEC §5, §11), else undefined. */
function parsePoints(s: string): number | undefined {
  const t = trim(s);
  const m = /^([0-9]+)(?:[.,]([0-9]+))?$/.exec(t);
  if (m === null) return undefined;
  const decimals = m[2] ?? '';
  const first = decimals.length > 0 ? Number(decimals[0]) : 0;
  const up = decimals.length > 1 && Number(decimals[1]) >= 5 ? 1 : 0;
  return Number(m[1]) * 10 + first + up;
}

function formatTenths(t: number): string {
  return `${Math.floor(t / 10)}.${t % 10}`;
}

const KEY_FFG = ['KURS', 'TERMIN', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSTYP'];
const KEY_CAT = ['KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSTYP'];
const EIGHT = ['KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP'];

/** Has catalog row `r` the offering key of FFGKURS row `f` (SPEC §2)? */
function hasKey(r: Row, f: Row): boolean {
  return KEY_CAT.every((c, i) => r[c] === f[KEY_FFG[i]]);
}

const KURSOMG_CANDIDATES = [...'23456789ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0'];

// ------------------------------------------------------------ loading

async function loadAll(dir: string): Promise<{ tables: Tables; ktillhstColumns: string[] }> {
  const tables = {} as Tables;
  let ktillhstColumns: string[] = [];
  for (const table of TABLES) {
    const reader = await openTable(dir, table, { encoding: 'utf8' });
    const rows: Row[] = [];
    for await (const { row } of reader.rows()) rows.push(row);
    tables[table] = rows;
    if (table === 'KTILLHST') ktillhstColumns = reader.columns();
  }
  return { tables, ktillhstColumns };
}

// ------------------------------------------------------------ the rules


/** §4.1 */
function missingParameters(f: Row): boolean {
  if (KEY_FFG.some((c) => f[c] === '')) return true;
  if (!isTerm(f.TERMIN)) return true;
  const takt = trim(f.KURSTAKT);
  if (!/^[0-9]+$/.test(takt)) return true;
  return Number(takt) > 100;
}

/** §4.2, with §11: the INREGFO duplicate check also sees overridden rows. */
function termOrder(f: Row, foSet: FoItem[], fort: Row[], inreg: Row[]): boolean {
  for (const fo of foSet) {
    if (!isTerm(fo.row.TERMIN) || toInt(fo.row.TERMORDN) === undefined) return true;
  }
  const ffgIndex = termIndex(f.TERMIN);
  for (const fo of foSet) {
    if (termIndex(fo.row.TERMIN) <= ffgIndex) return true;
  }
  for (const a of foSet) {
    for (const b of foSet) {
      if (a === b) continue;
      const oa = toInt(a.row.TERMORDN)!;
      const ob = toInt(b.row.TERMORDN)!;
      if (oa > ob && termIndex(a.row.TERMIN) < termIndex(b.row.TERMIN)) return true;
      if (oa !== ob && a.row.TERMIN === b.row.TERMIN) return true;
    }
  }
  for (const list of [fort, inreg]) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        if (sameInt(list[i].TERMORDN, list[j].TERMORDN)) return true;
      }
    }
  }
  return false;
}

/** §4.3 against one pair of tables (input rows only, §11). */
function completeIn(f: Row, foSet: FoItem[], ktill: Row[], ktfort: Row[]): boolean {
  if (!ktill.some((r) => hasKey(r, f) && r.KURSOMG === f.OMGANG)) return false;
  return foSet.every((fo) =>
    ktfort.some((r) => hasKey(r, f) && r.KURSOMG === f.OMGANG && sameInt(r.TERMORDN, fo.row.TERMORDN) && r.TERMIN === fo.row.TERMIN));
}

interface Created {
  ffg: Row;
  kursomg: string;
  kod: string;
  /** (integer TERMORDN, TERMIN) of its KTFORT2 rows. */
  fo: [number, string][];
}

/** §4.4: same offering key, equal sets of (TERMORDN, TERMIN). */
function sameFoSet(a: [number, string][], b: [number, string][]): boolean {
  const inB = (x: [number, string]): boolean => b.some((y) => y[0] === x[0] && y[1] === x[1]);
  const inA = (y: [number, string]): boolean => a.some((x) => x[0] === y[0] && x[1] === y[1]);
  return a.every(inB) && b.every(inA);
}

interface TermValue {
  value: string;
  tenths: number;
  source: 'ktill2' | 'ktfort2' | 'ktillp' | 'distributed';
  template?: Row;
  /** The template's term (§8 lines 12–13), when it is a valid term. */
  templateTerm?: string;
}

type PointsResult = { error: 'badCoursePoints' | 'pointsTooLarge' } | { terms: TermValue[] };

/** §5: FFG first, then the FO set in TERMORDN order (`foSorted`). */
function points(f: Row, foSorted: FoItem[], t: Tables): PointsResult {
  const n = 1 + foSorted.length;
  const original = t.KTILL2.find((r) => hasKey(r, f) && r.KURSOMG === f.OMGANG);
  const ktillpRow = (k: number): Row | undefined =>
    t.KTILLP.find((r) => r.KURS === f.KURS && r.STARTTER === f.TERMIN && r.PROGR === f.PROGR && r.PROGINR === f.PROGINR && toInt(r.TERMORDK) === k);
  const ktillpTerm = (r: Row): string | undefined => {
    if (!isTerm(r.STARTTER)) return undefined;
    const i = termIndex(r.STARTTER) + toInt(r.TERMORDK)! - 1;
    return `${Math.floor(i / 2)}${seasonOfIndex(i)}`;
  };
  const kursRow = t.KURS.find((r) => r.KURS === f.KURS);
  const courseTenths = kursRow === undefined ? undefined : parsePoints(kursRow.POANG);
  const kurstakt = Number(trim(f.KURSTAKT));

  const terms: (TermValue | 'distribute')[] = [];
  // FFGPOANG
  let fromOriginal = false;
  if (original !== undefined && parsePoints(original.FFGPOANG) !== undefined) {
    fromOriginal = true;
    terms.push({ value: original.FFGPOANG, tenths: parsePoints(original.FFGPOANG)!, source: 'ktill2', template: original, templateTerm: isTerm(original.STARTTER) ? original.STARTTER : undefined });
  } else {
    const p = ktillpRow(1);
    if (p !== undefined && parsePoints(p.POANG) !== undefined) {
      terms.push({ value: p.POANG, tenths: parsePoints(p.POANG)!, source: 'ktillp', template: p, templateTerm: ktillpTerm(p) });
    } else {
      terms.push('distribute');
    }
  }
  // FORPOANG
  for (const fo of foSorted) {
    const k = toInt(fo.row.TERMORDN)!;
    const fort = fromOriginal
      ? t.KTFORT2.find((r) => hasKey(r, f) && r.KURSOMG === f.OMGANG && toInt(r.TERMORDN) === k)
      : undefined;
    if (fort !== undefined && parsePoints(fort.FORPOANG) !== undefined) {
      terms.push({ value: fort.FORPOANG, tenths: parsePoints(fort.FORPOANG)!, source: 'ktfort2', template: fort, templateTerm: isTerm(fort.TERMIN) ? fort.TERMIN : undefined });
      continue;
    }
    const p = ktillpRow(k);
    if (p !== undefined && parsePoints(p.POANG) !== undefined) {
      terms.push({ value: p.POANG, tenths: parsePoints(p.POANG)!, source: 'ktillp', template: p, templateTerm: ktillpTerm(p) });
      continue;
    }
    terms.push('distribute');
  }
  // Distribution over all N terms; a term takes its own share (§11 "Mixed").
  const result: TermValue[] = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i];
    if (term !== 'distribute') {
      result.push(term);
      continue;
    }
    if (courseTenths === undefined) return { error: 'badCoursePoints' };
    const share = kurstakt === 0 ? 0 : Math.floor(courseTenths / n) + (i < courseTenths % n ? 1 : 0);
    if (share > 9999) return { error: 'pointsTooLarge' };
    result.push({ value: formatTenths(share), tenths: share, source: 'distributed' });
  }
  return { terms: result };
}

/** §6 KURSOMG. */
function allocateKursomg(f: Row, t: Tables, created: Created[]): string | undefined {
  const taken: string[] = [];
  for (const r of t.KTILL2) if (hasKey(r, f)) taken.push(r.KURSOMG);
  for (const r of t.KTILL3) if (hasKey(r, f)) taken.push(r.KURSOMG);
  for (const c of created) if (hasKey(keyRowOf(c), f)) taken.push(c.kursomg);
  taken.push(f.OMGANG);
  const upper = taken.map((s) => s.toUpperCase());
  return KURSOMG_CANDIDATES.find((c) => !upper.includes(c.toUpperCase()));
}

function keyRowOf(c: Created): Row {
  const r: Row = {};
  KEY_CAT.forEach((col, i) => {
    r[col] = c.ffg[KEY_FFG[i]];
  });
  return r;
}

/** §6 KOD. */
function allocateKod(f: Row, leading: string, t: Tables, created: Created[]): string | undefined {
  const used = new Set<string>();
  for (const r of [...t.KTILL2, ...t.KTILL3]) if (r.STARTTER === f.TERMIN) used.add(r.KOD.toUpperCase());
  for (const c of created) if (c.ffg.TERMIN === f.TERMIN) used.add(c.kod.toUpperCase());
  for (let n = 1; n <= 9999; n++) {
    const code = `${leading}${String(n).padStart(4, '0')}`;
    if (!used.has(code.toUpperCase())) return code;
  }
  return undefined;
}

function terminDates(t: Tables, term: string): { STARTV: string; SLUTV: string } {
  const r = t.TERMIN.find((x) => x.TERMIN === term);
  return { STARTV: r?.STARTV ?? '', SLUTV: r?.SLUTV ?? '' };
}

function ffgUpdate(f: Row, kursomg: string, runDate: string): Row {
  const out: Row = {};
  for (const c of tableColumns('FFGKURS')) out[c] = f[c] ?? '';
  out.OMGANG = kursomg;
  out.IDATUM = runDate.slice(0, 10);
  out.ITID = runDate.slice(11, 19).replace(/:/g, '');
  out.IANV = 'EB50';
  return out;
}

// ------------------------------------------------------------ the run

export async function referenceRun(inputDir: string, options: ReferenceOptions): Promise<ReferenceResult> {
  const { tables: t, ktillhstColumns } = await loadAll(inputDir);
  const leading = options.leadingChar.toUpperCase();
  const counts: Record<string, number> = {
    ktill2: 0, ktfort2: 0, ffgkurs: 0, ktillhst: 0, termOrder: 0, missingParameters: 0, noFreeOmgang: 0,
    badCoursePoints: 0, pointsTooLarge: 0, codesExhausted: 0, pointsOverMax: 0, seasonMismatchOriginal: 0,
    seasonMismatchKtillp: 0, pointSumMismatch: 0, duplicateFfgkurs: 0, orphans: 0,
  };
  const chains = { read: t.FFGKURS.length, withContinuation: 0, alreadyComplete: 0, reused: 0, created: 0 };
  const deltas: ReferenceResult['deltas'] = { KTILL2: [], KTFORT2: [], FFGKURS: [], KTILLHST: [] };
  const origin: ReferenceResult['origin'] = { KTILL2: [], KTFORT2: [], FFGKURS: [], KTILLHST: [] };
  const trace: ChainTrace[] = [];
  const created: Created[] = [];
  const exhaustedTerms = new Set<string>();

  // §3 orphans: every FORTKURS/INREGFO row whose PNR+KURS has no FFGKURS row.
  const orphans: FoItem[] = [];
  for (const table of ['FORTKURS', 'INREGFO'] as const) {
    for (const row of t[table]) {
      if (!t.FFGKURS.some((f) => f.PNR === row.PNR && f.KURS === row.KURS)) orphans.push({ table, row });
    }
  }
  counts.orphans = orphans.length;

  t.FFGKURS.forEach((f, index) => {
    const fort = t.FORTKURS.filter((r) => r.PNR === f.PNR && r.KURS === f.KURS);
    const inreg = t.INREGFO.filter((r) => r.PNR === f.PNR && r.KURS === f.KURS);
    // §3 FO set: FORTKURS wins over INREGFO with the same TERMORDN
    const foSet: FoItem[] = [
      ...fort.map((row) => ({ table: 'FORTKURS' as const, row })),
      ...inreg.filter((i) => !fort.some((r) => sameInt(r.TERMORDN, i.TERMORDN))).map((row) => ({ table: 'INREGFO' as const, row })),
    ];
    const entry: ChainTrace = {
      index,
      ffg: f,
      fo: [...fort.map((row) => ({ table: 'FORTKURS' as const, row })), ...inreg.map((row) => ({ table: 'INREGFO' as const, row }))],
      foSet,
      outcome: 'skipped',
    };
    trace.push(entry);
    const done = (outcome: ReferenceOutcome): void => {
      entry.outcome = outcome;
      if (outcome in counts) counts[outcome]++;
    };

    // §3 duplicates
    if (t.FFGKURS.filter((g) => g.PNR === f.PNR && g.KURS === f.KURS).length > 1) {
      entry.outcome = 'duplicate';
      counts.duplicateFfgkurs++;
      return;
    }
    if (foSet.length === 0) return;
    chains.withContinuation++;

    // §4.1, §4.2
    if (missingParameters(f)) return done('missingParameters');
    if (termOrder(f, foSet, fort, inreg)) return done('termOrder');
    const foSorted = [...foSet].sort((a, b) => toInt(a.row.TERMORDN)! - toInt(b.row.TERMORDN)!);

    // §4.3
    if (completeIn(f, foSet, t.KTILL2, t.KTFORT2) || completeIn(f, foSet, t.KTILL3, t.KTFORT3)) {
      entry.outcome = 'alreadyComplete';
      chains.alreadyComplete++;
      return;
    }

    // §4.4
    const pairs: [number, string][] = foSet.map((fo) => [toInt(fo.row.TERMORDN)!, fo.row.TERMIN]);
    const reuse = created.find((c) => hasKey(keyRowOf(c), f) && sameFoSet(c.fo, pairs));
    if (reuse !== undefined) {
      entry.outcome = 'reused';
      entry.kursomg = reuse.kursomg;
      chains.reused++;
      counts.ffgkurs++;
      deltas.FFGKURS.push(ffgUpdate(f, reuse.kursomg, options.runDate));
      origin.FFGKURS.push(index);
      return;
    }

    // §4.5
    const pts = points(f, foSorted, t);
    if ('error' in pts) return done(pts.error);
    // §4.6
    const kursomg = allocateKursomg(f, t, created);
    if (kursomg === undefined) return done('noFreeOmgang');
    // §4.7
    const kod = allocateKod(f, leading, t, created);
    if (kod === undefined) {
      exhaustedTerms.add(f.TERMIN);
      return done('codesExhausted');
    }

    // §4.8 create
    created.push({ ffg: f, kursomg, kod, fo: pairs });
    entry.outcome = 'created';
    entry.kursomg = kursomg;
    entry.kod = kod;
    chains.created++;
    const [ffgPoints, ...foPoints] = pts.terms;
    const key = {
      KURSKOD: f.KURS, STARTTER: f.TERMIN, KURSTAKT: f.KURSTAKT, KURSTID: f.KURSTID, UNDFORM: f.UNDFORM,
      ORT: f.ORT, KURSOMG: kursomg, KURSTYP: f.KURSTYP,
    };
    entry.ktill2 = {
      ...key, FFGPOANG: ffgPoints.value, KOD: kod, ...terminDates(t, f.TERMIN),
      LOK1: ffgPoints.template?.LOK1 ?? '', LOK2: ffgPoints.template?.LOK2 ?? '',
      PLANTAL: '', ANTALORD: '', ANTALRES: '', VALUTA: '', KONVERT: '',
      AVGFRI: Number(f.TERMIN) >= 20112 ? 'N' : 'J',
    };
    deltas.KTILL2.push(entry.ktill2);
    origin.KTILL2.push(index);
    counts.ktill2++;
    foSorted.forEach((fo, i) => {
      const p = foPoints[i];
      deltas.KTFORT2.push({
        ...key, TERMORDN: fo.row.TERMORDN, FORPOANG: p.value, KOD: kod, TERMIN: fo.row.TERMIN,
        ...terminDates(t, fo.row.TERMIN), LOK1: p.template?.LOK1 ?? '', LOK2: p.template?.LOK2 ?? '', VALUTA: '', KONVERT: '',
      });
      origin.KTFORT2.push(index);
      counts.ktfort2++;
    });
    deltas.FFGKURS.push(ffgUpdate(f, kursomg, options.runDate));
    origin.FFGKURS.push(index);
    counts.ffgkurs++;
    if (ffgPoints.source === 'ktill2') {
      const orig = ffgPoints.template!;
      for (const h of t.KTILLHST) {
        if (EIGHT.every((c) => h[c] === orig[c])) {
          const copy: Row = {};
          for (const c of ktillhstColumns) copy[c] = h[c] ?? '';
          copy.KURSOMG = kursomg;
          deltas.KTILLHST.push(copy);
          origin.KTILLHST.push(index);
          counts.ktillhst++;
        }
      }
    }

    // §8 warnings 11–14
    const warnings: string[] = [];
    const newTerms = [f.TERMIN, ...foSorted.map((fo) => fo.row.TERMIN)];
    const kurstakt = Number(trim(f.KURSTAKT));
    if (pts.terms.some((p) => p.tenths > 3 * kurstakt)) warnings.push('pointsOverMax');
    const seasonDiffers = (p: TermValue, i: number): boolean =>
      p.templateTerm !== undefined && p.templateTerm.slice(4) !== newTerms[i].slice(4);
    if (pts.terms.some((p, i) => (p.source === 'ktill2' || p.source === 'ktfort2') && seasonDiffers(p, i))) warnings.push('seasonMismatchOriginal');
    if (pts.terms.some((p, i) => p.source === 'ktillp' && seasonDiffers(p, i))) warnings.push('seasonMismatchKtillp');
    const kursRow = t.KURS.find((r) => r.KURS === f.KURS);
    const courseTenths = kursRow === undefined ? undefined : parsePoints(kursRow.POANG);
    if (courseTenths !== undefined && pts.terms.reduce((s, p) => s + p.tenths, 0) !== courseTenths) warnings.push('pointSumMismatch');
    for (const w of warnings) counts[w]++;
    entry.warnings = warnings;
  });

  const leadingCharInUse = [...t.KTILL2, ...t.KTILL3].some((r) => r.KOD.toUpperCase().startsWith(leading));
  return { counts, chains, termsNotCompleted: exhaustedTerms.size, leadingCharInUse, deltas, ktillhstColumns, trace, origin, orphans };
}

// ------------------------------------------------------------ result list details (§8)

/** UTF-16 code-unit comparison (§11 "Detail lists"). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A stable sort by the given columns. */
function sortBy<T>(items: T[], keys: ((x: T) => string)[]): T[] {
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => keys.reduce((r, k) => r || cmp(k(a.x), k(b.x)), 0) || a.i - b.i)
    .map((p) => p.x);
}

function csvValue(v: string): string {
  return /[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function listLine(row: Row, columns: string[]): string {
  return columns.map((c) => `${csvValue(row[c] ?? '')};`).join('');
}

function labelled(table: string, row: Row, columns: string[]): string {
  return `${table}: ${columns.map((c) => `${c.toLowerCase()}='${row[c] ?? ''}'`).join(', ')}`;
}

const FO_COLUMNS = ['PNR', 'KURS', 'TERMORDN', 'TERMIN'];
const KTILL2_LABELLED = ['KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'FFGPOANG', 'KOD', 'STARTV', 'SLUTV'];

/** An FFGKURS row with its FO set: integer TERMORDN ascending, then the
 *  non-integer ones in FO-set order (§11 "Detail lists"). */
function errorDetail(c: ChainTrace): string[] {
  const ints = c.foSet.filter((f) => toInt(f.row.TERMORDN) !== undefined);
  const rest = c.foSet.filter((f) => toInt(f.row.TERMORDN) === undefined);
  const ordered = [...ints.map((f, i) => ({ f, i })).sort((a, b) => toInt(a.f.row.TERMORDN)! - toInt(b.f.row.TERMORDN)! || a.i - b.i).map((p) => p.f), ...rest];
  return [labelled('FFGKURS', c.ffg, tableColumns('FFGKURS')), ...ordered.map((f) => labelled(f.table, f.row, FO_COLUMNS))];
}

/** The detail lines of each non-empty section of the result list (§8):
 *  section number → its lines after the heading (sections 1–4 start with
 *  the column line). Sort keys as docs/readings.md. */
export function referenceDetails(r: ReferenceResult): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const put = (n: number, lines: string[], header?: string[]): void => {
    if (lines.length > 0) out.set(n, header === undefined ? lines : [header.map((c) => `${c};`).join(''), ...lines]);
  };
  const k2 = tableColumns('KTILL2');
  const kf2 = tableColumns('KTFORT2');
  const ffg = tableColumns('FFGKURS');
  const byOffering = [(x: Row) => x.STARTTER, (x: Row) => x.KURSKOD, (x: Row) => x.KURSOMG];
  put(1, sortBy(r.deltas.KTILL2, byOffering).map((x) => listLine(x, k2)), k2);
  const fortOrder = (a: Row, b: Row): number => (toInt(a.TERMORDN) ?? Infinity) - (toInt(b.TERMORDN) ?? Infinity);
  const fort = r.deltas.KTFORT2.map((x, i) => ({ x, i }))
    .sort((a, b) => byOffering.reduce((s, k) => s || cmp(k(a.x), k(b.x)), 0) || fortOrder(a.x, b.x) || a.i - b.i)
    .map((p) => p.x);
  put(2, fort.map((x) => listLine(x, kf2)), kf2);
  put(3, sortBy(r.deltas.FFGKURS, [(x) => x.TERMIN, (x) => x.KURS, (x) => x.PNR]).map((x) => listLine(x, ffg)), ffg);
  put(4, sortBy(r.deltas.KTILLHST, byOffering).map((x) => listLine(x, r.ktillhstColumns)), r.ktillhstColumns);
  const byChain = [(c: ChainTrace) => c.ffg.TERMIN, (c: ChainTrace) => c.ffg.KURS, (c: ChainTrace) => c.ffg.PNR];
  const errors: [number, ReferenceOutcome][] = [
    [5, 'termOrder'], [6, 'missingParameters'], [7, 'noFreeOmgang'], [8, 'badCoursePoints'],
    [9, 'pointsTooLarge'], [10, 'codesExhausted'], [15, 'duplicate'],
  ];
  for (const [n, outcome] of errors) {
    put(n, sortBy(r.trace.filter((c) => c.outcome === outcome), byChain).flatMap(errorDetail));
  }
  const warnings: [number, string][] = [[11, 'pointsOverMax'], [12, 'seasonMismatchOriginal'], [13, 'seasonMismatchKtillp'], [14, 'pointSumMismatch']];
  for (const [n, w] of warnings) {
    const rows = r.trace.filter((c) => c.warnings?.includes(w) === true).map((c) => c.ktill2!);
    put(n, sortBy(rows, byOffering).map((x) => labelled('KTILL2', x, KTILL2_LABELLED)));
  }
  put(16, sortBy(r.orphans, [(o) => o.row.TERMIN, (o) => o.row.KURS, (o) => o.row.PNR]).map((o) => labelled(o.table, o.row, FO_COLUMNS)));
  return out;
}
