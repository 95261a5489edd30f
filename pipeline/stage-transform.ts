/**
 * The thin adapter between the rule steps (stages/, pure functions over a
 * ChainItem) and node:stream. Each step becomes an object-mode Transform;
 * stream.pipeline() links them, so a slow sink pauses the steps and the
 * steps pause the merge-join (backpressure).
 *
 * What flows is a batch (array) of events, not one event per chunk: a
 * Transform costs a few microseconds per chunk whatever it does, which at
 * millions of chains and six steps was most of a step's time. A batch is
 * at most EVENTS_PER_BATCH events (pipeline/merge-chains.ts) and the
 * streams buffer a bounded number of batches (object-mode highWaterMark),
 * so memory stays bounded. Within a batch, events keep their order, and
 * each step sees every chain after the chains before it: the same order of
 * run-state reads and writes as one chain at a time (stages/steps.ts).
 */
import { Transform } from 'node:stream';
import type { Chain, ChainItem, FoRow, JoinEvent } from './types.js';

/** What flows between the stages: chains to be ruled on, and the join's
 *  duplicates and orphans, which the steps pass through untouched. */
export type FlowEvent =
  | { kind: 'chain'; item: ChainItem }
  | { kind: 'duplicate'; chains: Chain[] }
  | { kind: 'orphan'; fo: FoRow };

export interface Step {
  name: string;
  apply(item: ChainItem): ChainItem;
}

/** Batches a stream between two stages holds, on each side: with
 *  EVENTS_PER_BATCH chains each that bounds the chains in flight. */
export const BATCHES_BUFFERED = 1;

/** A chain's item with every field present from the start: the steps'
 *  `{ ...item, … }` copies then all share one hidden class, which keeps
 *  their property accesses monomorphic. */
function newItem(chain: Chain): ChainItem {
  return { chain, points: undefined, pointsError: undefined, kursomg: undefined, kod: undefined, outcome: undefined };
}

/** Join events as flow events, batch by batch. */
export async function* flowBatches(batches: AsyncIterable<JoinEvent[]>): AsyncGenerator<FlowEvent[]> {
  for await (const events of batches) {
    const flow = new Array<FlowEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      flow[i] = event.kind === 'chain' ? { kind: 'chain', item: newItem(event.chain) } : event;
    }
    yield flow;
  }
}

/** A step over batches of flow events. The batch and its chain events are
 *  the pipeline's own (made by `flowBatches`, seen by one stage at a time),
 *  so the step's result replaces the item in place. */
export function stepTransform(step: Step): Transform {
  return new Transform({
    objectMode: true,
    highWaterMark: BATCHES_BUFFERED,
    transform(batch: FlowEvent[], _encoding, callback) {
      try {
        for (let i = 0; i < batch.length; i++) {
          const event = batch[i];
          if (event.kind === 'chain') event.item = step.apply(event.item);
        }
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback(null, batch);
    },
  });
}
