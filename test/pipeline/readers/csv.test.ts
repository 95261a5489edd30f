import t from 'tap';
import fc from 'fast-check';
import { CsvParser, parseQuotedRecord, readCsv, readCsvBatches, type CsvRecord } from '../../../pipeline/readers/csv.js';
import { rowMaker } from '../../../pipeline/readers/row.js';
import { formatCsvLine } from '../../../pipeline/write-table.js';
import { CHUNK_SIZES, collect, ctxFor, rejectsInput, textOf } from '../../fixtures/readers/helpers.js';

const read = (input: string | Buffer, size = 64 * 1024, encoding: 'utf8' | 'latin1' = 'utf8', ctx = ctxFor('FORTKURS', 'FORTKURS.csv')) =>
  collect(readCsv(textOf(input, size, encoding), ctx));

t.test('header is case-insensitive, in any order, spaces around names ignored, extra columns kept', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.csv');
  const rows = await read('termin;Extra;kurs;TermOrdn; Pnr \n20121;e;K1;2;P1\n', undefined, undefined, ctx);
  t.same(rows, [{ row: { TERMIN: '20121', EXTRA: 'e', KURS: 'K1', TERMORDN: '2', PNR: 'P1' }, line: 2 }]);
  t.same(ctx.columns(), ['TERMIN', 'EXTRA', 'KURS', 'TERMORDN', 'PNR'], 'columns in the input order, upper case');
});

t.test('schema columns the export lacks are blank in every row', async (t) => {
  const ctx = ctxFor('KTILL2', 'KTILL2.csv');
  const header = 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;FFGPOANG;KOD;LOK1;LOK2';
  const [r] = await read(`${header}\nK;20121;100;D;NML;O;2;K;7.5;Q0001;L1;L2\n`, undefined, undefined, ctx);
  t.equal(r.row.PLANTAL, '');
  t.equal(r.row.AVGFRI, '');
  t.equal(r.row.FFGPOANG, '7.5');
  t.same(ctx.columns(), header.split(';'), 'columns() lists the input columns only');
});

t.test('trailing spaces are trimmed, leading spaces and tabs are kept', async (t) => {
  const [r] = await read('PNR;KURS;TERMORDN;TERMIN\n _  ;\tK\t ;" 2  ";2012\u00a0 \n');
  t.same(r.row, { PNR: ' _', KURS: '\tK\t', TERMORDN: ' 2', TERMIN: '2012\u00a0' });
});

t.test('empty fields are blank', async (t) => {
  const [r] = await read('PNR;KURS;TERMORDN;TERMIN\n;;"";   \n');
  t.same(r.row, { PNR: '', KURS: '', TERMORDN: '', TERMIN: '' });
});

t.test('a UTF-8 BOM is skipped', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.csv');
  const rows = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('PNR;KURS;TERMORDN;TERMIN\nå;K;1;20121\n')]), 1, 'utf8', ctx);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN']);
  t.equal(rows[0].row.PNR, 'å');
});

t.test('CRLF and LF line ends, last line without a line end', async (t) => {
  const rows = await read('PNR;KURS;TERMORDN;TERMIN\r\nP1;K;1;20121\r\nP2;K;2;20122\nP3;K;3;20131');
  t.same(rows.map((r) => [r.row.PNR, r.row.TERMIN, r.line]), [['P1', '20121', 2], ['P2', '20122', 3], ['P3', '20131', 4]]);
});

t.test('a CR not before LF is data', async (t) => {
  const [r] = await read('PNR;KURS;TERMORDN;TERMIN\nP\r1;K;1;20121\n');
  t.equal(r.row.PNR, 'P\r1');
});

t.test('blank lines are skipped but counted', async (t) => {
  const rows = await read('PNR;KURS;TERMORDN;TERMIN\n\nP1;K;1;20121\n\r\n\nP2;K;2;20122\n\n');
  t.same(rows.map((r) => r.line), [3, 6]);
});

