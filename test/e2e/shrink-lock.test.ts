/**
 * The shrink lock through the real CLI: a truncated export that still has
 * rows is stopped by comparing row counts with the last run into the same
 * --output that passed every lock.
 */
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySample, editTable, runEb50, snapshotDir } from './helpers.js';

const summaryOf = async (out: string) => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
const UPDATE = ['--mode', 'update', '--max-new-share', '100'];

/** Keeps the header and the first `n` data rows of FORTKURS (a cut export). */
const truncateFortkurs = (input: string, n: number) => editTable(input, 'FORTKURS', (lines) => lines.slice(0, n + 1));

t.test('shrink lock: FORTKURS cut to a third stops the update run, names the table and both counts', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0, 'a good run sets the baseline');
  const delta = await snapshotDir(join(out, 'delta'));
  await truncateFortkurs(input, 13);
  const r = runEb50(input, out, UPDATE);
  t.equal(r.code, 3, r.stderr);
  const summary = await summaryOf(out);
  t.same(summary.locks, ['Spärr: FORTKURS har 13 rader, förra lyckade körningen (2015-02-23T10:41:50) hade 39 (66.7 % färre, mer än tillåtna 10 %).']);
  t.notOk('outputs' in summary);
  t.equal(summary.baseline.rows.FORTKURS, 39, 'the locked run carries the old baseline forward');
  t.same(await snapshotDir(join(out, 'delta')), delta, 'delta/ untouched');
  const list = await readFile(join(out, 'resultatlista.txt'), 'utf8');
  t.match(list, /^Varning! Spärr: FORTKURS har 13 rader/m);
  t.match(list, /--without-locks/, 'the result list says how to override');
  t.match(r.stderr, /safety lock tripped: Spärr: FORTKURS har 13 rader/);

  t.equal(runEb50(input, out, UPDATE).code, 3, 'running the cut export again is still stopped (the baseline did not move)');
  t.equal(runEb50(input, out, [...UPDATE, '--max-shrink', '70']).code, 0, '--max-shrink 70 lets it through');
  t.equal((await summaryOf(out)).baseline.rows.FORTKURS, 13, 'and that run is the new baseline');
});

t.test('shrink lock: --without-locks runs anyway and makes the new counts the baseline', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0);
  await truncateFortkurs(input, 13);
  const r = runEb50(input, out, [...UPDATE, '--without-locks']);
  t.equal(r.code, 0, r.stderr);
  const summary = await summaryOf(out);
  t.equal(summary.locks.length, 1, 'the lock is still reported');
  t.equal(summary.withoutLocks, true);
  t.equal(summary.baseline.rows.FORTKURS, 13);
});

t.test('shrink lock: an inspection run only warns, and does not move the baseline', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0);
  await truncateFortkurs(input, 13);
  t.equal(runEb50(input, out, ['--max-new-share', '100']).code, 0);
  t.match(await readFile(join(out, 'resultatlista.txt'), 'utf8'), /^Varning! Spärr: FORTKURS har 13 rader/m);
  t.equal((await summaryOf(out)).baseline.rows.FORTKURS, 39);
  t.equal(runEb50(input, out, UPDATE).code, 3, 'the update run after it is still stopped');
});

t.test('shrink lock: a drop within --max-shrink passes; no previous run, no lock', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0);
  await truncateFortkurs(input, 36); // 39 → 36: 7.7 % fewer
  t.equal(runEb50(input, out, UPDATE).code, 0);
  t.equal(runEb50(input, join(dir, 'fresh'), UPDATE).code, 0, 'a first run into an empty --output has nothing to compare with');
});

t.test('an unreadable previous summary.json is a top warning, not a crash', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  const out = join(dir, 'out');
  t.equal(runEb50(input, out, UPDATE).code, 0);
  await writeFile(join(out, 'summary.json'), '{"cut');
  const r = runEb50(input, out, UPDATE);
  t.equal(r.code, 0, r.stderr);
  t.match(await readFile(join(out, 'resultatlista.txt'), 'utf8'), /^Varning! summary\.json från förra körningen kunde inte läsas/m);
  t.match(r.stderr, /^eb50: warning: summary\.json från förra körningen/m);
});

t.test('--max-shrink must be a percentage', async (t) => {
  const dir = t.testdir();
  for (const bad of ['-5', '101', 'x']) {
    const r = runEb50(await copySample(join(dir, bad)), join(dir, 'out'), ['--max-shrink', bad]);
    t.equal(r.code, 2, bad);
    t.match(r.stderr, /--max-shrink must be a percentage 0–100/);
  }
});
