/**
 * A small, seeded random export for the differential test: all eleven
 * tables as sorted CSV, built to hit the edge cases of SPEC §3–§8 that the
 * bench generator (bench/generate.ts) does not: KURSOMG case variants and
 * offerings with nearly all 38 KURSOMG taken, OMGANG in other cases,
 * TERMORDN/TERMORDK written ' 2', '02', '+2', INREGFO-only chains and
 * INREGFO rows that a FORTKURS row overrides, duplicate TERMORDN, invalid
 * terms, KURSTAKT 0/50/' 50'/'x', comma decimals and half-up rounding,
 * KTILLP rows with blank PROGR or a non-number before a number, KTFORT2 rows
 * with the right TERMORDN but another TERMIN, offerings complete only in
 * KTILL3/KTFORT3, codes taken in lower case, many students on the same
 * deviating chain (reuse), KTILLHST rows, duplicates and orphans, shuffled
 * column orders and an ignored extra column. Optionally one start term with
 * all but two codes taken (codesExhausted).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { comparePnrKurs, parseIntStrict } from '../../pipeline/compare.js';
import { tableColumns } from '../../pipeline/columns.js';
import { TABLES, type Row, type TableName } from '../../pipeline/types.js';
import { formatCsvLine } from '../../pipeline/write-table.js';
import { mulberry32 } from '../../bench/generate.js';

export interface RandomExportOptions {
  /** Output directory (created); files are `<TABLE>.csv`. */
  out: string;
  /** PRNG seed, an unsigned 32-bit integer. */
  seed: number;
  /** Number of persons; each gets 1–3 FFGKURS rows. */
  persons: number;
  /** Take all but two codes of start term 20121 (SPEC §6 codesExhausted). */
  exhaustCodes?: boolean;
  /** The INLEDANDETECKEN the run will use (default Q): some existing codes
   *  start with it, in either case. */
  leadingChar?: string;
}

type Rand = () => number;


const termCode = (i: number): string => `${Math.floor(i / 2)}${(i % 2) + 1}`;
const termIdx = (code: string): number => Number(code.slice(0, 4)) * 2 + Number(code.slice(4)) - 1;
const CANDIDATES = [...'23456789ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0'];

interface Course {
  kurs: string;
  kurstakt: string;
  kurstid: string;
  ort: string;
  kurstyp: string;
}

interface Offering {
  course: Course;
  start: string;
  kursomg: string;
  length: number;
}

