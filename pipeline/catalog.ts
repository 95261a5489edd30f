/**
 * In-memory indexes of the catalog tables (SPEC §2: KTILL2 … TERMIN), built
 * once before the chains flow. Every look-up answers "the first matching row
 * in file order" (SPEC §11 "Catalog look-ups"), so `add` keeps the first row
 * per key and ignores later ones.
 *
 * Memory grows with the catalog (SPEC §10): rows are projected to the columns
 * the rules use (SPEC §2 table) and indexed in Maps with string keys; nothing
 * is ever found by scanning a table.
 */
import { parseIntStrict } from './compare.js';
import { rowMaker } from './readers/row.js';
import type { Row } from './types.js';

export type CatalogTable = 'KTILL2' | 'KTFORT2' | 'KTILL3' | 'KTFORT3' | 'KTILLP' | 'KURS' | 'TERMIN';

/** SPEC §2: the offering key fields, in catalog (KTILL2/KTFORT2) naming. */
export const OFFERING_KEY_COLUMNS = [
  'KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSTYP',
] as const;

/** The eight columns that name one offering: the key plus KURSOMG, in
 *  table order (KTILLHST rows of an offering, SPEC §7). */
export const OFFERING_COLUMNS = [
  'KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP',
] as const;

/** The same seven fields as named in FFGKURS, in the same order. */
export const FFG_OFFERING_KEY_COLUMNS = [
  'KURS', 'TERMIN', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSTYP',
] as const;

/** The columns each table contributes to the rules (SPEC §2 "columns used"). */
const USED_COLUMNS: Record<CatalogTable, readonly string[]> = {
  KTILL2: [...OFFERING_KEY_COLUMNS, 'KURSOMG', 'FFGPOANG', 'KOD', 'LOK1', 'LOK2'],
  KTILL3: [...OFFERING_KEY_COLUMNS, 'KURSOMG', 'FFGPOANG', 'KOD', 'LOK1', 'LOK2'],
  KTFORT2: [...OFFERING_KEY_COLUMNS, 'KURSOMG', 'TERMORDN', 'TERMIN', 'FORPOANG', 'LOK1', 'LOK2'],
  KTFORT3: [...OFFERING_KEY_COLUMNS, 'KURSOMG', 'TERMORDN', 'TERMIN', 'FORPOANG', 'LOK1', 'LOK2'],
  KTILLP: ['KURS', 'STARTTER', 'PROGR', 'PROGINR', 'TERMORDK', 'POANG', 'LOK1', 'LOK2'],
  KURS: ['KURS', 'POANG'],
  TERMIN: ['TERMIN', 'STARTV', 'SLUTV'],
};

/** An injective composite key: each part is prefixed with its length
 *  (`len:part:len:part…`), so no value, whatever characters it holds, can
 *  make two keys collide. Built by `Array.join`, which makes one flat
 *  string: a `+=` chain makes a rope, slower to hash and compare in every
 *  Map look-up. */
export function joinKey(parts: readonly string[]): string {
  const pieces = new Array<string | number>(parts.length * 2);
  for (let i = 0; i < parts.length; i++) {
    pieces[2 * i] = parts[i].length;
    pieces[2 * i + 1] = parts[i];
  }
  return pieces.join(':');
}

function value(row: Row, column: string): string {
  return row[column] ?? '';
}

/** The seven key values in offering-key order as one joinKey. */
function offeringKeyOf(
  kurs = '', startter = '', kurstakt = '', kurstid = '', undform = '', ort = '', kurstyp = '',
): string {
  return [
    kurs.length, kurs, startter.length, startter, kurstakt.length, kurstakt, kurstid.length, kurstid,
    undform.length, undform, ort.length, ort, kurstyp.length, kurstyp,
  ].join(':');
}

/** SPEC §2: offering key of an FFGKURS row (KURS, TERMIN, KURSTAKT, KURSTID,
 *  UNDFORM, ORT, KURSTYP), exact strings as read; equal to
 *  `joinKey(FFG_OFFERING_KEY_COLUMNS.map(…))`. */
