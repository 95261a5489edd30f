/**
 * SPEC §7 rows created: the new KTILL2 row, its KTFORT2 rows, the FFGKURS
 * update and the KTILLHST source offering. Column order comes from the Avro
 * schemas (pipeline/columns.ts), the one place column lists live.
 */
import { OFFERING_COLUMNS, type Catalog } from '../pipeline/catalog.js';
import { tableColumns } from '../pipeline/columns.js';
import type { Chain, ChainPoints, Row, RuleOptions, TermPoints } from '../pipeline/types.js';
import { foInTermordnOrder } from './fo-order.js';

/** A row with exactly `columns`, in that order; absent values blank. */
function rowOf(columns: readonly string[], values: Row): Row {
  const row: Row = {};
  for (const c of columns) row[c] = values[c] ?? '';
  return row;
}

/** A table's columns from the schema, looked up once (they do not change
 *  during a run, and this runs for every offering created). */
function columnsOnce(table: 'KTILL2' | 'KTFORT2' | 'FFGKURS'): () => readonly string[] {
  let columns: readonly string[] | undefined;
  return () => (columns ??= tableColumns(table));
}
const ktill2Columns = columnsOnce('KTILL2');
const ktfort2Columns = columnsOnce('KTFORT2');
const ffgkursColumns = columnsOnce('FFGKURS');

/** SPEC §7: AVGFRI = N from start term 20112 on (as integers), else J. */
export function avgfri(startter: string): 'J' | 'N' {
  return Number(startter) >= 20112 ? 'N' : 'J';
}

/** SPEC §7 FFGKURS update: the whole row with OMGANG, IDATUM, ITID, IANV set. */
export function ffgUpdate(ffg: Row, kursomg: string, options: RuleOptions): Row {
  const set: Row = { OMGANG: kursomg, IDATUM: options.runDate, ITID: options.runTime, IANV: 'EB50' };
  const row: Row = {};
  for (const c of ffgkursColumns()) row[c] = (Object.hasOwn(set, c) ? set[c] : ffg[c]) ?? '';
  return row;
}

export interface CreatedRows {
  ktill2: Row;
  /** One per FO-set row, in TERMORDN order (SPEC §11). */
  ktfort2: Row[];
  ffgUpdate: Row;
  /** The original offering's eight columns, when FFGPOANG came from it:
   *  its KTILLHST rows are copied with the new KURSOMG. */
  ktillhstFrom?: Row;
}

/** SPEC §7 for a chain that passed §4 steps 1–7. `points.fo` is in the
 *  order of `foInTermordnOrder(chain)`. */
export function createRows(
  chain: Chain,
  points: ChainPoints,
  kursomg: string,
  kod: string,
  catalog: Catalog,
  options: RuleOptions,
): CreatedRows {
  const ffg = chain.ffg;
  // Values as object literals, no spreads (this runs for every offering
  // created). Columns not set here (PLANTAL … KONVERT) come out blank.
  const ffgDates = catalog.termin(ffg.TERMIN);
  const ktill2 = rowOf(ktill2Columns(), {
    KURSKOD: ffg.KURS,
    STARTTER: ffg.TERMIN,
    KURSTAKT: ffg.KURSTAKT,
    KURSTID: ffg.KURSTID,
    UNDFORM: ffg.UNDFORM,
    ORT: ffg.ORT,
    KURSOMG: kursomg,
    KURSTYP: ffg.KURSTYP,
    FFGPOANG: points.ffg.value,
    KOD: kod,
    STARTV: ffgDates?.STARTV ?? '',
    SLUTV: ffgDates?.SLUTV ?? '',
    LOK1: points.ffg.template?.LOK1 ?? '',
    LOK2: points.ffg.template?.LOK2 ?? '',
    AVGFRI: avgfri(ffg.TERMIN),
  });
  const ktfort2 = foInTermordnOrder(chain).map((fo, i) => {
    const term = points.fo[i];
    const dates = catalog.termin(fo.row.TERMIN);
    return rowOf(ktfort2Columns(), {
      KURSKOD: ffg.KURS,
      STARTTER: ffg.TERMIN,
      KURSTAKT: ffg.KURSTAKT,
      KURSTID: ffg.KURSTID,
      UNDFORM: ffg.UNDFORM,
      ORT: ffg.ORT,
      KURSOMG: kursomg,
      KURSTYP: ffg.KURSTYP,
      TERMORDN: fo.row.TERMORDN,
      FORPOANG: term.value,
      KOD: kod,
      TERMIN: fo.row.TERMIN,
      STARTV: dates?.STARTV ?? '',
      SLUTV: dates?.SLUTV ?? '',
      LOK1: term.template?.LOK1 ?? '',
      LOK2: term.template?.LOK2 ?? '',
    });
  });
  const created: CreatedRows = { ktill2, ktfort2, ffgUpdate: ffgUpdate(ffg, kursomg, options) };
  if (points.ffg.source === 'ktill2' && points.ffg.template) {
    created.ktillhstFrom = rowOf(OFFERING_COLUMNS, points.ffg.template);
  }
  return created;
}
