/**
 * `eb50 apply --input DIR --delta DIR --output DIR` (issue #5) through the
 * real CLI: `run → apply → run` creates nothing; rows are appended and
 * replaced as a loader would; changed tables keep their file name, format
 * and encoding whatever the delta's format; a delta that does not belong to
 * the export, or is incomplete, is refused (exit 3) and nothing is written.
 */
import t, { type Test } from 'tap';
import { appendFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, eb50, editTable, runEb50, SAMPLE, snapshotDir } from './helpers.js';
import { createExportWriter } from '../../pipeline/export-writer.js';
import { openTableFile, type InputFormat } from '../../pipeline/read-table.js';
import type { Row, TableName } from '../../pipeline/types.js';

const COPIED = ['FORTKURS', 'INREGFO', 'KTILL3', 'KTFORT3', 'KTILLP', 'KURS', 'TERMIN'] as const;
const APPENDED = ['KTILL2', 'KTFORT2', 'KTILLHST'] as const;
const UPDATE = ['--mode', 'update', '--max-new-share', '100'];

const summaryOf = async (out: string) => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

async function rowsOf(path: string, table: TableName, format: InputFormat, encoding: 'utf8' | 'latin1' = 'utf8'): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const { row } of (await openTableFile(path, table, format, { encoding })).rows()) rows.push(row);
  return rows;
}

/** Rewrites `input/<table>.csv` as `<table>.<format>`. */
async function convert(input: string, table: TableName, format: InputFormat): Promise<void> {
  const rows = await rowsOf(join(input, `${table}.csv`), table, 'csv');
  const header = (await readFile(join(input, `${table}.csv`), 'utf8')).split('\n')[0].split(';');
  const writer = createExportWriter(join(input, `${table}.${format}`), format, header, { encoding: 'utf8', table });
  for (const row of rows) await writer.write(row);
  await writer.close();
  await rm(join(input, `${table}.csv`));
}

/** The second run of `run → apply → run`: nothing is created. */
async function checkNothingNew(t: Test, first: string, second: string): Promise<void> {
  const s1 = await summaryOf(first);
  const s2 = await summaryOf(second);
  t.same([s2.counts.ktill2, s2.counts.ktfort2, s2.counts.ffgkurs, s2.counts.ktillhst], [0, 0, 0, 0], 'the second run creates nothing');
  t.equal(s2.chains.alreadyComplete, s1.chains.alreadyComplete + s1.chains.created + s1.chains.reused,
    'every chain the first run created or reused an offering for is now complete');
  t.same(s2.locks, [], 'no lock: nothing new');
}

t.test('run → apply → run creates nothing; rows appended and replaced as a loader would', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out1 = join(dir, 'out1');
  t.equal(runEb50(input, out1, UPDATE).code, 0);
  const next = join(dir, 'next');
  const r = eb50(['apply', '--input', input, '--delta', join(out1, 'delta'), '--output', next]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /eb50 apply: FFGKURS: 14 rows replaced, 37 in all/);
  t.match(r.stdout, /eb50 apply: KTILL2: 13 rows appended, 70 in all/);
  t.match(r.stdout, /eb50 apply: KURS: copied/);
  t.same((await readdir(next)).sort(), (await readdir(SAMPLE)).filter((n) => n.endsWith('.csv')).sort(), 'the eleven tables, nothing else');

  for (const table of COPIED) t.same(await readFile(join(next, `${table}.csv`)), await readFile(join(input, `${table}.csv`)), `${table} copied byte for byte`);
  for (const table of APPENDED) {
    t.same(await rowsOf(join(next, `${table}.csv`), table, 'csv'),
      [...(await rowsOf(join(input, `${table}.csv`), table, 'csv')), ...(await rowsOf(join(out1, 'delta', `${table}.csv`), table, 'csv'))],
      `${table}: the export's rows, then the delta's`);
  }
  const updates = new Map((await rowsOf(join(out1, 'delta', 'FFGKURS.csv'), 'FFGKURS', 'csv')).map((row) => [`${row.PNR};${row.KURS}`, row]));
  const before = await rowsOf(join(input, 'FFGKURS.csv'), 'FFGKURS', 'csv');
  const after = await rowsOf(join(next, 'FFGKURS.csv'), 'FFGKURS', 'csv');
  t.equal(after.length, before.length, 'FFGKURS keeps its rows');
  t.same(after, before.map((row) => updates.get(`${row.PNR};${row.KURS}`) ?? row), 'FFGKURS rows the delta names are replaced, in place');
  t.equal(after.filter((row) => row.IANV === 'EB50').length, 14);

  const out2 = join(dir, 'out2');
  t.equal(runEb50(next, out2, ['--mode', 'update']).code, 0, 'the updated export passes every lock');
  await checkNothingNew(t, out1, out2);
});

