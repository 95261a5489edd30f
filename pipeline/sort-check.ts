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

/** The order check over rows handed to it in file order. */
export class SortChecker {
  private prev: Row | undefined;

  constructor(
    private readonly compare: (a: Row, b: Row) => number,
    private readonly fileName: string,
    private readonly keyOf: (r: Row) => string,
  ) {}

  /** The length of the longest in-order prefix of `batch`, continuing from
   *  the rows checked before; the whole batch is `batch.length`. */
  sortedPrefix(batch: readonly SourceRow[]): number {
    const compare = this.compare;
    let prev = this.prev;
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i].row;
      if (prev !== undefined && compare(prev, row) > 0) {
        this.prev = prev;
        return i;
      }
      prev = row;
    }
    this.prev = prev;
    return batch.length;
  }

  /** The error for `item`, the first row out of order. */
  error(item: SourceRow): InputError {
    return new InputError(
      'UNSORTED',
      this.fileName,
      item.line,
      `out of sort order: ${this.keyOf(item.row)} after ${this.keyOf(this.prev!)}; sort the export with \`eb50 sort\``,
    );
  }
}

/** Pass `rows` through; throw InputError('UNSORTED') at the first row that
 *  sorts before its predecessor. Equal keys are in order. */
export async function* checkSorted(
  rows: AsyncIterable<SourceRow>,
  compare: (a: Row, b: Row) => number,
  fileName: string,
  keyOf: (r: Row) => string,
): AsyncGenerator<SourceRow> {
  const checker = new SortChecker(compare, fileName, keyOf);
  for await (const item of rows) {
    if (checker.sortedPrefix([item]) === 0) throw checker.error(item);
    yield item;
  }
}

/** As `checkSorted`, over batches: each batch is checked in one synchronous
 *  loop; the rows before the first one out of order are passed on before
 *  the error is thrown. */
export async function* checkSortedBatches(
  batches: AsyncIterable<SourceRow[]>,
  compare: (a: Row, b: Row) => number,
  fileName: string,
  keyOf: (r: Row) => string,
): AsyncGenerator<SourceRow[]> {
  const checker = new SortChecker(compare, fileName, keyOf);
  for await (const batch of batches) {
    const n = checker.sortedPrefix(batch);
    if (n === batch.length) {
      yield batch;
      continue;
    }
    if (n > 0) yield batch.slice(0, n);
    throw checker.error(batch[n]);
  }
}