t.test('latin1 is ISO-8859-1, not windows-1252', async (t) => {
  const bytes = Buffer.concat([Buffer.from('PNR;KURS;TERMORDN;TERMIN\n'), Buffer.from([0xc5, 0xe4, 0xf6, 0x80, 0x3b]), Buffer.from('K;1;20121\n')]);
  const [r] = await read(bytes, 7, 'latin1');
  t.equal(r.row.PNR, 'Åäö\u0080', 'byte 0x80 is U+0080, not €');
});

t.test('quoted fields hold ;, "" and line breaks; lines are physical', async (t) => {
  const input = 'PNR;KURS;TERMORDN;TERMIN\n"P;1";"K ""x""";1;20121\n"P\n2";"K\r\n\n";2;20122\nP3;K;3;20131\n';
  const rows = await read(input);
  t.same(rows, [
    { row: { PNR: 'P;1', KURS: 'K "x"', TERMORDN: '1', TERMIN: '20121' }, line: 2 },
    { row: { PNR: 'P\n2', KURS: 'K\r\n\n', TERMORDN: '2', TERMIN: '20122' }, line: 3 },
    { row: { PNR: 'P3', KURS: 'K', TERMORDN: '3', TERMIN: '20131' }, line: 7 },
  ]);
});

t.test('1-byte, 7-byte and 64 KiB chunks give identical rows', async (t) => {
  const body = Array.from({ length: 300 }, (_, i) =>
    i % 3 === 0 ? `"P${i}\n;""å""  ";K€${i};${i};2012${(i % 2) + 1}` : `P${i};Kö${i}  ;${i};20121`,
  ).join('\r\n');
  const input = `\ufeffpnr;KURS;termordn;TERMIN\r\n${body}\r\n`;
  const results = await Promise.all(CHUNK_SIZES.map((n) => read(input, n)));
  t.equal(results[2].length, 300);
  t.equal(results[2][299].line, 2 + 299 + 100, 'every third row adds a line');
  t.same(results[0], results[2], '1-byte chunks');
  t.same(results[1], results[2], '7-byte chunks');
});

t.test('CSV round trip through formatCsvLine, any chunking (property)', async (t) => {
  const char = fc.constantFrom('a', 'Z', '0', ' ', ';', '"', '\n', '\r', '\t', 'å', 'Ö', '€', '😀', '\u00a0');
  const value = fc.string({ unit: char, maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(value, { minLength: 4, maxLength: 4 }), { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), async (table, size) => {
      // a record of four blank fields would be written as ';;;', never a
      // blank line, so every record comes back
      const text = ['PNR;KURS;TERMORDN;TERMIN', ...table.map(formatCsvLine)].join('\n');
      const rows = await read(`${text}\n`, size);
      const trimmed = table.map((r) => r.map((v) => v.replace(/ +$/, '')));
      t.same(rows.map((r) => [r.row.PNR, r.row.KURS, r.row.TERMORDN, r.row.TERMIN]), trimmed);
      // each record starts on the line after the previous one's last line
      let line = 2;
      for (let k = 0; k < rows.length; k++) {
        if (rows[k].line !== line) return false;
        line += 1 + (formatCsvLine(table[k]).match(/\n/g)?.length ?? 0);
      }
      return true;
    }),
    { numRuns: 150 },
  );
});

t.test('header without a required column', async (t) => {
  await rejectsInput(t, read('PNR;KURS;TERMIN\nP;K;20121\n'), { code: 'MISSING_COLUMN', file: 'FORTKURS.csv', line: 1, reason: 'EB50 kan inte läsa FORTKURS från exporten: kolumnen TERMORDN saknas i rubrikraden' });
});

t.test('an empty file has no header', async (t) => {
  await rejectsInput(t, read(''), { code: 'MISSING_COLUMN', file: 'FORTKURS.csv', line: 1, reason: 'EB50 kan inte läsa FORTKURS från exporten: kolumnen PNR saknas i rubrikraden' });
});

t.test('a header only is an empty table', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.csv');
  t.same(await read('PNR;KURS;TERMORDN;TERMIN\n', 1, 'utf8', ctx), []);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN']);
});

t.test('a column named twice is rejected', async (t) => {
  await rejectsInput(t, read('PNR;KURS;TERMORDN;TERMIN;kurs\n'), { code: 'PARSE', file: 'FORTKURS.csv', line: 1, reason: 'duplicate column KURS' });
});

