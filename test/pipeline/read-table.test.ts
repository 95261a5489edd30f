import t from 'tap';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot, requiredColumns, tableColumns, tableSchema } from '../../pipeline/columns.js';
import { findTableFile, openTable, openTableFile } from '../../pipeline/read-table.js';
import { TABLES } from '../../pipeline/types.js';
import { CHUNK_SIZES, collect, rejectsInput } from '../fixtures/readers/helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'readers', 'formats');

const EXPECTED = [
  { PNR: '4003120000', KURS: 'XSH221', TERMORDN: '1', TERMIN: '19762', ANM: '' },
  { PNR: '4003120000', KURS: 'XSH221', TERMORDN: '2', TERMIN: '19771', ANM: 'rad; med "citat"' },
  { PNR: '4003120000', KURS: 'XSH221', TERMORDN: '3', TERMIN: '19772', ANM: 'två\nrader' },
  { PNR: '4105040000', KURS: ' _', TERMORDN: '1', TERMIN: '19802', ANM: 'Åsa' },
];

t.test('columns: schema order, required columns, one load per table', async (t) => {
  t.same(tableColumns('KTILL2'), [
    'KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'FFGPOANG', 'KOD',
    'STARTV', 'SLUTV', 'LOK1', 'LOK2', 'PLANTAL', 'ANTALORD', 'ANTALRES', 'VALUTA', 'KONVERT', 'AVGFRI',
  ], 'KTILL2 in the column order of SPEC §7');
  t.same(tableColumns('KTFORT2').slice(8, 12), ['TERMORDN', 'FORPOANG', 'KOD', 'TERMIN']);
  t.same(requiredColumns('FORTKURS'), ['PNR', 'KURS', 'TERMORDN', 'TERMIN']);
  t.notOk(requiredColumns('KTILL2').includes('PLANTAL'), 'PLANTAL is not required');
  t.equal(tableSchema('KURS'), tableSchema('KURS'), 'cached');
  for (const table of TABLES) t.ok(requiredColumns(table).length > 0, `${table} has required columns`);
  t.ok(readFileSync(join(projectRoot(), 'package.json'), 'utf8').includes('"name": "eb50"'), 'the project root');
});

t.test('the same export reads the same in every format', async (t) => {
  for (const [dir, encoding, format] of [['csv', 'utf8', 'csv'], ['latin1', 'latin1', 'csv'], ['ndjson', 'utf8', 'ndjson'], ['json', 'utf8', 'json'], ['avro', 'latin1', 'avro']] as const) {
    const reader = await openTable(join(FIXTURES, dir), 'FORTKURS', { encoding });
    t.equal(reader.format, format);
    t.equal(reader.table, 'FORTKURS');
    const rows = await collect(reader.rows());
    t.same(rows.map((r) => r.row), EXPECTED, `${dir} (Avro is UTF-8 whatever --encoding says)`);
    t.same(reader.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN', 'ANM'], `${dir}: columns`);
  }
  const csv = await openTable(join(FIXTURES, 'csv'), 'FORTKURS', { encoding: 'utf8' });
  t.same((await collect(csv.rows())).map((r) => r.line), [2, 3, 4, 6], 'CSV lines are physical');
});

t.test('every format gives identical rows at 1-byte, 7-byte and 64 KiB reads', async (t) => {
  for (const dir of ['csv', 'ndjson', 'json', 'avro']) {
    const results = [];
    for (const highWaterMark of CHUNK_SIZES) {
      const reader = await openTable(join(FIXTURES, dir), 'FORTKURS', { encoding: 'utf8', highWaterMark });
      results.push(await collect(reader.rows()));
    }
    t.same(results[0], results[2], `${dir}: 1 byte`);
    t.same(results[1], results[2], `${dir}: 7 bytes`);
  }
});

t.test('columns() before reading, rows() twice', async (t) => {
  const reader = await openTable(join(FIXTURES, 'csv'), 'FORTKURS', { encoding: 'utf8' });
  t.throws(() => reader.columns(), /before the first row/);
  const it = reader.rows()[Symbol.asyncIterator]();
  await it.next();
  t.same(reader.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN', 'ANM'], 'valid after the first row');
  t.throws(() => reader.rows(), /once/);
  await it.return?.(undefined);
});

t.test('findTableFile: every extension, upper-case name only', async (t) => {
  const dir = t.testdir({ 'FFGKURS.csv': '', 'FORTKURS.jsonl': '', 'INREGFO.ndjson': '', 'KTILL2.json': '', 'KTFORT2.avro': '', 'KURS.txt': '', 'termin.csv': '' });
  t.same(await findTableFile(dir, 'FFGKURS'), { path: join(dir, 'FFGKURS.csv'), format: 'csv' });
  t.same(await findTableFile(dir, 'FORTKURS'), { path: join(dir, 'FORTKURS.jsonl'), format: 'ndjson' });
  t.same(await findTableFile(dir, 'INREGFO'), { path: join(dir, 'INREGFO.ndjson'), format: 'ndjson' });
  t.same(await findTableFile(dir, 'KTILL2'), { path: join(dir, 'KTILL2.json'), format: 'json' });
  t.same(await findTableFile(dir, 'KTFORT2'), { path: join(dir, 'KTFORT2.avro'), format: 'avro' });
  await rejectsInput(t, findTableFile(dir, 'KURS'), { code: 'MISSING_FILE', file: 'KURS.*', line: undefined, reason: `EB50 kan inte läsa KURS från exporten: filen saknas (${dir})` });
  await rejectsInput(t, findTableFile(dir, 'TERMIN'), { code: 'MISSING_FILE', file: 'TERMIN.*', line: undefined, reason: 'termin.csv finns men tabellnamnet ska vara TERMIN med versaler' });
  await rejectsInput(t, findTableFile(dir, 'KTILL3'), { code: 'MISSING_FILE', file: 'KTILL3.*', line: undefined, reason: 'filen saknas' });
});

t.test('findTableFile: two files for one table', async (t) => {
  const dir = t.testdir({ 'KURS.csv': '', 'KURS.json': '' });
  await rejectsInput(t, findTableFile(dir, 'KURS'), { code: 'PARSE', file: 'KURS.*', line: undefined, reason: 'flera filer (KURS.csv, KURS.json)' });
});

t.test('findTableFile: a missing input directory', async (t) => {
  const dir = t.testdir({ file: '' });
  await rejectsInput(t, findTableFile(join(dir, 'nope'), 'KURS'), { code: 'MISSING_FILE', file: 'KURS.*', line: undefined, reason: 'katalogen saknas' });
  await rejectsInput(t, findTableFile(join(dir, 'file'), 'KURS'), { code: 'MISSING_FILE', file: 'KURS.*', line: undefined, reason: 'katalogen saknas' });
});

t.test('missing file through openTable', async (t) => {
  const dir = t.testdir({});
  await rejectsInput(t, openTable(dir, 'KTILL2', { encoding: 'utf8' }), { code: 'MISSING_FILE', file: 'KTILL2.*', line: undefined, reason: 'EB50 kan inte läsa KTILL2 från exporten: filen saknas' });
  await rejectsInput(t, openTableFile(join(dir, 'KTILL2.csv'), 'KTILL2', 'csv', { encoding: 'utf8' }), { code: 'MISSING_FILE', file: 'KTILL2.csv', line: undefined });
});

t.test('unreadable file: a directory named like the file', async (t) => {
  const dir = t.testdir({ 'KURS.csv': {} });
  await rejectsInput(t, openTable(dir, 'KURS', { encoding: 'utf8' }), { code: 'UNREADABLE', file: 'KURS.csv', line: undefined, reason: 'EB50 kan inte läsa KURS från exporten: filen går inte att läsa (är en katalog)' });
});

const ROOT_SKIP = process.getuid?.() === 0 ? 'running as root: chmod 000 does not block reads (the directory case covers UNREADABLE)' : false;

t.test('unreadable file: no read permission', { skip: ROOT_SKIP }, async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'KURS.csv');
  writeFileSync(path, 'KURS;POANG\n');
  chmodSync(path, 0o000);
  await rejectsInput(t, openTable(dir, 'KURS', { encoding: 'utf8' }), { code: 'UNREADABLE', file: 'KURS.csv', line: undefined, reason: 'EACCES' });
});