export function offeringKeyOfFfg(ffg: Row): string {
  return offeringKeyOf(ffg.KURS, ffg.TERMIN, ffg.KURSTAKT, ffg.KURSTID, ffg.UNDFORM, ffg.ORT, ffg.KURSTYP);
}

/** SPEC §2: offering key of a KTILL2/KTFORT2/KTILL3/KTFORT3 row. */
export function offeringKeyOfCatalogRow(row: Row): string {
  return offeringKeyOf(row.KURSKOD, row.STARTTER, row.KURSTAKT, row.KURSTID, row.UNDFORM, row.ORT, row.KURSTYP);
}

/** The (TERMORDN as an integer, TERMIN) pairs of an offering's
 *  continuation rows, in file order, interleaved in one array:
 *  `[termordn₀, termin₀, termordn₁, termin₁, …]`. What SPEC §4.3 compares,
 *  ready for the test every chain makes: one small array, no row objects
 *  touched, nothing parsed (catalog memory is far from the CPU, and each
 *  object visited costs a cache miss). A non-integer TERMORDN is undefined
 *  and equals no integer. */
export type ContinuationTerms = ReadonlyArray<number | string | undefined>;

/** The catalog rows of one offering (offering key + exact KURSOMG). */
export interface OfferingRows {
  /** The first KTILL2 row: the "original" offering of SPEC §5. */
  readonly ktill2?: Row;
  /** The KTFORT2 rows, in file order. */
  readonly ktfort2: readonly Row[];
  readonly ktill3?: Row;
  readonly ktfort3: readonly Row[];
  /** `ktfort2` as ContinuationTerms. */
  readonly ktfort2Terms: ContinuationTerms;
  /** `ktfort3` as ContinuationTerms. */
  readonly ktfort3Terms: ContinuationTerms;
}

/** One offering: its rows, and the key fields after KURSKOD and STARTTER
 *  with KURSOMG, which `originalOf` compares. One object, so that the look-up
 *  of a chain's offering visits few. */
interface OfferingRecord extends OfferingRows {
  readonly kurstakt: string;
  readonly kurstid: string;
  readonly undform: string;
  readonly ort: string;
  readonly kurstyp: string;
  readonly kursomg: string;
  ktill2?: Row;
  ktfort2: Row[];
  ktill3?: Row;
  ktfort3: Row[];
  ktfort2Terms: ContinuationTerms;
  ktfort3Terms: ContinuationTerms;
  /** Another offering with the same KURSKOD and STARTTER (a chain). */
  sameCourseTerm: OfferingRecord | undefined;
}

const NO_TERMS: ContinuationTerms = Object.freeze([]);

function continuationTerms(rows: readonly Row[]): ContinuationTerms {
  if (rows.length === 0) return NO_TERMS;
  const terms = new Array<number | string | undefined>(rows.length * 2);
  for (let j = 0; j < rows.length; j++) {
    terms[2 * j] = parseIntStrict(rows[j].TERMORDN);
    terms[2 * j + 1] = rows[j].TERMIN;
  }
  return terms;
}

/** Everything the catalog holds for one offering key. */
interface OfferingEntry {
  /** Upper-cased KURSOMG values of its KTILL2 and KTILL3 rows. */
  kursomgs: Set<string>;
  /** Exact KURSOMG (case-sensitive: SPEC §11 "Already complete") → rows. */
  byKursomg: Map<string, OfferingRecord>;
}

/** Row makers for the projected rows, one object literal per table: all
 *  properties in the object itself (a row built key by key keeps most of
 *  them in a separate property array). */
const PROJECTIONS = new Map<readonly string[], (values: readonly string[]) => Row>();

function projection(columns: readonly string[]): (values: readonly string[]) => Row {
  let make = PROJECTIONS.get(columns);
  if (make === undefined) PROJECTIONS.set(columns, (make = rowMaker(columns, [])));
  return make;
}

