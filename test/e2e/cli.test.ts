/**
 * The CLI contract of SPEC §9 through the real binary: safety locks,
 * maintenance, the output-directory lock, exit codes, output formats,
 * encodings and the summary mail (`eb50 sort`: sort-run.test.ts).
 */
import t from 'tap';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, eb50, editTable, ROOT, runEb50, SAMPLE, snapshotDir } from './helpers.js';
import { openTableFile } from '../../pipeline/read-table.js';
import type { Row } from '../../pipeline/types.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const summaryOf = async (out: string) => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

t.test('safety lock: an update run with too many new offerings stops with exit 3 and writes only the explanation', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'out');
  t.equal(runEb50(SAMPLE, out, ['--mode', 'update', '--max-new-share', '100']).code, 0, 'a good update run first');
  const previousDelta = await snapshotDir(join(out, 'delta'));
  const r = runEb50(SAMPLE, out, ['--mode', 'update']);
  t.equal(r.code, 3);
  t.match(r.stderr, /safety lock/);
  const summary = await summaryOf(out);
  t.equal(summary.exitCode, 3);
  t.equal(summary.locks.length, 1);
  t.match(summary.locks[0], /14 av 32/);
  t.notOk('outputs' in summary, 'no outputs in a locked run');
  t.equal(summary.counts.ktill2, 13, 'the counts it computed are kept');
  const list = await readFile(join(out, 'resultatlista.txt'), 'utf8');
  t.match(list, /Varning! Uppdateringen har stoppats av en spärr/);
  t.match(list, /\(1\) Antal poster som kommer att läggas in i tabellen KTILL2 vid skarp körning: 13\./, 'nothing was loaded: "would" wording');
  t.same(await snapshotDir(join(out, 'delta')), previousDelta, 'the previous delta/ is untouched');
});

t.test('safety lock: an inspection run only warns', async (t) => {
  const out = join(t.testdir(), 'out');
  t.equal(runEb50(SAMPLE, out).code, 0);
  t.match(await readFile(join(out, 'resultatlista.txt'), 'utf8'), /^Varning! Spärr: 14 av 32 kedjor/m);
  t.equal((await summaryOf(out)).locks.length, 1);
});

t.test('--without-locks runs the update anyway and says so at the top', async (t) => {
  const out = join(t.testdir(), 'out');
  const r = runEb50(SAMPLE, out, ['--mode', 'update', '--without-locks']);
  t.equal(r.code, 0, r.stderr);
  const list = await readFile(join(out, 'resultatlista.txt'), 'utf8');
  t.match(list.split('\n\n')[1], /utan spärrar/);
  t.equal((await readdir(join(out, 'delta'))).length, 4);
  t.equal((await summaryOf(out)).exitCode, 0);
});

for (const table of ['KTILL2', 'KTFORT2', 'KURS', 'TERMIN']) {
  t.test(`safety lock: an empty ${table} export (header only) stops an update run`, async (t) => {
    const dir = t.testdir();
    const input = await copySample(dir);
    await editTable(input, table, (lines) => lines.slice(0, 1));
    const r = runEb50(input, join(dir, 'out'), ['--mode', 'update', '--max-new-share', '100']);
    t.equal(r.code, 3);
    const summary = await summaryOf(join(dir, 'out'));
    t.same(summary.locks, [`Spärr: Inga ${table}-poster finns i exporten.`]);
    const inspect = runEb50(input, join(dir, 'inspect'), ['--max-new-share', '100']);
    t.equal(inspect.code, 0, 'inspection only warns');
    t.match(await readFile(join(dir, 'inspect', 'resultatlista.txt'), 'utf8'), `Varning! Spärr: Inga ${table}-poster finns i exporten.`);
  });
}

t.test('maintenance: a MAINTENANCE file stops the run with exit 75 and its text', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await writeFile(join(input, 'MAINTENANCE'), 'Ladok har underhåll till 06:00.\n');
  const out = join(dir, 'out');
  const r = runEb50(input, out);
  t.equal(r.code, 75);
  t.match(r.stderr, 'Ladok har underhåll till 06:00.');
  t.rejects(readdir(out), 'nothing was created');
});

