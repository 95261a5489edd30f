import t from 'tap';
import fc from 'fast-check';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeLength, decodeText, InvalidUtf8, readChunks, unreadable, validPrefixLength } from '../../../pipeline/readers/source.js';
import { chunksOf, collect } from '../../fixtures/readers/helpers.js';

const ctx = { fileName: 'KURS.csv', table: 'KURS' };

const decodeAll = async (bytes: Buffer, size: number, enc: 'utf8' | 'latin1' = 'utf8') => (await collect(decodeText(chunksOf(bytes, size), enc))).join('');

t.test('readChunks: highWaterMark sets the chunk size the parser sees', async (t) => {
  const dir = t.testdir({ 'KURS.csv': 'KURS;POANG\nA;7.5\n' });
  const path = join(dir, 'KURS.csv');
  for (const size of [1, 7]) {
    const chunks = await collect(readChunks(path, ctx, size));
    t.ok(chunks.slice(0, -1).every((c) => c.length === size), `all chunks but the last are ${size} bytes`);
    t.equal(Buffer.concat(chunks).toString(), 'KURS;POANG\nA;7.5\n');
  }
});

t.test('readChunks: a directory is UNREADABLE, a vanished file MISSING_FILE', async (t) => {
  const dir = t.testdir({ 'KURS.csv': {} });
  await t.rejects(collect(readChunks(join(dir, 'KURS.csv'), ctx)), { code: 'UNREADABLE', file: 'KURS.csv', message: /är en katalog/ });
  await t.rejects(collect(readChunks(join(dir, 'nope.csv'), ctx)), { code: 'MISSING_FILE', file: 'KURS.csv' });
});

const ROOT_SKIP = process.getuid?.() === 0 ? 'running as root: chmod 000 does not block reads (the directory case covers UNREADABLE)' : false;

t.test('readChunks: a file without read permission is UNREADABLE', { skip: ROOT_SKIP }, async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'KURS.csv');
  writeFileSync(path, 'KURS;POANG\n');
  chmodSync(path, 0o000);
  await t.rejects(collect(readChunks(path, ctx)), { code: 'UNREADABLE', file: 'KURS.csv', message: /EACCES/ });
});

t.test('unreadable: other errors name their code or message', async (t) => {
  t.match(unreadable(Object.assign(new Error('x'), { code: 'EIO' }), ctx).reason, /\(EIO\)/);
  t.match(unreadable(new Error('odd'), ctx).reason, /\(odd\)/);
});

t.test('latin1 maps every byte to the same code point', async (t) => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const text = await decodeAll(all, 7, 'latin1');
  t.equal(text.length, 256);
  t.ok([...text].every((c, i) => c.charCodeAt(0) === i), 'byte n is U+00nn (0x80 is not €)');
});

t.test('UTF-8 decodes the same at every chunk size', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 1, max: 9 }), async (s, size) => {
      return (await decodeAll(Buffer.from(s, 'utf8'), size)) === s;
    }),
  );
});

t.test('a BOM is dropped at the start only', async (t) => {
  t.equal(await decodeAll(Buffer.from('\ufeffa\ufeffb'), 1), 'a\ufeffb');
  t.equal(await decodeAll(Buffer.from('\ufeffa'), 64), 'a');
  t.equal(await decodeAll(Buffer.from('\ufeff'), 64), '');
  t.equal(await decodeAll(Buffer.from('\ufeffa', 'utf8'), 64, 'latin1'), 'ï»¿a', 'latin1 has no BOM');
});

t.test('invalid UTF-8: the valid prefix is yielded, then InvalidUtf8', async (t) => {
  const bad = [
    [0xc3, 0x28], // continuation missing
    [0x80], // lone continuation
    [0xc0, 0x80], // overlong
    [0xed, 0xa0, 0x80], // surrogate
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xff],
  ];
  for (const seq of bad) {
    for (const size of [1, 3, 64]) {
      const got: string[] = [];
      let err: unknown;
      try {
        for await (const s of decodeText(chunksOf(Buffer.from([0x61, 0xc3, 0xa5, ...seq, 0x62]), size), 'utf8')) got.push(s);
      } catch (e) {
        err = e;
      }
      t.ok(err instanceof InvalidUtf8, `${seq.map((b) => b.toString(16)).join(' ')} at chunk size ${size}`);
      t.equal(got.join(''), 'aå', 'prefix yielded first');
    }
  }
  await t.rejects(collect(decodeText(chunksOf(Buffer.from([0x61, 0xe2, 0x82]), 64), 'utf8')), InvalidUtf8, 'file ends inside a sequence');
});

t.test('completeLength holds back an incomplete trailing sequence only', async (t) => {
  t.equal(completeLength(Buffer.from('aå')), 3);
  t.equal(completeLength(Buffer.from([0x61, 0xc3])), 1);
  t.equal(completeLength(Buffer.from([0x61, 0xe2, 0x82])), 1);
  t.equal(completeLength(Buffer.from([0xf0, 0x9f, 0x98])), 0);
  t.equal(completeLength(Buffer.from([0xf0, 0x9f, 0x98, 0x80])), 4);
  t.equal(completeLength(Buffer.from([0x80, 0x80, 0x80])), 3, 'no lead byte in reach: left to the decoder');
  t.equal(completeLength(Buffer.alloc(0)), 0);
});

t.test('validPrefixLength agrees with the strict decoder (property)', async (t) => {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      const n = validPrefixLength(bytes);
      strict.decode(bytes.subarray(0, n)); // throws if the prefix is not valid
      if (n === bytes.length) return true;
      // no longer prefix ending at a sequence boundary is valid
      for (let m = n + 1; m <= Math.min(n + 4, bytes.length); m++) {
        try {
          strict.decode(bytes.subarray(0, m));
          return false;
        } catch {
          /* expected */
        }
      }
      return true;
    }),
    { numRuns: 2000 },
  );
});
