/**
 * Delta formats (--format csv|ndjson|avro) through the real CLI: every
 * format holds the same rows, read back with the project's own readers and,
 * for Avro, with avsc directly; NDJSON keys are in the SPEC §7 column order;
 * inputs in one format and outputs in another mix freely.
 */
import t from 'tap';
import avro from 'avsc';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, runEb50, SAMPLE } from './helpers.js';
import { openTableFile } from '../../pipeline/read-table.js';
import { tableColumns } from '../../pipeline/columns.js';
import { createTableWriter } from '../../pipeline/write-table.js';
import type { Row } from '../../pipeline/types.js';

const DELTAS = ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST'] as const;
const UPDATE = ['--mode', 'update', '--max-new-share', '100'];

async function ownRows(path: string, table: (typeof DELTAS)[number], format: 'csv' | 'ndjson' | 'avro'): Promise<Row[]> {
  const reader = await openTableFile(path, table, format, { encoding: 'utf8' });
  const rows: Row[] = [];
  for await (const { row } of reader.rows()) rows.push(row);
  return rows;
}

function avscRows(path: string): Promise<{ rows: Row[]; fields: string[] }> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    let fields: string[] = [];
    avro
      .createFileDecoder(path)
      .on('metadata', (type: avro.Type) => (fields = (type as avro.types.RecordType).fields.map((f) => f.name)))
      .on('data', (r: Row) => rows.push({ ...r }))
      .on('end', () => resolve({ rows, fields }))
      .on('error', reject);
  });
}

t.test('csv, ndjson and avro deltas hold the same rows; avsc reads the Avro files directly', async (t) => {
  const dir = t.testdir();
  const byFormat: Record<string, Record<string, Row[]>> = {};
  for (const format of ['csv', 'ndjson', 'avro'] as const) {
    const out = join(dir, format);
    t.equal(runEb50(SAMPLE, out, [...UPDATE, '--format', format]).code, 0, format);
    byFormat[format] = {};
    for (const table of DELTAS) byFormat[format][table] = await ownRows(join(out, 'delta', `${table}.${format}`), table, format);
  }
  for (const table of DELTAS) {
    t.ok(byFormat.csv[table].length > 0, `${table} has rows`);
    t.same(byFormat.ndjson[table], byFormat.csv[table], `${table}: ndjson = csv`);
    t.same(byFormat.avro[table], byFormat.csv[table], `${table}: avro = csv (own reader)`);
    const direct = await avscRows(join(dir, 'avro', 'delta', `${table}.avro`));
    const csvProjected = byFormat.csv[table].map((r) => Object.fromEntries(direct.fields.map((f) => [f, r[f]])));
    t.same(direct.rows, csvProjected, `${table}: avro = csv (avsc directly)`);
    if (table !== 'KTILLHST') t.same(direct.fields, tableColumns(table), `${table}: Avro fields are the schema's columns`);
  }
});

t.test('NDJSON: one object per line, keys in the SPEC §7 column order', async (t) => {
  const out = join(t.testdir(), 'out');
  t.equal(runEb50(SAMPLE, out, [...UPDATE, '--format', 'ndjson']).code, 0);
  for (const table of ['KTILL2', 'KTFORT2', 'FFGKURS'] as const) {
    const lines = (await readFile(join(out, 'delta', `${table}.ndjson`), 'utf8')).trimEnd().split('\n');
    for (const line of lines) t.same(Object.keys(JSON.parse(line)), tableColumns(table), table);
  }
});

t.test('formats mix: an Avro and NDJSON export in, CSV deltas out, equal to the CSV run', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  // Re-write FFGKURS as Avro and KURS as NDJSON with the project's writers.
  for (const [table, format] of [['FFGKURS', 'avro'], ['KURS', 'ndjson']] as const) {
    const rows = await ownRowsAny(join(input, `${table}.csv`), table);
    const w = createTableWriter(join(input, `${table}.${format}`), format, Object.keys(rows[0]), { encoding: 'utf8', table });
    for (const r of rows) await w.write(r);
    await w.close();
    await rm(join(input, `${table}.csv`));
  }
  t.equal(runEb50(input, join(dir, 'mixed'), UPDATE).code, 0);
  t.equal(runEb50(SAMPLE, join(dir, 'plain'), UPDATE).code, 0);
  for (const table of DELTAS) {
    t.equal(await readFile(join(dir, 'mixed', 'delta', `${table}.csv`), 'utf8'), await readFile(join(dir, 'plain', 'delta', `${table}.csv`), 'utf8'), table);
  }
});

async function ownRowsAny(path: string, table: 'FFGKURS' | 'KURS'): Promise<Row[]> {
  const reader = await openTableFile(path, table, 'csv', { encoding: 'utf8' });
  const rows: Row[] = [];
  for await (const { row } of reader.rows()) rows.push(row);
  return rows;
}