export async function randomExport(opts: RandomExportOptions): Promise<Record<TableName, number>> {
  const rand: Rand = mulberry32(opts.seed);
  const lead = (opts.leadingChar ?? 'Q').toUpperCase();
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number): boolean => rand() < p;
  const swapCase = (s: string): string => (s === s.toUpperCase() ? s.toLowerCase() : s.toUpperCase());
  const ordn = (k: number): string => pick([String(k), String(k), ` ${k}`, `0${k}`, `+${k}`]);

  const t = Object.fromEntries(TABLES.map((name) => [name, [] as Row[]])) as Record<TableName, Row[]>;
  const starts = opts.exhaustCodes === true ? ['20101', '20102', '20111', '20121'] : ['20101', '20102', '20111', '20112'];

  // ------------------------------------------------------------ catalog
  // UTF-16 order matters (§2): 'Äx' after 'kc', '\uFF21B' after both, and the
  // astral '\u{1F600}K' before '\uFF21B' in code units (after it in code points)
  const codes = ['KA', 'KB', 'kc', 'KD', 'KE', 'KF', 'Äx', '\uFF21B', '\u{1F600}K', 'K;"Z'];
  const courses: Course[] = codes.map((kurs) => ({
    kurs,
    kurstakt: pick(['100', '100', '100', '50', '0', ' 50']),
    kurstid: pick(['DAG', 'DAG', 'KVA']),
    ort: pick(['1281', '0680']),
    kurstyp: pick([' _', ' _', 'A']),
  }));
  for (const c of courses) {
    const poang = pick([
      '15', '22.5', '7,55', 'x', undefined, '99999', '0', '30', '2.25', '45', '10', '1999.9', '1999.85', ' 15', '15.04',
      '1999.8', '2999.7', '\t15', '60', '0.1',
    ]);
    if (poang !== undefined) t.KURS.push({ KURS: c.kurs, POANG: poang });
  }
  // a second KURS row for a course: the first in file order counts
  t.KURS.push({ KURS: courses[1].kurs, POANG: '1' });

  const keyOf = (o: Offering, kursomg = o.kursomg): Row => ({
    KURSKOD: o.course.kurs, STARTTER: o.start, KURSTAKT: o.course.kurstakt, KURSTID: o.course.kurstid,
    UNDFORM: 'NML', ORT: o.course.ort, KURSOMG: kursomg, KURSTYP: o.course.kurstyp,
  });
  const nextCode = new Map<string, number>();
  const code = (start: string): string => {
    const n = (nextCode.get(start) ?? int(3)) + 1 + int(2);
    nextCode.set(start, n);
    const digits = String(n).padStart(4, '0');
    return chance(0.2) ? `${lead.toLowerCase()}${digits}` : chance(0.1) ? `X${digits}` : `${lead}${digits}`;
  };
  const points = (): string => pick([
    '7.5', '7,5', '2.25', ' 7.5', 'x', '', '15', '1000.0', '0.0', '12,34', '5', '2.249', '0,05', '9999.95', '7.',
    '.5', '+5', '1 000', '\t7.5', '\u00a07.5', '15.05', '15.04', '7.5000',
  ]);

  const offerings: Offering[] = [];
  for (const c of courses) {
    for (const start of starts) {
      if (!chance(0.6)) continue;
      const groups = pick([['1'], ['1'], ['1', '2'], ['1', 'a'], ['A', 'b'], ['2'], ['']]);
      const length = 1 + int(4);
      for (const kursomg of groups) offerings.push({ course: c, start, kursomg, length });
    }
  }
  // one crowded offering key: 35–37 of the 38 KURSOMG taken, in mixed case,
  // some in KTILL3 only
  const crowded: Offering = { course: courses[0], start: pick(starts), kursomg: '1', length: 2 };
  offerings.push(crowded);
  const crowdedTaken = CANDIDATES.filter(() => chance(0.95)).slice(0, 37);
  for (const k of crowdedTaken) {
    const row = { ...keyOf(crowded, chance(0.3) ? k.toLowerCase() : k), FFGPOANG: '7.5', KOD: code(crowded.start), LOK1: '', LOK2: '' };
    t[chance(0.2) ? 'KTILL3' : 'KTILL2'].push(row);
  }

  for (const o of offerings) {
    const inK2 = chance(0.85);
    const inK3 = !inK2 || chance(0.3);
    const lok = { LOK1: `${o.course.kurs}${o.start.slice(3)}a`, LOK2: chance(0.5) ? '' : `${o.course.kurs}b` };
    const ktill = { ...keyOf(o), FFGPOANG: points(), KOD: code(o.start), ...lok, PLANTAL: '30', AVGFRI: 'N' };
    // a first matching row without a number: the next source, not the next row (§11)
    if (inK2 && chance(0.1)) t.KTILL2.push({ ...ktill, FFGPOANG: 'x', LOK1: 'first' });
    if (inK2) t.KTILL2.push(ktill);
    if (inK3) t.KTILL3.push({ ...ktill, FFGPOANG: points() });
    for (let k = 2; k <= o.length; k++) {
      const right = termCode(termIdx(o.start) + k - 1);
      const termin = chance(0.15) ? termCode(termIdx(o.start) + k) : chance(0.03) ? ` ${right}` : right;
      const fort = { ...keyOf(o), TERMORDN: ordn(k), FORPOANG: points(), KOD: ktill.KOD, TERMIN: termin, ...lok };
      // another row for the same TERMORDN with another term, before or after
      const other = chance(0.1) ? { ...fort, TERMIN: termCode(termIdx(o.start) + k + 1), FORPOANG: points(), LOK1: 'other' } : undefined;
      const rows = other === undefined ? [fort] : chance(0.5) ? [other, fort] : [fort, other];
      if (inK2) t.KTFORT2.push(...rows);
      if (inK3) t.KTFORT3.push({ ...fort, TERMIN: chance(0.2) ? right : termin });
    }
    if (inK2 && chance(0.5)) {
      for (let h = 0, n = 1 + int(2); h < n; h++) t.KTILLHST.push({ ...keyOf(o), UTBOMR: pick(['NA', 'TE']), ANDEL: String(100 / n) });
    }
    if (chance(0.1)) t.KTILLHST.push({ ...keyOf(o, swapCase(o.kursomg)), UTBOMR: 'XX', ANDEL: '1' });
  }
  for (const c of courses) {
    for (const start of starts) {
      if (!chance(0.5)) continue;
      const progr = pick(['P1', '', 'P2']);
      const proginr = pick(['', ' _', '_']);
      for (let k = 1; k <= 4; k++) {
        if (chance(0.2)) continue;
        const base = { KURS: c.kurs, STARTTER: start, PROGR: progr, PROGINR: proginr, LOK1: `P${k}`, LOK2: '' };
        // a non-number first: the next source is used, not the next row (§11)
        if (chance(0.15)) t.KTILLP.push({ ...base, TERMORDK: ordn(k), POANG: 'x' });
        t.KTILLP.push({ ...base, TERMORDK: chance(0.05) ? 'x' : ordn(k), POANG: pick(['7.5', '2,25', 'x', '10', '', ' 5', '3.75', '1000']) });
      }
    }
  }
  for (let i = termIdx('20051'); i <= termIdx('20162'); i++) {
    const term = termCode(i);
    if (i > termIdx('20111') && chance(0.1)) continue; // some terms missing
    t.TERMIN.push({ TERMIN: term, STARTV: `${term.slice(0, 4)}-0${term[4] === '1' ? 1 : 8}-15`, SLUTV: `${term.slice(0, 4)}-0${term[4] === '1' ? 6 : 9}-01` });
  }
  if (opts.exhaustCodes === true) {
    const free = [1 + int(9999), 1 + int(9999), 1 + int(9999)];
    for (let n = 1; n <= 9999; n++) {
      if (free.includes(n)) continue;
      t.KTILL2.push({ KURSKOD: 'ZFILL', STARTTER: '20121', KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281', KURSOMG: String(n), KURSTYP: ' _', FFGPOANG: '1', KOD: `${lead}${String(n).padStart(4, '0')}`, LOK1: '', LOK2: '' });
    }
    // the third free code is taken in lower case in KTILL3
    t.KTILL3.push({ KURSKOD: 'ZFILL', STARTTER: '20121', KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281', KURSOMG: 'x', KURSTYP: ' _', FFGPOANG: '1', KOD: `${lead.toLowerCase()}${String(free[2]).padStart(4, '0')}`, LOK1: '', LOK2: '' });
  }

  // ------------------------------------------------------------ registrations
  interface Fo { table: 'FORTKURS' | 'INREGFO'; TERMORDN: string; TERMIN: string }
  interface Plan { ffg: Row; fo: Fo[] }
  const pool: Plan[] = [];

  const makePlan = (pnr: string, used: Set<string>): Plan | undefined => {
    if (pool.length > 0 && chance(0.3)) {
      // the same chain as an earlier student: reuse (§4.4)
      const p = pick(pool);
      if (used.has(p.ffg.KURS)) return undefined;
      const omgang = chance(0.2) ? swapCase(p.ffg.OMGANG) : chance(0.1) ? pick(['2', '3', 'A']) : p.ffg.OMGANG;
      const ffg = { ...p.ffg, PNR: pnr, OMGANG: omgang, PROGR: chance(0.2) ? pick(['P1', '']) : p.ffg.PROGR };
      // the same (TERMORDN, TERMIN) set, written differently or from the other table
      const fo = p.fo.map((f) => {
        const k = parseIntStrict(f.TERMORDN);
        return {
          ...f,
          TERMORDN: k !== undefined && k > 0 && chance(0.2) ? ordn(k) : f.TERMORDN,
          table: chance(0.1) ? (f.table === 'FORTKURS' ? 'INREGFO' as const : 'FORTKURS' as const) : f.table,
        };
      });
      return { ffg, fo };
    }
    const c = pick(courses);
    if (used.has(c.kurs)) return undefined;
    const own = offerings.filter((o) => o.course === c);
    const o: Offering = own.length > 0 && chance(0.85) ? pick(own) : { course: c, start: pick(starts), kursomg: pick(['1', '2']), length: 1 + int(4) };
    const ffg: Row = {
      PNR: pnr, KURS: c.kurs, PROGR: pick(['P1', '', 'P2']), PROGINR: pick(['', ' _']), TERMIN: o.start,
      KURSTAKT: c.kurstakt, KURSTID: c.kurstid, UNDFORM: 'NML', ORT: c.ort, OMGANG: o.kursomg, KURSTYP: c.kurstyp,
      IDATUM: '2010-01-15', ITID: '101010', IANV: 'RG01', VERNR: '1', NOTE: 'ignored',
    };
    if (chance(0.1)) ffg.OMGANG = pick([swapCase(o.kursomg), '', '9', 'Ö', 'å', 'ä', '0']);
    if (chance(0.06)) {
      const fault = int(8);
      if (fault === 7) ffg.KURS = '';
      else if (fault === 0) ffg.KURSTAKT = pick(['x', '101', '-5', '1.5', '+50', '\t50', '1000']);
      else if (fault === 1) ffg.TERMIN = pick([` ${o.start}`, '20103', '2010', '20110', `${o.start}0`, `\t${o.start}`]);
      else if (fault === 2) ffg.KURSTID = '';
      else if (fault === 3) ffg.KURSTYP = '';
      else if (fault === 4) ffg.ORT = '';
      else if (fault === 5) ffg.UNDFORM = '';
      else ffg.TERMIN = '';
    } else if (chance(0.04)) {
      ffg.KURSTAKT = pick(['0', ' 100', '100 ', '050', '0100', '00']); // valid, a key the catalog may not have
    }
    let count = chance(0.03) ? 5 + int(4) : o.length - 1; // now and then a long chain
    if (count === 0) count = chance(0.5) ? 1 + int(2) : 0;
    if (count > 1 && chance(0.15)) count = 1 + int(count - 1); // fewer terms than the offering
    if (chance(0.08)) count = 0;
    const s = termIdx(o.start);
    let rows: { k: number; term: number; ordn?: string; termin?: string }[] = [];
    for (let k = 2; k <= count + 1; k++) rows.push({ k, term: s + k - 1 });
    const r = rand();
    if (rows.length > 0) {
      const last = rows[rows.length - 1];
      if (r < 0.4) {
        // as the offering
      } else if (r < 0.55) {
        last.term += 1 + int(2);
      } else if (r < 0.65) {
        rows.push({ k: last.k + 1, term: last.term + 1 + int(2) });
      } else if (r < 0.67) {
        rows = rows.map((x) => ({ ...x, k: x.k + 1 })); // a gap in TERMORDN
      } else if (r < 0.7) {
        const shift = 2 + int(2);
        rows = rows.map((x) => ({ ...x, k: x.k - shift, ordn: String(x.k - shift) })); // TERMORDN 0, 1, -1
      } else if (r < 0.8) {
        const fault = int(7);
        if (fault === 0) last.termin = pick([` ${termCode(last.term)}`, '20113', '2011', '', '20110']);
        else if (fault === 1) last.ordn = pick(['x', '2.0', '', '\t2', '2x']);
        else if (fault === 2) last.term = s - int(2);
        else if (fault === 3 && rows.length >= 2) [rows[0].term, last.term] = [last.term, rows[0].term];
        else if (fault === 4) rows.push({ k: last.k, term: last.term + 1 }); // same TERMORDN twice
        else if (fault === 5 && rows.length >= 2) last.term = rows[0].term; // same term twice
        else if (fault === 6) rows.push({ k: 1, term: s + 1 + int(2) }); // TERMORDN 1, order decides
      }
    }
    const fo: Fo[] = rows.map((x) => ({ table: 'FORTKURS', TERMORDN: x.ordn ?? ordn(x.k), TERMIN: x.termin ?? termCode(x.term) }));
    if (fo.length > 0) {
      const v = rand();
      if (v < 0.15) {
        for (const f of fo) f.table = 'INREGFO'; // INREGFO only
      } else if (v < 0.3) {
        fo[fo.length - 1].table = 'INREGFO';
      } else if (v < 0.4) {
        // an INREGFO row that the FORTKURS row with the same TERMORDN overrides
        const f = pick(fo);
        const k = parseIntStrict(f.TERMORDN);
        // a non-integer TERMORDN is copied as is: it overrides nothing (§3 compares integers)
        fo.push({ table: 'INREGFO', TERMORDN: k === undefined ? f.TERMORDN : ordn(k), TERMIN: chance(0.5) ? f.TERMIN : termCode(termIdx(isTermLike(f.TERMIN) ? f.TERMIN : o.start) + 1) });
      } else if (v < 0.44) {
        // two overridden INREGFO rows sharing a TERMORDN (termOrder, §11)
        const f = fo[0];
        fo.push({ table: 'INREGFO', TERMORDN: f.TERMORDN, TERMIN: f.TERMIN }, { table: 'INREGFO', TERMORDN: f.TERMORDN, TERMIN: f.TERMIN });
      }
    }
    const plan = { ffg, fo };
    if (fo.length > 0) pool.push(plan);
    return plan;
  };

  for (let i = 0; i < opts.persons; i++) {
    const pnr = String(1000000000 + i * 37);
    const kind = rand();
    if (kind < 0.03) {
      // orphans: continuation rows, no FFGKURS row at all
      const p = makePlan(pnr, new Set());
      if (p !== undefined) for (const f of p.fo) t[f.table].push({ PNR: pnr, KURS: p.ffg.KURS, TERMORDN: f.TERMORDN, TERMIN: f.TERMIN });
      continue;
    }
    const used = new Set<string>();
    const wanted = 1 + int(3);
    for (let tries = 0; used.size < wanted && tries < 10; tries++) {
      const p = makePlan(pnr, used);
      if (p === undefined) continue;
      used.add(p.ffg.KURS);
      t.FFGKURS.push(p.ffg);
      if (chance(0.03)) t.FFGKURS.push({ ...p.ffg, VERNR: '2' }); // a duplicate (§3)
      if (chance(0.005)) t.FFGKURS.push({ ...p.ffg, VERNR: '3' }, { ...p.ffg, VERNR: '4', KURSTID: '' });
      for (const f of p.fo) t[f.table].push({ PNR: pnr, KURS: p.ffg.KURS, TERMORDN: f.TERMORDN, TERMIN: f.TERMIN });
    }
    if (chance(0.03)) t.FORTKURS.push({ PNR: pnr, KURS: 'KZ', TERMORDN: '2', TERMIN: '20112' }); // orphan beside real chains
  }

  // ------------------------------------------------------------ write, sorted (§2)
  t.FFGKURS.sort(comparePnrKurs);
  // A non-integer TERMORDN is not sort-checked (§11): give it a random place
  // among its PNR+KURS rows.
  const place = new Map<Row, number>();
  for (const r of [...t.FORTKURS, ...t.INREGFO]) if (parseIntStrict(r.TERMORDN) === undefined) place.set(r, int(6) - 1);
  const foOrder = (a: Row, b: Row): number => {
    const byKey = comparePnrKurs(a, b);
    if (byKey !== 0) return byKey;
    const x = parseIntStrict(a.TERMORDN) ?? place.get(a)!;
    const y = parseIntStrict(b.TERMORDN) ?? place.get(b)!;
    return x - y;
  };
  t.FORTKURS.sort(foOrder);
  t.INREGFO.sort(foOrder);

  await mkdir(opts.out, { recursive: true });
  const written = {} as Record<TableName, number>;
  for (const table of TABLES) {
    let columns = tableColumns(table);
    if (table === 'FFGKURS') columns = [...columns, 'NOTE'];
    if (table === 'KTILLHST') columns = [...columns, 'UTBOMR', 'ANDEL'];
    if (chance(0.3)) columns = shuffle(columns, rand);
    const lines = [formatCsvLine(columns), ...t[table].map((row) => formatCsvLine(columns.map((c) => row[c] ?? '')))];
    await writeFile(join(opts.out, `${table}.csv`), `${lines.join('\n')}\n`);
    written[table] = t[table].length;
  }
  return written;
}

function isTermLike(s: string): boolean {
  return /^[0-9]{4}[12]$/.test(s);
}

function shuffle<T>(xs: T[], rand: Rand): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