t.test('wrong field count names the physical line', async (t) => {
  const input = 'PNR;KURS;TERMORDN;TERMIN\n"P\n\n1";K;1;20121\nP2;K;2\n';
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(input, size), { code: 'FIELD_COUNT', file: 'FORTKURS.csv', line: 5, reason: 'expected 4 fields, got 3' });
  }
  await rejectsInput(t, read('PNR;KURS;TERMORDN;TERMIN\nP;K;1;2;x\n'), { code: 'FIELD_COUNT', file: 'FORTKURS.csv', line: 2, reason: 'expected 4 fields, got 5' });
});

t.test('broken quoting: unterminated quoted field', async (t) => {
  const input = 'PNR;KURS;TERMORDN;TERMIN\nP1;K;1;20121\nP2;"K\n;2;20122\nP3;K;3;20131\n';
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(input, size), { code: 'PARSE', file: 'FORTKURS.csv', line: 3, reason: 'unterminated quoted field' });
  }
});

t.test('broken quoting: a quote inside an unquoted field', async (t) => {
  await rejectsInput(t, read('PNR;KURS;TERMORDN;TERMIN\nP1;K;1;20121\nP2;K"x;2;20122\nP3;K;3;"y"\n'), {
    code: 'PARSE', file: 'FORTKURS.csv', line: 3, reason: 'a quote inside an unquoted field',
  });
});

t.test('broken quoting: text after a closing quote', async (t) => {
  await rejectsInput(t, read('PNR;KURS;TERMORDN;TERMIN\n"a\nb"c;K;1;20121\n'), {
    code: 'PARSE', file: 'FORTKURS.csv', line: 3, reason: 'a closing quote must be followed by',
  });
});

t.test('a stray quote does not make the reader buffer the rest of the file', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.csv', 100);
  const body = Array.from({ length: 50 }, (_, i) => `P${i};K;${i};20121`).join('\n');
  await rejectsInput(t, read(`PNR;KURS;TERMORDN;TERMIN\n"P;K;0;20121\n${body}\n`, 7, 'utf8', ctx), {
    code: 'PARSE', file: 'FORTKURS.csv', line: 2, reason: 'unterminated quoted field',
  });
  await rejectsInput(t, read(`PNR;KURS;TERMORDN;TERMIN\n${'x'.repeat(150)}`, 7, 'utf8', ctx), {
    code: 'PARSE', file: 'FORTKURS.csv', line: 2, reason: 'record longer than 100 characters',
  });
});

t.test('invalid UTF-8 names the line of the bad byte', async (t) => {
  const bytes = Buffer.concat([Buffer.from('PNR;KURS;TERMORDN;TERMIN\nP1;"K\nå";1;20121\nP2;K'), Buffer.from([0xc3, 0x28]), Buffer.from(';2;20122\n')]);
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(bytes, size), { code: 'ENCODING', file: 'FORTKURS.csv', line: 4, reason: 'invalid UTF-8' });
  }
  await rejectsInput(t, read(Buffer.concat([Buffer.from('PNR;KURS;TERMORDN;TERMIN\nP1;K;1;2012'), Buffer.from([0xe2, 0x82])])), {
    code: 'ENCODING', file: 'FORTKURS.csv', line: 2, reason: 'invalid UTF-8',
  });
});

t.test('the parser reads no further than the consumer needs', async (t) => {
  let pulled = 0;
  async function* source(): AsyncGenerator<string> {
    for (let k = 0; k < 100; k++) {
      pulled++;
      yield k === 0 ? 'PNR;KURS;TERMORDN;TERMIN\n' : `P${k};K;1;20121\n`;
    }
  }
  const it = readCsv(source(), ctxFor('FORTKURS'))[Symbol.asyncIterator]();
  await it.next();
  t.equal(pulled, 2, 'header chunk and first row chunk only');
  await it.return(undefined);
});

t.test('CsvParser: records and lines without the reader', async (t) => {
  const p = new CsvParser('x.csv');
  const out: CsvRecord[] = [];
  p.push('a;"b\n', out);
  t.same(out, [], 'a record is not complete inside quotes');
  t.equal(p.currentLine(), 2, 'the next character is on line 2');
  p.push('c";d\ne', out);
  p.end(out);
  t.same(out, [{ fields: ['a', 'b\nc', 'd'], line: 1 }, { fields: ['e'], line: 3 }]);
});

