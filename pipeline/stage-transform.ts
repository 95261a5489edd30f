/**
 * The thin adapter between the rule steps (stages/, pure functions over a
 * ChainItem) and node:stream. Each step becomes an object-mode Transform;
 * stream.pipeline() links them, so a slow sink pauses the steps and the
 * steps pause the merge-join (backpressure).
 */
import { Transform } from 'node:stream';
import type { Chain, ChainItem, FoRow } from './types.js';

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

export function stepTransform(step: Step): Transform {
  return new Transform({
    objectMode: true,
    transform(event: FlowEvent, _encoding, callback) {
      try {
        callback(null, event.kind === 'chain' ? { kind: 'chain', item: step.apply(event.item) } : event);
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