t.test('mixed formats: a CSV export with an Avro delta, and NDJSON/JSON/Avro tables with a CSV delta', async (t) => {
  const dir = t.testdir();
  const csvInput = await copySample(dir);
  const avroOut = join(dir, 'avro-out');
  t.equal(runEb50(csvInput, avroOut, [...UPDATE, '--format', 'avro']).code, 0);
  const next1 = join(dir, 'next1');
  const r1 = eb50(['apply', '--input', csvInput, '--delta', join(avroOut, 'delta'), '--output', next1]);
  t.equal(r1.code, 0, r1.stderr);
  t.ok((await readdir(next1)).every((n) => n.endsWith('.csv')), 'the export stays CSV');
  t.match(await readFile(join(next1, 'KTILL2.csv'), 'utf8'), /\nXSL037;19761;100;DAG;NML;1281;2; _;7\.5;Q0001;/, 'an Avro delta row written as a CSV line');
  const again1 = join(dir, 'again1');
  t.equal(runEb50(next1, again1, ['--mode', 'update']).code, 0);
  await checkNothingNew(t, avroOut, again1);

  const input = join(dir, 'mixed');
  await cp(SAMPLE, input, { recursive: true });
  const formats: Partial<Record<TableName, InputFormat>> = { FFGKURS: 'json', KTILL2: 'ndjson', KTFORT2: 'json', KTILLHST: 'avro', KURS: 'avro' };
  for (const [table, format] of Object.entries(formats)) await convert(input, table as TableName, format);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0);
  const next2 = join(dir, 'next2');
  const r2 = eb50(['apply', '--input', input, '--delta', join(out, 'delta'), '--output', next2]);
  t.equal(r2.code, 0, r2.stderr);
  t.same((await readdir(next2)).sort(), (await readdir(input)).sort(), 'each table keeps its file name and format');
  t.same(await readFile(join(next2, 'KURS.avro')), await readFile(join(input, 'KURS.avro')), 'an unchanged Avro table copied byte for byte');
  t.equal((await rowsOf(join(next2, 'KTILLHST.avro'), 'KTILLHST', 'avro')).length, 6 + 5, 'KTILLHST.avro: 6 rows + 5 appended');
  t.match(await readFile(join(next2, 'FFGKURS.json'), 'utf8'), /^\[\n\{"PNR":/, 'FFGKURS.json is a JSON array');
  const again2 = join(dir, 'again2');
  t.equal(runEb50(next2, again2, ['--mode', 'update']).code, 0);
  await checkNothingNew(t, out, again2);
});

t.test('--encoding latin1: changed tables are written in ISO-8859-1', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await editTable(input, 'FFGKURS', (l) => l.map((line) => (line.startsWith('4510240000;XSL037;') ? line.replace(/;1$/, ';Å') : line)));
  for (const name of await readdir(input)) await writeFile(join(input, name), Buffer.from(await readFile(join(input, name), 'utf8'), 'latin1'));
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, [...UPDATE, '--encoding', 'latin1', '--format', 'avro']).code, 0);
  const next = join(dir, 'next');
  const r = eb50(['apply', '--input', input, '--delta', join(out, 'delta'), '--output', next, '--encoding', 'latin1']);
  t.equal(r.code, 0, r.stderr);
  t.ok((await readFile(join(next, 'FFGKURS.csv'))).includes(Buffer.from(';EB50;\u00c5\n', 'latin1')), 'Å from the UTF-8 Avro delta written as one latin1 byte');
  const again = join(dir, 'again');
  t.equal(runEb50(next, again, ['--mode', 'update', '--encoding', 'latin1']).code, 0);
  await checkNothingNew(t, out, again);
});

t.test('the preview/ of an inspection run can be applied (a simulation of the next night)', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'out');
  t.equal(runEb50(SAMPLE, out).code, 0);
  const next = join(dir, 'next');
  const r = eb50(['apply', '--input', SAMPLE, '--delta', join(out, 'preview'), '--output', next]);
  t.equal(r.code, 0, r.stderr);
  const again = join(dir, 'again');
  t.equal(runEb50(next, again).code, 0);
  await checkNothingNew(t, out, again);
});

/** An export, an update run on it, and an output directory with an earlier apply in it. */
async function setup(t: Test) {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0);
  const next = join(dir, 'next');
  t.equal(eb50(['apply', '--input', input, '--delta', join(out, 'delta'), '--output', next]).code, 0);
  const before = await snapshotDir(next);
  /** The delta copied away from its summary.json. */
  const loose = async () => {
    const d = join(dir, 'loose');
    await cp(join(out, 'delta'), d, { recursive: true });
    return d;
  };
  return { dir, input, out, next, before, loose };
}

/** Refused with exit 3, the message, no stack trace, and --output as it was. */
async function refused(t: Test, s: Awaited<ReturnType<typeof setup>>, args: string[], message: RegExp): Promise<void> {
  const r = eb50(['apply', ...args, '--output', s.next]);
  t.equal(r.code, 3, r.stderr);
  t.match(r.stderr, message);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  t.same(await snapshotDir(s.next), s.before, '--output untouched, no temporary file');
}

