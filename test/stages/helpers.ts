/**
 * Builders for rule tests: FFGKURS rows, chains and catalogs, with the
 * values of the seed's examples as defaults.
 */
import { CatalogBuilder } from '../../pipeline/catalog.js';
import type { Catalog, CatalogTable } from '../../pipeline/catalog.js';
import { parseIntStrict, trimSpaces } from '../../pipeline/compare.js';
import type { Chain, FoRow, FoTable, Row, RuleOptions } from '../../pipeline/types.js';

export const OPTIONS: RuleOptions = { leadingChar: 'Q', runDate: '2015-02-23', runTime: '104150' };

/** An FFGKURS row (seed example: XSH221, start term 19761, 100 %). */
export function ffgRow(over: Partial<Row> = {}): Row {
  return {
    PNR: '4003120000',
    KURS: 'XSH221',
    PROGR: '',
    PROGINR: ' _',
    TERMIN: '19761',
    KURSTAKT: '100',
    KURSTID: 'DAG',
    UNDFORM: 'NML',
    ORT: '1281',
    OMGANG: '1',
    KURSTYP: ' _',
    IDATUM: 'null',
    ITID: 'null',
    IANV: 'null',
    VERNR: 'null',
    ...over,
  } as Row;
}

/** [TERMORDN, TERMIN] */
export type Fo = [string, string];

function foRows(table: FoTable, ffg: Row, fos: Fo[], firstLine: number): FoRow[] {
  return fos.map(([termordn, termin], i) => ({
    table,
    line: firstLine + i,
    row: { PNR: ffg.PNR, KURS: ffg.KURS, TERMORDN: termordn, TERMIN: termin },
  }));
}

function termordnKey(row: Row): string {
  const n = parseIntStrict(row.TERMORDN);
  return n === undefined ? `text:${trimSpaces(row.TERMORDN)}` : `int:${n}`;
}

/** A chain as the merge-join builds it (SPEC §3: FORTKURS wins). */
export function chainOf(ffg: Row, fortkurs: Fo[], inregfo: Fo[] = []): Chain {
  const fort = foRows('FORTKURS', ffg, fortkurs, 2);
  const inreg = foRows('INREGFO', ffg, inregfo, 2);
  const taken = new Set(fort.map((fo) => termordnKey(fo.row)));
  return {
    ffg,
    ffgLine: 2,
    fortkurs: fort,
    inregfo: inreg,
    foSet: [...fort, ...inreg.filter((fo) => !taken.has(termordnKey(fo.row)))],
  };
}

export type Tables = Partial<Record<CatalogTable, Row[]>>;

export function catalogOf(tables: Tables = {}): Catalog {
  const builder = new CatalogBuilder();
  for (const [table, rows] of Object.entries(tables) as Array<[CatalogTable, Row[]]>) {
    for (const row of rows) builder.add(table, row);
  }
  return builder.build();
}

/** The offering fields of a catalog row for an FFGKURS row's key. */
function keyOf(ffg: Row, kursomg: string): Row {
  return {
    KURSKOD: ffg.KURS,
    STARTTER: ffg.TERMIN,
    KURSTAKT: ffg.KURSTAKT,
    KURSTID: ffg.KURSTID,
    UNDFORM: ffg.UNDFORM,
    ORT: ffg.ORT,
    KURSOMG: kursomg,
    KURSTYP: ffg.KURSTYP,
  };
}

/** A KTILL2/KTILL3 row with the FFGKURS row's key and KURSOMG = OMGANG. */
export function ktillFor(ffg: Row, over: Partial<Row> = {}): Row {
  return { ...keyOf(ffg, ffg.OMGANG), FFGPOANG: '', KOD: 'A0001', LOK1: '', LOK2: '', ...over } as Row;
}

/** A KTFORT2/KTFORT3 row with the FFGKURS row's key and KURSOMG = OMGANG. */
export function ktfortFor(ffg: Row, termordn: string, termin: string, over: Partial<Row> = {}): Row {
  return { ...keyOf(ffg, ffg.OMGANG), TERMORDN: termordn, TERMIN: termin, FORPOANG: '', LOK1: '', LOK2: '', ...over } as Row;
}

export function kursRow(kurs: string, poang: string): Row {
  return { KURS: kurs, POANG: poang };
}

export function ktillpRow(ffg: Row, termordk: string, poang: string, over: Partial<Row> = {}): Row {
  return {
    KURS: ffg.KURS,
    STARTTER: ffg.TERMIN,
    PROGR: ffg.PROGR,
    PROGINR: ffg.PROGINR,
    TERMORDK: termordk,
    POANG: poang,
    LOK1: `P1-${termordk}`,
    LOK2: `P2-${termordk}`,
    ...over,
  } as Row;
}