t.test('parseQuotedRecord is strict RFC 4180', async (t) => {
  t.same(parseQuotedRecord('"";"a""b";c;', 1, 'f'), ['', 'a"b', 'c', '']);
  t.throws(() => parseQuotedRecord('"a" ;b', 1, 'f'), { code: 'PARSE' });
  t.throws(() => parseQuotedRecord(' "a";b', 1, 'f'), { code: 'PARSE' }, 'space before an opening quote');
});

/** Rows of `input` pulled by batch until the reader throws: what a
 *  consumer had received, and the error. */
async function batchesUntilError(input: string, size: number): Promise<{ lines: number[]; batches: number; err: unknown }> {
  const lines: number[] = [];
  let batches = 0;
  try {
    for await (const batch of readCsvBatches(textOf(input, size), ctxFor('FORTKURS', 'FORTKURS.csv'))) {
      t.ok(batch.length > 0, 'no empty batch');
      batches++;
      lines.push(...batch.map((r) => r.line));
    }
  } catch (err) {
    return { lines, batches, err };
  }
  return { lines, batches, err: undefined };
}

t.test('readCsvBatches: the same rows as readCsv, one batch per chunk, any chunk size', async (t) => {
  const input = 'PNR;KURS;TERMORDN;TERMIN\n' + Array.from({ length: 40 }, (_, i) => `P${i};"K\n${i}";${i};20121`).join('\n') + '\n';
  const want = await read(input);
  for (const size of CHUNK_SIZES) {
    const got: unknown[] = [];
    let batches = 0;
    for await (const batch of readCsvBatches(textOf(input, size), ctxFor('FORTKURS', 'FORTKURS.csv'))) {
      batches++;
      got.push(...batch);
    }
    t.same(got, want, `chunks of ${size} bytes`);
    if (size === 64 * 1024) t.equal(batches, 1, 'the whole file in one chunk is one batch');
  }
});

t.test('readCsvBatches: the rows before a bad record arrive before its error, whatever the chunking', async (t) => {
  // Line 4 has a field too many, line 6 broken quoting: a consumer sees
  // lines 2 and 3, then the first error in file order.
  const input = 'PNR;KURS;TERMORDN;TERMIN\nP1;K;1;20121\nP2;K;1;20121\nP3;K;1;20121;x\nP4;K;1;20121\n"P5;K;1;20121\n';
  for (const size of CHUNK_SIZES) {
    const { lines, err } = await batchesUntilError(input, size);
    t.same(lines, [2, 3], `rows before the bad one, chunks of ${size}`);
    await rejectsInput(t, Promise.reject(err), { code: 'FIELD_COUNT', file: 'FORTKURS.csv', line: 4 });
  }
  const quoting = 'PNR;KURS;TERMORDN;TERMIN\nP1;K;1;20121\nP2;K"x;1;20121\n';
  for (const size of CHUNK_SIZES) {
    const { lines, err } = await batchesUntilError(quoting, size);
    t.same(lines, [2], `rows before a quoting error, chunks of ${size}`);
    await rejectsInput(t, Promise.reject(err), { code: 'PARSE', file: 'FORTKURS.csv', line: 3 });
  }
});

t.test('rowMaker: any column name becomes an own property, in column order', async (t) => {
  const columns = ['A', 'B"C', 'D\\E', 'F\u2028G', "H'I", '}); throw 1; ({'];
  const row = rowMaker(columns, ['Z'])(['1', '2', '3', '4', '5', '6']);
  t.same(Object.keys(row), [...columns, 'Z']);
  t.same(Object.values(row), ['1', '2', '3', '4', '5', '6', '']);
  const proto = rowMaker(['PNR', '__proto__'], [])(['p', 'x']);
  t.same(Object.keys(proto), ['PNR'], 'a __proto__ column is not an own property (as when assigned key by key)');
  t.equal(Object.getPrototypeOf(proto), Object.prototype, 'and does not change the prototype');
});