const EMPTY_ROWS: readonly Row[] = Object.freeze([]);
/** The continuation rows of an offering that has none (shared, frozen). */
const NO_ROWS = EMPTY_ROWS as Row[];
const EMPTY_SET: ReadonlySet<string> = new Set<string>();

/** Read-only indexes over the catalog tables. Keys are exact strings as
 *  read; KURSOMG and KOD sets hold upper-cased values (SPEC §6, §11). */
export interface Catalog {
  /** All four tables' rows of an offering in one look-up (the hot path:
   *  one per chain); undefined when no catalog row has this key and
   *  KURSOMG. */
  offering(offeringKey: string, kursomg: string): OfferingRows | undefined;
  /** `offering(offeringKeyOfFfg(ffg), ffg.OMGANG)`: the rows of the chain's
   *  own ("original", SPEC §5) offering, in one look-up. */
  originalOf(ffg: Row): OfferingRows | undefined;
  /** The first KTILL2 row of an offering (offering key + exact KURSOMG):
   *  the "original" offering of SPEC §5. */
  ktill2(offeringKey: string, kursomg: string): Row | undefined;
  /** The KTFORT2 rows of an offering, in file order. */
  ktfort2(offeringKey: string, kursomg: string): readonly Row[];
  /** As `ktill2` for the Ladok3-conversion copy KTILL3. */
  ktill3(offeringKey: string, kursomg: string): Row | undefined;
  /** As `ktfort2` for KTFORT3. */
  ktfort3(offeringKey: string, kursomg: string): readonly Row[];
  /** Upper-cased KURSOMG values of the KTILL2 and KTILL3 rows with this key. */
  kursomgInUse(offeringKey: string): ReadonlySet<string>;
  /** Upper-cased KOD values of the KTILL2 and KTILL3 rows with this STARTTER. */
  kodInUse(startter: string): ReadonlySet<string>;
  /** Whether any KTILL2/KTILL3 KOD starts with this character (compared
   *  upper-cased), for the top warning of SPEC §8. */
  kodStartsWith(leadingChar: string): boolean;
  /** The first KTILLP row with KURS, STARTTER, PROGR, PROGINR exact and
   *  TERMORDK equal to `termordk` as an integer after trimming. */
  ktillp(kurs: string, startter: string, progr: string, proginr: string, termordk: number): Row | undefined;
  /** The first KURS row for a course code. */
  kurs(kurs: string): Row | undefined;
  /** The first TERMIN row for a term code. */
  termin(termin: string): Row | undefined;
}

function ktillpKey(kurs: string, startter: string, progr: string, proginr: string, termordk: number): string {
  // String(-0) is '0', so '-0' and '0' meet, as integers do.
  return joinKey([kurs, startter, progr, proginr, String(termordk)]);
}

class Indexes implements Catalog {
  readonly offerings = new Map<string, OfferingEntry>();
  /** The same records by STARTTER + KURSKOD (one string: a 5-character
   *  STARTTER ends where KURSKOD begins, so the key is unambiguous), each
   *  the head of its `sameCourseTerm` chain. This is the look-up of every
   *  chain (SPEC §4.3), and it is bound by cache misses (the catalog is far
   *  larger than the CPU caches): one Map, a short key, and the records
   *  themselves, instead of a 50-character joined key or nested Maps. A
   *  STARTTER of any other length goes to `byOtherTerm`. */
  readonly byTermCourse = new Map<string, OfferingRecord>();
  /** KURSKOD → STARTTER → chain head, for STARTTERs not 5 characters long. */
  readonly byOtherTerm = new Map<string, Map<string, OfferingRecord>>();
  readonly kods = new Map<string, Set<string>>();
  readonly kodFirstChars = new Set<string>();
  readonly ktillpRows = new Map<string, Row>();
  readonly kursRows = new Map<string, Row>();
  readonly terminRows = new Map<string, Row>();

