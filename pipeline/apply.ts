/**
 * `eb50 apply --input DIR --delta DIR --output DIR`: does to an export what
 * a loader does to Ladok with an update run's delta (SPEC §7, §9), so that
 * `run → apply → run` can show the second run creates nothing.
 *
 * All eleven tables are written to --output: KTILL2, KTFORT2 and KTILLHST
 * with the delta rows appended, FFGKURS with the rows the delta names by
 * PNR+KURS replaced, the other seven copied byte for byte. Changed tables
 * keep their file name and format (CSV dialect, NDJSON, JSON, Avro) and the
 * run's --encoding, whatever format the delta is in.
 *
 * Streaming: FFGKURS and the delta's FFGKURS are both in PNR, KURS order
 * (the run requires the one and writes the other in processing order), so
 * the replacement is a merge; both orders are checked, not trusted.
 *
 * Atomic: everything is written into a temporary directory inside --output
 * and renamed into place only when every table is complete.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { comparePnrKurs } from './compare.js';
import { InputError, UsageError, writing } from './errors.js';
import { createExportWriter } from './export-writer.js';
import type { ApplyOptions } from './options.js';
import { findTableFile, openTableFile, type TableFile } from './read-table.js';
import { checkSorted, sortSpec } from './sort-check.js';
import { checkNoOtherFile } from './sort-table.js';
import { TABLES, type Row, type SourceRow, type TableName } from './types.js';
import type { TableWriter } from './write-table.js';

const DELTA_TABLES = ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST'] as const;
type DeltaTable = (typeof DELTA_TABLES)[number];

export interface AppliedTable {
  table: TableName;
  /** The file written, inside --output. */
  path: string;
  change: 'copied' | 'appended' | 'replaced';
  /** Rows in the written file ('copied': not counted, 0). */
  rows: number;
  /** Delta rows appended, or FFGKURS rows replaced. */
  deltaRows: number;
}

/** The parts of a run's summary.json that tie a delta to its export. */
interface RunSummary {
  exitCode?: number;
  inputs?: Record<string, { sha256?: string }>;
  outputs?: Record<string, { rows?: number; path?: string; sha256?: string }>;
}

