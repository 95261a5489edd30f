/**
 * Synthetic exports for the benchmark (bench/README.md):
 *
 *   node dist/bench/generate.js --out DIR --chains N [--seed S] [--format csv|ndjson]
 *                               [--new-share PERCENT] [--error-share PERCENT]
 *
 * Writes all eleven tables. FFGKURS gets exactly N rows, sorted by PNR, KURS;
 * about 70 % of them have 1–3 continuation rows (FORTKURS, some INREGFO),
 * sorted by PNR, KURS, TERMORDN. Most of those match their offering in
 * KTILL2/KTFORT2 (already complete); `--new-share` of them (default 10 %)
 * deviate and need a new offering (or reuse one made earlier in the run);
 * `--error-share` (default 1 %) end in termOrder or missingParameters. A few
 * duplicate FFGKURS pairs and orphan FORTKURS/INREGFO rows are mixed in.
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

export type GenerateFormat = 'csv' | 'ndjson';

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
  /** Share of the chains with continuation rows that are record errors,
   *  as a fraction 0–1. */
  errorShare: number;
}

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
    /** Chains whose FO rows deviate from their offering. */
    deviating: number;
    termOrder: number;
    missingParameters: number;
    /** FFGKURS rows in duplicate pairs (two per pair). */
    duplicateRows: number;
    /** FORTKURS + INREGFO rows without an FFGKURS row. */
    orphanRows: number;
  };
}

export const DEFAULTS = { seed: 1, format: 'csv' as GenerateFormat, newShare: 0.1, errorShare: 0.01 };

/** Upper bound of the catalog: what keeps memory flat in N. */
export const MAX_COURSES = 4000;

/** Shares of the registration mix (of FFGKURS rows / person slots). */
const FO_SHARE = 0.7;
const TWO_COURSES_SHARE = 0.25;
const DUPLICATE_SHARE = 0.001;
const ORPHAN_SHARE = 0.002;
const INREGFO_SHARE = 0.1;
const OVERRIDDEN_INREGFO_SHARE = 0.02;

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
const FIRST_START = 2006 * 2; // 20061
const LAST_START = 2014 * 2 + 1; // 20142
/** TERMIN covers every start term and every continuation term a chain can
 *  reach (up to 3 terms of course plus a deviation of 2). */
const FIRST_TERM = 2000 * 2;
const LAST_TERM = 2020 * 2 + 1;

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

