import t from 'tap';
import { readNdjson } from '../../../pipeline/readers/ndjson.js';
import { CHUNK_SIZES, collect, ctxFor, rejectsInput, textOf } from '../../fixtures/readers/helpers.js';

const read = (input: string | Buffer, size = 64 * 1024, encoding: 'utf8' | 'latin1' = 'utf8', ctx = ctxFor('FORTKURS', 'FORTKURS.ndjson')) =>
  collect(readNdjson(textOf(input, size, encoding), ctx));

t.test('keys are case-insensitive, any order, extra keys kept', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.ndjson');
  const rows = await read('{"termin":"20121","Extra":"e","kurs":"K","TermOrdn":"2","pnr":"P"}\n{"PNR":"Q","KURS":"K","TERMORDN":"1","TERMIN":"20122"}\n', 64, 'utf8', ctx);
  t.same(rows[0], { row: { TERMIN: '20121', EXTRA: 'e', KURS: 'K', TERMORDN: '2', PNR: 'P' }, line: 1 });
  t.same(rows[1].row, { PNR: 'Q', KURS: 'K', TERMORDN: '1', TERMIN: '20122' });
  t.same(ctx.columns(), ['TERMIN', 'EXTRA', 'KURS', 'TERMORDN', 'PNR'], "the first object's keys");
});

t.test('numbers as written, null and absent optional columns blank', async (t) => {
  const ctx = ctxFor('KTFORT2', 'KTFORT2.ndjson');
  const line = { KURSKOD: 'K', STARTTER: 20121, KURSTAKT: 100, KURSTID: 'D', UNDFORM: 'N', ORT: 'O', KURSOMG: '2', KURSTYP: null, TERMORDN: 2, FORPOANG: 7.5, TERMIN: '20122', LOK1: '', LOK2: '' };
  const [r] = await read(JSON.stringify(line), 64, 'utf8', ctx);
  t.equal(r.row.STARTTER, '20121');
  t.equal(r.row.FORPOANG, '7.5');
  t.equal(r.row.KURSTYP, '', 'null is blank');
  t.equal(r.row.KOD, '', 'absent optional column is blank');
});

t.test('a number that would not be written back as read is rejected, not changed (SPEC §2, §9)', async (t) => {
  for (const literal of ['7.50', '12345678901234567890', '1e3', '-0']) {
    await rejectsInput(t, read(`{"PNR":"P","KURS":"K","TERMORDN":${literal},"TERMIN":"20121"}`), {
      code: 'PARSE', file: 'FORTKURS.ndjson', line: 2 - 1,
      reason: `the number ${literal} would not be kept exactly as written; write it as a JSON string ("${literal}")`,
    });
  }
  const [r] = await read('{"PNR":"7.50 \\" 1e3","KURS":"K","TERMORDN":2,"TERMIN":"20121"}');
  t.equal(r.row.PNR, '7.50 " 1e3', 'numbers inside strings (and an escaped quote) are left alone');
});

t.test('trailing spaces trimmed, leading spaces and tabs kept', async (t) => {
  const [r] = await read('{"PNR":" _  ","KURS":"\\tK\\t ","TERMORDN":"1","TERMIN":"20121 "}');
  t.same(r.row, { PNR: ' _', KURS: '\tK\t', TERMORDN: '1', TERMIN: '20121' });
});

t.test('blank lines are skipped, lines are physical, CRLF and BOM accepted', async (t) => {
  const o = (n: number) => `{"PNR":"P${n}","KURS":"K","TERMORDN":"${n}","TERMIN":"20121"}`;
  const input = `\ufeff${o(1)}\r\n\r\n  \n${o(2)}\r\n\t\n${o(3)}`;
  const rows = await read(input);
  t.same(rows.map((r) => [r.row.PNR, r.line]), [['P1', 1], ['P2', 4], ['P3', 6]]);
});