t.test('refused: a delta directory without the four files', async (t) => {
  const s = await setup(t);
  const d = await s.loose();
  await rm(join(d, 'KTILLHST.csv'));
  await refused(t, s, ['--input', s.input, '--delta', d], /loose\/KTILLHST\.\*: a delta directory holds KTILL2, KTFORT2, FFGKURS and KTILLHST/);
});

t.test('refused: a delta FFGKURS row the export does not have (the last one, after everything was written)', async (t) => {
  const s = await setup(t);
  const d = await s.loose();
  await appendFile(join(d, 'FFGKURS.csv'), '9999999999;ZZZ999;; _;20121;100;DAG;NML;1281;2; _;2015-02-23;104150;EB50;1\n');
  await refused(t, s, ['--input', s.input, '--delta', d], /loose\/FFGKURS\.csv:16: the export has no FFGKURS row with PNR '9999999999', KURS 'ZZZ999'/);
});

t.test('refused: delta FFGKURS rows out of order', async (t) => {
  const s = await setup(t);
  const d = await s.loose();
  const lines = (await readFile(join(d, 'FFGKURS.csv'), 'utf8')).split('\n');
  [lines[1], lines[2]] = [lines[2], lines[1]];
  await writeFile(join(d, 'FFGKURS.csv'), lines.join('\n'));
  await refused(t, s, ['--input', s.input, '--delta', d], /FFGKURS\.csv:3: .*in PNR, KURS order, each once/);
});

t.test('refused: an unsorted export', async (t) => {
  const s = await setup(t);
  const d = await s.loose();
  await editTable(s.input, 'FFGKURS', ([h, a, b, ...rest]) => [h, b, a, ...rest]);
  await refused(t, s, ['--input', s.input, '--delta', d], /FFGKURS\.csv:3: out of sort order.*eb50 sort/);
});

t.test('refused: an export with two rows of a PNR+KURS the delta replaces', async (t) => {
  const s = await setup(t);
  const d = await s.loose();
  await editTable(s.input, 'FFGKURS', (l) => l.flatMap((line) => (line.startsWith('4510240000;XSL037;') ? [line, line] : [line])));
  await refused(t, s, ['--input', s.input, '--delta', d], /FFGKURS\.csv:5: a second FFGKURS row with PNR '4510240000', KURS 'XSL037'/);
});

t.test('refused: an export that is not the one the delta was made from (summary.json inputs)', async (t) => {
  const s = await setup(t);
  await editTable(s.input, 'KURS', (l) => [...l, '9ZZ999;Ny kurs;7.5']);
  await refused(t, s, ['--input', s.input, '--delta', join(s.out, 'delta')], /KURS\.csv: is not the KURS export the delta .* was made from/);
});

t.test('refused: the delta/ beside the summary.json of a locked run', async (t) => {
  const s = await setup(t);
  t.equal(runEb50(s.input, s.out, ['--mode', 'update']).code, 3, 'a locked run: the older delta/ stays');
  await refused(t, s, ['--input', s.input, '--delta', join(s.out, 'delta')], /summary\.json: the run that wrote this summary\.json wrote no delta \(exit 3\)/);
});

t.test('refused: an older delta/ beside a later inspection run\'s summary.json', async (t) => {
  const s = await setup(t);
  t.equal(runEb50(s.input, s.out).code, 0, 'an inspection run after the update run');
  await refused(t, s, ['--input', s.input, '--delta', join(s.out, 'delta')], /summary\.json names preview\/KTILL2\.csv as the KTILL2 delta, not delta\/KTILL2\.csv/);
});

t.test('refused: a delta file cut short', async (t) => {
  const s = await setup(t);
  await editTable(join(s.out, 'delta'), 'KTILL2', (l) => l.slice(0, -1));
  await refused(t, s, ['--input', s.input, '--delta', join(s.out, 'delta')], /delta\/KTILL2\.csv: (is not the file the run wrote|holds 12 rows, but summary\.json says the run wrote 13)/);
});

t.test('usage and output errors', async (t) => {
  const s = await setup(t);
  const same = eb50(['apply', '--input', s.input, '--delta', join(s.out, 'delta'), '--output', s.input]);
  t.equal(same.code, 2);
  t.match(same.stderr, /--output must be another directory than --input and --delta/);
  await writeFile(join(s.dir, 'file'), 'x');
  const unwritable = eb50(['apply', '--input', s.input, '--delta', join(s.out, 'delta'), '--output', join(s.dir, 'file', 'sub')]);
  t.equal(unwritable.code, 4);
  t.notMatch(unwritable.stderr, /\n\s+at /);
  const clash = join(s.dir, 'clash');
  await mkdir(clash);
  await writeFile(join(clash, 'KURS.json'), '[]');
  const r = eb50(['apply', '--input', s.input, '--delta', join(s.out, 'delta'), '--output', clash]);
  t.equal(r.code, 4);
  t.match(r.stderr, /already holds KURS\.json/);
  t.same(await readdir(clash), ['KURS.json'], 'nothing written');
});