  offering(offeringKey: string, kursomg: string): OfferingRows | undefined {
    return this.offerings.get(offeringKey)?.byKursomg.get(kursomg);
  }
  originalOf(ffg: Row): OfferingRows | undefined {
    const kurs = ffg.KURS ?? '';
    const termin = ffg.TERMIN ?? '';
    let c = termin.length === 5 ? this.byTermCourse.get(termin + kurs) : this.byOtherTerm.get(kurs)?.get(termin);
    const kurstakt = ffg.KURSTAKT ?? '';
    const kurstid = ffg.KURSTID ?? '';
    const undform = ffg.UNDFORM ?? '';
    const ort = ffg.ORT ?? '';
    const kurstyp = ffg.KURSTYP ?? '';
    const kursomg = ffg.OMGANG ?? '';
    for (; c !== undefined; c = c.sameCourseTerm) {
      if (
        c.kursomg === kursomg && c.kurstakt === kurstakt && c.kurstid === kurstid &&
        c.undform === undform && c.ort === ort && c.kurstyp === kurstyp
      ) {
        return c;
      }
    }
    return undefined;
  }
  ktill2(offeringKey: string, kursomg: string): Row | undefined {
    return this.offering(offeringKey, kursomg)?.ktill2;
  }
  ktfort2(offeringKey: string, kursomg: string): readonly Row[] {
    return this.offering(offeringKey, kursomg)?.ktfort2 ?? EMPTY_ROWS;
  }
  ktill3(offeringKey: string, kursomg: string): Row | undefined {
    return this.offering(offeringKey, kursomg)?.ktill3;
  }
  ktfort3(offeringKey: string, kursomg: string): readonly Row[] {
    return this.offering(offeringKey, kursomg)?.ktfort3 ?? EMPTY_ROWS;
  }
  kursomgInUse(offeringKey: string): ReadonlySet<string> {
    return this.offerings.get(offeringKey)?.kursomgs ?? EMPTY_SET;
  }

  /** The rows of an offering, made on first use (building only). */
  rowsOf(row: Row): { entry: OfferingEntry; rows: OfferingRecord } {
    const offeringKey = offeringKeyOfCatalogRow(row);
    let entry = this.offerings.get(offeringKey);
    if (!entry) this.offerings.set(offeringKey, (entry = { kursomgs: new Set(), byKursomg: new Map() }));
    let rows = entry.byKursomg.get(row.KURSOMG);
    if (!rows) {
      rows = {
        kurstakt: row.KURSTAKT,
        kurstid: row.KURSTID,
        undform: row.UNDFORM,
        ort: row.ORT,
        kurstyp: row.KURSTYP,
        kursomg: row.KURSOMG,
        ktill2: undefined,
        ktfort2: NO_ROWS,
        ktill3: undefined,
        ktfort3: NO_ROWS,
        ktfort2Terms: NO_TERMS,
        ktfort3Terms: NO_TERMS,
        sameCourseTerm: undefined,
      };
      entry.byKursomg.set(row.KURSOMG, rows);
      this.addToCourseTerm(row.KURSKOD, row.STARTTER, rows);
    }
    return { entry, rows };
  }
  /** Puts `record` at the head of the chain of its course and start term
   *  (order does not matter: at most one record has a given key and KURSOMG). */
  private addToCourseTerm(kurskod: string, startter: string, record: OfferingRecord): void {
    if (startter.length === 5) {
      record.sameCourseTerm = this.byTermCourse.get(startter + kurskod);
      this.byTermCourse.set(startter + kurskod, record);
      return;
    }
    let byTerm = this.byOtherTerm.get(kurskod);
    if (!byTerm) this.byOtherTerm.set(kurskod, (byTerm = new Map()));
    record.sameCourseTerm = byTerm.get(startter);
    byTerm.set(startter, record);
  }
  kodInUse(startter: string): ReadonlySet<string> {
    return this.kods.get(startter) ?? EMPTY_SET;
  }
  kodStartsWith(leadingChar: string): boolean {
    return this.kodFirstChars.has(leadingChar.toUpperCase());
  }
  ktillp(kurs: string, startter: string, progr: string, proginr: string, termordk: number): Row | undefined {
    return this.ktillpRows.get(ktillpKey(kurs, startter, progr, proginr, termordk));
  }
  kurs(kurs: string): Row | undefined {
    return this.kursRows.get(kurs);
  }
  termin(termin: string): Row | undefined {
    return this.terminRows.get(termin);
  }
}

