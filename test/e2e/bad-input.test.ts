/**
 * Bad input through the real CLI (SPEC §9): each class is rejected with exit
 * 3 and one line naming file, line and reason; no stack trace; the previous
 * outputs stay exactly as they were and no temporary files are left.
 */
import t from 'tap';
import { chmod, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, editTable, runEb50, snapshotDir } from './helpers.js';
import { createTableWriter } from '../../pipeline/write-table.js';
import { tableColumns } from '../../pipeline/columns.js';

interface Case {
  name: string;
  break: (input: string) => Promise<void>;
  message: RegExp;
}

const swapLines = (a: number, b: number) => (lines: string[]) => {
  const copy = [...lines];
  [copy[a], copy[b]] = [copy[b], copy[a]];
  return copy;
};

const cases: Case[] = [
  {
    name: 'missing file',
    break: (input) => rm(join(input, 'KTILL2.csv')),
    message: /KTILL2.*EB50 kan inte läsa KTILL2 från exporten/,
  },
  {
    name: 'header without a required column',
    break: (input) => editTable(input, 'FORTKURS', (l) => [l[0].replace('TERMORDN', 'TERMORD'), ...l.slice(1)]),
    message: /FORTKURS\.csv:1: EB50 kan inte läsa FORTKURS från exporten: kolumnen TERMORDN saknas i rubrikraden/,
  },
  {
    name: 'broken quoting',
    break: (input) => editTable(input, 'KURS', (l) => [...l.slice(0, 3), `${l[3]};"unterminated`, ...l.slice(4)]),
    message: /KURS\.csv:4: /,
  },
  {
    name: 'wrong field count',
    break: (input) => editTable(input, 'TERMIN', (l) => [...l.slice(0, 5), `${l[5]};extra`, ...l.slice(6)]),
    message: /TERMIN\.csv:6: .*field/,
  },
  {
    name: 'invalid UTF-8',
    break: async (input) => {
      const path = join(input, 'KURS.csv');
      const bytes = await readFile(path);
      const lines = bytes.toString('utf8').split('\n');
      const before = Buffer.from(lines.slice(0, 2).join('\n') + '\n', 'utf8');
      await writeFile(path, Buffer.concat([before, Buffer.from([0x58, 0xff, 0x3b, 0x0a]), Buffer.from(lines.slice(2).join('\n'), 'utf8')]));
    },
    message: /KURS\.csv:3: .*UTF-8/,
  },
  {
    name: 'unsorted FFGKURS',
    break: (input) => editTable(input, 'FFGKURS', swapLines(3, 4)),
    message: /FFGKURS\.csv:5: .*eb50 sort/,
  },
  {
    name: 'unsorted FORTKURS',
    break: (input) => editTable(input, 'FORTKURS', swapLines(2, 3)),
    message: /FORTKURS\.csv:4: .*eb50 sort/,
  },
  {
    name: 'unsorted INREGFO',
    break: (input) => editTable(input, 'INREGFO', swapLines(1, 2)),
    message: /INREGFO\.csv:3: .*eb50 sort/,
  },
  {
    name: 'NDJSON syntax error',
    break: async (input) => {
      await rm(join(input, 'INREGFO.csv'));
      await writeFile(join(input, 'INREGFO.ndjson'), '{"PNR":"1","KURS":"A","TERMORDN":"2","TERMIN":"20102"}\n{"PNR":"2",\n');
    },
    message: /INREGFO\.ndjson:2: /,
  },
  {
    name: 'JSON syntax error',
    break: async (input) => {
      await rm(join(input, 'KTILLP.csv'));
      await writeFile(join(input, 'KTILLP.json'), '[{"KURS":"A","STARTTER":"20101","PROGR":"","PROGINR":"","TERMORDK":"1","POANG":"7.5","LOK1":"","LOK2":""},{"KURS":');
    },
    message: /KTILLP\.json/,
  },
  {
    name: 'truncated Avro file',
    break: async (input) => {
      await rm(join(input, 'KURS.csv'));
      const path = join(input, 'KURS.avro');
      const w = createTableWriter(path, 'avro', tableColumns('KURS'), { encoding: 'utf8', table: 'KURS' });
      for (let i = 0; i < 2000; i++) await w.write({ KURS: `K${i}`, POANG: '7.5' });
      await w.close();
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, bytes.length - 40));
    },
    message: /KURS\.avro/,
  },
];

for (const c of cases) {
  t.test(`bad input: ${c.name} → exit 3, file and line named, previous outputs untouched`, async (t) => {
    const dir = t.testdir();
    const input = await copySample(dir);
    const out = join(dir, 'out');
    t.equal(runEb50(input, out).code, 0, 'a good run first');
    const before = await snapshotDir(out);
    await c.break(input);
    const r = runEb50(input, out);
    t.equal(r.code, 3, 'exit 3');
    t.match(r.stderr, c.message);
    const errors = r.stderr.trim().split('\n').filter((l) => !/^eb50: (\w+ run of|catalog tables read|chains processed)/.test(l));
    t.equal(errors.length, 1, 'the error is one line after the progress lines');
    t.match(errors[0], c.message, 'and it is the last line');
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
    t.same(await snapshotDir(out), before, 'previous outputs untouched');
    t.same((await readdir(out)).filter((n) => n.startsWith('.')), [], 'no temp dir or lock left');
  });
}

t.test('unreadable input file → exit 3', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await chmod(join(input, 'KURS.csv'), 0o000);
  const r = runEb50(input, join(dir, 'out'));
  t.equal(r.code, 3);
  t.match(r.stderr, /KURS/);
});

t.test('unreadable input (a directory where the file should be) → exit 3', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await rm(join(input, 'KURS.csv'));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(input, 'KURS.csv'));
  const r = runEb50(input, join(dir, 'out'));
  t.equal(r.code, 3, r.stderr);
  t.match(r.stderr, /KURS/);
  t.notMatch(r.stderr, /\n\s+at /);
});
