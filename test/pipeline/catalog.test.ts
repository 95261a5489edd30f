import t from 'tap';
import fc from 'fast-check';
import { CatalogBuilder, joinKey, offeringKeyOfCatalogRow, offeringKeyOfFfg } from '../../pipeline/catalog.js';
import type { Row } from '../../pipeline/types.js';
import { catalogOf, ffgRow, ktfortFor, ktillFor, ktillpRow, kursRow } from '../stages/helpers.js';

const ffg = ffgRow();
const key = offeringKeyOfFfg(ffg);

t.test('offering key: FFGKURS KURS, TERMIN, … equals catalog KURSKOD, STARTTER, …', async (t) => {
  t.equal(offeringKeyOfCatalogRow(ktillFor(ffg)), key);
  t.not(offeringKeyOfCatalogRow(ktillFor(ffg, { KURSTAKT: ' 100' })), key, 'exact strings, leading space significant');
  t.not(offeringKeyOfCatalogRow(ktillFor(ffg, { KURSTID: 'dag' })), key, 'case-sensitive');
  t.equal(offeringKeyOfCatalogRow(ktillFor(ffg, { KURSOMG: 'X', FFGPOANG: '9' })), key, 'KURSOMG is not in the key');
});

t.test('joinKey cannot collide, whatever the values hold', async (t) => {
  t.not(joinKey(['a', 'bc']), joinKey(['ab', 'c']));
  t.not(joinKey(['a\u0000', 'b']), joinKey(['a', '\u0000b']));
  t.not(joinKey(['1:a', '']), joinKey(['1', 'a']));
});

t.test('KTILL2/KTILL3: the first row of an offering in file order', async (t) => {
  const first = ktillFor(ffg, { FFGPOANG: '7.5' });
  const second = ktillFor(ffg, { FFGPOANG: '9.0' });
  const c = catalogOf({ KTILL2: [first, second], KTILL3: [second, first] });
  t.equal(c.ktill2(key, '1')?.FFGPOANG, '7.5');
  t.equal(c.ktill3(key, '1')?.FFGPOANG, '9.0');
  t.equal(c.ktill2(key, '2'), undefined);
  t.equal(c.ktill2(offeringKeyOfFfg(ffgRow({ KURS: 'OTHER' })), '1'), undefined);
});

t.test('KURSOMG exact in look-ups (case-sensitive)', async (t) => {
  const c = catalogOf({ KTILL2: [ktillFor(ffgRow({ OMGANG: 'a' }))] });
  t.ok(c.ktill2(key, 'a'));
  t.equal(c.ktill2(key, 'A'), undefined);
});

t.test('KTFORT2/KTFORT3: all rows of an offering, in file order', async (t) => {
  const rows = [ktfortFor(ffg, '3', '19771'), ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '2', '19772')];
  const c = catalogOf({ KTFORT2: rows, KTFORT3: [rows[1]] });
  t.same(c.ktfort2(key, '1').map((r) => r.TERMIN), ['19771', '19762', '19772']);
  t.same(c.ktfort3(key, '1').map((r) => r.TERMIN), ['19762']);
  t.same(c.ktfort2(key, '9'), []);
});

t.test('KURSOMG in use per offering key: KTILL2 and KTILL3, upper-cased', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg, { KURSOMG: 'a' }), ktillFor(ffg, { KURSOMG: '2' })],
    KTILL3: [ktillFor(ffg, { KURSOMG: 'ö' })],
  });
  t.same([...c.kursomgInUse(key)].sort(), ['2', 'A', 'Ö']);
  t.same([...c.kursomgInUse(offeringKeyOfFfg(ffgRow({ ORT: '9999' })))], []);
});

t.test('KOD in use per STARTTER: KTILL2 and KTILL3, upper-cased', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg, { KOD: 'q0001' }), ktillFor(ffgRow({ TERMIN: '19762' }), { KOD: 'Q0007' })],
    KTILL3: [ktillFor(ffgRow({ KURS: 'X2' }), { KOD: 'Q0002' })],
  });
  t.same([...c.kodInUse('19761')].sort(), ['Q0001', 'Q0002']);
  t.same([...c.kodInUse('19762')], ['Q0007']);
  t.same([...c.kodInUse('19771')], []);
});

t.test('kodStartsWith: any KTILL2/KTILL3 code with that first character, any case', async (t) => {
  const c = catalogOf({ KTILL2: [ktillFor(ffg, { KOD: 'q0001' })], KTILL3: [ktillFor(ffg, { KOD: 'Å0001' })] });
  t.equal(c.kodStartsWith('Q'), true);
  t.equal(c.kodStartsWith('q'), true);
  t.equal(c.kodStartsWith('Å'), true);
  t.equal(c.kodStartsWith('A'), false);
  t.equal(catalogOf({ KTILL2: [ktillFor(ffg, { KOD: '' })] }).kodStartsWith('Q'), false);
});

