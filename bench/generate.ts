/**
 * Synthetic exports for the benchmark (bench/README.md):
 *
 *   node dist/bench/generate.js --out DIR --chains N [--seed S] [--format csv|ndjson|avro]
 *                               [--new-share PERCENT] [--error-share PERCENT] [--anomalies RATE]
 *
 * Writes all eleven tables. FFGKURS gets exactly N rows, sorted by PNR, KURS;
 * about a third of them have 1–3 continuation rows (FORTKURS, some INREGFO),
 * sorted by PNR, KURS, TERMORDN. Most of those match their offering in
 * KTILL2/KTFORT2 or KTILL3/KTFORT3 (already complete); `--new-share` of them
 * (default 10 %) deviate and need a new offering, or reuse one made earlier
 * in the run; `--error-share` (default 1 %) end in termOrder or
 * missingParameters. A few duplicate FFGKURS pairs and orphan
 * FORTKURS/INREGFO rows are mixed in. `--anomalies RATE` (a fraction, e.g.
 * 0.01) turns that share of the person slots into one anomaly each, taking
 * the classes of ANOMALY_CLASSES in turn: every record-level error of SPEC
 * §4–§6, every warning of §8 lines 11–14, duplicates and orphans.
 *
 * Memory is flat in N: the catalog is bounded (at most MAX_COURSES courses)
 * and the registrations are written as they are made, PNRs increasing, so
 * nothing is sorted or held. Every write waits for 'drain' when the file
 * stream is full (pipeline/write-table.ts). The output is a function of the
 * options alone: one seeded PRNG (mulberry32), no clock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { tableColumns } from '../pipeline/columns.js';
import { UsageError } from '../pipeline/errors.js';
import type { Row, TableName } from '../pipeline/types.js';
import { createTableWriter, type TableWriter } from '../pipeline/write-table.js';

export type GenerateFormat = 'csv' | 'ndjson' | 'avro';
export const GENERATE_FORMATS: readonly GenerateFormat[] = ['csv', 'ndjson', 'avro'];

export interface GenerateOptions {
  /** Output directory (created if missing); files are `<TABLE>.<format>`. */
  out: string;
  /** Number of FFGKURS rows, exactly. */
  chains: number;
  /** PRNG seed, an unsigned 32-bit integer. */
  seed: number;
  format: GenerateFormat;
  /** Share of the chains with continuation rows that deviate from their
   *  offering, as a fraction 0–1. */
  newShare: number;
  /** Share of the chains with continuation rows that are termOrder or
   *  missingParameters errors, as a fraction 0–1. */
  errorShare: number;
  /** Share of the person slots that become one anomaly each (the classes
   *  of ANOMALY_CLASSES in turn), a fraction 0–1; default 0. The codes
   *  exhausted anomaly assumes the run's INLEDANDETECKEN is Q. */
  anomalies?: number;
}

/** The anomaly classes, named as summary.json `counts` names them; their
 *  result-list sections are 5–16 in this order. */
export const ANOMALY_CLASSES = [
  'termOrder', 'missingParameters', 'noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted',
  'pointsOverMax', 'seasonMismatchOriginal', 'seasonMismatchKtillp', 'pointSumMismatch',
  'duplicateFfgkurs', 'orphans',
] as const;
export type AnomalyClass = (typeof ANOMALY_CLASSES)[number];

/** The chain outcomes the generator plans; errors as SPEC §8 names them. */
const KINDS = [
  'readOnly', 'complete', 'deviating',
  'termOrder', 'missingParameters', 'noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted',
] as const;
type Kind = (typeof KINDS)[number];

/** What was written, and what the chains were made to be. The planned
 *  counts are what the generator intended; eb50's own counts differ a
 *  little (a deviating chain may reuse an offering, §4.4). */
export interface GenerateStats {
  rows: Record<TableName, number>;
  planned: {
    /** FFGKURS rows without FO rows (read only). */
    readOnly: number;
    /** Chains whose FO rows match their offering. */
    complete: number;
    /** Chains whose FO rows deviate from their offering (including those
     *  injected for warnings 11–14). */
    deviating: number;
    /** Chains that end in each record error of SPEC §4–§6: eb50's
     *  summary.json counts equal these. */
    termOrder: number;
    missingParameters: number;
    noFreeOmgang: number;
    badCoursePoints: number;
    pointsTooLarge: number;
    codesExhausted: number;
    /** FFGKURS rows in duplicate pairs (two per pair). */
    duplicateRows: number;
    /** FORTKURS + INREGFO rows without an FFGKURS row. */
    orphanRows: number;
    /** Person slots turned into each anomaly class (`--anomalies`). */
    anomalies: Record<AnomalyClass, number>;
  };
}

