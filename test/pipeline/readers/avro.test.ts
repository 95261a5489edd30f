import t from 'tap';
import avro from 'avsc';
import { readAvro, readHeader } from '../../../pipeline/readers/avro.js';
import { CHUNK_SIZES, chunksOf, collect, ctxFor, rejectsInput } from '../../fixtures/readers/helpers.js';

const FORTKURS = {
  type: 'record',
  name: 'fortkurs',
  fields: [
    { name: 'pnr', type: ['null', 'string'] },
    { name: 'Kurs', type: 'string' },
    { name: 'TERMORDN', type: ['null', 'int', 'string'] },
    { name: 'termin', type: ['null', 'string'] },
  ],
};

/** An Avro container file written by avsc's own encoder. */
async function encode(schema: object, records: unknown[], opts: { blockSize?: number; codec?: string } = {}): Promise<Buffer> {
  const enc = new avro.streams.BlockEncoder(schema as avro.Schema, { writeHeader: 'always', ...opts });
  const parts: Buffer[] = [];
  enc.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise((resolve) => enc.on('end', resolve));
  for (const r of records) enc.write(r);
  enc.end();
  await done;
  return Buffer.concat(parts);
}

const records = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ pnr: i % 5 === 0 ? null : `P${i}  `, Kurs: ` Kö${i}\t`, TERMORDN: i % 2 ? i : `${i}`, termin: '20121' }));

const read = (bytes: Buffer, size = 64 * 1024, ctx = ctxFor('FORTKURS', 'FORTKURS.avro')) => collect(readAvro(chunksOf(bytes, size), ctx));

t.test('records with any-case field names; null blank; numbers as strings; trailing spaces trimmed', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.avro');
  const rows = await read(await encode(FORTKURS, records(3)), 64, ctx);
  t.same(rows, [
    { row: { PNR: '', KURS: ' Kö0\t', TERMORDN: '0', TERMIN: '20121' }, line: 1 },
    { row: { PNR: 'P1', KURS: ' Kö1\t', TERMORDN: '1', TERMIN: '20121' }, line: 2 },
    { row: { PNR: 'P2', KURS: ' Kö2\t', TERMORDN: '2', TERMIN: '20121' }, line: 3 },
  ]);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN'], 'the writer schema fields');
});

t.test('extra fields kept, absent optional schema columns blank', async (t) => {
  const schema = { type: 'record', name: 'TERMIN', fields: [{ name: 'TERMIN', type: 'string' }, { name: 'STARTV', type: 'string' }, { name: 'SLUTV', type: 'string' }, { name: 'X', type: 'string' }] };
  const [r] = await read(await encode(schema, [{ TERMIN: '20121', STARTV: '1', SLUTV: '2', X: 'x' }]), 64, ctxFor('TERMIN', 'TERMIN.avro'));
  t.same(r.row, { TERMIN: '20121', STARTV: '1', SLUTV: '2', X: 'x' });
  const kt = { type: 'record', name: 'KTILL2', fields: ['KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'FFGPOANG', 'KOD', 'LOK1', 'LOK2'].map((name) => ({ name, type: 'string' })) };
  const values = Object.fromEntries(kt.fields.map((f) => [f.name, 'v']));
  const [k] = await read(await encode(kt, [values]), 64, ctxFor('KTILL2', 'KTILL2.avro'));
  t.equal(k.row.AVGFRI, '');
});

t.test('several blocks, deflate, and 1-byte, 7-byte and 64 KiB chunks give identical rows', async (t) => {
  for (const codec of ['null', 'deflate']) {
    const bytes = await encode(FORTKURS, records(500), { blockSize: 512, codec });
    const results = await Promise.all(CHUNK_SIZES.map((n) => read(bytes, n)));
    t.equal(results[2].length, 500, codec);
    t.equal(results[2][499].line, 500);
    t.same(results[0], results[2], `${codec}: 1-byte chunks`);
    t.same(results[1], results[2], `${codec}: 7-byte chunks`);
  }
});

t.test('an empty container file is an empty table', async (t) => {
  const ctx = ctxFor('FORTKURS', 'FORTKURS.avro');
  t.same(await read(await encode(FORTKURS, []), 64, ctx), []);
  t.same(ctx.columns(), ['PNR', 'KURS', 'TERMORDN', 'TERMIN']);
});

t.test('truncated Avro: every cut inside a block is rejected with the record index', async (t) => {
  const bytes = await encode(FORTKURS, records(40), { blockSize: 200 });
  const full = await read(bytes);
  t.equal(full.length, 40);
  // find block boundaries: the header, then after each block
  const header = readHeader(bytes)!;
  const ends = new Set<number>([header.size]);
  const blockStarts: number[] = [];
  let pos = header.size;
  let first = 1;
  const firstIndex = new Map<number, number>();
  while (pos < bytes.length) {
    blockStarts.push(pos);
    const count = avro.Type.forSchema('long').decode(bytes, pos);
    const size = avro.Type.forSchema('long').decode(bytes, count.offset);
    firstIndex.set(pos, first);
    first += count.value as number;
    pos = size.offset + (size.value as number) + 16;
    ends.add(pos);
  }
  t.ok(blockStarts.length > 3, 'several blocks');
  const wrong: string[] = [];
  let checked = 0;
  for (let cut = header.size + 1; cut < bytes.length; cut++) {
    if (ends.has(cut)) continue; // a file cut between blocks is a valid, shorter file
    const start = blockStarts.filter((s) => s < cut).pop()!;
    const expected = `FORTKURS.avro:${firstIndex.get(start)}: truncated Avro file: the last block is incomplete`;
    const got = await read(bytes.subarray(0, cut), 7).then(
      () => 'no error',
      (err: Error & { code?: string }) => `${err.code} ${err.message}`,
    );
    if (got !== `PARSE ${expected}`) wrong.push(`cut ${cut}: ${got}`);
    checked++;
  }
  t.ok(checked > 100, `${checked} cut points`);
  t.same(wrong, [], 'every cut is PARSE at the first record of the cut block');
  await rejectsInput(t, read(bytes.subarray(0, bytes.length - 1)), { code: 'PARSE', file: 'FORTKURS.avro', line: firstIndex.get(blockStarts[blockStarts.length - 1]), reason: 'truncated Avro file' });
});

t.test('truncated Avro: a cut inside the header', async (t) => {
  const bytes = await encode(FORTKURS, records(3));
  await rejectsInput(t, read(bytes.subarray(0, 30)), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'the header is incomplete' });
  await rejectsInput(t, read(bytes.subarray(0, 2)), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'the header is incomplete' });
  await rejectsInput(t, read(Buffer.alloc(0)), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'empty file' });
});

