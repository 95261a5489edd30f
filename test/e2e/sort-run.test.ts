/**
 * `eb50 sort --input DIR --output DIR [--table T]` (issue #5): a shuffled
 * export, once sorted, runs exactly as the sorted one; every format keeps
 * its file name and format; bounded memory (spilled runs) gives the same
 * order; bad input exits 3 with file:line, an unwritable output 4, and
 * neither leaves a half file.
 */
import t from 'tap';
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, eb50, editTable, runEb50, SAMPLE, snapshotDir } from './helpers.js';
import { DEFAULTS, generate, mulberry32 } from '../../bench/generate.js';
import { createExportWriter } from '../../pipeline/export-writer.js';
import { openTableFile, type InputFormat } from '../../pipeline/read-table.js';
import { sortOrder, sortTables, SORTED_TABLES } from '../../pipeline/sort-table.js';
import type { Row, TableName } from '../../pipeline/types.js';

/**
 * A seeded shuffle that keeps rows with equal sort keys in their order: a
 * stable sort keeps equal keys in input order, so it can restore only an
 * order the shuffle did not destroy between equal keys (the sample's
 * duplicate FFGKURS pair, FO rows with a non-integer TERMORDN).
 */
function shuffleKeepingTies<T>(items: T[], compare: (a: T, b: T) => number, seed: number): T[] {
  const rand = mulberry32(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const shuffled = order.map((i) => items[i]);
  // Slots taken by each group of equal items, refilled in original order.
  const groups = new Map<number, number[]>();
  const groupOf = items.map((item, i) => items.findIndex((other, k) => k <= i && compare(other, item) === 0));
  order.forEach((orig, slot) => {
    const g = groupOf[orig];
    groups.set(g, [...(groups.get(g) ?? []), slot]);
  });
  for (const [g, slots] of groups) {
    const members = items.map((_, i) => i).filter((i) => groupOf[i] === g);
    slots.forEach((slot, k) => (shuffled[slot] = items[members[k]]));
  }
  return shuffled;
}

/** Shuffles the data lines of a sample CSV table (no quoted line breaks there). */
async function shuffleTable(input: string, table: 'FFGKURS' | 'FORTKURS' | 'INREGFO', seed: number): Promise<void> {
  const compare = sortOrder(table);
  await editTable(input, table, ([header, ...lines]) => {
    const names = header.split(';');
    const rowOf = (line: string): Row => Object.fromEntries(line.split(';').map((v, i) => [names[i], v.replace(/ +$/, '')]));
    return [header, ...shuffleKeepingTies(lines, (a, b) => compare(rowOf(a), rowOf(b)), seed)];
  });
}

async function rowsOf(path: string, table: TableName, format: InputFormat): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const { row } of (await openTableFile(path, table, format, { encoding: 'utf8' })).rows()) rows.push(row);
  return rows;
}

t.test('sort then run on a shuffled export equals run on the sorted one (seeded shuffles)', async (t) => {
  const dir = t.testdir();
  const reference = join(dir, 'reference');
  t.equal(runEb50(SAMPLE, reference).code, 0);
  const want = await snapshotDir(reference);
  for (const seed of [1, 2, 3]) {
    const input = join(dir, `input${seed}`);
    await cp(SAMPLE, input, { recursive: true });
    for (const table of SORTED_TABLES) await shuffleTable(input, table, seed * 10 + SORTED_TABLES.indexOf(table));
    const ffg = await readFile(join(input, 'FFGKURS.csv'), 'utf8');
    t.not(ffg, await readFile(join(SAMPLE, 'FFGKURS.csv'), 'utf8'), `seed ${seed}: FFGKURS is shuffled`);
    const rejected = runEb50(input, join(dir, `rejected${seed}`));
    t.equal(rejected.code, 3, `seed ${seed}: the shuffled export is rejected`);
    t.match(rejected.stderr, /eb50 sort/);

    const r = eb50(['sort', '--input', input, '--output', input]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /FFGKURS: 37 rows sorted into/);
    for (const table of SORTED_TABLES) {
      t.equal(await readFile(join(input, `${table}.csv`), 'utf8'), await readFile(join(SAMPLE, `${table}.csv`), 'utf8'),
        `seed ${seed}: ${table} sorted back byte for byte`);
    }
    t.same((await readdir(input)).filter((n) => n.startsWith('.')), [], 'no temporary file left');
    const out = join(dir, `out${seed}`);
    t.equal(runEb50(input, out).code, 0);
    t.same(await snapshotDir(out), want, `seed ${seed}: the run equals the run on the sorted export`);
  }
});

