/**
 * Delta files (SPEC §7, §9): one row at a time, in the input's CSV dialect,
 * NDJSON or Avro. `write` resolves once the row is buffered and waits for
 * 'drain' when the file stream is full, so a producer that awaits it never
 * outruns the disk (STYLE.md habit 6). Atomic placement is the output
 * directory's job, not this module's.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import avro from 'avsc';
import { OutputError } from './errors.js';
import type { Row } from './types.js';
import type { Encoding } from './readers/source.js';

export type OutputFormat = 'csv' | 'ndjson' | 'avro';

export interface TableWriterOptions {
  /** CSV/NDJSON text encoding: the input's (SPEC §11 "Encodings").
   *  Avro is UTF-8 by its spec. */
  encoding: Encoding;
  /** Table name: the Avro record name, and for messages. */
  table: string;
}

export interface TableWriter {
  /** Rows written so far. */
  readonly rows: number;
  /** Write one row; its values are taken in the writer's column order
   *  (a missing column is ''). */
  write(row: Row): Promise<void>;
  /** Flush and close the file; rejects if anything could not be written. */
  close(): Promise<void>;
}

/** Quote a value only when it holds `;`, `"`, CR or LF, doubling quotes
 *  (SPEC §11 "CSV dialect"). */
export function formatCsvValue(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line without its line end: values quoted as needed, `;`-joined. */
export function formatCsvLine(values: readonly string[]): string {
  return values.map(formatCsvValue).join(';');
}

/** One NDJSON line without its line end: an object with the columns in order. */
export function formatNdjsonLine(columns: readonly string[], row: Row): string {
  return `{${columns.map((c) => `${JSON.stringify(c)}:${JSON.stringify(row[c] ?? '')}`).join(',')}}`;
}

export function createTableWriter(path: string, format: OutputFormat, columns: string[], options: TableWriterOptions): TableWriter {
  switch (format) {
    case 'csv':
      return new TextWriter(path, options, `${formatCsvLine(columns)}\n`, (row) => formatCsvLine(columns.map((c) => row[c] ?? '')));
    case 'ndjson':
      return new TextWriter(path, options, '', (row) => formatNdjsonLine(columns, row));
    case 'avro':
      return new AvroWriter(path, columns, options);
    default:
      throw new Error(`unknown output format ${String(format)}`);
  }
}

const BATCH = 64 * 1024;
/** Characters ISO-8859-1 cannot hold. */
const NOT_LATIN1 = /[^\x00-\xff]/;

function outputError(path: string, err: unknown): OutputError {
  return err instanceof OutputError ? err : new OutputError(`cannot write ${path}: ${(err as Error).message}`);
}

/** CSV and NDJSON: lines batched into ~64 KiB writes. */
class TextWriter implements TableWriter {
  rows = 0;
  private readonly stream: WriteStream;
  private batch = '';
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly options: TableWriterOptions,
    header: string,
    private readonly line: (row: Row) => string,
  ) {
    this.stream = createWriteStream(path);
    // keep the first error for the next write/close (an 'error' without a
    // listener would crash the process)
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
    this.batch = header;
  }

  async write(row: Row): Promise<void> {
    if (this.failure !== undefined) throw outputError(this.path, this.failure);
    const line = this.line(row);
    if (this.options.encoding === 'latin1' && NOT_LATIN1.test(line)) {
      throw new OutputError(`cannot write ${this.path}: a ${this.options.table} value holds a character that ISO-8859-1 cannot encode (row ${this.rows + 1})`);
    }
    this.batch += `${line}\n`;
    this.rows++;
    if (this.batch.length >= BATCH) await this.flush();
  }

  async close(): Promise<void> {
    try {
      if (this.failure !== undefined) throw this.failure;
      await this.flush();
      this.stream.end();
      await finished(this.stream);
    } catch (err) {
      this.stream.destroy();
      throw outputError(this.path, err);
    }
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const bytes = Buffer.from(this.batch, this.options.encoding);
    this.batch = '';
    if (!this.stream.write(bytes)) {
      try {
        await once(this.stream, 'drain'); // rejects on 'error'
      } catch (err) {
        throw outputError(this.path, err);
      }
    }
  }
}

/** Avro object container file: every column ["null","string"]. The sync
 *  marker is derived from table and columns, not random, so that a run
 *  with a fixed --run-date is byte-identical (STYLE.md habit 7). */
class AvroWriter implements TableWriter {
  rows = 0;
  private readonly encoder: avro.streams.BlockEncoder;
  private readonly done: Promise<void>;
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly columns: string[],
    options: TableWriterOptions,
  ) {
    const schema = {
      type: 'record',
      name: options.table,
      fields: columns.map((name) => ({ name, type: ['null', 'string'], default: null })),
    };
    let type: avro.Type;
    try {
      type = avro.Type.forSchema(schema as avro.Schema);
    } catch (err) {
      throw new OutputError(`cannot write ${path}: ${options.table} columns are not valid Avro field names (${(err as Error).message})`);
    }
    const syncMarker = createHash('sha256').update(`eb50\0${options.table}\0${columns.join('\0')}`).digest().subarray(0, 16);
    this.encoder = new avro.streams.BlockEncoder(type, { writeHeader: 'always', syncMarker });
    this.done = pipeline(this.encoder, createWriteStream(path));
    this.done.catch((err: unknown) => {
      this.failure ??= err;
    });
  }

  async write(row: Row): Promise<void> {
    if (this.failure !== undefined) throw outputError(this.path, this.failure);
    const record: Record<string, string | null> = {};
    for (const c of this.columns) record[c] = row[c] ?? '';
    this.rows++;
    if (!this.encoder.write(record)) {
      await Promise.race([once(this.encoder, 'drain'), this.done]).catch((err: unknown) => {
        throw outputError(this.path, err);
      });
    }
  }

  async close(): Promise<void> {
    this.encoder.end();
    try {
      await this.done;
    } catch (err) {
      throw outputError(this.path, err);
    }
  }
}
