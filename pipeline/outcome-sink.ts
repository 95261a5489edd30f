/**
 * The sink at the end of the stage pipeline: it writes each chain's outcome
 * to the delta files and the result list, and keeps the chain counters
 * (summary.json `chains`). Deltas are written in processing order.
 */
import { Writable } from 'node:stream';
import type { ResultList } from '../stages/sinks/result-list.js';
import type { ChainCounts } from '../stages/sinks/summary.js';
import type { TableWriter } from './write-table.js';
import type { Row } from './types.js';
import type { FlowEvent } from './stage-transform.js';


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

export class OutcomeSink extends Writable {
  readonly chains: ChainCounts = { read: 0, withContinuation: 0, alreadyComplete: 0, reused: 0, created: 0 };
  readonly ktillhstRequests: KtillhstRequest[] = [];

  constructor(
    private readonly deltas: DeltaWriters,
    private readonly report: ResultList,
  ) {
    super({ objectMode: true });
  }

  override _write(event: FlowEvent, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.handle(event).then(() => callback(), callback);
  }

  private async handle(event: FlowEvent): Promise<void> {
    if (event.kind === 'orphan') {
      await this.report.addOrphan(event.fo);
      return;
    }
    if (event.kind === 'duplicate') {
      this.chains.read += event.chains.length;
      for (const chain of event.chains) await this.report.addDuplicate(chain);
      return;
    }
    const { chain, outcome } = event.item;
    this.chains.read++;
    if (!outcome) throw new Error(`internal: chain at FFGKURS line ${chain.ffgLine} left the stages without an outcome`);
    if (outcome.kind === 'skipped') return;
    this.chains.withContinuation++;
    switch (outcome.kind) {
      case 'error':
        await this.report.addError(outcome.code, chain);
        break;
      case 'alreadyComplete':
        this.chains.alreadyComplete++;
        break;
      case 'reused':
        this.chains.reused++;
        await this.deltas.FFGKURS.write(outcome.ffgUpdate);
        await this.report.addFfgUpdate(outcome.ffgUpdate);
        break;
      case 'created':
        this.chains.created++;
        await this.deltas.KTILL2.write(outcome.ktill2);
        for (const row of outcome.ktfort2) await this.deltas.KTFORT2.write(row);
        await this.deltas.FFGKURS.write(outcome.ffgUpdate);
        await this.report.addCreated(outcome.ktill2, outcome.ktfort2, outcome.warnings);
        await this.report.addFfgUpdate(outcome.ffgUpdate);
        if (outcome.ktillhstFrom) {
          this.ktillhstRequests.push({ from: outcome.ktillhstFrom, kursomg: outcome.ktill2.KURSOMG });
        }
        break;
    }
  }
}
