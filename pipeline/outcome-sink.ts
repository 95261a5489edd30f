/**
 * The sink at the end of the stage pipeline: it writes each chain's outcome
 * to the delta files and the result list, and keeps the chain counters
 * (summary.json `chains`). Deltas are written in processing order.
 */
import { Writable } from 'node:stream';
import type { ResultList } from '../stages/sinks/result-list.js';
import { joinKey, OFFERING_COLUMNS } from './catalog.js';
import type { ChainCounts } from '../stages/sinks/summary.js';
import type { TableWriter } from './write-table.js';
import type { Chain, Outcome, Row } from './types.js';
import { BATCHES_BUFFERED, type FlowEvent } from './stage-transform.js';


/** An offering created with FFGPOANG from its original KTILL2 row: the
 *  original's KTILLHST rows are copied with the new KURSOMG (SPEC §7). */
export interface KtillhstRequest {
  from: Row;
  kursomg: string;
}

export interface DeltaWriters {
  KTILL2: TableWriter;
  KTFORT2: TableWriter;
  FFGKURS: TableWriter;
}

/** The end of the stage pipeline: takes batches of flow events. */
export class OutcomeSink extends Writable {
  readonly chains: ChainCounts = { read: 0, withContinuation: 0, alreadyComplete: 0, reused: 0, created: 0 };
  readonly ktillhstRequests: KtillhstRequest[] = [];
  /** One `from` row per original offering: the requests grow with the
   *  offerings created, and many are created from the same original. */
  private readonly originals = new Map<string, Row>();

  constructor(
    private readonly deltas: DeltaWriters,
    private readonly report: ResultList,
  ) {
    super({ objectMode: true, highWaterMark: BATCHES_BUFFERED });
  }

  override _write(batch: FlowEvent[], _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.handleBatch(batch).then(() => callback(), callback);
  }

  private async handleBatch(batch: FlowEvent[]): Promise<void> {
    for (const event of batch) {
      // Most chains only count: no promise for those.
      const writing = this.handle(event);
      if (writing !== undefined) await writing;
    }
  }

  /** Counts the event; a promise if it has something to write. */
  private handle(event: FlowEvent): Promise<void> | undefined {
    if (event.kind === 'orphan') return this.report.addOrphan(event.fo);
    if (event.kind === 'duplicate') {
      this.chains.read += event.chains.length;
      return this.addDuplicates(event.chains);
    }
    const { chain, outcome } = event.item;
    this.chains.read++;
    if (!outcome) throw new Error(`internal: chain at FFGKURS line ${chain.ffgLine} left the stages without an outcome`);
    if (outcome.kind === 'skipped') return undefined;
    this.chains.withContinuation++;
    switch (outcome.kind) {
      case 'error':
        return this.report.addError(outcome.code, chain);
      case 'alreadyComplete':
        this.chains.alreadyComplete++;
        return undefined;
      case 'reused':
        this.chains.reused++;
        return this.writeReused(outcome.ffgUpdate);
      case 'created':
        this.chains.created++;
        return this.writeCreated(outcome);
    }
  }

  private async addDuplicates(chains: Chain[]): Promise<void> {
    for (const chain of chains) await this.report.addDuplicate(chain);
  }

  private async writeReused(ffgUpdate: Row): Promise<void> {
    await this.deltas.FFGKURS.write(ffgUpdate);
    await this.report.addFfgUpdate(ffgUpdate);
  }

  private async writeCreated(outcome: Extract<Outcome, { kind: 'created' }>): Promise<void> {
    await this.deltas.KTILL2.write(outcome.ktill2);
    for (const row of outcome.ktfort2) await this.deltas.KTFORT2.write(row);
    await this.deltas.FFGKURS.write(outcome.ffgUpdate);
    await this.report.addCreated(outcome.ktill2, outcome.ktfort2, outcome.warnings);
    await this.report.addFfgUpdate(outcome.ffgUpdate);
    if (outcome.ktillhstFrom) {
      const key = joinKey(OFFERING_COLUMNS.map((c) => outcome.ktillhstFrom?.[c] ?? ''));
      let from = this.originals.get(key);
      if (from === undefined) this.originals.set(key, (from = outcome.ktillhstFrom));
      this.ktillhstRequests.push({ from, kursomg: outcome.ktill2.KURSOMG });
    }
  }
}