export async function applyDelta(opts: ApplyOptions): Promise<AppliedTable[]> {
  const output = resolve(opts.output);
  if (output === resolve(opts.input) || output === resolve(opts.delta)) {
    // A kill half-way through would leave an export with the delta half
    // applied, and applying it again would append its rows twice.
    throw new UsageError('eb50 apply writes a new export: --output must be another directory than --input and --delta');
  }
  const inputs = new Map<TableName, TableFile>();
  for (const table of TABLES) inputs.set(table, await findTableFile(opts.input, table));
  const deltas = new Map<DeltaTable, TableFile>();
  for (const table of DELTA_TABLES) deltas.set(table, await findDeltaFile(opts.delta, table));
  const summary = await runSummary(opts.delta, deltas);
  if (summary !== undefined) await checkSameExport(summary, inputs, opts.delta);

  await writing(output, () => mkdir(output, { recursive: true }));
  for (const [table, file] of inputs) await checkNoOtherFile(output, table, basename(file.path));
  const tmp = await writing(output, () => mkdtemp(join(output, '.eb50-apply-')));
  try {
    const applied: AppliedTable[] = [];
    for (const [table, file] of inputs) {
      const name = basename(file.path);
      const into = join(tmp, name);
      const path = join(output, name);
      if (table === 'FFGKURS') {
        applied.push({ table, path, change: 'replaced', ...(await replaceRows(file, deltas.get(table)!, into, opts)) });
      } else if (table === 'KTILL2' || table === 'KTFORT2' || table === 'KTILLHST') {
        applied.push({ table, path, change: 'appended', ...(await appendRows(table, file, deltas.get(table)!, into, opts)) });
      } else {
        await writing(into, () => copyFile(file.path, into));
        applied.push({ table, path, change: 'copied', rows: 0, deltaRows: 0 });
      }
    }
    if (summary !== undefined) checkDeltaComplete(summary, applied, deltas);
    for (const { path } of applied) await writing(path, () => rename(join(tmp, basename(path)), path));
    return applied;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A delta file, with errors that say it is the delta's. */
async function findDeltaFile(dir: string, table: DeltaTable): Promise<TableFile> {
  try {
    return await findTableFile(dir, table);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(err.code, join(dir, `${table}.*`), undefined,
      `a delta directory holds KTILL2, KTFORT2, FFGKURS and KTILLHST (the delta/ of an update run): ${err.reason}`);
  }
}

/** Delta rows, with errors naming the file by its path (`out/delta/KTILL2.csv:3`),
 *  so that they are not taken for the input's. */
async function* deltaRows(file: TableFile, table: DeltaTable, opts: ApplyOptions): AsyncGenerator<SourceRow> {
  const reader = await openTableFile(file.path, table, file.format, { encoding: opts.encoding });
  try {
    yield* reader.rows();
  } catch (err) {
    if (err instanceof InputError && err.file === reader.fileName) throw new InputError(err.code, file.path, err.line, err.reason);
    throw err;
  }
}

/**
 * The summary.json beside the delta directory, if there is one: the run
 * that wrote it must have ended with exit 0 and named this directory's
 * files as its outputs (a locked run leaves an older delta/ in place), with
 * their SHA-256 when it gives one (a delta published beside an older
 * summary.json by a run killed between the two renames is refused).
 */
async function runSummary(delta: string, deltas: ReadonlyMap<DeltaTable, TableFile>): Promise<RunSummary | undefined> {
  const path = join(dirname(resolve(delta)), 'summary.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // a delta copied elsewhere: nothing to check it against
  }
  let summary: RunSummary;
  try {
    summary = JSON.parse(text) as RunSummary;
  } catch (err) {
    throw new InputError('PARSE', path, undefined, `the run's summary.json beside the delta cannot be read (${(err as Error).message})`);
  }
  if (summary.exitCode !== 0 || summary.outputs === undefined) {
    throw new InputError('PARSE', path, undefined,
      `the run that wrote this summary.json wrote no delta (exit ${String(summary.exitCode)}); ${delta} is older than it: do not apply it`);
  }
  const dirName = basename(resolve(delta));
  for (const [table, file] of deltas) {
    const named = summary.outputs[table]?.path;
    if (named !== `${dirName}/${basename(file.path)}`) {
      throw new InputError('PARSE', path, undefined,
        `summary.json names ${named ?? 'no file'} as the ${table} delta, not ${dirName}/${basename(file.path)}: ${delta} is not the delta of that run`);
    }
    const want = summary.outputs[table]?.sha256;
    if (want !== undefined && (await sha256(file.path)) !== want) {
      throw new InputError('PARSE', file.path, undefined,
        'is not the file the run wrote (its SHA-256 differs from summary.json beside it): a changed delta, or one from another run');
    }
  }
  return summary;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new InputError('UNREADABLE', basename(path), undefined, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return hash.digest('hex');
}

/** The export must be the one the delta was made from (summary.json `inputs`). */
async function checkSameExport(summary: RunSummary, inputs: ReadonlyMap<TableName, TableFile>, delta: string): Promise<void> {
  for (const [table, file] of inputs) {
    const want = summary.inputs?.[table]?.sha256;
    if (want !== undefined && (await sha256(file.path)) !== want) {
      throw new InputError('PARSE', basename(file.path), undefined,
        `is not the ${table} export the delta ${delta} was made from (its SHA-256 differs from summary.json); apply a delta only to its own export`);
    }
  }
}

/** Every delta file was read whole: as many rows as the run wrote. */
function checkDeltaComplete(summary: RunSummary, applied: AppliedTable[], deltas: ReadonlyMap<DeltaTable, TableFile>): void {
  for (const [table, file] of deltas) {
    const want = summary.outputs?.[table]?.rows;
    const got = applied.find((a) => a.table === table)!.deltaRows;
    if (want !== undefined && want !== got) {
      throw new InputError('PARSE', file.path, undefined, `holds ${got} rows, but summary.json says the run wrote ${want}: the delta is incomplete`);
    }
  }
}

/** A writer made on first use: a reader knows its columns only after the
 *  first row, or at the end of an empty table. */
class LazyWriter {
  private writer: TableWriter | undefined;
  constructor(private readonly make: () => TableWriter) {}
  get(): TableWriter {
    this.writer ??= this.make();
    return this.writer;
  }
}

/** KTILL2, KTFORT2, KTILLHST: the input's rows, then the delta's, in the
 *  input's columns (a delta column the export lacks is left out). */
async function appendRows(
  table: DeltaTable,
  input: TableFile,
  delta: TableFile,
  into: string,
  opts: ApplyOptions,
): Promise<{ rows: number; deltaRows: number }> {
  const reader = await openTableFile(input.path, table, input.format, { encoding: opts.encoding });
  const out = new LazyWriter(() => createExportWriter(into, input.format, reader.columns(), { encoding: opts.encoding, table }));
  for await (const { row } of reader.rows()) await out.get().write(row);
  const writer = out.get();
  const before = writer.rows;
  for await (const { row } of deltaRows(delta, table, opts)) await writer.write(row);
  await writer.close();
  return { rows: writer.rows, deltaRows: writer.rows - before };
}

/** Delta FFGKURS rows: strictly increasing PNR+KURS, as a run writes them. */
async function* strictlySorted(rows: AsyncIterable<SourceRow>, path: string): AsyncGenerator<SourceRow> {
  let prev: Row | undefined;
  for await (const item of rows) {
    if (prev !== undefined && comparePnrKurs(prev, item.row) >= 0) {
      throw new InputError('UNSORTED', path, item.line,
        `PNR '${item.row.PNR}', KURS '${item.row.KURS}' after PNR '${prev.PNR}', KURS '${prev.KURS}': a delta's FFGKURS rows are in PNR, KURS order, each once`);
    }
    prev = item.row;
    yield item;
  }
}

/** The input row with the delta's values for the columns both have. */
function replaced(row: Row, update: Row): Row {
  const out: Row = {};
  for (const c of Object.keys(row)) out[c] = c in update ? update[c] : row[c];
  return out;
}

/** FFGKURS: a merge of the export and the delta by PNR+KURS. */
async function replaceRows(input: TableFile, delta: TableFile, into: string, opts: ApplyOptions): Promise<{ rows: number; deltaRows: number }> {
  const reader = await openTableFile(input.path, 'FFGKURS', input.format, { encoding: opts.encoding });
  const { compare, keyOf } = sortSpec('FFGKURS');
  const updates = strictlySorted(deltaRows(delta, 'FFGKURS', opts), delta.path)[Symbol.asyncIterator]();
  const notInExport = (u: SourceRow) =>
    new InputError('PARSE', delta.path, u.line, `the export has no FFGKURS row with ${keyOf(u.row)}: the delta was not made from this export`);
  const out = new LazyWriter(() => createExportWriter(into, input.format, reader.columns(), { encoding: opts.encoding, table: 'FFGKURS' }));
  let update = await updates.next();
  let lastReplaced: Row | undefined;
  let count = 0;
  for await (const { row, line } of checkSorted(reader.rows(), compare, reader.fileName, keyOf)) {
    if (!update.done && comparePnrKurs(update.value.row, row) < 0) throw notInExport(update.value);
    if (!update.done && comparePnrKurs(update.value.row, row) === 0) {
      await out.get().write(replaced(row, update.value.row));
      lastReplaced = row;
      count++;
      update = await updates.next();
      continue;
    }
    if (lastReplaced !== undefined && comparePnrKurs(lastReplaced, row) === 0) {
      throw new InputError('PARSE', reader.fileName, line,
        `a second FFGKURS row with ${keyOf(row)}, which the delta replaces; a run writes no delta for a duplicated row, so the delta was not made from this export`);
    }
    await out.get().write(row);
  }
  if (!update.done) throw notInExport(update.value);
  const writer = out.get();
  await writer.close();
  return { rows: writer.rows, deltaRows: count };
}
