/**
 * Input tables (SPEC §2): find `<TABLE>.<ext>` in the input directory and
 * read it as an async iterable of rows with their positions. Readers pull
 * from the file as the consumer pulls rows, so memory does not grow with a
 * table's length (SPEC §10).
 */
import { open, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { requiredColumns, tableColumns } from './columns.js';
import { InputError } from './errors.js';
import type { SourceRow, TableName } from './types.js';
import { readAvroBatches } from './readers/avro.js';
import { readCsvBatches } from './readers/csv.js';
import { readJsonBatches } from './readers/json.js';
import { readNdjsonBatches } from './readers/ndjson.js';
import { unbatched, type ReaderContext } from './readers/row.js';
import { decodeText, readChunks, unreadable, type Encoding } from './readers/source.js';

export type InputFormat = 'csv' | 'ndjson' | 'json' | 'avro';

const EXTENSIONS: Record<string, InputFormat> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.avro': 'avro',
};

export interface TableFile {
  path: string;
  format: InputFormat;
}

/** The one file of `table` in `dir`: `<TABLE>.csv|.ndjson|.jsonl|.json|.avro`,
 *  the table name exactly in upper case. */
export async function findTableFile(dir: string, table: TableName): Promise<TableFile> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError('MISSING_FILE', `${table}.*`, undefined, `EB50 kan inte läsa ${table} från exporten: katalogen saknas (${dir})`);
    }
    throw new InputError('UNREADABLE', `${table}.*`, undefined, `EB50 kan inte läsa ${table} från exporten: katalogen går inte att läsa (${code ?? (err as Error).message}, ${dir})`);
  }
  const found = names.filter((n) => n.slice(0, -extname(n).length) === table && EXTENSIONS[extname(n)] !== undefined).sort();
  if (found.length === 0) {
    const nearly = names.filter((n) => n.toUpperCase().startsWith(`${table}.`));
    const hint = nearly.length > 0 ? `; ${nearly.join(', ')} finns men tabellnamnet ska vara ${table} med versaler och ändelsen .csv, .ndjson, .jsonl, .json eller .avro` : '';
    throw new InputError('MISSING_FILE', `${table}.*`, undefined, `EB50 kan inte läsa ${table} från exporten: filen saknas (${dir})${hint}`);
  }
  if (found.length > 1) {
    throw new InputError('PARSE', `${table}.*`, undefined, `EB50 kan inte läsa ${table} från exporten: flera filer (${found.join(', ')}), ta bort alla utom en`);
  }
  return { path: join(dir, found[0]), format: EXTENSIONS[extname(found[0])] };
}

export interface OpenOptions {
  /** Text encoding of CSV/NDJSON/JSON (SPEC §2). Avro is always UTF-8. */
  encoding: Encoding;
  /** Read chunk size in bytes. For tests (re-chunking at 1 and 7 bytes);
   *  default READ_CHUNK (8 KiB, pipeline/readers/source.ts). */
  highWaterMark?: number;
  /** Longest CSV record / NDJSON line, in characters; default 1 MiB. */
  maxRecordSize?: number;
}

export interface TableReader {
  table: TableName;
  path: string;
  /** The file's base name, as errors name it (`FFGKURS.csv`). */
  fileName: string;
  format: InputFormat;
  /** The input's column names, upper case, in its order: the CSV header,
   *  the keys of the first JSON object (the schema's columns when there is
   *  none), the Avro writer schema's fields. Valid once the first row was
   *  pulled or the iteration ended. */
  columns(): string[];
  /** The rows, pulled from the file. Single use (rows() or batches()). */
  rows(): AsyncIterable<SourceRow>;
  /** The same rows in file order, as arrays (one per read chunk, Avro
   *  block or JSON text chunk): the hot path loops over a batch without an
   *  await per row. Single use (rows() or batches()). */
  batches(): AsyncIterable<SourceRow[]>;
}

/** Find and open `table` in `dir`. Checks that the file can be read now;
 *  columns and contents are checked as rows are pulled. */
export async function openTable(dir: string, table: TableName, options: OpenOptions): Promise<TableReader> {
  const { path, format } = await findTableFile(dir, table);
  return openTableFile(path, table, format, options);
}

/** Open a given file as `table` (e.g. for `eb50 sort`). */
export async function openTableFile(path: string, table: TableName, format: InputFormat, options: OpenOptions): Promise<TableReader> {
  const fileName = basename(path);
  await checkReadable(path, { fileName, table });
  let columns: string[] | undefined;
  let used = false;
  const ctx: ReaderContext = {
    fileName,
    table,
    required: requiredColumns(table),
    schemaColumns: tableColumns(table),
    setColumns: (c) => {
      columns = c;
    },
    maxRecordSize: options.maxRecordSize ?? 1 << 20,
  };
  const chunks = (): AsyncIterable<Buffer> => readChunks(path, ctx, options.highWaterMark);
  const texts = (): AsyncIterable<string> => decodeText(chunks(), options.encoding);
  const batches = (): AsyncIterable<SourceRow[]> => {
    if (used) throw new Error(`${fileName}: rows() can be iterated once`);
    used = true;
    switch (format) {
      case 'csv':
        return readCsvBatches(texts(), ctx);
      case 'ndjson':
        return readNdjsonBatches(texts(), ctx);
      case 'json':
        return readJsonBatches(texts, ctx);
      case 'avro':
        return readAvroBatches(chunks(), ctx);
    }
  };
  return {
    table,
    path,
    fileName,
    format,
    columns() {
      if (columns === undefined) throw new Error(`${fileName}: columns() before the first row was read`);
      return columns;
    },
    rows: () => unbatched(batches()),
    batches,
  };
}

/** Open and close the file: a missing, unreadable or non-regular file is
 *  reported when the table is opened, before any row is read. */
async function checkReadable(path: string, ctx: { fileName: string; table: string }): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: stat.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unreadable(err, ctx);
  }
}
