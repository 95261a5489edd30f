/**
 * SPEC §3: merge-join of the sorted FFGKURS, FORTKURS and INREGFO streams
 * into chains. Each input is pulled with its own async iterator, so only one
 * PNR+KURS group of each is held at a time and a slow consumer slows the
 * readers down (backpressure) instead of letting rows pile up.
 */
import { comparePnrKurs, parseIntStrict } from './compare.js';
import type { Chain, FoRow, FoTable, JoinEvent, Row, SourceRow } from './types.js';

/**
 * A read position in a sorted input that arrives in batches. Rows are
 * taken synchronously from the current batch; only when it is used up is
 * the next one awaited, so the join costs no promise per row.
 */
class BatchCursor {
  private readonly it: AsyncIterator<SourceRow[]>;
  private batch: readonly SourceRow[] = [];
  private pos = 0;
  private done = false;

  constructor(source: AsyncIterable<SourceRow[]>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** The current batch is used up and the input has not ended: call
   *  `fill()` before looking at `head`. */
  get starved(): boolean {
    return this.pos >= this.batch.length && !this.done;
  }

  /** The next row, or undefined when starved or at the end. */
  get head(): SourceRow | undefined {
    return this.pos < this.batch.length ? this.batch[this.pos] : undefined;
  }

  /** Pulls batches until there is a row or the input has ended. */
  async fill(): Promise<void> {
    while (this.pos >= this.batch.length && !this.done) {
      const next = await this.it.next();
      if (next.done) {
        this.done = true;
        this.batch = [];
      } else {
        this.batch = next.value;
      }
      this.pos = 0;
    }
  }

  advance(): void {
    this.pos++;
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
  // Most chains have rows in one table only: the set is that table's rows
  // (the same array; nothing changes a chain's arrays).
  if (inregfo.length === 0) return fortkurs;
  if (fortkurs.length === 0) return inregfo;
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

/** Rows shared by every chain whose group in a table is empty (most are):
 *  frozen, so a rule that tried to add to one would fail loudly. */
const NO_ROWS: FoRow[] = Object.freeze([]) as unknown as FoRow[];

function chainOf(ffg: SourceRow, fortkurs: FoRow[], inregfo: FoRow[]): Chain {
  return { ffg: ffg.row, ffgLine: ffg.line, fortkurs, inregfo, foSet: foSetOf(fortkurs, inregfo) };
}

/** Same PNR and KURS: `comparePnrKurs(a, b) === 0`, without the ordering. */
function sameKey(a: Row, b: Row): boolean {
  return a.PNR === b.PNR && a.KURS === b.KURS;
}

/** Takes the rows of `cursor`'s current batch whose PNR+KURS is `key`'s
 *  (the input is sorted, so they are next) and adds them, as FO rows of
 *  `table`, to `group`. If the batch runs out the group may go on in the
 *  next one: the caller fills the starved cursor and calls again. */
function takeFo(cursor: BatchCursor, table: FoTable, key: Row, group: FoRow[]): FoRow[] {
  for (let head = cursor.head; head !== undefined && sameKey(head.row, key); head = cursor.head) {
    if (group === NO_ROWS) group = [];
    group.push({ table, row: head.row, line: head.line });
    cursor.advance();
  }
  return group;
}

export interface MergeInputs {
  ffgkurs: AsyncIterable<SourceRow>;
  fortkurs: AsyncIterable<SourceRow>;
  inregfo: AsyncIterable<SourceRow>;
}

export interface MergeBatchInputs {
  ffgkurs: AsyncIterable<SourceRow[]>;
  fortkurs: AsyncIterable<SourceRow[]>;
  inregfo: AsyncIterable<SourceRow[]>;
}

/** Join events in PNR+KURS order (= FFGKURS file order). Inputs must be
 *  sorted; pass them through the sort check first. */
export async function* mergeChains(inputs: MergeInputs): AsyncGenerator<JoinEvent> {
  const batches = mergeChainBatches({
    ffgkurs: singletons(inputs.ffgkurs),
    fortkurs: singletons(inputs.fortkurs),
    inregfo: singletons(inputs.inregfo),
  });
  for await (const events of batches) yield* events;
}

async function* singletons(rows: AsyncIterable<SourceRow>): AsyncGenerator<SourceRow[]> {
  for await (const row of rows) yield [row];
}

/** Join events per batch, at most this many (a bound on what one batch
 *  holds between the stages). */
export const EVENTS_PER_BATCH = 256;

/** As `mergeChains`, over batched inputs and with batched output: the
 *  join runs synchronously within the batches it has and awaits only to
 *  pull the next batch of an input. The same events in the same order. */
export async function* mergeChainBatches(inputs: MergeBatchInputs): AsyncGenerator<JoinEvent[]> {
  const ffg = new BatchCursor(inputs.ffgkurs);
  const fort = new BatchCursor(inputs.fortkurs);
  const inreg = new BatchCursor(inputs.inregfo);
  let out: JoinEvent[] = [];
  try {
    for (;;) {
      if (ffg.starved) await ffg.fill();
      if (fort.starved) await fort.fill();
      if (inreg.starved) await inreg.fill();
      const f = ffg.head;
      const o = fort.head;
      const i = inreg.head;
      // The smallest PNR+KURS among the heads.
      let key: Row | undefined = f?.row;
      if (o && (!key || comparePnrKurs(o.row, key) < 0)) key = o.row;
      if (i && (!key || comparePnrKurs(i.row, key) < 0)) key = i.row;
      if (!key) break;
      let first: SourceRow | undefined;
      let more: SourceRow[] | undefined;
      if (f && sameKey(f.row, key)) {
        first = f;
        ffg.advance();
        for (;;) {
          if (ffg.starved) await ffg.fill();
          const next = ffg.head;
          if (next === undefined || !sameKey(next.row, key)) break;
          (more ??= []).push(next);
          ffg.advance();
        }
      }
      let fortkurs = takeFo(fort, 'FORTKURS', key, NO_ROWS);
      while (fort.starved) {
        await fort.fill();
        fortkurs = takeFo(fort, 'FORTKURS', key, fortkurs);
      }
      let inregfo = takeFo(inreg, 'INREGFO', key, NO_ROWS);
      while (inreg.starved) {
        await inreg.fill();
        inregfo = takeFo(inreg, 'INREGFO', key, inregfo);
      }
      if (first === undefined) {
        for (const fo of fortkurs) out.push({ kind: 'orphan', fo });
        for (const fo of inregfo) out.push({ kind: 'orphan', fo });
      } else if (more === undefined) {
        out.push({ kind: 'chain', chain: chainOf(first, fortkurs, inregfo) });
      } else {
        out.push({ kind: 'duplicate', chains: [first, ...more].map((row) => chainOf(row, fortkurs, inregfo)) });
      }
      if (out.length >= EVENTS_PER_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    // Close the readers (file handles) when the consumer stops early or fails.
    await Promise.all([ffg.return(), fort.return(), inreg.return()]);
  }
}
