import t from 'tap';
import { trippedLocks } from '../../stages/safety-locks.js';

const full = { FFGKURS: 10, KTILL2: 5, KTFORT2: 5, KURS: 3, TERMIN: 4 };

t.test('no lock on a healthy export', async (t) => {
  t.same(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 2, maxNewShare: 20 }), []);
});

for (const table of ['KTILL2', 'KTFORT2', 'KURS', 'TERMIN']) {
  t.test(`empty ${table} while FFGKURS has rows trips a lock`, async (t) => {
    const locks = trippedLocks({ rows: { ...full, [table]: 0 }, withContinuation: 10, newOfferings: 0, maxNewShare: 20 });
    t.same(locks, [`Spärr: Inga ${table}-poster finns i exporten.`]);
  });
}

t.test('empty catalog with empty FFGKURS is no lock', async (t) => {
  t.same(trippedLocks({ rows: { FFGKURS: 0 }, withContinuation: 0, newOfferings: 0, maxNewShare: 20 }), []);
});

t.test('new-offering share: strictly greater than the limit trips', async (t) => {
  t.same(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 2, maxNewShare: 20 }), [], '20 % is allowed');
  const locks = trippedLocks({ rows: full, withContinuation: 10, newOfferings: 3, maxNewShare: 20 });
  t.equal(locks.length, 1);
  t.match(locks[0], /3 av 10 .*30\.0 %.*20 %/);
  t.same(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 10, maxNewShare: 100 }), [], '--max-new-share 100');
  t.equal(trippedLocks({ rows: full, withContinuation: 10, newOfferings: 1, maxNewShare: 0 }).length, 1, '0 % allows none');
  t.same(trippedLocks({ rows: full, withContinuation: 375, newOfferings: 69, maxNewShare: 18.4 }), [],
    'exactly 18.4 % (69 of 375) does not trip, although 18.4 × 375 < 6900 in floating point');
  t.equal(trippedLocks({ rows: full, withContinuation: 375, newOfferings: 70, maxNewShare: 18.4 }).length, 1);
});
