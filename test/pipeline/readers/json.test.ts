import t from 'tap';
import { readJson } from '../../../pipeline/readers/json.js';
import { CHUNK_SIZES, collect, ctxFor, rejectsInput, textOf } from '../../fixtures/readers/helpers.js';

const read = (input: string | Buffer, size = 64 * 1024, encoding: 'utf8' | 'latin1' = 'utf8', ctx = ctxFor('FORTKURS', 'FORTKURS.json')) =>
  collect(readJson(() => textOf(input, size, encoding), ctx));

const rec = (n: number, extra = '') => `{"PNR":"P${n}","KURS":"K","TERMORDN":${n},"TERMIN":"20121"${extra}}`;

t.test('an array of objects; positions are record indexes', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.json');
  const rows = await read(` [\n ${rec(1, ',"x":"y"')},\n${rec(2)}\n]\n`, 64, 'utf8', ctx);
  t.same(rows, [
    { row: { PNR: 'P1', KURS: 'K', TERMORDN: '1', TERMIN: '20121', X: 'y' }, line: 1 },
    { row: { PNR: 'P2', KURS: 'K', TERMORDN: '2', TERMIN: '20121' }, line: 2 },
  ]);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN', 'X']);
});

t.test('keys case-insensitive, trailing spaces trimmed, null and absent blank', async (t) => {
  const ctx = ctxFor('TERMIN', 'TERMIN.json');
  const [r] = await read('[{"termin":" 20121  ","Startv":null,"SLUTV":"\\t1 ","extra":1.50}]', 64, 'utf8', ctx);
  t.same(r.row, { TERMIN: ' 20121', STARTV: '', SLUTV: '\t1', EXTRA: '1.50' });
});

t.test('numbers are kept exactly as written (SPEC §2: values written back as read)', async (t) => {
  const ctx = ctxFor('TERMIN', 'TERMIN.json');
  const [r] = await read('[{"TERMIN":20121,"STARTV":12345678901234567890,"SLUTV":1e3}]', 7, 'utf8', ctx);
  t.same(r.row, { TERMIN: '20121', STARTV: '12345678901234567890', SLUTV: '1e3' });
});

t.test('an empty array has the schema columns', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.json');
  t.same(await read('[]', 1, 'utf8', ctx), []);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN']);
});

t.test('latin1 and BOM', async (t) => {
  t.equal((await read(`[${rec(1).replace('P1', 'Åsa')}]`, 5, 'latin1'))[0].row.PNR, 'Åsa');
  t.equal((await read(`\ufeff[${rec(1).replace('P1', 'Åsa')}]`, 5))[0].row.PNR, 'Åsa');
});

t.test('1-byte, 7-byte and 64 KiB chunks give identical rows', async (t) => {
  const input = `[${Array.from({ length: 150 }, (_, i) => JSON.stringify({ pnr: `P${i}😀`, kurs: `Kö\\"${i}  `, termordn: i * 1.5, termin: '20121' })).join(',\n')}]`;
  const results = await Promise.all(CHUNK_SIZES.map((n) => read(input, n)));
  t.equal(results[2].length, 150);
  t.same(results[0], results[2]);
  t.same(results[1], results[2]);
});

t.test('rows stream out before the document ends', async (t) => {
  async function* source(): AsyncGenerator<string> {
    yield `[${rec(1)},${rec(2)},`;
    throw new Error('the rest never arrives');
  }
  const got: string[] = [];
  await t.rejects(
    (async () => {
      for await (const r of readJson(source, ctxFor('FORTKURS'))) got.push(r.row.PNR);
    })(),
    { message: 'the rest never arrives' },
  );
  t.same(got, ['P1', 'P2'], 'both rows were read without the closing bracket');
});

