import t from 'tap';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputError } from '../../pipeline/errors.js';
import { openTableFile } from '../../pipeline/read-table.js';
import { createTableWriter, formatCsvLine, formatCsvValue, formatNdjsonLine, type OutputFormat } from '../../pipeline/write-table.js';
import type { Row } from '../../pipeline/types.js';
import { collect } from '../fixtures/readers/helpers.js';

const COLUMNS = ['PNR', 'KURS', 'TERMORDN', 'TERMIN', 'ANM'];

async function writeAll(path: string, format: OutputFormat, rows: Row[], encoding: 'utf8' | 'latin1' = 'utf8', columns = COLUMNS): Promise<number> {
  const w = createTableWriter(path, format, columns, { encoding, table: 'FORTKURS' });
  for (const r of rows) await w.write(r);
  await w.close();
  return w.rows;
}

const readBack = async (path: string, format: OutputFormat, encoding: 'utf8' | 'latin1') =>
  (await collect((await openTableFile(path, 'FORTKURS', format, { encoding })).rows())).map((r) => r.row);

t.test('CSV quoting: only values holding ; " CR or LF are quoted', async (t) => {
  t.equal(formatCsvValue('plain'), 'plain');
  t.equal(formatCsvValue(' _ '), ' _ ', 'spaces are not quoted');
  t.equal(formatCsvValue(''), '');
  t.equal(formatCsvValue('\t'), '\t');
  t.equal(formatCsvValue('a;b'), '"a;b"');
  t.equal(formatCsvValue('say "hi"'), '"say ""hi"""');
  t.equal(formatCsvValue('a\rb'), '"a\rb"');
  t.equal(formatCsvValue('a\nb'), '"a\nb"');
  t.equal(formatCsvLine(['a', 'b;c', '', '"']), 'a;"b;c";;""""');
});

t.test('NDJSON line: columns in order, missing columns blank', async (t) => {
  t.equal(formatNdjsonLine(['B', 'A', 'C'], { A: '1', B: 'x"y' }), '{"B":"x\\"y","A":"1","C":""}');
});

t.test('CSV file: header, LF line ends, latin1 bytes', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'FORTKURS.csv');
  const n = await writeAll(path, 'csv', [{ PNR: 'Åsa', KURS: 'K;1', TERMORDN: '1', TERMIN: '20121', ANM: 'x\ny' }, { PNR: 'P', KURS: 'K', TERMORDN: '2', TERMIN: '20122' }], 'latin1');
  t.equal(n, 2, 'rows counted');
  const bytes = readFileSync(path);
  t.equal(bytes.toString('latin1'), 'PNR;KURS;TERMORDN;TERMIN;ANM\nÅsa;"K;1";1;20121;"x\ny"\nP;K;2;20122;\n');
  t.equal(bytes[29], 0xc5, 'Å is one byte, 0xC5');
  t.notOk(bytes.includes(0x0d), 'no CR');
});

t.test('an empty delta has its header only', async (t) => {
  const dir = t.testdir({});
  await writeAll(join(dir, 'KTILL2.csv'), 'csv', []);
  t.equal(readFileSync(join(dir, 'KTILL2.csv'), 'utf8'), 'PNR;KURS;TERMORDN;TERMIN;ANM\n');
  await writeAll(join(dir, 'KTILL2.ndjson'), 'ndjson', []);
  t.equal(readFileSync(join(dir, 'KTILL2.ndjson'), 'utf8'), '');
  await writeAll(join(dir, 'FORTKURS.avro'), 'avro', []);
  const reader = await openTableFile(join(dir, 'FORTKURS.avro'), 'FORTKURS', 'avro', { encoding: 'utf8' });
  t.same(await collect(reader.rows()), [], 'a valid Avro file without records');
  t.same(reader.columns(), COLUMNS);
});

t.test('latin1 refuses characters ISO-8859-1 cannot hold', async (t) => {
  const dir = t.testdir({});
  const w = createTableWriter(join(dir, 'FORTKURS.csv'), 'csv', COLUMNS, { encoding: 'latin1', table: 'FORTKURS' });
  await t.rejects(w.write({ PNR: '€' }), OutputError);
  await w.close();
});

