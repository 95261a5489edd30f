/**
 * End to end on data/sample through the real CLI: the golden outputs of both
 * modes (test/golden/, checked by hand against data/README.md), determinism,
 * and idempotence (apply the deltas, run again: nothing new).
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, ROOT, runEb50, SAMPLE, snapshotDir } from './helpers.js';

const GOLDEN = join(ROOT, 'test', 'golden');

t.test('inspection run on data/sample gives the golden outputs', async (t) => {
  const out = join(t.testdir(), 'out');
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 0, r.stderr);
  t.same(await snapshotDir(out), await snapshotDir(join(GOLDEN, 'inspect')));
  t.equal(r.stdout, await readFile(join(out, 'sammanfattning.txt'), 'utf8'), 'the summary is printed');
});

t.test('update run (Ladok style parameters) gives the golden outputs under delta/', async (t) => {
  const out = join(t.testdir(), 'out');
  const r = runEb50(SAMPLE, out, ['UPPDATERA=J', '--max-new-share', '100']);
  t.equal(r.code, 0, r.stderr);
  t.same(await snapshotDir(out), await snapshotDir(join(GOLDEN, 'update')));
});

t.test('summary.json counts of a run on the sample (data/README.md)', async (t) => {
  const out = join(t.testdir(), 'out');
  t.equal(runEb50(SAMPLE, out).code, 0);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  t.same(summary.chains, { read: 37, withContinuation: 32, alreadyComplete: 3, reused: 1, created: 13 });
  t.equal(summary.counts.orphans, 3);
  t.equal(summary.counts.duplicateFfgkurs, 2);
  t.same(Object.keys(summary), ['mode', 'leadingChar', 'runDate', 'counts', 'chains', 'termsNotCompleted', 'locks', 'withoutLocks', 'inputs', 'outputs', 'exitCode']);
  t.notOk('baseline' in summary, 'an inspection run stopped by a lock hands on no baseline of its own');
});

t.test('summary.json outputs: each delta file with its rows and the sha256 of its bytes', async (t) => {
  const out = join(t.testdir(), 'out');
  t.equal(runEb50(SAMPLE, out, ['UPPDATERA=J', '--max-new-share', '100']).code, 0);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  t.same(Object.keys(summary.outputs), ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST']);
  for (const [table, o] of Object.entries(summary.outputs as Record<string, { rows: number; path: string; sha256: string }>)) {
    const bytes = await readFile(join(out, o.path));
    t.equal(o.sha256, createHash('sha256').update(bytes).digest('hex'), `${table} sha256`);
    t.equal(o.rows, bytes.toString('utf8').split('\n').filter(Boolean).length - 1, `${table} rows`);
  }
  t.same(summary.baseline.rows, Object.fromEntries(Object.entries(summary.inputs).map(([k, v]) => [k, (v as { rows: number }).rows])),
    'a run that passed every lock hands on its input row counts as the shrink baseline');
});

t.test('two runs with the same --run-date are byte-identical', async (t) => {
  const dir = t.testdir();
  t.equal(runEb50(SAMPLE, join(dir, 'a')).code, 0);
  t.equal(runEb50(SAMPLE, join(dir, 'b')).code, 0);
  t.same(await snapshotDir(join(dir, 'a')), await snapshotDir(join(dir, 'b')));
});

/** Applies an update run's deltas to a CSV export: new KTILL2, KTFORT2 and
 *  KTILLHST rows are appended, FFGKURS rows replaced by PNR+KURS. The sample's
 *  headers are the delta headers, so rows can be copied as lines. */
async function applyDeltas(input: string, delta: string): Promise<void> {
  const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
  for (const table of ['KTILL2', 'KTFORT2', 'KTILLHST']) {
    const [header, ...rows] = await lines(join(delta, `${table}.csv`));
    const current = await lines(join(input, `${table}.csv`));
    if (current[0] !== header) throw new Error(`${table}: headers differ`);
    await writeFile(join(input, `${table}.csv`), [...current, ...rows].join('\n') + '\n');
  }
  const updates = new Map<string, string>();
  for (const row of (await lines(join(delta, 'FFGKURS.csv'))).slice(1)) {
    const [pnr, kurs] = row.split(';');
    updates.set(`${pnr};${kurs}`, row);
  }
  const ffg = await lines(join(input, 'FFGKURS.csv'));
  const replaced = ffg.map((row) => updates.get(row.split(';').slice(0, 2).join(';')) ?? row);
  await writeFile(join(input, 'FFGKURS.csv'), replaced.join('\n') + '\n');
}

t.test('idempotence: after the deltas are applied, a second run creates nothing', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const first = runEb50(input, join(dir, 'out1'), ['--mode', 'update', '--max-new-share', '100']);
  t.equal(first.code, 0, first.stderr);
  await applyDeltas(input, join(dir, 'out1', 'delta'));
  const second = runEb50(input, join(dir, 'out2'), ['--mode', 'update']);
  t.equal(second.code, 0, second.stderr);
  const s1 = JSON.parse(await readFile(join(dir, 'out1', 'summary.json'), 'utf8'));
  const s2 = JSON.parse(await readFile(join(dir, 'out2', 'summary.json'), 'utf8'));
  t.same([s2.counts.ktill2, s2.counts.ktfort2, s2.counts.ffgkurs, s2.counts.ktillhst], [0, 0, 0, 0]);
  t.equal(s2.chains.alreadyComplete, s1.chains.alreadyComplete + s1.chains.created + s1.chains.reused,
    'every created or reused chain is now complete');
  t.same(s2.locks, [], 'no lock: nothing new');
  t.equal((await readFile(join(dir, 'out2', 'delta', 'KTILL2.csv'), 'utf8')).split('\n').filter(Boolean).length, 1, 'header only');
});
