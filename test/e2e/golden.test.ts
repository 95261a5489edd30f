/**
 * End to end on data/sample through the real CLI: the golden outputs of both
 * modes (test/golden/, checked by hand against data/README.md), determinism,
 * and idempotence (`eb50 apply` the deltas, run again: nothing new).
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, eb50, ROOT, runEb50, SAMPLE, snapshotDir } from './helpers.js';

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

t.test('idempotence: after the deltas are applied, a second run creates nothing', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const first = runEb50(input, join(dir, 'out1'), ['--mode', 'update', '--max-new-share', '100']);
  t.equal(first.code, 0, first.stderr);
  const next = join(dir, 'next');
  const applied = eb50(['apply', '--input', input, '--delta', join(dir, 'out1', 'delta'), '--output', next]);
  t.equal(applied.code, 0, applied.stderr);
  const second = runEb50(next, join(dir, 'out2'), ['--mode', 'update']);
  t.equal(second.code, 0, second.stderr);
  const s1 = JSON.parse(await readFile(join(dir, 'out1', 'summary.json'), 'utf8'));
  const s2 = JSON.parse(await readFile(join(dir, 'out2', 'summary.json'), 'utf8'));
  t.same([s2.counts.ktill2, s2.counts.ktfort2, s2.counts.ffgkurs, s2.counts.ktillhst], [0, 0, 0, 0]);
  t.equal(s2.chains.alreadyComplete, s1.chains.alreadyComplete + s1.chains.created + s1.chains.reused,
    'every created or reused chain is now complete');
  t.same(s2.locks, [], 'no lock: nothing new');
  t.equal((await readFile(join(dir, 'out2', 'delta', 'KTILL2.csv'), 'utf8')).split('\n').filter(Boolean).length, 1, 'header only');
});
