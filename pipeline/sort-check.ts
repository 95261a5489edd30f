/**
 * The sort order check of SPEC §2/§9: FFGKURS by PNR, KURS; FORTKURS and
 * INREGFO by PNR, KURS, TERMORDN (as integers, and only where both are
 * integers, SPEC §11). Same comparators as the merge-join. O(1) memory: it
 * keeps the previous row only.
 */
import { compareFo, comparePnrKurs } from './compare.js';
import { InputError } from './errors.js';
import type { Row, SourceRow } from './types.js';

export type SortedTable = 'FFGKURS' | 'FORTKURS' | 'INREGFO';

export interface SortSpec {
  compare: (a: Row, b: Row) => number;
  /** The sort key as shown in the error message. */
  keyOf: (r: Row) => string;
}

const pnrKurs = (r: Row): string => `PNR '${r.PNR}', KURS '${r.KURS}'`;

const SPECS: Record<SortedTable, SortSpec> = {
  FFGKURS: { compare: comparePnrKurs, keyOf: pnrKurs },
  FORTKURS: { compare: compareFo, keyOf: (r) => `${pnrKurs(r)}, TERMORDN '${r.TERMORDN}'` },
  INREGFO: { compare: compareFo, keyOf: (r) => `${pnrKurs(r)}, TERMORDN '${r.TERMORDN}'` },
};

/** Comparator and key display of a registration table. */
export function sortSpec(table: SortedTable): SortSpec {
  return SPECS[table];
}

/** Pass `rows` through; throw InputError('UNSORTED') at the first row that
 *  sorts before its predecessor. Equal keys are in order. */
export async function* checkSorted(
  rows: AsyncIterable<SourceRow>,
  compare: (a: Row, b: Row) => number,
  fileName: string,
  keyOf: (r: Row) => string,
): AsyncGenerator<SourceRow> {
  let prev: Row | undefined;
  for await (const item of rows) {
    if (prev !== undefined && compare(prev, item.row) > 0) {
      throw new InputError(
        'UNSORTED',
        fileName,
        item.line,
        `out of sort order: ${keyOf(item.row)} after ${keyOf(prev)}; sort the export with \`eb50 sort\``,
      );
    }
    prev = item.row;
    yield item;
  }
}