function addToSet(map: Map<string, Set<string>>, key: string, member: string): void {
  const set = map.get(key);
  if (set) set.add(member);
  else map.set(key, new Set([member]));
}

function setFirst(map: Map<string, Row>, key: string, row: Row): void {
  if (!map.has(key)) map.set(key, row);
}

/** `rows` with `row` added; the shared NO_ROWS is never changed. */
function appended(rows: Row[], row: Row): Row[] {
  if (rows === NO_ROWS) return [row];
  rows.push(row);
  return rows;
}

/** Collects catalog rows (any table order, each table in file order) and
 *  hands out the finished indexes once. */
export class CatalogBuilder {
  private readonly ix = new Indexes();
  private built = false;
  /** One string object per distinct value while building: catalog columns
   *  repeat a few values (terms, KURSTAKT, ORT, …) across thousands of
   *  rows, and each CSV field is a string of its own. Dropped by build(). */
  private strings = new Map<string, string>();

  private intern(v: string): string {
    const known = this.strings.get(v);
    if (known !== undefined) return known;
    this.strings.set(v, v);
    return v;
  }

  add(table: CatalogTable, input: Row): void {
    if (this.built) throw new Error('CatalogBuilder.add after build()');
    const columns = USED_COLUMNS[table];
    if (!columns) throw new Error(`CatalogBuilder: not a catalog table: ${String(table)}`);
    const values = new Array<string>(columns.length);
    for (let i = 0; i < columns.length; i++) values[i] = this.intern(value(input, columns[i]));
    const row = projection(columns)(values);
    switch (table) {
      case 'KTILL2':
      case 'KTILL3': {
        const { entry, rows } = this.ix.rowsOf(row);
        if (table === 'KTILL2') rows.ktill2 ??= row;
        else rows.ktill3 ??= row;
        entry.kursomgs.add(row.KURSOMG.toUpperCase());
        const kod = row.KOD.toUpperCase();
        addToSet(this.ix.kods, row.STARTTER, kod);
        if (kod !== '') this.ix.kodFirstChars.add(kod.charAt(0));
        return;
      }
      case 'KTFORT2':
      case 'KTFORT3': {
        const { rows } = this.ix.rowsOf(row);
        if (table === 'KTFORT2') rows.ktfort2 = appended(rows.ktfort2, row);
        else rows.ktfort3 = appended(rows.ktfort3, row);
        return;
      }
      case 'KTILLP': {
        // A non-integer TERMORDK can equal no TERMORDN: such a row matches nothing.
        const termordk = parseIntStrict(row.TERMORDK);
        if (termordk === undefined) return;
        setFirst(this.ix.ktillpRows, ktillpKey(row.KURS, row.STARTTER, row.PROGR, row.PROGINR, termordk), row);
        return;
      }
      case 'KURS':
        setFirst(this.ix.kursRows, row.KURS, row);
        return;
      case 'TERMIN':
        setFirst(this.ix.terminRows, row.TERMIN, row);
        return;
    }
  }

  build(): Catalog {
    this.built = true;
    this.strings = new Map();
    // Arrays that grew by push() have room for ~17 rows: keep exact copies.
    for (const { byKursomg } of this.ix.offerings.values()) {
      for (const rows of byKursomg.values()) {
        if (rows.ktfort2.length > 1) rows.ktfort2 = rows.ktfort2.slice();
        if (rows.ktfort3.length > 1) rows.ktfort3 = rows.ktfort3.slice();
        rows.ktfort2Terms = continuationTerms(rows.ktfort2);
        rows.ktfort3Terms = continuationTerms(rows.ktfort3);
      }
    }
    return this.ix;
  }
}