t.test('latin1 NDJSON', async (t) => {
  const [r] = await read('{"PNR":"Åsa","KURS":"K","TERMORDN":"1","TERMIN":"20121"}\n', 3, 'latin1');
  t.equal(r.row.PNR, 'Åsa');
});

t.test('1-byte, 7-byte and 64 KiB chunks give identical rows', async (t) => {
  const input = Array.from({ length: 200 }, (_, i) => JSON.stringify({ pnr: `P${i}😀`, kurs: `Kö${i}  `, termordn: i, termin: '20121' })).join('\r\n\n');
  const results = await Promise.all(CHUNK_SIZES.map((n) => read(input, n)));
  t.equal(results[2].length, 200);
  t.same(results[0], results[2]);
  t.same(results[1], results[2]);
});

t.test('an empty file has the schema columns', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.ndjson');
  t.same(await read('\n\n', 64, 'utf8', ctx), []);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN']);
});

t.test('NDJSON syntax error names the line', async (t) => {
  const input = '{"PNR":"P","KURS":"K","TERMORDN":"1","TERMIN":"20121"}\n\n{"PNR":"P",\n';
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(input, size), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 3, reason: 'JSON syntax error' });
  }
});

t.test('a line that is not an object', async (t) => {
  await rejectsInput(t, read('[1,2]\n'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'expected a JSON object, got an array' });
  await rejectsInput(t, read('\nnull'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 2, reason: 'got null' });
  await rejectsInput(t, read('"x"'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'got a string' });
});

t.test('a record without a required key', async (t) => {
  await rejectsInput(t, read('{"PNR":"P","KURS":"K","TERMORDN":"1","TERMIN":"20121"}\n{"PNR":"P","KURS":"K","TERMIN":"20121"}\n'), {
    code: 'MISSING_COLUMN', file: 'FORTKURS.ndjson', line: 2, reason: 'EB50 kan inte läsa FORTKURS från exporten: kolumnen TERMORDN saknas i posten',
  });
});

t.test('values other than string, number or null', async (t) => {
  await rejectsInput(t, read('{"PNR":true,"KURS":"K","TERMORDN":"1","TERMIN":"20121"}'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'the value of PNR is a boolean' });
  await rejectsInput(t, read('{"PNR":{},"KURS":"K","TERMORDN":"1","TERMIN":"20121"}'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'is an object' });
  await rejectsInput(t, read('{"PNR":[],"KURS":"K","TERMORDN":"1","TERMIN":"20121"}'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'is an array' });
});

t.test('two keys equal but for case', async (t) => {
  await rejectsInput(t, read('{"PNR":"a","pnr":"b","KURS":"K","TERMORDN":"1","TERMIN":"20121"}'), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'duplicate key PNR' });
});

t.test('invalid UTF-8 names the line', async (t) => {
  const bytes = Buffer.concat([Buffer.from('{"PNR":"P","KURS":"K","TERMORDN":"1","TERMIN":"20121"}\n\n{"PNR":"'), Buffer.from([0xff]), Buffer.from('"}\n')]);
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(bytes, size), { code: 'ENCODING', file: 'FORTKURS.ndjson', line: 3, reason: 'invalid UTF-8' });
  }
});

t.test('a line longer than the limit', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.ndjson', 50);
  await rejectsInput(t, read(`{"PNR":"${'x'.repeat(100)}"`, 7, 'utf8', ctx), { code: 'PARSE', file: 'FORTKURS.ndjson', line: 1, reason: 'line longer than 50 characters' });
});

t.test('the reader reads no further than the consumer needs', async (t) => {
  let pulled = 0;
  async function* source(): AsyncGenerator<string> {
    for (let k = 0; k < 100; k++) {
      pulled++;
      yield `{"PNR":"P${k}","KURS":"K","TERMORDN":"1","TERMIN":"20121"}\n`;
    }
  }
  const it = readNdjson(source(), ctxFor('FORTKURS'))[Symbol.asyncIterator]();
  await it.next();
  t.equal(pulled, 1);
  await it.return(undefined);
});