t.test('corrupt Avro', async (t) => {
  await rejectsInput(t, read(Buffer.from('PNR;KURS;TERMORDN;TERMIN\n')), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'not an Avro object container file' });
  const bytes = await encode(FORTKURS, records(30), { blockSize: 200 });
  const header = readHeader(bytes)!;
  // the sync marker after the first block
  const count = avro.Type.forSchema('long').decode(bytes, header.size);
  const size = avro.Type.forSchema('long').decode(bytes, count.offset);
  const syncAt = size.offset + (size.value as number);
  const badSync = Buffer.from(bytes);
  badSync[syncAt] ^= 0xff;
  await rejectsInput(t, read(badSync), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'invalid sync marker' });
  // a record cut short inside its block: shrink the block's data
  const badCount = Buffer.from(bytes);
  badCount[header.size] = (count.value as number) * 2 + 2; // one record more than the block holds
  await rejectsInput(t, read(badCount), { code: 'PARSE', file: 'FORTKURS.avro', line: (count.value as number) + 1 });
  const fewer = Buffer.from(bytes);
  fewer[header.size] = (count.value as number) * 2 - 2; // one record less: bytes left over
  await rejectsInput(t, read(fewer), { code: 'PARSE', file: 'FORTKURS.avro', reason: 'bytes after the last record', line: count.value as number });
  const negative = Buffer.from(bytes);
  negative[header.size] = 1; // count -1
  await rejectsInput(t, read(negative), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'corrupt block header' });
});

t.test('unsupported codec and schema problems', async (t) => {
  const bytes = await encode(FORTKURS, records(2), { codec: 'snappy', codecs: { snappy: (b: Buffer, cb: (e: Error | null, b: Buffer) => void) => cb(null, b) } } as object);
  await rejectsInput(t, read(bytes), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'unsupported codec snappy' });
  const noTermin = { ...FORTKURS, fields: FORTKURS.fields.slice(0, 3) };
  await rejectsInput(t, read(await encode(noTermin, [])), { code: 'MISSING_COLUMN', file: 'FORTKURS.avro', line: 1, reason: 'EB50 kan inte läsa FORTKURS från exporten: kolumnen TERMIN saknas i Avro-schemat' });
  await rejectsInput(t, read(await encode({ type: 'string' }, ['x'])), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'not a record' });
  const withBool = { ...FORTKURS, fields: [...FORTKURS.fields, { name: 'flag', type: 'boolean' }] };
  await rejectsInput(t, read(await encode(withBool, [{ ...records(1)[0], flag: true }])), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'the value of FLAG is a boolean' });
  const dup = { ...FORTKURS, fields: [...FORTKURS.fields, { name: 'PNR', type: 'string' }] };
  await rejectsInput(t, read(await encode(dup, [])), { code: 'PARSE', file: 'FORTKURS.avro', line: 1, reason: 'duplicate column PNR' });
});

t.test('readHeader waits for the whole header', async (t) => {
  const bytes = await encode(FORTKURS, []);
  t.equal(readHeader(bytes.subarray(0, 3)), undefined);
  t.equal(readHeader(bytes.subarray(0, bytes.length - 1)), undefined);
  t.equal(readHeader(bytes)?.size, bytes.length);
  const sync = Buffer.alloc(16, 7);
  t.throws(() => readHeader(Buffer.concat([Buffer.from('Obj\x01\x00', 'latin1'), sync])), { message: 'the header has no avro.schema' });
  t.throws(() => readHeader(Buffer.concat([Buffer.from('Obj\x01', 'latin1'), Buffer.alloc(11, 0xff)])), { message: /varint/ });
  t.throws(() => readHeader(Buffer.concat([Buffer.from('Obj\x01\x02\x01', 'latin1'), sync])), { message: /negative length/ });
});
