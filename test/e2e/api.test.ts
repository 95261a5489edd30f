/**
 * The package's programmatic API, imported by its own name through the
 * package.json `exports` map (as a loader pipeline would after installing
 * it), on the real sample files.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, exitCodeOf, findTableFile, mergeChains, openTable, run, checkSorted, sortSpec, type RunEvent } from 'eb50';
import { ROOT, SAMPLE, snapshotDir } from './helpers.js';

t.test('run() with defaults gives the same outputs as the CLI', async (t) => {
  const out = join(t.testdir(), 'out');
  const events: RunEvent[] = [];
  const result = await run(
    { input: SAMPLE, output: out, leadingChar: 'q', runDate: '2015-02-23T10:41:50' },
    { onEvent: (e) => events.push(e) },
  );
  t.equal(result.exitCode, 0);
  t.equal(result.summary.chains.created, 13);
  t.equal(result.resultListPath, join(out, 'resultatlista.txt'));
  t.equal(result.summaryText, await readFile(join(out, 'sammanfattning.txt'), 'utf8'));
  const golden = await snapshotDir(join(ROOT, 'test', 'golden', 'inspect'));
  const mine = await snapshotDir(out);
  for (const name of ['resultatlista.txt', 'summary.json', 'preview/KTILL2.csv', 'preview/FFGKURS.csv']) t.equal(mine[name], golden[name], name);
  t.same(events.map((e) => e.event), ['start', 'phase', 'phase', 'phase', 'lock', 'phase', 'end']);
});

t.test('run() in update mode stopped by a lock resolves with exit code 3', async (t) => {
  const result = await run({ input: SAMPLE, output: join(t.testdir(), 'out'), leadingChar: 'Q', mode: 'update', runDate: '2015-02-23T10:41:50' });
  t.equal(result.exitCode, 3);
  t.equal(result.summary.locks.length, 1);
});

t.test('run() rejects bad options and bad input with typed errors', async (t) => {
  const out = join(t.testdir(), 'out');
  const usage = await run({ input: SAMPLE, output: out, leadingChar: '7' }).catch((e: unknown) => e);
  t.ok(usage instanceof UsageError, 'a UsageError');
  t.equal(exitCodeOf(usage), 2);
  await t.rejects(run({ input: SAMPLE, output: out, leadingChar: 'Q', maxNewShare: 120 }), /--max-new-share must be a percentage/);
  const err = await run({ input: join(SAMPLE, 'nowhere'), output: out, leadingChar: 'Q' }).catch((e: unknown) => e);
  t.equal(exitCodeOf(err), 3);
  t.match((err as Error).message, /EB50 kan inte läsa FFGKURS från exporten/);
});

t.test('the building blocks: open, check the order, merge-join into chains', async (t) => {
  const open = async (table: 'FFGKURS' | 'FORTKURS' | 'INREGFO') => {
    const reader = await openTable(SAMPLE, table, { encoding: 'utf8' });
    const spec = sortSpec(table);
    return checkSorted(reader.rows(), spec.compare, reader.fileName, spec.keyOf);
  };
  let chains = 0;
  let orphans = 0;
  for await (const e of mergeChains({ ffgkurs: await open('FFGKURS'), fortkurs: await open('FORTKURS'), inregfo: await open('INREGFO') })) {
    if (e.kind === 'chain') chains++;
    else if (e.kind === 'duplicate') chains += e.chains.length;
    else orphans++;
  }
  t.equal(chains, 37, 'the 37 FFGKURS rows of data/sample (data/README.md), duplicates included');
  t.equal(orphans, 3);
  t.equal((await findTableFile(SAMPLE, 'KURS')).format, 'csv');
});
