/**
 * The package's API for a Node loader pipeline that embeds eb50 instead of
 * spawning it: `run()` with the CLI's defaults, and the building blocks
 * (readers, sort check, merge-join, writers) for tools of its own.
 * `import { run } from 'eb50'`.
 */
import { run as runWith, type RunHooks, type RunResult } from './run.js';
import { runOptions, type RunInput } from './options.js';
import { Progress } from './progress.js';

/** One EB50 run, as `eb50 run` does it: the result's exitCode is 0 or 3 (a
 *  safety lock stopped an update run); other failures throw an Eb50Error
 *  whose exit code `exitCodeOf()` gives. */
export async function run(options: RunInput, hooks: RunHooks = {}): Promise<RunResult> {
  // An embedding program owns its terminal: no progress line unless asked.
  return runWith(runOptions(options), { progress: Progress.silent, ...hooks });
}

export type { RunHooks, RunResult } from './run.js';
export type { Encoding, LogFormat, Mode, OutputFormat, RunInput, RunOptions } from './options.js';
export type { EventListener, RunEvent } from './log.js';
export { Progress } from './progress.js';
export type { Summary, Output } from '../stages/sinks/summary.js';
export { Eb50Error, InputError, OutputError, UsageError, exitCodeOf } from './errors.js';
export { findTableFile, openTable, openTableFile, type InputFormat, type TableFile, type TableReader } from './read-table.js';
export { checkSorted, sortSpec } from './sort-check.js';
export { mergeChains } from './merge-chains.js';
export { createTableWriter, type TableWriter } from './write-table.js';
export { tableColumns } from './columns.js';
export { TABLES, type Chain, type JoinEvent, type Row, type SourceRow, type TableName } from './types.js';
