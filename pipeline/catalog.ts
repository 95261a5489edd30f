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

/** An injective composite key: each part is prefixed with its length, so no
 *  value, whatever characters it holds, can make two keys collide. */
export function joinKey(parts: readonly string[]): string {
  let key = '';
  for (const part of parts) key += `${part.length}:${part}`;
  return key;
}

function value(row: Row, column: string): string {
  return row[column] ?? '';
}

const ffgKeys = new WeakMap<Row, string>();

/** SPEC §2: offering key of an FFGKURS row (KURS, TERMIN, KURSTAKT, KURSTID,
 *  UNDFORM, ORT, KURSTYP), exact strings as read. Remembered per row: every
 *  step asks for it, and one string object keeps its hash for the Map
 *  look-ups (a fresh concatenation is hashed again each time). */
export function offeringKeyOfFfg(ffg: Row): string {
  let key = ffgKeys.get(ffg);
  if (key === undefined) {
    key = joinKey(FFG_OFFERING_KEY_COLUMNS.map((c) => value(ffg, c)));
    ffgKeys.set(ffg, key);
  }
  return key;
}

/** SPEC §2: offering key of a KTILL2/KTFORT2/KTILL3/KTFORT3 row. */
export function offeringKeyOfCatalogRow(row: Row): string {
  return joinKey(OFFERING_KEY_COLUMNS.map((c) => value(row, c)));
}

/** offering key → exact KURSOMG (case-sensitive: SPEC §11 "Already
 *  complete") → value. Two levels, so a look-up builds no new key string. */
type ByOffering<V> = Map<string, Map<string, V>>;

function getOffering<V>(map: ByOffering<V>, offeringKey: string, kursomg: string): V | undefined {
  return map.get(offeringKey)?.get(kursomg);
}

function inner<V>(map: ByOffering<V>, offeringKey: string): Map<string, V> {
  let m = map.get(offeringKey);
  if (!m) map.set(offeringKey, (m = new Map()));
  return m;
}

function project(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = value(row, c);
  return out;
}

const EMPTY_ROWS: readonly Row[] = Object.freeze([]);
const EMPTY_SET: ReadonlySet<string> = new Set<string>();

/** Read-only indexes over the catalog tables. Keys are exact strings as
 *  read; KURSOMG and KOD sets hold upper-cased values (SPEC §6, §11). */
export interface Catalog {
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
  readonly ktill2Rows: ByOffering<Row> = new Map();
  readonly ktfort2Rows: ByOffering<Row[]> = new Map();
  readonly ktill3Rows: ByOffering<Row> = new Map();
  readonly ktfort3Rows: ByOffering<Row[]> = new Map();
  readonly kursomgs = new Map<string, Set<string>>();
  readonly kods = new Map<string, Set<string>>();
  readonly kodFirstChars = new Set<string>();
  readonly ktillpRows = new Map<string, Row>();
  readonly kursRows = new Map<string, Row>();
  readonly terminRows = new Map<string, Row>();

  ktill2(offeringKey: string, kursomg: string): Row | undefined {
    return getOffering(this.ktill2Rows, offeringKey, kursomg);
  }
  ktfort2(offeringKey: string, kursomg: string): readonly Row[] {
    return getOffering(this.ktfort2Rows, offeringKey, kursomg) ?? EMPTY_ROWS;
  }
  ktill3(offeringKey: string, kursomg: string): Row | undefined {
    return getOffering(this.ktill3Rows, offeringKey, kursomg);
  }
  ktfort3(offeringKey: string, kursomg: string): readonly Row[] {
    return getOffering(this.ktfort3Rows, offeringKey, kursomg) ?? EMPTY_ROWS;
  }
  kursomgInUse(offeringKey: string): ReadonlySet<string> {
    return this.kursomgs.get(offeringKey) ?? EMPTY_SET;
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

function append(map: Map<string, Row[]>, key: string, row: Row): void {
  const rows = map.get(key);
  if (rows) rows.push(row);
  else map.set(key, [row]);
}

/** Collects catalog rows (any table order, each table in file order) and
 *  hands out the finished indexes once. */
export class CatalogBuilder {
  private readonly ix = new Indexes();
  private built = false;

  add(table: CatalogTable, input: Row): void {
    if (this.built) throw new Error('CatalogBuilder.add after build()');
    const columns = USED_COLUMNS[table];
    if (!columns) throw new Error(`CatalogBuilder: not a catalog table: ${String(table)}`);
    const row = project(input, columns);
    switch (table) {
      case 'KTILL2':
      case 'KTILL3': {
        const key = offeringKeyOfCatalogRow(row);
        setFirst(inner(table === 'KTILL2' ? this.ix.ktill2Rows : this.ix.ktill3Rows, key), row.KURSOMG, row);
        addToSet(this.ix.kursomgs, key, row.KURSOMG.toUpperCase());
        const kod = row.KOD.toUpperCase();
        addToSet(this.ix.kods, row.STARTTER, kod);
        if (kod !== '') this.ix.kodFirstChars.add(kod.charAt(0));
        return;
      }
      case 'KTFORT2':
      case 'KTFORT3': {
        const byKursomg = inner(table === 'KTFORT2' ? this.ix.ktfort2Rows : this.ix.ktfort3Rows, offeringKeyOfCatalogRow(row));
        append(byKursomg, row.KURSOMG, row);
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
    return this.ix;
  }
}