t.test('sort into another directory writes only the three tables, same names; --table sorts one', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await shuffleTable(input, 'FORTKURS', 5);
  await shuffleTable(input, 'INREGFO', 5);
  const shuffled = await readFile(join(input, 'FORTKURS.csv'));
  const out = join(dir, 'sorted');
  const one = eb50(['sort', '--input', input, '--output', out, '--table', 'INREGFO']);
  t.equal(one.code, 0, one.stderr);
  t.same(await readdir(out), ['INREGFO.csv'], '--table: that table only');
  const all = eb50(['sort', '--input', input, '--output', out]);
  t.equal(all.code, 0, all.stderr);
  t.same((await readdir(out)).sort(), ['FFGKURS.csv', 'FORTKURS.csv', 'INREGFO.csv']);
  t.equal(await readFile(join(out, 'FORTKURS.csv'), 'utf8'), await readFile(join(SAMPLE, 'FORTKURS.csv'), 'utf8'));
  t.same(await readFile(join(input, 'FORTKURS.csv')), shuffled, 'the input is left as it was');
});

t.test('sort keeps each file\'s format: NDJSON, JSON array and Avro', async (t) => {
  const dir = t.testdir();
  const input = join(dir, 'input');
  await mkdir(input);
  const formats: Record<'FFGKURS' | 'FORTKURS' | 'INREGFO', InputFormat> = { FFGKURS: 'json', FORTKURS: 'avro', INREGFO: 'ndjson' };
  const sorted: Record<string, Row[]> = {};
  for (const table of SORTED_TABLES) {
    const rows = await rowsOf(join(SAMPLE, `${table}.csv`), table, 'csv');
    sorted[table] = rows;
    const columns = Object.keys(rows[0]);
    const writer = createExportWriter(join(input, `${table}.${formats[table]}`), formats[table], columns, { encoding: 'utf8', table });
    for (const row of shuffleKeepingTies(rows, sortOrder(table), 9)) await writer.write(row);
    await writer.close();
  }
  const out = join(dir, 'out');
  const r = eb50(['sort', '--input', input, '--output', out]);
  t.equal(r.code, 0, r.stderr);
  t.same((await readdir(out)).sort(), ['FFGKURS.json', 'FORTKURS.avro', 'INREGFO.ndjson']);
  for (const table of SORTED_TABLES) {
    t.same(await rowsOf(join(out, `${table}.${formats[table]}`), table, formats[table]), sorted[table], `${table}.${formats[table]}`);
  }
  t.match((await readFile(join(out, 'FFGKURS.json'), 'utf8')).slice(0, 2), '[\n', 'a JSON array');
});

t.test('bounded memory: spilled sorted runs merge to the same order', async (t) => {
  const dir = t.testdir();
  const input = join(dir, 'input');
  await generate({ ...DEFAULTS, out: input, chains: 2000, seed: 4, format: 'csv' });
  const original = await readFile(join(input, 'FORTKURS.csv'), 'utf8');
  await shuffleTable(input, 'FORTKURS', 4);
  const sorted = await sortTables({ input, output: input, table: 'FORTKURS', encoding: 'utf8', debug: false }, { maxInMemory: 50 });
  t.ok(sorted[0].rows > 50 * 10, `${sorted[0].rows} rows: more than ten runs of 50`);
  t.equal(await readFile(join(input, 'FORTKURS.csv'), 'utf8'), original);
  t.same((await readdir(input)).filter((n) => n.startsWith('.')), [], 'spilled runs removed');
});

