/**
 * `eb50 sort`: sorts an FFGKURS, FORTKURS or INREGFO export into the order
 * the run needs (SPEC §2), with bounded memory (sorted runs on disk, k-way
 * merge), using the same comparator as the sort check and the merge-join.
 * The output format follows the output file's extension.
 */
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { ExternalSorter } from './external-sort.js';
import { UsageError, writing } from './errors.js';
import type { SortOptions } from './options.js';
import { openTableFile, type InputFormat } from './read-table.js';
import { sortSpec } from './sort-check.js';
import type { Row } from './types.js';
import { createTableWriter, type OutputFormat } from './write-table.js';

const INPUT_FORMATS: Record<string, InputFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'json', '.avro': 'avro' };
const OUTPUT_FORMATS: Record<string, OutputFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.avro': 'avro' };

export async function sortTable(opts: SortOptions): Promise<{ rows: number }> {
  const inFormat = INPUT_FORMATS[extname(opts.input).toLowerCase()];
  const outFormat = OUTPUT_FORMATS[extname(opts.output).toLowerCase()];
  if (!inFormat) throw new UsageError(`--input must end in .csv, .ndjson, .jsonl, .json or .avro, got '${opts.input}'`);
  if (!outFormat) throw new UsageError(`--output must end in .csv, .ndjson, .jsonl or .avro, got '${opts.output}'`);

  const reader = await openTableFile(opts.input, opts.table, inFormat, { encoding: opts.encoding });
  const { compare } = sortSpec(opts.table);
  const tmp = await writing(opts.output, () => mkdtemp(join(dirname(opts.output), '.eb50-sort-')));
  try {
    const sorter = new ExternalSorter<Row>({ compare, tmpDir: tmp });
    for await (const { row } of reader.rows()) await writing(`sorted runs in ${tmp}`, () => sorter.add(row));
    // Written beside the target and renamed: a failed sort leaves no half file.
    const partial = join(tmp, 'sorted');
    const writer = createTableWriter(partial, outFormat, reader.columns(), { encoding: opts.encoding, table: opts.table });
    for await (const row of sorter.sorted()) await writer.write(row);
    await writer.close();
    await writing(opts.output, () => rename(partial, opts.output));
    return { rows: writer.rows };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