export const DEFAULTS = { seed: 1, format: 'csv' as GenerateFormat, newShare: 0.1, errorShare: 0.01, anomalies: 0 };

/** Upper bound of the catalog: what keeps memory flat in N, for the
 *  generator and for eb50's in-memory catalog alike. Reached at
 *  COURSES_PER_CHAINS × MAX_COURSES = 90 000 chains. */
export const MAX_COURSES = 3000;
const COURSES_PER_CHAINS = 30;

/** Shares of the registration mix (of FFGKURS rows / person slots). */
const FO_SHARE = 0.35;
const TWO_COURSES_SHARE = 0.25;
const DUPLICATE_SHARE = 0.001;
const ORPHAN_SHARE = 0.002;
const INREGFO_SHARE = 0.1;
const OVERRIDDEN_INREGFO_SHARE = 0.02;
/** Share of the multi-term offerings where students deviate, each in one
 *  way (its Deviation, after a fixed number of FO terms): deviations
 *  cluster on a bounded set of patterns, so several students share one
 *  (reuse, §4.4) and the offerings created stop growing with N. */
const DEVIATING_OFFERING_SHARE = 0.1;

// ---------------------------------------------------------------- PRNG

/** mulberry32: a small, fast, seedable 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)];

// ---------------------------------------------------------------- terms

/** Term index (SPEC §2: YYYY*2 + T-1) → code `YYYYT`. */
const termCode = (index: number): string => `${Math.floor(index / 2)}${(index % 2) + 1}`;
/** TERMIN: 20001–20252. */
const FIRST_TERM = 2000 * 2;
const LAST_TERM = 2025 * 2 + 1;
/** Start terms 20011–20232: a chain reaches at most 3 terms past its start
 *  plus a deviation of 2, so every term it names is in TERMIN. 20001 is
 *  kept for the codes-exhausted anomaly, whose term no other offering uses. */
const FIRST_START = 2001 * 2;
const LAST_START = LAST_TERM - 5;
const EXHAUSTED_TERM = FIRST_TERM;

/** STARTV/SLUTV: spring from the Monday of ISO week 3 to the Sunday of
 *  week 22, autumn from week 35 to week 2 of the next year (the seed's
 *  20121 = 2012-01-16 – 2012-06-03). */
function termDates(index: number): [string, string] {
  const year = Math.floor(index / 2);
  return index % 2 === 0
    ? [isoWeekDay(year, 3, 1), isoWeekDay(year, 22, 7)]
    : [isoWeekDay(year, 35, 1), isoWeekDay(year + 1, 2, 7)];
}

