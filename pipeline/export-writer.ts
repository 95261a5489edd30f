/**
 * Writes a table in any input format (SPEC §2), for `eb50 sort` and
 * `eb50 apply`, which write exports rather than deltas: CSV, NDJSON and Avro
 * through the delta writers (pipeline/write-table.ts), a JSON array here.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { OutputError } from './errors.js';
import type { InputFormat } from './read-table.js';
import type { Row } from './types.js';
import { createTableWriter, formatNdjsonLine, type TableWriter, type TableWriterOptions } from './write-table.js';

export function createExportWriter(path: string, format: InputFormat, columns: string[], options: TableWriterOptions): TableWriter {
  return format === 'json' ? new JsonArrayWriter(path, columns, options) : createTableWriter(path, format, columns, options);
}

const BATCH = 64 * 1024;
const NOT_LATIN1 = /[^\x00-\xff]/;

/** `[`, one object per line (the NDJSON line), `,` between, `]`. */
class JsonArrayWriter implements TableWriter {
  rows = 0;
  private readonly stream: WriteStream;
  private batch = '[';
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly columns: string[],
    private readonly options: TableWriterOptions,
  ) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  async write(row: Row): Promise<void> {
    if (this.failure !== undefined) throw this.error(this.failure);
    const line = formatNdjsonLine(this.columns, row);
    if (this.options.encoding === 'latin1' && NOT_LATIN1.test(line)) {
      throw new OutputError(`cannot write ${this.path}: a ${this.options.table} value holds a character that ISO-8859-1 cannot encode (row ${this.rows + 1})`);
    }
    this.batch += `${this.rows === 0 ? '' : ','}\n${line}`;
    this.rows++;
    if (this.batch.length >= BATCH) await this.flush();
  }

  async close(): Promise<void> {
    try {
      if (this.failure !== undefined) throw this.failure;
      this.batch += '\n]\n';
      await this.flush();
      this.stream.end();
      await finished(this.stream);
    } catch (err) {
      this.stream.destroy();
      throw this.error(err);
    }
  }

  private error(err: unknown): OutputError {
    return err instanceof OutputError ? err : new OutputError(`cannot write ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  private async flush(): Promise<void> {
    const bytes = Buffer.from(this.batch, this.options.encoding);
    this.batch = '';
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }
}
