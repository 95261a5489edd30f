/**
 * `eb50 sort --input DIR --output DIR [--table T]`: sorts the FFGKURS,
 * FORTKURS and INREGFO exports of a directory into the order the run needs
 * (SPEC §2), with bounded memory (sorted runs on disk, k-way merge), using
 * the comparator of the sort check and the merge-join. Each table keeps its
 * file name and format; each is written under a temporary name and renamed
 * into place, so a failed sort leaves no half file (and --output may be
 * --input: the files are then sorted in place, one at a time).
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseIntStrict } from './compare.js';
import { ExternalSorter } from './external-sort.js';
import { createExportWriter } from './export-writer.js';
import { InputError, OutputError, writing } from './errors.js';
import type { SortOptions } from './options.js';
import { findTableFile, openTableFile, type TableFile } from './read-table.js';
import { sortSpec, type SortedTable } from './sort-check.js';
import type { Row, TableName } from './types.js';

export const SORTED_TABLES: readonly SortedTable[] = ['FFGKURS', 'FORTKURS', 'INREGFO'];

export interface SortedFile {
  table: SortedTable;
  /** The file written, inside --output. */
  path: string;
  rows: number;
}

/**
 * The sort check's comparator made a total order: `compareFo` calls a
 * non-integer TERMORDN equal to every TERMORDN of its PNR+KURS (SPEC §11),
 * which no sort algorithm can rely on. Such rows go after the integer ones
 * of their PNR+KURS; any order the check accepts would do.
 */
export function sortOrder(table: SortedTable): (a: Row, b: Row) => number {
  const { compare } = sortSpec(table);
  if (table === 'FFGKURS') return compare;
  const rank = (r: Row) => (parseIntStrict(r.TERMORDN) === undefined ? 1 : 0);
  return (a, b) => compare(a, b) || rank(a) - rank(b);
}

/** An input directory that is not there is an input error, not "no tables". */
async function checkInputDir(dir: string): Promise<void> {
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new InputError('MISSING_FILE', dir, undefined, 'the input directory does not exist');
}

/** A file of the same table under another extension in --output would make
 *  the export ambiguous (the run rejects two files for one table). */
export async function checkNoOtherFile(outputDir: string, table: TableName, name: string): Promise<void> {
  const names = await readdir(outputDir).catch(() => [] as string[]);
  const other = names.find((n) => n !== name && n.slice(0, -extname(n).length) === table && /^\.(csv|ndjson|jsonl|json|avro)$/.test(extname(n)));
  if (other !== undefined) {
    throw new OutputError(`cannot write ${join(outputDir, name)}: ${outputDir} already holds ${other}, and an export has one file per table; remove it first`);
  }
}

/** The tables to sort: the one --table names (it must be there), else
 *  every registration table found in --input (at least one). */
async function tablesToSort(opts: SortOptions): Promise<Array<[SortedTable, TableFile]>> {
  await checkInputDir(opts.input);
  if (opts.table !== undefined) return [[opts.table, await findTableFile(opts.input, opts.table)]];
  const found: Array<[SortedTable, TableFile]> = [];
  for (const table of SORTED_TABLES) {
    try {
      found.push([table, await findTableFile(opts.input, table)]);
    } catch (err) {
      if (!(err instanceof InputError && err.code === 'MISSING_FILE')) throw err;
    }
  }
  if (found.length === 0) {
    throw new InputError('MISSING_FILE', opts.input, undefined, 'no FFGKURS, FORTKURS or INREGFO export (.csv, .ndjson, .jsonl, .json, .avro) to sort');
  }
  return found;
}

/** Memory bound of the external sort (tests make it small to force spills). */
export interface SortTuning {
  /** Rows held in memory before a sorted run is spilled; default 100 000. */
  maxInMemory?: number;
}

export async function sortTables(opts: SortOptions, tuning: SortTuning = {}): Promise<SortedFile[]> {
  const tables = await tablesToSort(opts);
  await writing(opts.output, () => mkdir(opts.output, { recursive: true }));
  for (const [table, file] of tables) await checkNoOtherFile(opts.output, table, basename(file.path));
  const sorted: SortedFile[] = [];
  for (const [table, file] of tables) sorted.push(await sortFile(table, file, opts, tuning));
  return sorted;
}

async function sortFile(table: SortedTable, file: TableFile, opts: SortOptions, tuning: SortTuning): Promise<SortedFile> {
  const target = join(opts.output, basename(file.path));
  const reader = await openTableFile(file.path, table, file.format, { encoding: opts.encoding });
  const tmp = await writing(opts.output, () => mkdtemp(join(opts.output, '.eb50-sort-')));
  try {
    const sorter = new ExternalSorter<Row>({ compare: sortOrder(table), tmpDir: tmp, maxInMemory: tuning.maxInMemory });
    for await (const { row } of reader.rows()) await writing(`sorted runs in ${tmp}`, () => sorter.add(row));
    const partial = join(tmp, basename(file.path));
    const writer = createExportWriter(partial, file.format, reader.columns(), { encoding: opts.encoding, table });
    for await (const row of sorter.sorted()) await writer.write(row);
    await writer.close();
    await writing(target, () => rename(partial, target));
    return { table, path: target, rows: writer.rows };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