t.test('KTILLP: first row in file order; TERMORDK as an integer after trimming', async (t) => {
  const c = catalogOf({
    KTILLP: [
      ktillpRow(ffg, 'x', '1.0'),
      ktillpRow(ffg, ' 2', '5.0'),
      ktillpRow(ffg, '02', '6.0'),
      ktillpRow(ffg, '1', 'abc'),
      ktillpRow(ffg, '1', '7.5'),
    ],
  });
  t.equal(c.ktillp(ffg.KURS, ffg.TERMIN, ffg.PROGR, ffg.PROGINR, 2)?.POANG, '5.0');
  t.equal(c.ktillp(ffg.KURS, ffg.TERMIN, ffg.PROGR, ffg.PROGINR, 1)?.POANG, 'abc', 'the first row, even if not a number');
  t.equal(c.ktillp(ffg.KURS, ffg.TERMIN, ffg.PROGR, ffg.PROGINR, 3), undefined);
  t.equal(c.ktillp(ffg.KURS, ffg.TERMIN, 'P', ffg.PROGINR, 2), undefined, 'PROGR must match');
  t.equal(c.ktillp(ffg.KURS, '19762', ffg.PROGR, ffg.PROGINR, 2), undefined, 'STARTTER must match');
});

t.test('KTILLP: a blank PROGR/PROGINR matches a blank value', async (t) => {
  const c = catalogOf({ KTILLP: [ktillpRow(ffg, '1', '5.0', { PROGR: '', PROGINR: '' })] });
  t.equal(c.ktillp(ffg.KURS, ffg.TERMIN, '', '', 1)?.POANG, '5.0');
  t.equal(c.ktillp(ffg.KURS, ffg.TERMIN, '', ' _', 1), undefined);
});

t.test('KURS and TERMIN: the first row per code', async (t) => {
  const c = catalogOf({
    KURS: [kursRow('A', '7.5'), kursRow('A', '9.0')],
    TERMIN: [
      { TERMIN: '19761', STARTV: '7603', SLUTV: '7622' },
      { TERMIN: '19761', STARTV: 'x', SLUTV: 'y' },
    ],
  });
  t.equal(c.kurs('A')?.POANG, '7.5');
  t.equal(c.kurs('B'), undefined);
  t.equal(c.termin('19761')?.STARTV, '7603');
  t.equal(c.termin('19762'), undefined);
});

t.test('rows are projected to the columns the rules use; absent columns read blank', async (t) => {
  const c = catalogOf({ KTILL2: [{ ...ktillFor(ffg), DEP1: 'x', LOK1: undefined as unknown as string }] });
  const row = c.ktill2(key, '1')!;
  t.equal(row.DEP1, undefined);
  t.equal(row.LOK1, '');
});

t.test('CatalogBuilder: no add after build, no unknown table', async (t) => {
  const b = new CatalogBuilder();
  t.throws(() => b.add('FFGKURS' as 'KURS', ffg), /not a catalog table/);
  b.build();
  t.throws(() => b.add('KURS', kursRow('A', '1')), /after build/);
});

t.test('originalOf(ffg) is offering(offering key, OMGANG): the same record, or none (property)', async (t) => {
  const v = (...xs: string[]) => fc.constantFrom(...xs);
  const keyFields = fc.record({
    KURS: v('A', 'B', '1A', '1'), TERMIN: v('20101', '20102', '2010', '2010 ', ' 20101', '201010'), KURSTAKT: v('100', ' 100'), KURSTID: v('DAG', 'dag'),
    UNDFORM: v('NML'), ORT: v('1', '2'), KURSTYP: v(' _', ''), OMGANG: v('1', '2', 'a', 'A'),
  });
  const ffgOf = (k: Record<string, string>): Row => ffgRow(k);
  await fc.assert(
    fc.property(fc.array(keyFields, { maxLength: 12 }), fc.array(keyFields, { maxLength: 8 }), fc.array(keyFields, { maxLength: 5 }), (ktill2, ktfort2, probes) => {
      const c = catalogOf({
        KTILL2: ktill2.map((k) => ktillFor(ffgOf(k))),
        KTFORT2: ktfort2.map((k, i) => ktfortFor(ffgOf(k), String(i + 2), '20111')),
      });
      for (const k of [...ktill2, ...ktfort2, ...probes]) {
        const ffgKey = ffgOf(k);
        if (c.originalOf(ffgKey) !== c.offering(offeringKeyOfFfg(ffgKey), ffgKey.OMGANG)) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random catalogs');
});

t.test('continuation terms: (TERMORDN as an integer, TERMIN) per row in file order, next to the rows', async (t) => {
  const rows = [ktfortFor(ffg, ' 3', '19771'), ktfortFor(ffg, 'x', '19762'), ktfortFor(ffg, '02', '19772')];
  const c = catalogOf({ KTFORT2: rows, KTILL2: [ktillFor(ffg)] });
  const o = c.originalOf(ffg)!;
  t.same(o.ktfort2Terms, [3, '19771', undefined, '19762', 2, '19772']);
  t.same(o.ktfort3Terms, []);
  t.same(o.ktfort2.map((r) => r.TERMIN), ['19771', '19762', '19772'], 'the rows themselves, all three, in file order');
});