t.test('round trip write → read, every format and encoding (property)', async (t) => {
  const dir = t.testdir({});
  const latin1 = fc.constantFrom('a', 'Z', '0', ' ', ';', '"', '\n', '\r', '\t', 'å', 'Ö', '\u00a0', '\u0080', 'ÿ');
  const wide = fc.constantFrom('a', ' ', ';', '"', '\n', 'å', '€', '😀', '\u2028');
  let k = 0;
  for (const encoding of ['utf8', 'latin1'] as const) {
    const value = fc.string({ unit: encoding === 'utf8' ? wide : latin1, maxLength: 6 }).map((s) => s.replace(/ +$/, ''));
    const row = fc.tuple(value, value, value, value, value).map(([PNR, KURS, TERMORDN, TERMIN, ANM]) => ({ PNR, KURS, TERMORDN, TERMIN, ANM }));
    for (const format of ['csv', 'ndjson', 'avro'] as const) {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { maxLength: 6 }), async (rows) => {
          // a CSV record of blanks only is ';;;;', not a blank line, so nothing is lost
          const path = join(dir, `${k++}.${format}`);
          await writeAll(path, format, rows, encoding);
          t.same(await readBack(path, format, encoding), rows);
        }),
        { numRuns: 40 },
      );
    }
  }
});

t.test('Avro output is UTF-8 and deterministic', async (t) => {
  const dir = t.testdir({});
  const rows = [{ PNR: 'Åsa😀', KURS: '', TERMORDN: '1', TERMIN: '20121', ANM: 'x' }];
  await writeAll(join(dir, 'a.avro'), 'avro', rows, 'latin1');
  await writeAll(join(dir, 'b.avro'), 'avro', rows, 'latin1');
  t.same(readFileSync(join(dir, 'a.avro')), readFileSync(join(dir, 'b.avro')), 'byte-identical');
  t.ok(readFileSync(join(dir, 'a.avro')).includes(Buffer.from('Åsa😀', 'utf8')), 'strings are UTF-8');
  t.ok(readFileSync(join(dir, 'a.avro')).includes(Buffer.from('"name":"FORTKURS"')), 'the record is named after the table');
});

t.test('Avro: a column that cannot be a field name', async (t) => {
  const dir = t.testdir({});
  t.throws(() => createTableWriter(join(dir, 'x.avro'), 'avro', ['PNR', 'ÅR'], { encoding: 'utf8', table: 'KTILLHST' }), OutputError);
});

t.test('a file that cannot be written rejects with OutputError', async (t) => {
  const dir = t.testdir({});
  for (const format of ['csv', 'ndjson', 'avro'] as const) {
    const w = createTableWriter(join(dir, 'missing', `x.${format}`), format, COLUMNS, { encoding: 'utf8', table: 'FORTKURS' });
    const attempt = async () => {
      for (let i = 0; i < 3000; i++) await w.write({ PNR: `P${i}`, KURS: 'K'.repeat(40) });
      await w.close();
    };
    await t.rejects(attempt(), { name: 'OutputError', code: 'OUTPUT', message: /cannot write .*missing/ }, format);
    const empty = createTableWriter(join(dir, 'missing', `y.${format}`), format, COLUMNS, { encoding: 'utf8', table: 'FORTKURS' });
    await t.rejects(empty.close(), { code: 'OUTPUT' }, `${format}: close without rows`);
  }
});

t.test('write waits for drain when the file does not take more (backpressure)', async (t) => {
  const dir = t.testdir({});
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const format of ['csv', 'avro'] as const) {
    const reader = createReadStream(fifo);
    reader.pause();
    const w = createTableWriter(fifo, format, COLUMNS, { encoding: 'utf8', table: 'FORTKURS' });
    const row = (i: number) => ({ PNR: `P${i}`, KURS: 'K'.repeat(100), TERMORDN: '1', TERMIN: '20121', ANM: '' });
    let waiting: Promise<void> | undefined;
    let i = 0;
    // nobody reads the pipe: sooner or later a write must stay pending
    for (; i < 100000 && waiting === undefined; i++) {
      let done = false;
      const p = w.write(row(i)).then(() => {
        done = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      if (!done) waiting = p;
    }
    t.ok(waiting !== undefined, `${format}: a write is pending after ${i} rows`);
    t.ok(i < 100000, `${format}: the writer did not buffer everything`);
    const chunks: Buffer[] = [];
    reader.on('data', (c) => chunks.push(c as Buffer));
    reader.resume();
    await waiting;
    await w.close();
    await new Promise<void>((resolve) => reader.on('close', () => resolve()));
    t.equal(w.rows, i, `${format}: all rows written once the pipe is read`);
    if (format === 'csv') t.equal(Buffer.concat(chunks).toString().split('\n').length, i + 2, 'header + rows + final LF');
  }
});
