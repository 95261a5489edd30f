/**
 * The shrink lock's baseline: the input row counts of the last run into the
 * same --output that passed every safety lock, as its summary.json records
 * them. A run stopped by a lock carries the baseline it compared with
 * forward, so a truncated export cannot become the new normal by being run
 * twice.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Baseline } from '../stages/safety-locks.js';

export interface PreviousRun {
  baseline?: Baseline;
  /** Why an existing summary.json could not be used, if it could not. */
  unreadable?: string;
}

function rowCounts(value: unknown): Record<string, number> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const rows: Record<string, number> = {};
  for (const [table, v] of Object.entries(value)) {
    const n = typeof v === 'number' ? v : (v as { rows?: unknown } | null)?.rows;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return undefined;
    rows[table] = n;
  }
  return rows;
}

/** The baseline a summary.json (parsed) offers the next run. */
export function baselineOf(summary: Record<string, unknown>): Baseline | undefined {
  const carried = summary.baseline as { runDate?: unknown; rows?: unknown } | undefined;
  if (carried !== undefined) {
    const rows = rowCounts(carried?.rows);
    return rows && typeof carried?.runDate === 'string' ? { runDate: carried.runDate, rows } : undefined;
  }
  // A summary.json written before baselines existed: its inputs count when
  // that run passed every lock.
  const passed = summary.exitCode === 0 && Array.isArray(summary.locks) && summary.locks.length === 0;
  const rows = passed ? rowCounts(summary.inputs) : undefined;
  return rows && typeof summary.runDate === 'string' ? { runDate: summary.runDate, rows } : undefined;
}

export async function readPreviousRun(outputDir: string): Promise<PreviousRun> {
  let text: string;
  try {
    text = await readFile(join(outputDir, 'summary.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { unreadable: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return { unreadable: 'not a JSON object' };
    return { baseline: baselineOf(parsed as Record<string, unknown>) };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}

/** The baseline this run hands on: its own row counts when it passed every
 *  lock or the operator overrode them, otherwise the one it compared with. */
export function nextBaseline(
  run: { runDate: string; rows: Record<string, number>; locks: readonly string[]; withoutLocks: boolean },
  previous: Baseline | undefined,
): Baseline | undefined {
  return run.locks.length === 0 || run.withoutLocks ? { runDate: run.runDate, rows: run.rows } : previous;
}
