import t from 'tap';
import fc from 'fast-check';
import { KURSOMG_CANDIDATES, kodOf, nextKod, nextKursomg } from '../../stages/allocate.js';

t.test('§6 KURSOMG candidates: 2–9, A–Z, Å, Ä, Ö, 0 (38 values)', async (t) => {
  t.equal(KURSOMG_CANDIDATES.length, 38);
  t.equal(KURSOMG_CANDIDATES.join(''), '23456789ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0');
});

t.test('§6 nextKursomg: the first candidate not taken', async (t) => {
  t.equal(nextKursomg(new Set(), '1'), '2');
  t.equal(nextKursomg(new Set(['2', '3']), '1'), '4');
  t.equal(nextKursomg(new Set(['2', '3', '4', '5', '6', '7', '8', '9']), '1'), 'A');
});

t.test("§6 nextKursomg: never the chain's own OMGANG, compared case-insensitively", async (t) => {
  t.equal(nextKursomg(new Set(), '2'), '3');
  t.equal(nextKursomg(new Set(['2', '3', '4', '5', '6', '7', '8', '9']), 'a'), 'B');
  t.equal(nextKursomg(new Set(['2', '3', '4', '5', '6', '7', '8', '9']), 'A'), 'B');
  t.equal(nextKursomg(new Set(), ' 2'), '2', 'a leading space makes another value');
});

t.test('§6 the 38th KURSOMG is 0, then noFreeOmgang', async (t) => {
  const all = KURSOMG_CANDIDATES.slice(0, 37);
  t.equal(nextKursomg(new Set(all), '1'), '0');
  t.equal(nextKursomg(new Set(all), '0'), undefined, 'own OMGANG 0');
  t.equal(nextKursomg(new Set(KURSOMG_CANDIDATES), '1'), undefined);
  t.equal(nextKursomg(new Set(KURSOMG_CANDIDATES.slice(1)), '2'), undefined, '37 taken plus own');
});

t.test('§6 property: nextKursomg never hands out a taken value or the own OMGANG', async (t) => {
  fc.assert(
    fc.property(fc.subarray([...KURSOMG_CANDIDATES]), fc.constantFrom(...KURSOMG_CANDIDATES, '1', 'a', 'ö'), (taken, own) => {
      const got = nextKursomg(new Set(taken), own);
      const free = KURSOMG_CANDIDATES.filter((c) => !taken.includes(c) && c !== own.toUpperCase());
      return got === free[0];
    }),
  );
});

t.test('§6 kodOf: leading character and four digits', async (t) => {
  t.equal(kodOf('Q', 1), 'Q0001');
  t.equal(kodOf('Å', 9999), 'Å9999');
});

t.test('§6 nextKod: the lowest free number from the cursor', async (t) => {
  t.same(nextKod(new Set(), 'Q', 1), { kod: 'Q0001', number: 1 });
  t.same(nextKod(new Set(['Q0001', 'Q0002', 'Q0004']), 'Q', 1), { kod: 'Q0003', number: 3 });
  t.same(nextKod(new Set(['Q0001']), 'Q', 0), { kod: 'Q0002', number: 2 }, 'numbers start at 0001');
  t.same(nextKod(new Set(), 'Q', 5), { kod: 'Q0005', number: 5 }, 'numbers never reused: the cursor');
  t.same(nextKod(new Set(['A0001']), 'Q', 1), { kod: 'Q0001', number: 1 }, 'other leading characters do not block');
});

t.test('§6 nextKod: 9999 is the last; then codesExhausted', async (t) => {
  t.same(nextKod(new Set(), 'Q', 9999), { kod: 'Q9999', number: 9999 });
  t.equal(nextKod(new Set(['Q9999']), 'Q', 9999), undefined);
  t.equal(nextKod(new Set(), 'Q', 10000), undefined);
});

t.test('§11 nextKod: codes compared upper-cased (Å, Ä, Ö included)', async (t) => {
  // The catalog upper-cases codes (q0001 → Q0001); the code built is upper-cased too.
  t.same(nextKod(new Set(['Ö0001']), 'Ö', 1), { kod: 'Ö0002', number: 2 });
});

t.test('§6 property: nextKod never hands out a used code, and is the lowest free one', async (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 60 }), fc.integer({ min: 0, max: 70 }), (used, from) => {
      const usedCodes = new Set(used.map((n) => kodOf('Q', n)));
      const got = nextKod(usedCodes, 'Q', from);
      let expected: number | undefined;
      for (let n = Math.max(1, from); n <= 9999; n++) {
        if (!used.includes(n)) {
          expected = n;
          break;
        }
      }
      return got?.number === expected && (got === undefined || (!usedCodes.has(got.kod) && got.kod === kodOf('Q', got.number)));
    }),
  );
});