t.test('errors name the file and line, for every format', async (t) => {
  const dir = t.testdir({
    csv: { 'KURS.csv': 'KURS;POANG\nA;1\nB;2;3\n' },
    header: { 'KURS.csv': 'KURS;POENG\nA;1\n' },
    ndjson: { 'KURS.ndjson': '{"KURS":"A","POANG":1}\n{"KURS":"B"\n' },
    json: { 'KURS.json': '[{"KURS":"A","POANG":1},{"KURS":"B","POANG":2},{"KURS":]' },
    enc: { 'KURS.csv': Buffer.concat([Buffer.from('KURS;POANG\nA;1\nB'), Buffer.from([0xe5]), Buffer.from(';2\n')]) },
  });
  const rows = async (sub: string, encoding: 'utf8' | 'latin1' = 'utf8') => collect((await openTable(join(dir, sub), 'KURS', { encoding })).rows());
  await rejectsInput(t, rows('csv'), { code: 'FIELD_COUNT', file: 'KURS.csv', line: 3, reason: 'expected 2 fields, got 3' });
  await rejectsInput(t, rows('header'), { code: 'MISSING_COLUMN', file: 'KURS.csv', line: 1, reason: 'EB50 kan inte läsa KURS från exporten: kolumnen POANG saknas i rubrikraden' });
  await rejectsInput(t, rows('ndjson'), { code: 'PARSE', file: 'KURS.ndjson', line: 2, reason: 'JSON syntax error' });
  await rejectsInput(t, rows('json'), { code: 'PARSE', file: 'KURS.json', line: 3, reason: 'JSON syntax error' });
  await rejectsInput(t, rows('enc'), { code: 'ENCODING', file: 'KURS.csv', line: 3, reason: 'invalid UTF-8' });
  t.same((await rows('enc', 'latin1'))[1].row, { KURS: 'Bå', POANG: '2' }, 'the same bytes are fine as latin1');
});

t.test('20,000 rows read in 1 KiB chunks keep consecutive line numbers', async (t) => {
  const dir = t.testdir({});
  mkdirSync(join(dir, 'in'));
  const lines = ['PNR;KURS;TERMORDN;TERMIN'];
  for (let i = 0; i < 20000; i++) lines.push(`P${i};K;1;20121`);
  writeFileSync(join(dir, 'in', 'FORTKURS.csv'), `${lines.join('\n')}\n`);
  const reader = await openTable(join(dir, 'in'), 'FORTKURS', { encoding: 'utf8', highWaterMark: 1024 });
  let n = 0;
  for await (const r of reader.rows()) {
    if (r.line !== n + 2) break;
    n++;
  }
  t.equal(n, 20000);
});
