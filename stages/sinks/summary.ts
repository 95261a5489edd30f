/**
 * summary.json (SPEC §8): the run as data. The key order is SPEC §8's
 * example, whatever order the caller's objects have, so two runs with the
 * same --run-date are byte-identical.
 */
import { TABLES } from '../../pipeline/types.js';
import type { Baseline } from '../safety-locks.js';
import { COUNT_KEYS, type Counts, type Mode } from './report-text.js';

export interface ChainCounts {
  read: number;
  withContinuation: number;
  alreadyComplete: number;
  reused: number;
  created: number;
}

export interface SummaryInput {
  mode: Mode;
  leadingChar: string;
  runDate: string;
  counts: Counts;
  chains: ChainCounts;
  termsNotCompleted: number;
  /** The tripped safety locks, as the sentences of the result list. */
  locks: readonly string[];
  /** --without-locks: the locks above were reported, not enforced. */
  withoutLocks: boolean;
  inputs: Record<string, { rows: number; sha256: string }>;
  /** What the next run's shrink lock compares with (omitted on a first run
   *  stopped by a lock: there is nothing to compare with yet). */
  baseline?: Baseline;
  /** Omitted when undefined (a locked run publishes no deltas). */
  outputs?: Record<string, Output>;
  exitCode: number;
}

/** A delta file as a loader checks it: where, how many rows, which bytes. */
export interface Output {
  rows: number;
  path: string;
  sha256: string;
}

/** A type alias, not an interface, so that it is assignable to
 *  Record<string, unknown> (implicit index signature). */
export type Summary = {
  mode: Mode;
  leadingChar: string;
  runDate: string;
  counts: Counts;
  chains: ChainCounts;
  termsNotCompleted: number;
  locks: string[];
  withoutLocks: boolean;
  inputs: Record<string, { rows: number; sha256: string }>;
  baseline?: Baseline;
  outputs?: Record<string, Output>;
  exitCode: number;
};

const CHAIN_KEYS = ['read', 'withContinuation', 'alreadyComplete', 'reused', 'created'] as const;
/** SPEC §9 lists the delta files in this order. */
const DELTA_ORDER = ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST'];

function count(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Table names in a fixed order: `known` first, in that order, then any
 *  others by UTF-16 code units. */
function tableOrder(names: string[], known: readonly string[]): string[] {
  const rank = (n: string): number => {
    const i = known.indexOf(n);
    return i < 0 ? known.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The summary.json object, keys exactly as SPEC §8's example, in order. */
export function buildSummary(input: SummaryInput): Summary {
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, count(`counts.${k}`, input.counts[k])])) as Counts;
  const chains = Object.fromEntries(CHAIN_KEYS.map((k) => [k, count(`chains.${k}`, input.chains[k])])) as unknown as ChainCounts;
  const inputs: Summary['inputs'] = {};
  for (const t of tableOrder(Object.keys(input.inputs), TABLES)) {
    inputs[t] = { rows: count(`inputs.${t}.rows`, input.inputs[t].rows), sha256: input.inputs[t].sha256 };
  }
  let outputs: Summary['outputs'];
  if (input.outputs !== undefined) {
    outputs = {};
    for (const t of tableOrder(Object.keys(input.outputs), DELTA_ORDER)) {
      const { rows, path, sha256 } = input.outputs[t];
      outputs[t] = { rows: count(`outputs.${t}.rows`, rows), path, sha256 };
    }
  }
  return {
    mode: input.mode,
    leadingChar: input.leadingChar,
    runDate: input.runDate,
    counts,
    chains,
    termsNotCompleted: count('termsNotCompleted', input.termsNotCompleted),
    locks: [...input.locks],
    withoutLocks: input.withoutLocks,
    inputs,
    ...(input.baseline === undefined ? {} : { baseline: input.baseline }),
    ...(outputs === undefined ? {} : { outputs }),
    exitCode: input.exitCode,
  };
}

/** summary.json text: 2-space indented JSON and a final LF. */
export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
