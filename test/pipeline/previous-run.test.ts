import t from 'tap';
import { join } from 'node:path';
import { baselineOf, nextBaseline, readPreviousRun } from '../../pipeline/previous-run.js';

const inputs = { FFGKURS: { rows: 10, sha256: 'a' }, KURS: { rows: 3, sha256: 'b' } };

t.test('a summary.json with a baseline hands on that baseline', async (t) => {
  const baseline = { runDate: '2015-01-01T00:00:00', rows: { FFGKURS: 50 } };
  t.same(baselineOf({ exitCode: 3, locks: ['x'], inputs, baseline }), baseline);
});

t.test('an older summary.json without one: its inputs count only if it passed every lock', async (t) => {
  t.same(baselineOf({ runDate: 'd', exitCode: 0, locks: [], inputs }), { runDate: 'd', rows: { FFGKURS: 10, KURS: 3 } });
  t.equal(baselineOf({ runDate: 'd', exitCode: 0, locks: ['Spärr'], inputs }), undefined);
  t.equal(baselineOf({ runDate: 'd', exitCode: 3, locks: [], inputs }), undefined);
  t.equal(baselineOf({ runDate: 'd', exitCode: 0, locks: [], inputs: { KURS: { rows: -1 } } }), undefined, 'nonsense counts are no baseline');
  t.equal(baselineOf({ baseline: { runDate: 'd', rows: 'x' } }), undefined);
});

t.test('the next baseline: own counts when every lock passed or was overridden, else the previous one', async (t) => {
  const previous = { runDate: 'old', rows: { FFGKURS: 50 } };
  const run = { runDate: 'new', rows: { FFGKURS: 10 }, locks: [] as string[], withoutLocks: false };
  t.same(nextBaseline(run, previous), { runDate: 'new', rows: { FFGKURS: 10 } });
  t.same(nextBaseline({ ...run, locks: ['Spärr'] }, previous), previous);
  t.same(nextBaseline({ ...run, locks: ['Spärr'], withoutLocks: true }, previous), { runDate: 'new', rows: { FFGKURS: 10 } });
});

t.test('reading: none, good, broken, not an object, unreadable', async (t) => {
  const dir = t.testdir({
    none: {},
    good: { 'summary.json': JSON.stringify({ baseline: { runDate: 'd', rows: { KURS: 1 } } }) },
    broken: { 'summary.json': '{' },
    scalar: { 'summary.json': '7' },
    dir: { 'summary.json': {} },
  });
  t.same(await readPreviousRun(join(dir, 'none')), {});
  t.same(await readPreviousRun(join(dir, 'good')), { baseline: { runDate: 'd', rows: { KURS: 1 } } });
  t.match((await readPreviousRun(join(dir, 'broken'))).unreadable, /JSON/);
  t.equal((await readPreviousRun(join(dir, 'scalar'))).unreadable, 'not a JSON object');
  t.equal((await readPreviousRun(join(dir, 'dir'))).unreadable, 'EISDIR');
});