t.test('maintenance: a MAINTENANCE entry that cannot be read still stops the run', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await mkdir(join(input, 'MAINTENANCE'));
  const r = runEb50(input, join(dir, 'out'));
  t.equal(r.code, 75);
  t.match(r.stderr, /maintenance: .*MAINTENANCE exists; try again later/);
});

t.test('a second run on an output directory another live run holds exits 75', async (t) => {
  const out = t.testdir({ '.eb50.lock': `${process.pid}\n` });
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 75);
  t.match(r.stderr, /another eb50 run \(pid \d+\) is writing/);
  t.same(await readdir(out), ['.eb50.lock'], 'nothing written');
});

t.test('an output that cannot be written exits 4', async (t) => {
  const dir = t.testdir({ file: 'x' });
  const r = runEb50(SAMPLE, join(dir, 'file'));
  t.equal(r.code, 4);
  t.match(r.stderr, /cannot write the output directory/);
});

t.test('usage errors exit 2 with one line', async (t) => {
  for (const args of [['run', '--input', 'x'], ['run', '--input', 'i', '--output', 'o', '--leading-char', '7'], ['bogus']]) {
    const r = eb50(args);
    t.equal(r.code, 2, args.join(' '));
    t.equal(r.stderr.trim().split('\n').length, 1);
  }
});

t.test('--help and --version', async (t) => {
  const help = eb50(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /eb50 run --input DIR --output DIR --leading-char Q/);
  const version = eb50(['--version']);
  t.equal(version.code, 0);
  t.match(version.stdout, /^eb50 \d+\.\d+\.\d+/);
});

async function rowsOf(path: string, table: 'KTILL2' | 'KTFORT2' | 'FFGKURS' | 'KTILLHST', format: 'csv' | 'ndjson' | 'avro'): Promise<Row[]> {
  const reader = await openTableFile(path, table, format, { encoding: 'utf8' });
  const rows: Row[] = [];
  for await (const { row } of reader.rows()) rows.push(row);
  return rows;
}

for (const format of ['ndjson', 'avro'] as const) {
  t.test(`--format ${format} writes the same delta rows as CSV`, async (t) => {
    const out = join(t.testdir(), 'out');
    t.equal(runEb50(SAMPLE, out, ['--format', format]).code, 0);
    for (const table of ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST'] as const) {
      const got = await rowsOf(join(out, 'preview', `${table}.${format}`), table, format);
      const want = await rowsOf(join(GOLDEN, 'inspect', 'preview', `${table}.csv`), table, 'csv');
      t.same(got, want, table);
    }
    t.equal((await summaryOf(out)).outputs.KTILL2.path, `preview/KTILL2.${format}`);
  });
}

t.test('--encoding latin1: ISO-8859-1 exports are read, and deltas written, in latin1', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  // Give a created row a non-ASCII value so the delta shows the encoding.
  await editTable(input, 'FFGKURS', (l) => l.map((line) => (line.startsWith('4510240000;XSL037;') ? line.replace(/;1$/, ';Å') : line)));
  for (const name of await readdir(input)) {
    const text = await readFile(join(input, name), 'utf8');
    await writeFile(join(input, name), Buffer.from(text, 'latin1'));
  }
  const out = join(dir, 'out');
  const r = runEb50(input, out, ['--encoding', 'latin1']);
  t.equal(r.code, 0, r.stderr);
  const bytes = await readFile(join(out, 'preview', 'FFGKURS.csv'));
  t.ok(bytes.includes(Buffer.from(';EB50;\u00c5\n', 'latin1')), 'Å written as one latin1 byte');
  t.match(await readFile(join(out, 'resultatlista.txt'), 'utf8'), /4510240000;XSL037;.*;EB50;Å;/, 'the result list is UTF-8');
});

