import t from 'tap';
import { shrinkLocks, trippedLocks } from '../../stages/safety-locks.js';

const full = { FFGKURS: 10, KTILL2: 5, KTFORT2: 5, KURS: 3, TERMIN: 4 };

t.test('no lock on a healthy export', async (t) => {
  t.same(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 2, maxNewShare: 20, maxShrink: 10 }), []);
});

for (const table of ['KTILL2', 'KTFORT2', 'KURS', 'TERMIN']) {
  t.test(`empty ${table} while FFGKURS has rows trips a lock`, async (t) => {
    const locks = trippedLocks({ rows: { ...full, [table]: 0 }, withContinuation: 10, newOfferings: 0, maxNewShare: 20, maxShrink: 10 });
    t.same(locks, [`Spärr: Inga ${table}-poster finns i exporten.`]);
  });
}

t.test('empty catalog with empty FFGKURS is no lock', async (t) => {
  t.same(trippedLocks({ rows: { FFGKURS: 0 }, withContinuation: 0, newOfferings: 0, maxNewShare: 20, maxShrink: 10 }), []);
});

t.test('new-offering share: strictly greater than the limit trips', async (t) => {
  t.same(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 2, maxNewShare: 20, maxShrink: 10 }), [], '20 % is allowed');
  const locks = trippedLocks({ rows: full, withContinuation: 10, newOfferings: 3, maxNewShare: 20, maxShrink: 10 });
  t.equal(locks.length, 1);
  t.match(locks[0], /3 av 10 .*30\.0 %.*20 %/);
  t.same(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 10, maxNewShare: 100, maxShrink: 10 }), [], '--max-new-share 100');
  t.equal(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 1, maxNewShare: 0, maxShrink: 10 }).length, 1, '0 % allows none');
  t.same(trippedLocks({ rows: full, withContinuation: 375, newOfferings: 69, maxNewShare: 18.4, maxShrink: 10 }), [],
    'exactly 18.4 % (69 of 375) does not trip, although 18.4 × 375 < 6900 in floating point');
  t.equal(trippedLocks({ rows: full, withContinuation: 375, newOfferings: 70, maxNewShare: 18.4, maxShrink: 10 }).length, 1);
});

const baseline = { runDate: '2015-02-22T10:00:00', rows: { ...full, FFGKURS: 1000 } };
const figures = (rows: Record<string, number>, maxShrink = 10) =>
  ({ rows, withContinuation: 10, newOfferings: 0, maxNewShare: 20, baseline, maxShrink });

t.test('shrink lock: a drop of more than --max-shrink since the last successful run trips', async (t) => {
  t.same(trippedLocks(figures({ ...full, FFGKURS: 900 })), [], 'exactly 10 % fewer is allowed');
  t.same(trippedLocks(figures({ ...full, FFGKURS: 1200 })), [], 'growth is never a shrink');
  const locks = trippedLocks(figures({ ...full, FFGKURS: 899 }));
  t.same(locks, ['Spärr: FFGKURS har 899 rader, förra lyckade körningen (2015-02-22T10:00:00) hade 1000 (10.1 % färre, mer än tillåtna 10 %).']);
  t.equal(trippedLocks(figures({ ...full, FFGKURS: 899 }, 15)).length, 0, '--max-shrink 15 lets it through');
  t.equal(trippedLocks(figures({ ...full, FFGKURS: 999 }, 0)).length, 1, '--max-shrink 0 allows no drop');
});

t.test('shrink lock names every table that shrank, and a table gone to zero', async (t) => {
  const locks = trippedLocks(figures({ ...full, FFGKURS: 10, KTILL2: 1 }));
  t.equal(locks.length, 2);
  t.match(locks[0], /^Spärr: FFGKURS har 10 rader/);
  t.match(locks[1], /^Spärr: KTILL2 har 1 rader.*hade 5 \(80\.0 % färre/);
});

t.test('shrink lock: no baseline (first run) or a table empty before never trips', async (t) => {
  t.same(trippedLocks({ ...figures({ ...full, FFGKURS: 1 }), baseline: undefined }), []);
  t.same(shrinkLocks({ KTILL3: 0 }, { runDate: 'x', rows: { KTILL3: 0 } }, 10), []);
});