function isoWeekDay(year: number, week: number, day: number): string {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayWeek1 = Date.UTC(year, 0, 4) - ((jan4.getUTCDay() + 6) % 7) * 86400000;
  return new Date(mondayWeek1 + ((week - 1) * 7 + (day - 1)) * 86400000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- catalog

/** How students deviate from an offering: the last FO term a year late
 *  (same season), half a year late (the other season: warning 12), or an
 *  extra term two terms after the last. */
type Deviation = 'yearLate' | 'halfYearLate' | 'extraTerm';

interface Offering {
  course: Course;
  start: number; // term index
  kurstid: string;
  ort: string;
  kursomg: string;
  /** Number of terms (1 = no continuation terms). */
  length: number;
  kod: string;
  /** FFGPOANG/FORPOANG per term; '' for the few without points. */
  points: string;
  /** Where the offering is: KTILL2/KTFORT2, KTILL3/KTFORT3 or both. */
  tables: 'ktill2' | 'ktill3' | 'both';
  ktillhstRows: number;
  /** The first offering of its course and start term: it carries the KTILLP rows. */
  primary: boolean;
  /** How its deviating students deviate, and after how many FO terms. */
  deviation: { how: Deviation; foCount: number } | undefined;
  /** Further KTILL2 rows with this key (noFreeOmgang). */
  taken?: readonly { kursomg: string; kod: string }[];
}

interface Course {
  kurs: string;
  kurstakt: string;
  kurstid: string;
  ort: string;
  /** KURS.POANG; undefined: the course is missing from KURS. */
  poang: string | undefined;
  length: number;
  /** Points per term in tenths (15.0 at full pace, 7.5 at half). */
  perTerm: number;
  /** Programme code when the course has KTILLP rows. */
  progr: string | undefined;
  offerings: Offering[];
}

/** The dedicated offerings the anomalies use: none of them is picked by
 *  the regular mix, so each anomaly class has exactly its planned chains. */
interface AnomalyOfferings {
  /** Every KURSOMG candidate taken in KTILL2. */
  noFreeOmgang: Offering;
  /** Blank FFGPOANG, no KTILLP; course missing from KURS / POANG not a number. */
  badCoursePoints: [Offering, Offering];
  /** Blank FFGPOANG, no KTILLP, KURS.POANG 2500.0: 1250.0 per term. */
  pointsTooLarge: Offering;
  /** Start term 20001, where KTILL3 holds Q0001–Q9999. */
  codesExhausted: Offering;
  /** KURSTAKT 50 with 20.0 per term (above 15.0). */
  pointsOverMax: Offering;
  /** Deviates half a year with KTFORT2 templates. */
  seasonMismatchOriginal: Offering;
  /** Blank FFGPOANG, KTILLP templates, deviates half a year. */
  seasonMismatchKtillp: Offering;
  /** KURS.POANG 31.5 against 15.0 + 15.0. */
  pointSumMismatch: Offering;
}

interface Catalog {
  /** Every course written to the catalog tables. */
  courses: Course[];
  /** Courses the regular mix picks from. */
  regular: Course[];
  /** Regular courses that have continuation terms (length ≥ 2). */
  multiTerm: Course[];
  /** Offerings of multi-term courses with a deviation. */
  deviating: Offering[];
  anomaly: AnomalyOfferings | undefined;
}

const SUBJECTS = ['MA', 'FY', 'KE', 'DV', 'BI', 'PS', 'SO', 'HI', 'SV', 'EK', 'JU', 'PE'];
const ORTS = ['1281', '1281', '1281', '0680', '2480'];

/** Course code, unique per index below 9 * 12 * 1000: `5MA160`-like. */
function courseCode(i: number): string {
  const level = 1 + (i % 9);
  const subject = SUBJECTS[Math.floor(i / 9) % SUBJECTS.length];
  const number = Math.floor(i / (9 * SUBJECTS.length));
  return `${level}${subject}${String(number).padStart(3, '0')}`;
}

function tenthsText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Number of courses for N chains: grows with small N, capped. */
export function courseCount(chains: number): number {
  return Math.min(MAX_COURSES, Math.max(20, Math.ceil(chains / COURSES_PER_CHAINS)));
}

/** Running KOD numbers per start term (five digits, never the leading char Q). */
class Kods {
  private readonly perTerm = new Map<number, number>();
  next(start: number): string {
    const n = (this.perTerm.get(start) ?? 0) + 1;
    this.perTerm.set(start, n);
    return String(10000 + n);
  }
}

function makeCourse(rand: Rand, i: number, kods: Kods): Course {
  const r = rand();
  // course 0 always has continuation terms, so `multiTerm` is never empty
  const length = i === 0 ? 2 : r < 0.25 ? 1 : r < 0.7 ? 2 : r < 0.9 ? 3 : 4;
  const kurstakt = rand() < 0.1 ? '50' : '100';
  const perTerm = kurstakt === '50' ? 75 : 150; // tenths
  const missingFromKurs = rand() < 0.005;
  const course: Course = {
    kurs: courseCode(i),
    kurstakt,
    kurstid: rand() < 0.85 ? 'DAG' : 'KVA',
    ort: pick(rand, ORTS),
    poang: missingFromKurs ? undefined : tenthsText(perTerm * length),
    length,
    perTerm,
    progr: rand() < 0.2 ? `P${String(i % 100).padStart(2, '0')}${SUBJECTS[i % SUBJECTS.length]}` : undefined,
    offerings: [],
  };
  // 2–6 distinct start terms per course, in increasing order, and 1–3
  // offerings per start term: the base one, a parallel group (KURSOMG 2),
  // another pace of study time (KURSTID).
  const starts = new Set<number>();
  const wanted = 2 + int(rand, 5);
  while (starts.size < wanted) starts.add(FIRST_START + int(rand, LAST_START - FIRST_START + 1));
  for (const start of [...starts].sort((a, b) => a - b)) {
    const v = rand();
    const variants = v < 0.5 ? 1 : v < 0.85 ? 2 : 3;
    for (let k = 0; k < variants; k++) {
      const kurstid = k === 2 ? (course.kurstid === 'DAG' ? 'KVA' : 'DAG') : course.kurstid;
      const t = rand();
      // A course missing from KURS keeps its template values and its
      // KTILL2 rows, so no regular chain needs a distributed value it
      // cannot have (badCoursePoints comes from --anomalies only).
      course.offerings.push({
        course,
        start,
        kurstid,
        ort: course.ort,
        kursomg: k === 1 ? '2' : '1',
        length,
        kod: kods.next(start),
        points: rand() < 0.05 && !missingFromKurs ? '' : tenthsText(perTerm),
        tables: missingFromKurs ? 'ktill2' : t < 0.1 ? 'ktill3' : t < 0.45 ? 'both' : 'ktill2',
        ktillhstRows: rand() < 0.5 ? 1 + int(rand, 2) : 0,
        primary: k === 0,
        deviation: length >= 2 && rand() < DEVIATING_OFFERING_SHARE
          ? { how: deviationOf(rand, missingFromKurs), foCount: 1 + int(rand, Math.min(3, length - 1)) }
          : undefined,
      });
    }
  }
  return course;
}

function deviationOf(rand: Rand, missingFromKurs: boolean): Deviation {
  const v = rand();
  // an extra term past the offering's length takes KTILLP or KURS points:
  // not for a course missing from KURS
  return v < 0.6 ? 'yearLate' : v < 0.85 || missingFromKurs ? 'halfYearLate' : 'extraTerm';
}

/** The dedicated course of one anomaly: code `9XX0nn`, one offering of two terms. */
interface AnomalyOver extends Partial<Course> {
  start?: number;
  points?: string;
  deviation?: Deviation;
  /** KURSOMG of further KTILL2 rows with the offering's key. */
  taken?: readonly string[];
}

function anomalyCourse(n: number, kods: Kods, over: AnomalyOver = {}): Offering {
  const { start = FIRST_START + 2 * n, points = '15.0', deviation = 'yearLate', taken = [], ...courseOver } = over;
  const course: Course = {
    kurs: `9XX${String(n).padStart(3, '0')}`, kurstakt: '100', kurstid: 'DAG', ort: '1281', poang: '30.0',
    length: 2, perTerm: 150, progr: undefined, offerings: [], ...courseOver,
  };
  const offering: Offering = {
    course, start, kurstid: course.kurstid, ort: course.ort, kursomg: '1', length: 2, kod: kods.next(start),
    points, tables: 'ktill2', ktillhstRows: 1, primary: true, deviation: { how: deviation, foCount: 1 },
    taken: taken.map((kursomg) => ({ kursomg, kod: kods.next(start) })),
  };
  course.offerings.push(offering);
  return offering;
}

const KURSOMG_CANDIDATES = [...'23456789ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0'];

function makeAnomalyOfferings(kods: Kods): AnomalyOfferings {
  return {
    noFreeOmgang: anomalyCourse(1, kods, { taken: KURSOMG_CANDIDATES }),
    badCoursePoints: [anomalyCourse(2, kods, { poang: undefined, points: '' }), anomalyCourse(3, kods, { poang: 'ca 30', points: '' })],
    pointsTooLarge: anomalyCourse(4, kods, { poang: '2500.0', points: '' }),
    codesExhausted: anomalyCourse(5, kods, { start: EXHAUSTED_TERM }),
    pointsOverMax: anomalyCourse(6, kods, { kurstakt: '50', poang: '40.0', points: '20.0' }),
    seasonMismatchOriginal: anomalyCourse(7, kods, { deviation: 'halfYearLate' }),
    seasonMismatchKtillp: anomalyCourse(8, kods, { progr: 'PXXAN', points: '', deviation: 'halfYearLate' }),
    pointSumMismatch: anomalyCourse(9, kods, { poang: '31.5' }),
  };
}

function makeCatalog(rand: Rand, chains: number, anomalies: boolean): Catalog {
  const kods = new Kods();
  const regular: Course[] = [];
  for (let i = 0; i < courseCount(chains); i++) regular.push(makeCourse(rand, i, kods));
  const multiTerm = regular.filter((c) => c.length >= 2);
  const deviating = multiTerm.flatMap((c) => c.offerings.filter((o) => o.deviation !== undefined));
  // at least one deviating offering, so --new-share always has one to use
  if (deviating.length === 0) {
    const o = multiTerm[0].offerings[0];
    o.deviation = { how: 'yearLate', foCount: 1 };
    deviating.push(o);
  }
  const anomaly = anomalies ? makeAnomalyOfferings(kods) : undefined;
  const special = anomaly === undefined ? [] : Object.values(anomaly).flat().map((o) => o.course);
  return { courses: [...regular, ...special], regular, multiTerm, deviating, anomaly };
}

// ---------------------------------------------------------------- writers

type Writers = Record<TableName, TableWriter>;

/** KTILLHST carries columns beyond the eight key columns; they are copied. */
const KTILLHST_EXTRA = ['UTBOMR', 'INST', 'ANDEL'];

function columnsOf(table: TableName): string[] {
  return table === 'KTILLHST' ? [...tableColumns(table), ...KTILLHST_EXTRA] : tableColumns(table);
}

function keyRow(o: Offering, kursomg = o.kursomg): Row {
  return {
    KURSKOD: o.course.kurs, STARTTER: termCode(o.start), KURSTAKT: o.course.kurstakt, KURSTID: o.kurstid,
    UNDFORM: 'NML', ORT: o.ort, KURSOMG: kursomg, KURSTYP: ' _',
  };
}

async function writeOffering(w: Writers, o: Offering): Promise<void> {
  const c = o.course;
  const key = keyRow(o);
  const [STARTV, SLUTV] = termDates(o.start);
  const lok = { LOK1: `${c.kurs.slice(1, 3)}1`, LOK2: `${c.kurs.slice(1, 3)}2` };
  const ktill = {
    ...key, FFGPOANG: o.points, KOD: o.kod, STARTV, SLUTV, ...lok,
    PLANTAL: '40', AVGFRI: o.start >= 2011 * 2 + 1 ? 'N' : 'J',
  };
  if (o.tables !== 'ktill3') await w.KTILL2.write(ktill);
  if (o.tables !== 'ktill2') await w.KTILL3.write(ktill);
  for (const { kursomg, kod } of o.taken ?? []) await w.KTILL2.write({ ...ktill, KURSOMG: kursomg, KOD: kod });
  for (let k = 2; k <= o.length; k++) {
    const term = o.start + k - 1;
    const [fStart, fEnd] = termDates(term);
    const fort = {
      ...key, TERMORDN: String(k), FORPOANG: o.points, KOD: o.kod,
      TERMIN: termCode(term), STARTV: fStart, SLUTV: fEnd, ...lok,
    };
    if (o.tables !== 'ktill3') await w.KTFORT2.write(fort);
    if (o.tables !== 'ktill2') await w.KTFORT3.write(fort);
  }
  for (let h = 0; h < o.ktillhstRows; h++) {
    await w.KTILLHST.write({ ...key, UTBOMR: h === 0 ? 'NA' : 'TE', INST: c.kurs.slice(1, 3), ANDEL: o.ktillhstRows === 1 ? '100' : '50' });
  }
  if (c.progr !== undefined && o.primary) {
    for (let k = 1; k <= o.length; k++) {
      await w.KTILLP.write({
        KURS: c.kurs, STARTTER: termCode(o.start), PROGR: c.progr, PROGINR: ' _',
        TERMORDK: String(k), POANG: tenthsText(c.perTerm), ...lok,
      });
    }
  }
}

async function writeCatalog(w: Writers, catalog: Catalog): Promise<void> {
  for (let t = FIRST_TERM; t <= LAST_TERM; t++) {
    const [STARTV, SLUTV] = termDates(t);
    await w.TERMIN.write({ TERMIN: termCode(t), STARTV, SLUTV });
  }
  for (const c of catalog.courses) {
    if (c.poang !== undefined) await w.KURS.write({ KURS: c.kurs, POANG: c.poang });
    for (const o of c.offerings) await writeOffering(w, o);
  }
  if (catalog.anomaly !== undefined) {
    // codesExhausted: every code Q0001–Q9999 of the term taken in KTILL3
    const [STARTV, SLUTV] = termDates(EXHAUSTED_TERM);
    for (let n = 1; n <= 9999; n++) {
      await w.KTILL3.write({
        KURSKOD: `0QX${String(n).padStart(4, '0')}`, STARTTER: termCode(EXHAUSTED_TERM), KURSTAKT: '100', KURSTID: 'DAG',
        UNDFORM: 'NML', ORT: '1281', KURSOMG: '1', KURSTYP: ' _', FFGPOANG: '7.5', KOD: `Q${String(n).padStart(4, '0')}`,
        STARTV, SLUTV, LOK1: 'QX1', LOK2: 'QX2', PLANTAL: '', AVGFRI: 'J',
      });
    }
  }
}

// ---------------------------------------------------------------- registrations

interface FoPlan {
  table: 'FORTKURS' | 'INREGFO';
  termordn: number;
  term: number; // index
}

interface ChainPlan {
  offering: Offering;
  kind: Kind;
  fo: FoPlan[];
}

/** The error a chain is made to be; undefined: drawn by the shares. */
type Force = 'termOrder' | 'missingParameters';

function deviate(fo: FoPlan[], deviation: Deviation): void {
  const last = fo[fo.length - 1];
  if (deviation === 'yearLate') last.term += 2;
  else if (deviation === 'halfYearLate') last.term += 1;
  else fo.push({ table: 'FORTKURS', termordn: last.termordn + 1, term: last.term + 2 });
}

/** One registration on an offering of `course` (a deviating one when the
 *  chain deviates): its kind and its FO rows, TERMORDN ascending. */
function planChain(rand: Rand, opts: GenerateOptions, catalog: Catalog, course: Course, withFo: boolean, force?: Force): ChainPlan {
  if (!withFo || course.length < 2) return { offering: pick(rand, course.offerings), kind: 'readOnly', fo: [] };
  let kind: Kind = force ?? 'complete';
  const r = force === undefined ? rand() : 1;
  if (r < opts.errorShare) kind = rand() < 0.5 ? 'termOrder' : 'missingParameters';
  else if (r < opts.errorShare + opts.newShare) kind = 'deviating';
  const offering = kind === 'deviating' ? pick(rand, catalog.deviating) : pick(rand, course.offerings);
  return foPlan(rand, offering, kind);
}

function foPlan(rand: Rand, offering: Offering, kind: Kind): ChainPlan {
  const deviates = kind === 'deviating' || kind === 'noFreeOmgang' || kind === 'badCoursePoints' || kind === 'pointsTooLarge' || kind === 'codesExhausted';
  const foCount = deviates ? offering.deviation!.foCount : 1 + int(rand, Math.min(3, offering.length - 1));
  const fo: FoPlan[] = [];
  for (let k = 2; k <= foCount + 1; k++) fo.push({ table: 'FORTKURS', termordn: k, term: offering.start + k - 1 });
  if (kind === 'termOrder') fo[fo.length - 1].term = offering.start; // an FO term not later than the FFG term
  // missingParameters: KURSTID blanked when the row is written
  if (deviates) deviate(fo, offering.deviation!.how);
  const tail = fo[fo.length - 1];
  if (rand() < INREGFO_SHARE) tail.table = 'INREGFO';
  if (fo[0].table === 'FORTKURS' && rand() < OVERRIDDEN_INREGFO_SHARE) {
    // an INREGFO row that the FORTKURS row with the same TERMORDN overrides
    fo.splice(1, 0, { table: 'INREGFO', termordn: fo[0].termordn, term: fo[0].term });
  }
  return { offering, kind, fo };
}

function ffgRow(pnr: string, plan: ChainPlan, vernr: string): Row {
  const o = plan.offering;
  const c = o.course;
  const [STARTV] = termDates(o.start);
  return {
    PNR: pnr, KURS: c.kurs, PROGR: c.progr ?? '', PROGINR: ' _', TERMIN: termCode(o.start),
    KURSTAKT: c.kurstakt, KURSTID: plan.kind === 'missingParameters' ? '' : o.kurstid,
    UNDFORM: 'NML', ORT: o.ort, OMGANG: o.kursomg, KURSTYP: ' _',
    IDATUM: STARTV, ITID: '090000', IANV: 'RG01', VERNR: vernr,
  };
}

async function writeFo(w: Writers, pnr: string, kurs: string, fo: readonly FoPlan[]): Promise<void> {
  for (const f of fo) {
    await w[f.table].write({ PNR: pnr, KURS: kurs, TERMORDN: String(f.termordn), TERMIN: termCode(f.term) });
  }
}

/** The plan of one anomaly chain (not duplicates and orphans). */
function anomalyPlan(rand: Rand, opts: GenerateOptions, catalog: Catalog, a: AnomalyOfferings, cls: AnomalyClass): ChainPlan {
  switch (cls) {
    case 'termOrder':
    case 'missingParameters':
      return planChain(rand, opts, catalog, pick(rand, catalog.multiTerm), true, cls);
    case 'noFreeOmgang':
    case 'pointsTooLarge':
    case 'codesExhausted':
      return foPlan(rand, a[cls], cls);
    case 'badCoursePoints':
      return foPlan(rand, pick(rand, a.badCoursePoints), cls);
    case 'pointsOverMax':
    case 'seasonMismatchOriginal':
    case 'seasonMismatchKtillp':
    case 'pointSumMismatch':
      // a deviating chain on the dedicated offering: the offering it
      // creates carries the warning (later ones reuse it, §4.4)
      return foPlan(rand, a[cls], 'deviating');
    case 'duplicateFfgkurs':
    case 'orphans':
      throw new Error(`internal: ${cls} has no chain plan`);
  }
}

class Registrations {
  private pnr = 4000000000;
  private written = 0;
  private nextAnomaly = 0;

  constructor(
    private readonly w: Writers,
    private readonly rand: Rand,
    private readonly catalog: Catalog,
    private readonly opts: GenerateOptions,
    private readonly planned: GenerateStats['planned'],
  ) {}

  async writeAll(): Promise<void> {
    const { rand, opts } = this;
    const anomalies = this.catalog.anomaly === undefined ? 0 : (opts.anomalies ?? 0);
    while (this.written < opts.chains) {
      this.pnr += 1 + int(rand, 40);
      const p = String(this.pnr).padStart(10, '0');
      const left = opts.chains - this.written;
      const r = rand();
      if (r < anomalies) {
        await this.anomaly(p, left);
        continue;
      }
      const s = (r - anomalies) / (1 - anomalies); // uniform again
      if (s < ORPHAN_SHARE) await this.orphan(p);
      else if (s < ORPHAN_SHARE + DUPLICATE_SHARE && left >= 2) await this.duplicate(p);
      else await this.person(p, left);
    }
  }

  private async anomaly(p: string, left: number): Promise<void> {
    let cls = ANOMALY_CLASSES[this.nextAnomaly++ % ANOMALY_CLASSES.length];
    if (cls === 'duplicateFfgkurs' && left < 2) cls = ANOMALY_CLASSES[this.nextAnomaly++ % ANOMALY_CLASSES.length];
    this.planned.anomalies[cls]++;
    if (cls === 'orphans') return this.orphan(p);
    if (cls === 'duplicateFfgkurs') return this.duplicate(p);
    const plan = anomalyPlan(this.rand, this.opts, this.catalog, this.catalog.anomaly!, cls);
    await this.chain(p, plan);
  }

  /** Continuation rows of a person with no FFGKURS row at all. */
  private async orphan(p: string): Promise<void> {
    const plan = planChain(this.rand, this.opts, this.catalog, pick(this.rand, this.catalog.multiTerm), true);
    await writeFo(this.w, p, plan.offering.course.kurs, plan.fo);
    this.planned.orphanRows += plan.fo.length;
  }

  /** The same PNR+KURS twice: neither is processed (SPEC §3). */
  private async duplicate(p: string): Promise<void> {
    const plan = planChain(this.rand, this.opts, this.catalog, pick(this.rand, this.catalog.multiTerm), true);
    await this.w.FFGKURS.write(ffgRow(p, plan, '1'));
    await this.w.FFGKURS.write(ffgRow(p, plan, '2'));
    await writeFo(this.w, p, plan.offering.course.kurs, plan.fo);
    this.planned.duplicateRows += 2;
    this.written += 2;
  }

  /** One or two courses of one person. */
  private async person(p: string, left: number): Promise<void> {
    const { rand } = this;
    const plans: ChainPlan[] = [];
    const wanted = left >= 2 && rand() < TWO_COURSES_SHARE ? 2 : 1;
    while (plans.length < wanted) {
      const withFo = rand() < FO_SHARE;
      const plan = planChain(rand, this.opts, this.catalog, pick(rand, withFo ? this.catalog.multiTerm : this.catalog.regular), withFo);
      if (plans.some((q) => q.offering.course === plan.offering.course)) continue; // distinct courses per person
      plans.push(plan);
    }
    // FFGKURS is sorted by PNR, KURS: order a person's courses by code
    plans.sort((a, b) => (a.offering.course.kurs < b.offering.course.kurs ? -1 : 1));
    for (const plan of plans) await this.chain(p, plan);
  }

  private async chain(p: string, plan: ChainPlan): Promise<void> {
    await this.w.FFGKURS.write(ffgRow(p, plan, '1'));
    await writeFo(this.w, p, plan.offering.course.kurs, plan.fo);
    this.planned[plan.kind]++;
    this.written++;
  }
}

// ---------------------------------------------------------------- entry points

const TABLE_ORDER: TableName[] = [
  'FFGKURS', 'FORTKURS', 'INREGFO', 'KTILL2', 'KTFORT2', 'KTILL3', 'KTFORT3', 'KTILLP', 'KURS', 'KTILLHST', 'TERMIN',
];

/** Write all eleven tables into `opts.out`. */
export async function generate(opts: GenerateOptions): Promise<GenerateStats> {
  mkdirSync(opts.out, { recursive: true });
  const rand = mulberry32(opts.seed);
  const catalog = makeCatalog(rand, opts.chains, (opts.anomalies ?? 0) > 0);
  const w = {} as Writers;
  for (const t of TABLE_ORDER) {
    w[t] = createTableWriter(join(opts.out, `${t}.${opts.format}`), opts.format, columnsOf(t), { encoding: 'utf8', table: t });
  }
  const stats: GenerateStats = {
    rows: {} as Record<TableName, number>,
    planned: {
      ...(Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>),
      duplicateRows: 0,
      orphanRows: 0,
      anomalies: Object.fromEntries(ANOMALY_CLASSES.map((c) => [c, 0])) as Record<AnomalyClass, number>,
    },
  };
  try {
    await writeCatalog(w, catalog);
    await new Registrations(w, rand, catalog, opts, stats.planned).writeAll();
  } finally {
    // close every file even after a failure, then report the first error
    const closed = await Promise.allSettled(TABLE_ORDER.map((t) => w[t].close()));
    const failed = closed.find((c) => c.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }
  for (const t of TABLE_ORDER) stats.rows[t] = w[t].rows;
  return stats;
}

export const GENERATE_USAGE = `Usage: node dist/bench/generate.js --out DIR --chains N [--seed S] [--format csv|ndjson|avro]
                                  [--new-share PERCENT] [--error-share PERCENT] [--anomalies RATE]`;

function percent(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--${name} must be a percentage 0–100, got ${JSON.stringify(value)}`);
  }
  return n / 100;
}

/** argv (without node and script) → options; UsageError on bad input. */
export function parseGenerateArgs(argv: string[]): Required<GenerateOptions> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        out: { type: 'string' },
        chains: { type: 'string' },
        seed: { type: 'string' },
        format: { type: 'string' },
        'new-share': { type: 'string' },
        'error-share': { type: 'string' },
        anomalies: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required');
  if (values.chains === undefined || !/^[0-9]+$/.test(values.chains)) {
    throw new UsageError(`--chains must be a non-negative integer, got ${JSON.stringify(values.chains ?? '')}`);
  }
  const seed = values.seed ?? String(DEFAULTS.seed);
  if (!/^[0-9]+$/.test(seed) || Number(seed) > 0xffffffff) {
    throw new UsageError(`--seed must be an integer 0–4294967295, got ${JSON.stringify(seed)}`);
  }
  const format = (values.format ?? DEFAULTS.format) as GenerateFormat;
  if (!GENERATE_FORMATS.includes(format)) throw new UsageError(`--format must be csv, ndjson or avro, got ${JSON.stringify(format)}`);
  const newShare = percent('new-share', values['new-share'], DEFAULTS.newShare);
  const errorShare = percent('error-share', values['error-share'], DEFAULTS.errorShare);
  if (newShare + errorShare > 1) throw new UsageError('--new-share and --error-share add up to more than 100');
  const rate = values.anomalies ?? String(DEFAULTS.anomalies);
  const anomalies = Number(rate);
  // below 1: the rest of the slots is the regular mix
  if (rate.trim() === '' || !Number.isFinite(anomalies) || anomalies < 0 || anomalies >= 1) {
    throw new UsageError(`--anomalies must be a rate 0 ≤ r < 1 (e.g. 0.01), got ${JSON.stringify(rate)}`);
  }
  return { out: values.out, chains: Number(values.chains), seed: Number(seed), format, newShare, errorShare, anomalies };
}

async function main(argv: string[]): Promise<number> {
  try {
    const opts = parseGenerateArgs(argv);
    const stats = await generate(opts);
    process.stdout.write(`${JSON.stringify(stats)}\n`);
    return 0;
  } catch (err) {
    const usage = err instanceof UsageError;
    process.stderr.write(`generate: ${(err as Error).message}\n${usage ? `${GENERATE_USAGE}\n` : ''}`);
    return usage ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
