/**
 * SPEC §3: merge-join of the sorted FFGKURS, FORTKURS and INREGFO streams
 * into chains. Each input is pulled with its own async iterator, so only one
 * PNR+KURS group of each is held at a time and a slow consumer slows the
 * readers down (backpressure) instead of letting rows pile up.
 */
import { comparePnrKurs, parseIntStrict } from './compare.js';
import type { Chain, FoRow, FoTable, JoinEvent, Row, SourceRow } from './types.js';

/** An async iterator with one row of look-ahead. */
class Peekable {
  private readonly it: AsyncIterator<SourceRow>;
  head: SourceRow | undefined;
  private done = false;

  constructor(source: AsyncIterable<SourceRow>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Whether the look-ahead slot is empty and the input not yet ended. */
  get empty(): boolean {
    return this.head === undefined && !this.done;
  }

  async fill(): Promise<void> {
    const next = await this.it.next();
    if (next.done) this.done = true;
    else this.head = next.value;
  }

  /** Takes every row whose PNR+KURS equals `key`'s (the input is sorted).
   *  Most groups are empty or one row: no promise is made for a head that
   *  is already there. */
  async takeGroup(key: Row): Promise<SourceRow[]> {
    const group: SourceRow[] = [];
    if (this.empty) await this.fill();
    while (this.head && comparePnrKurs(this.head.row, key) === 0) {
      group.push(this.head);
      this.head = undefined;
      await this.fill();
    }
    return group;
  }

  async return(): Promise<void> {
    await this.it.return?.();
  }
}

/** SPEC §3: FORTKURS rows, plus INREGFO rows whose TERMORDN occurs among no
 *  FORTKURS row (FORTKURS wins). TERMORDN is compared as an integer: a
 *  non-integer one (a §4.2 error) equals nothing, so it overrides nothing and
 *  is overridden by nothing. */
export function foSetOf(fortkurs: FoRow[], inregfo: FoRow[]): FoRow[] {
  const taken = new Set<number>();
  for (const fo of fortkurs) {
    const n = parseIntStrict(fo.row.TERMORDN);
    if (n !== undefined) taken.add(n);
  }
  return [
    ...fortkurs,
    ...inregfo.filter((fo) => {
      const n = parseIntStrict(fo.row.TERMORDN);
      return n === undefined || !taken.has(n);
    }),
  ];
}

function foRows(table: FoTable, rows: SourceRow[]): FoRow[] {
  return rows.map(({ row, line }) => ({ table, row, line }));
}

function chainOf(ffg: SourceRow, fortkurs: FoRow[], inregfo: FoRow[]): Chain {
  return { ffg: ffg.row, ffgLine: ffg.line, fortkurs, inregfo, foSet: foSetOf(fortkurs, inregfo) };
}

/** Smallest PNR+KURS among the heads. */
function minKey(heads: Array<SourceRow | undefined>): Row | undefined {
  let min: Row | undefined;
  for (const head of heads) {
    if (head && (!min || comparePnrKurs(head.row, min) < 0)) min = head.row;
  }
  return min;
}

export interface MergeInputs {
  ffgkurs: AsyncIterable<SourceRow>;
  fortkurs: AsyncIterable<SourceRow>;
  inregfo: AsyncIterable<SourceRow>;
}

/** Join events in PNR+KURS order (= FFGKURS file order). Inputs must be
 *  sorted; pass them through the sort check first. */
export async function* mergeChains(inputs: MergeInputs): AsyncGenerator<JoinEvent> {
  const ffg = new Peekable(inputs.ffgkurs);
  const fort = new Peekable(inputs.fortkurs);
  const inreg = new Peekable(inputs.inregfo);
  try {
    for (;;) {
      if (ffg.empty) await ffg.fill();
      if (fort.empty) await fort.fill();
      if (inreg.empty) await inreg.fill();
      const key = minKey([ffg.head, fort.head, inreg.head]);
      if (!key) return;
      const ffgGroup = await ffg.takeGroup(key);
      const fortkurs = foRows('FORTKURS', await fort.takeGroup(key));
      const inregfo = foRows('INREGFO', await inreg.takeGroup(key));
      if (ffgGroup.length === 0) {
        for (const fo of [...fortkurs, ...inregfo]) yield { kind: 'orphan', fo };
      } else if (ffgGroup.length === 1) {
        yield { kind: 'chain', chain: chainOf(ffgGroup[0], fortkurs, inregfo) };
      } else {
        yield { kind: 'duplicate', chains: ffgGroup.map((row) => chainOf(row, fortkurs, inregfo)) };
      }
    }
  } finally {
    // Close the readers (file handles) when the consumer stops early or fails.
    await Promise.all([ffg.return(), fort.return(), inreg.return()]);
  }
}