t.test('a non-integer TERMORDN: sorted after the integer ones of its PNR+KURS, and the run accepts the result', async (t) => {
  const compare = sortOrder('FORTKURS');
  const row = (termordn: string): Row => ({ PNR: '1', KURS: 'A', TERMORDN: termordn, TERMIN: '20102' });
  const rows = [row('3'), row('X'), row('2'), row('x'), row('1')];
  t.same([...rows].sort(compare).map((r) => r.TERMORDN), ['1', '2', '3', 'X', 'x'], 'integers in order, the rest after in input order');

  const dir = t.testdir();
  const input = await copySample(dir);
  await editTable(input, 'FORTKURS', ([header, ...lines]) => [header, '0000000000;AAA;3;20102', '0000000000;AAA;X;20102', '0000000000;AAA;2;20102', ...lines]);
  t.equal(eb50(['sort', '--input', input, '--output', input, '--table', 'FORTKURS']).code, 0);
  const lines = (await readFile(join(input, 'FORTKURS.csv'), 'utf8')).split('\n');
  t.same(lines.slice(1, 4), ['0000000000;AAA;2;20102', '0000000000;AAA;3;20102', '0000000000;AAA;X;20102']);
  t.equal(runEb50(input, join(dir, 'out')).code, 0, 'the sort check accepts it');
});

t.test('sort: bad input exits 3 naming file and line, and writes nothing', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await editTable(input, 'FORTKURS', (l) => [...l.slice(0, 4), `${l[4]};"unterminated`, ...l.slice(5)]);
  const out = join(dir, 'out');
  const r = eb50(['sort', '--input', input, '--output', out]);
  t.equal(r.code, 3);
  t.match(r.stderr, /FORTKURS\.csv:5: /);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  t.notOk((await readdir(out)).some((n) => n.startsWith('FORTKURS') || n.startsWith('.')), 'no FORTKURS file, no temporary file');
});

t.test('sort: input errors (exit 3)', async (t) => {
  const dir = t.testdir({ empty: {}, twice: { 'FFGKURS.csv': 'PNR;KURS\n', 'FFGKURS.ndjson': '' } });
  const cases: Array<[string, string[], RegExp]> = [
    ['missing input directory', ['--input', join(dir, 'nope'), '--output', join(dir, 'o1')], /nope: the input directory does not exist/],
    ['no registration table', ['--input', join(dir, 'empty'), '--output', join(dir, 'o2')], /no FFGKURS, FORTKURS or INREGFO export/],
    ['--table names a missing file', ['--input', join(dir, 'empty'), '--output', join(dir, 'o3'), '--table', 'INREGFO'], /INREGFO.*filen saknas/],
    ['two files for one table', ['--input', join(dir, 'twice'), '--output', join(dir, 'o4')], /flera filer/],
  ];
  for (const [name, args, message] of cases) {
    const r = eb50(['sort', ...args]);
    t.equal(r.code, 3, name);
    t.match(r.stderr, message, name);
  }
});

t.test('sort: an output that cannot be written exits 4; another file of the table there too', async (t) => {
  const dir = t.testdir({ file: 'x', out: { 'FFGKURS.ndjson': '' } });
  const r = eb50(['sort', '--input', SAMPLE, '--output', join(dir, 'file', 'sub')]);
  t.equal(r.code, 4);
  t.match(r.stderr, /cannot write .*file\/sub/);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const clash = eb50(['sort', '--input', SAMPLE, '--output', join(dir, 'out')]);
  t.equal(clash.code, 4);
  t.match(clash.stderr, /already holds FFGKURS\.ndjson/);
  t.same(await readdir(join(dir, 'out')), ['FFGKURS.ndjson'], 'nothing written');
});

t.test('sort: usage errors exit 2', async (t) => {
  for (const args of [['sort', '--input', SAMPLE], ['sort', '--input', SAMPLE, '--output', 'x', '--table', 'KURS']]) {
    const r = eb50(args);
    t.equal(r.code, 2, args.join(' '));
  }
});

t.test('shuffleKeepingTies is a permutation that keeps equal items in order', async (t) => {
  const items = [1, 2, 2, 3, 3, 3, 4, 5, 5].map((k, i) => ({ k, i }));
  const got = shuffleKeepingTies(items, (a, b) => a.k - b.k, 1);
  t.same([...got].sort((a, b) => a.i - b.i), items, 'a permutation');
  t.not(got.map((x) => x.i).join(), items.map((x) => x.i).join(), 'not the identity');
  for (const k of [2, 3, 5]) {
    const idx = got.filter((x) => x.k === k).map((x) => x.i);
    t.same(idx, [...idx].sort((a, b) => a - b), `ties of ${k} in order`);
  }
});
