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

/** SPEC §7: AVGFRI = N from start term 20112 on (as integers), else J. */
export function avgfri(startter: string): 'J' | 'N' {
  return Number(startter) >= 20112 ? 'N' : 'J';
}

/** STARTV/SLUTV of a term from TERMIN, blank if the term is absent. */
function termDates(catalog: Catalog, termin: string): { STARTV: string; SLUTV: string } {
  const row = catalog.termin(termin);
  return { STARTV: row?.STARTV ?? '', SLUTV: row?.SLUTV ?? '' };
}

/** LOK1/LOK2 from the term's template, blank without one. */
function lok(points: TermPoints): { LOK1: string; LOK2: string } {
  return { LOK1: points.template?.LOK1 ?? '', LOK2: points.template?.LOK2 ?? '' };
}

/** SPEC §7 FFGKURS update: the whole row with OMGANG, IDATUM, ITID, IANV set. */
export function ffgUpdate(ffg: Row, kursomg: string, options: RuleOptions): Row {
  return rowOf(tableColumns('FFGKURS'), {
    ...ffg,
    OMGANG: kursomg,
    IDATUM: options.runDate,
    ITID: options.runTime,
    IANV: 'EB50',
  });
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
  const offering: Row = {
    KURSKOD: ffg.KURS,
    STARTTER: ffg.TERMIN,
    KURSTAKT: ffg.KURSTAKT,
    KURSTID: ffg.KURSTID,
    UNDFORM: ffg.UNDFORM,
    ORT: ffg.ORT,
    KURSOMG: kursomg,
    KURSTYP: ffg.KURSTYP,
  };
  // Columns not set here (PLANTAL … KONVERT) come out blank.
  const ktill2 = rowOf(tableColumns('KTILL2'), {
    ...offering,
    FFGPOANG: points.ffg.value,
    KOD: kod,
    ...termDates(catalog, ffg.TERMIN),
    ...lok(points.ffg),
    AVGFRI: avgfri(ffg.TERMIN),
  });
  const ktfort2Columns = tableColumns('KTFORT2');
  const ktfort2 = foInTermordnOrder(chain).map((fo, i) =>
    rowOf(ktfort2Columns, {
      ...offering,
      TERMORDN: fo.row.TERMORDN,
      FORPOANG: points.fo[i].value,
      KOD: kod,
      TERMIN: fo.row.TERMIN,
      ...termDates(catalog, fo.row.TERMIN),
      ...lok(points.fo[i]),
    }),
  );
  const created: CreatedRows = { ktill2, ktfort2, ffgUpdate: ffgUpdate(ffg, kursomg, options) };
  if (points.ffg.source === 'ktill2' && points.ffg.template) {
    created.ktillhstFrom = rowOf(OFFERING_COLUMNS, points.ffg.template);
  }
  return created;
}