t.test('JSON syntax error names the record, whatever the chunking', async (t) => {
  const input = `[${rec(1)},\n${rec(2)},\n{"PNR":"P3","KURS":"K" "TERMORDN":3},${rec(4)}]`;
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(input, size), { code: 'PARSE', file: 'FORTKURS.json', line: 3, reason: 'JSON syntax error' });
  }
  await rejectsInput(t, read(`[${rec(1)},${rec(2)}}`), { code: 'PARSE', file: 'FORTKURS.json', line: 3, reason: 'JSON syntax error' });
});

t.test('a record error before a syntax error in the same chunk comes first', async (t) => {
  const input = `[${rec(1)},{"PNR":"P2"},{"PNR" "x"}]`;
  await rejectsInput(t, read(input), { code: 'MISSING_COLUMN', file: 'FORTKURS.json', line: 2, reason: 'EB50 kan inte läsa FORTKURS från exporten: kolumnen KURS saknas i posten' });
});

t.test('a document cut short', async (t) => {
  await rejectsInput(t, read(`[${rec(1)},${rec(2)},{"PNR":"P`), { code: 'PARSE', file: 'FORTKURS.json', line: 3, reason: 'JSON syntax error' });
  await rejectsInput(t, read(`[${rec(1)},`), { code: 'PARSE', file: 'FORTKURS.json', line: 2 });
  await rejectsInput(t, read(''), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'JSON syntax error' });
});

t.test('the document must be one array of flat objects', async (t) => {
  await rejectsInput(t, read(rec(1)), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'expected a JSON array of objects' });
  await rejectsInput(t, read(`[${rec(1)},"x"]`), { code: 'PARSE', file: 'FORTKURS.json', line: 2, reason: 'expected an object, got a string' });
  await rejectsInput(t, read(`[${rec(1)},[1]]`), { code: 'PARSE', file: 'FORTKURS.json', line: 2, reason: 'got an array' });
  await rejectsInput(t, read(`[${rec(1)},7]`), { code: 'PARSE', file: 'FORTKURS.json', line: 2, reason: 'got a number' });
  await rejectsInput(t, read(`[${rec(1)},null]`), { code: 'PARSE', file: 'FORTKURS.json', line: 2, reason: 'got null' });
  await rejectsInput(t, read(`[${rec(1)},true]`), { code: 'PARSE', file: 'FORTKURS.json', line: 2, reason: 'got a boolean' });
  await rejectsInput(t, read(`[${rec(1, ',"X":{"a":1}')}]`), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'the value of X is an object' });
  await rejectsInput(t, read(`[${rec(1, ',"X":[]')}]`), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'the value of X is an array' });
  await rejectsInput(t, read(`[${rec(1, ',"x":false')}]`), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'the value of X is a boolean' });
  await rejectsInput(t, read(`[${rec(1)}] [${rec(2)}]`), { code: 'PARSE', file: 'FORTKURS.json', line: 2 });
});

t.test('duplicate keys and missing keys', async (t) => {
  await rejectsInput(t, read(`[${rec(1, ',"PNR":"x"')}]`), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'duplicate key PNR' });
  await rejectsInput(t, read(`[${rec(1, ',"pnr":"x"')}]`), { code: 'PARSE', file: 'FORTKURS.json', line: 1, reason: 'duplicate key PNR' });
  await rejectsInput(t, read(`[${rec(1)},{"PNR":"P","KURS":"K","TERMORDN":"1"}]`), { code: 'MISSING_COLUMN', file: 'FORTKURS.json', line: 2, reason: 'EB50 kan inte läsa FORTKURS från exporten: kolumnen TERMIN saknas i posten' });
});

t.test('invalid UTF-8 names the record', async (t) => {
  const bytes = Buffer.concat([Buffer.from(`[${rec(1)},{"PNR":"`), Buffer.from([0xc3, 0x28]), Buffer.from(`"}]`)]);
  for (const size of CHUNK_SIZES) {
    await rejectsInput(t, read(bytes, size), { code: 'ENCODING', file: 'FORTKURS.json', line: 2, reason: 'invalid UTF-8' });
  }
});