interface Offering {
  course: Course;
  start: number; // term index
  kursomg: string;
  /** Number of terms (1 = no continuation terms). */
  length: number;
  kod: string;
  /** FFGPOANG/FORPOANG per term; '' for the few without points. */
  points: string;
  inKtill3: boolean;
  ktillhstRows: number;
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

interface Catalog {
  courses: Course[];
  /** Courses that have continuation terms (length ≥ 2). */
  multiTerm: Course[];
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

function makeCatalog(rand: Rand, chains: number): Catalog {
  const count = Math.min(MAX_COURSES, Math.max(20, Math.ceil(chains / 25)));
  const codesPerTerm = new Map<number, number>();
  const courses: Course[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    // course 0 always has continuation terms, so `multiTerm` is never empty
    const length = i === 0 ? 2 : r < 0.25 ? 1 : r < 0.7 ? 2 : r < 0.9 ? 3 : 4;
    const kurstakt = rand() < 0.1 ? '50' : '100';
    const perTerm = kurstakt === '50' ? 75 : 150; // tenths
    const course: Course = {
      kurs: courseCode(i),
      kurstakt,
      kurstid: rand() < 0.85 ? 'DAG' : 'KVA',
      ort: pick(rand, ORTS),
      poang: rand() < 0.005 ? undefined : tenthsText(perTerm * length),
      length,
      perTerm,
      progr: rand() < 0.2 ? `P${String(i % 100).padStart(2, '0')}${SUBJECTS[i % SUBJECTS.length]}` : undefined,
      offerings: [],
    };
    // 2–5 distinct start terms per course, in increasing order
    const starts = new Set<number>();
    const wanted = 2 + int(rand, 4);
    while (starts.size < wanted) starts.add(FIRST_START + int(rand, LAST_START - FIRST_START + 1));
    for (const start of [...starts].sort((a, b) => a - b)) {
      const groups = rand() < 0.15 ? ['1', '2'] : ['1'];
      for (const kursomg of groups) {
        const n = (codesPerTerm.get(start) ?? 0) + 1;
        codesPerTerm.set(start, n);
        course.offerings.push({
          course,
          start,
          kursomg,
          length,
          kod: String(10000 + n), // five digits, never the leading char Q
          points: rand() < 0.05 ? '' : tenthsText(perTerm),
          inKtill3: rand() < 0.4,
          ktillhstRows: rand() < 0.3 ? 1 + int(rand, 2) : 0,
        });
      }
    }
    courses.push(course);
  }
  return { courses, multiTerm: courses.filter((c) => c.length >= 2) };
}

// ---------------------------------------------------------------- writers

type Writers = Record<TableName, TableWriter>;

/** KTILLHST carries columns beyond the eight key columns; they are copied. */
const KTILLHST_EXTRA = ['UTBOMR', 'INST', 'ANDEL'];

function columnsOf(table: TableName): string[] {
  return table === 'KTILLHST' ? [...tableColumns(table), ...KTILLHST_EXTRA] : tableColumns(table);
}

function keyRow(o: Offering): Row {
  const c = o.course;
  return {
    KURSKOD: c.kurs, STARTTER: termCode(o.start), KURSTAKT: c.kurstakt, KURSTID: c.kurstid,
    UNDFORM: 'NML', ORT: c.ort, KURSOMG: o.kursomg, KURSTYP: ' _',
  };
}

async function writeCatalog(w: Writers, catalog: Catalog): Promise<void> {
  for (let t = FIRST_TERM; t <= LAST_TERM; t++) {
    const [STARTV, SLUTV] = termDates(t);
    await w.TERMIN.write({ TERMIN: termCode(t), STARTV, SLUTV });
  }
  for (const c of catalog.courses) {
    if (c.poang !== undefined) await w.KURS.write({ KURS: c.kurs, POANG: c.poang });
    for (const o of c.offerings) {
      const key = keyRow(o);
      const [STARTV, SLUTV] = termDates(o.start);
      const lok = { LOK1: `${c.kurs.slice(1, 3)}1`, LOK2: `${c.kurs.slice(1, 3)}2` };
      const ktill = {
        ...key, FFGPOANG: o.points, KOD: o.kod, STARTV, SLUTV, ...lok,
        PLANTAL: '40', AVGFRI: o.start >= 2011 * 2 + 1 ? 'N' : 'J',
      };
      await w.KTILL2.write(ktill);
      if (o.inKtill3) await w.KTILL3.write(ktill);
      for (let k = 2; k <= o.length; k++) {
        const term = o.start + k - 1;
        const [fStart, fEnd] = termDates(term);
        const fort = {
          ...key, TERMORDN: String(k), FORPOANG: o.points, KOD: o.kod,
          TERMIN: termCode(term), STARTV: fStart, SLUTV: fEnd, ...lok,
        };
        await w.KTFORT2.write(fort);
        if (o.inKtill3) await w.KTFORT3.write(fort);
      }
      for (let h = 0; h < o.ktillhstRows; h++) {
        await w.KTILLHST.write({ ...key, UTBOMR: h === 0 ? 'NA' : 'TE', INST: c.kurs.slice(1, 3), ANDEL: o.ktillhstRows === 1 ? '100' : '50' });
      }
      if (c.progr !== undefined && o.kursomg === '1') {
        for (let k = 1; k <= o.length; k++) {
          await w.KTILLP.write({
            KURS: c.kurs, STARTTER: termCode(o.start), PROGR: c.progr, PROGINR: ' _',
            TERMORDK: String(k), POANG: tenthsText(c.perTerm), ...lok,
          });
        }
      }
    }
  }
}

// ---------------------------------------------------------------- registrations

interface FoPlan {
  table: 'FORTKURS' | 'INREGFO';
  termordn: number;
  term: number; // index
}

type Kind = 'readOnly' | 'complete' | 'deviating' | 'termOrder' | 'missingParameters';

interface ChainPlan {
  offering: Offering;
  kind: Kind;
  fo: FoPlan[];
}

/** One registration on `offering`: its kind and its FO rows, TERMORDN
 *  ascending. */
function planChain(rand: Rand, opts: GenerateOptions, course: Course, withFo: boolean): ChainPlan {
  const offering = pick(rand, course.offerings);
  if (!withFo || course.length < 2) return { offering, kind: 'readOnly', fo: [] };
  const foCount = 1 + int(rand, Math.min(3, course.length - 1));
  const fo: FoPlan[] = [];
  for (let k = 2; k <= foCount + 1; k++) fo.push({ table: 'FORTKURS', termordn: k, term: offering.start + k - 1 });
  const last = fo[fo.length - 1];
  let kind: Kind = 'complete';
  const r = rand();
  if (r < opts.errorShare) {
    if (rand() < 0.5) {
      kind = 'termOrder';
      last.term = offering.start; // an FO term not later than the FFG term
    } else {
      kind = 'missingParameters'; // KURSTID blanked when the row is written
    }
  } else if (r < opts.errorShare + opts.newShare) {
    kind = 'deviating';
    const v = rand();
    if (v < 0.6) last.term += 2; // a year late: same season
    else if (v < 0.85) last.term += 1; // half a year late: the other season (warning 12)
    else fo.push({ table: 'FORTKURS', termordn: last.termordn + 1, term: last.term + 2 }); // an extra term
  }
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
    KURSTAKT: c.kurstakt, KURSTID: plan.kind === 'missingParameters' ? '' : c.kurstid,
    UNDFORM: 'NML', ORT: c.ort, OMGANG: o.kursomg, KURSTYP: ' _',
    IDATUM: STARTV, ITID: '090000', IANV: 'RG01', VERNR: vernr,
  };
}

async function writeFo(w: Writers, pnr: string, kurs: string, fo: readonly FoPlan[]): Promise<void> {
  for (const f of fo) {
    await w[f.table].write({ PNR: pnr, KURS: kurs, TERMORDN: String(f.termordn), TERMIN: termCode(f.term) });
  }
}

async function writeRegistrations(w: Writers, rand: Rand, catalog: Catalog, opts: GenerateOptions, stats: GenerateStats): Promise<void> {
  const planned = stats.planned;
  let pnr = 4000000000;
  let written = 0;
  while (written < opts.chains) {
    pnr += 1 + int(rand, 40);
    const p = String(pnr).padStart(10, '0');
    const left = opts.chains - written;
    const r = rand();
    if (r < ORPHAN_SHARE) {
      // continuation rows of a person with no FFGKURS row at all
      const plan = planChain(rand, opts, pick(rand, catalog.multiTerm), true);
      await writeFo(w, p, plan.offering.course.kurs, plan.fo);
      planned.orphanRows += plan.fo.length;
      continue;
    }
    if (r < ORPHAN_SHARE + DUPLICATE_SHARE && left >= 2) {
      // the same PNR+KURS twice: neither is processed (SPEC §3)
      const plan = planChain(rand, opts, pick(rand, catalog.multiTerm), true);
      await w.FFGKURS.write(ffgRow(p, plan, '1'));
      await w.FFGKURS.write(ffgRow(p, plan, '2'));
      await writeFo(w, p, plan.offering.course.kurs, plan.fo);
      planned.duplicateRows += 2;
      written += 2;
      continue;
    }
    const plans: ChainPlan[] = [];
    const wanted = left >= 2 && rand() < TWO_COURSES_SHARE ? 2 : 1;
    while (plans.length < wanted) {
      const withFo = rand() < FO_SHARE;
      const course = pick(rand, withFo ? catalog.multiTerm : catalog.courses);
      if (plans.some((q) => q.offering.course === course)) continue; // distinct courses per person
      plans.push(planChain(rand, opts, course, withFo));
    }
    // FFGKURS is sorted by PNR, KURS: order a person's courses by code
    plans.sort((a, b) => (a.offering.course.kurs < b.offering.course.kurs ? -1 : 1));
    for (const plan of plans) {
      await w.FFGKURS.write(ffgRow(p, plan, '1'));
      await writeFo(w, p, plan.offering.course.kurs, plan.fo);
      planned[plan.kind]++;
      written++;
    }
  }
}

// ---------------------------------------------------------------- entry points

/** Write all eleven tables into `opts.out`. */
export async function generate(opts: GenerateOptions): Promise<GenerateStats> {
  mkdirSync(opts.out, { recursive: true });
  const rand = mulberry32(opts.seed);
  const catalog = makeCatalog(rand, opts.chains);
  const tables: TableName[] = [
    'FFGKURS', 'FORTKURS', 'INREGFO', 'KTILL2', 'KTFORT2', 'KTILL3', 'KTFORT3', 'KTILLP', 'KURS', 'KTILLHST', 'TERMIN',
  ];
  const w = {} as Writers;
  for (const t of tables) {
    w[t] = createTableWriter(join(opts.out, `${t}.${opts.format}`), opts.format, columnsOf(t), { encoding: 'utf8', table: t });
  }
  const stats: GenerateStats = {
    rows: {} as Record<TableName, number>,
    planned: { readOnly: 0, complete: 0, deviating: 0, termOrder: 0, missingParameters: 0, duplicateRows: 0, orphanRows: 0 },
  };
  try {
    await writeCatalog(w, catalog);
    await writeRegistrations(w, rand, catalog, opts, stats);
  } finally {
    // close every file even after a failure, then report the first error
    const closed = await Promise.allSettled(tables.map((t) => w[t].close()));
    const failed = closed.find((c) => c.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }
  for (const t of tables) stats.rows[t] = w[t].rows;
  return stats;
}

export const GENERATE_USAGE = `Usage: node dist/bench/generate.js --out DIR --chains N [--seed S] [--format csv|ndjson]
                                  [--new-share PERCENT] [--error-share PERCENT]`;

function percent(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--${name} must be a percentage 0–100, got ${JSON.stringify(value)}`);
  }
  return n / 100;
}

/** argv (without node and script) → options; UsageError on bad input. */
export function parseGenerateArgs(argv: string[]): GenerateOptions {
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
  const format = values.format ?? DEFAULTS.format;
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError(`--format must be csv or ndjson, got ${JSON.stringify(format)}`);
  const newShare = percent('new-share', values['new-share'], DEFAULTS.newShare);
  const errorShare = percent('error-share', values['error-share'], DEFAULTS.errorShare);
  if (newShare + errorShare > 1) throw new UsageError('--new-share and --error-share add up to more than 100');
  return { out: values.out, chains: Number(values.chains), seed: Number(seed), format, newShare, errorShare };
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
