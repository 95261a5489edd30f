import t from 'tap';
import fc from 'fast-check';
import type { ChainPoints } from '../../pipeline/types.js';
import { chainPoints, distributePoints, formatTenths, parsePoints } from '../../stages/points.js';
import { catalogOf, chainOf, ffgRow, ktfortFor, ktillFor, ktillpRow, kursRow } from './helpers.js';
import type { Tables } from './helpers.js';

t.test('§5 parsePoints: digits with an optional . or , decimal part, in tenths', async (t) => {
  t.equal(parsePoints('7.5'), 75);
  t.equal(parsePoints('7,5'), 75, 'comma decimals');
  t.equal(parsePoints('15'), 150);
  t.equal(parsePoints('0'), 0);
  t.equal(parsePoints('007.50'), 75);
  t.equal(parsePoints('  7.5 '), 75, 'trimmed');
});

t.test('§5 parsePoints: rounds half up to tenths', async (t) => {
  t.equal(parsePoints('2.25'), 23);
  t.equal(parsePoints('2,349'), 23);
  t.equal(parsePoints('2.2499'), 22);
  t.equal(parsePoints('0.05'), 1);
  t.equal(parsePoints('0.04999'), 0);
  t.equal(parsePoints('9.95'), 100);
  t.equal(parsePoints('999.96'), 10000);
});

t.test('§5 parsePoints: anything else is not a number', async (t) => {
  for (const bad of ['', ' ', 'abc', '7.', '.5', ',5', '-1', '+1', '1e3', '7.5.1', '7 5', '7,5,0', 'NaN', '\t7']) {
    t.equal(parsePoints(bad), undefined, JSON.stringify(bad));
  }
});

t.test('§11 formatTenths: one decimal with a point', async (t) => {
  t.equal(formatTenths(25), '2.5');
  t.equal(formatTenths(0), '0.0');
  t.equal(formatTenths(120), '12.0');
  t.equal(formatTenths(9999), '999.9');
});

t.test('§5 distributePoints: floor(P/N), the first P mod N terms get a tenth more', async (t) => {
  t.same(distributePoints(150, 100, 2), [75, 75]);
  t.same(distributePoints(10, 100, 3), [4, 3, 3], 'remainder tenths to the earliest terms');
  t.same(distributePoints(75, 100, 2), [38, 37]);
  t.same(distributePoints(2, 50, 4), [1, 1, 0, 0]);
  t.same(distributePoints(0, 100, 3), [0, 0, 0]);
});

t.test('§5 distributePoints: KURSTAKT 0 gives 0.0 to every term', async (t) => {
  t.same(distributePoints(150, 0, 3), [0, 0, 0]);
});

t.test('§5 property: distributed points always sum to P (KURSTAKT > 0), differ by at most one tenth', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 30 }),
      (p, kurstakt, n) => {
        const shares = distributePoints(p, kurstakt, n);
        const sorted = [...shares].sort((a, b) => b - a);
        return shares.length === n && shares.reduce((s, x) => s + x, 0) === p &&
          Math.max(...shares) - Math.min(...shares) <= 1 && shares.every((x, i) => x === sorted[i]);
      }),
  );
});

const ffg = ffgRow();
const twoTerms = chainOf(ffg, [['2', '19762']]);

function points(tables: Tables, chain = twoTerms): ChainPoints {
  const result = chainPoints(chain, catalogOf(tables));
  if (typeof result === 'string') throw new Error(result);
  return result;
}
const values = (p: ChainPoints) => [p.ffg.value, ...p.fo.map((f) => f.value)];
const sources = (p: ChainPoints) => [p.ffg.source, ...p.fo.map((f) => f.source)];

t.test('§5 KURS.POANG distributed when there is no template', async (t) => {
  const p = points({ KURS: [kursRow('XSH221', '15')] });
  t.same(values(p), ['7.5', '7.5']);
  t.same(sources(p), ['distributed', 'distributed']);
  t.equal(p.ffg.template, undefined);
  const three = points({ KURS: [kursRow('XSH221', '1,0')] }, chainOf(ffg, [['2', '19762'], ['3', '19771']]));
  t.same(values(three), ['0.4', '0.3', '0.3'], 'the FFG term first gets the spare tenth');
});

t.test('§5 distribution orders FO terms by TERMORDN as integers', async (t) => {
  const chain = chainOf(ffg, [['10', '19772'], ['9', '19771'], ['2', '19762']]);
  const p = points({ KURS: [kursRow('XSH221', '0.6')] }, chain);
  // N = 4, 6 tenths: 2, 2, 1, 1 for FFG, TERMORDN 2, 9, 10.
  t.same(values(p), ['0.2', '0.2', '0.1', '0.1']);
});

t.test('§5 FFGPOANG from the original KTILL2 row, FORPOANG from its KTFORT2 row', async (t) => {
  const p = points({
    KTILL2: [ktillFor(ffg, { FFGPOANG: '15,0', LOK1: 'L1', LOK2: 'L2' })],
    KTFORT2: [ktfortFor(ffg, ' 2', '19771', { FORPOANG: '7.5', LOK1: 'F1' })],
    KURS: [kursRow('XSH221', '22.5')],
  });
  t.same(values(p), ['15,0', '7.5'], 'template values as read');
  t.same(sources(p), ['ktill2', 'ktfort2'], 'KTFORT2 matched by TERMORDN whatever its TERMIN');
  t.equal(p.ffg.tenths, 150);
  t.equal(p.ffg.template?.LOK1, 'L1');
  t.equal(p.fo[0].template?.LOK1, 'F1');
});

t.test('§5 the original is KTILL2 with KURSOMG = OMGANG exactly', async (t) => {
  const p = points({
    KTILL2: [ktillFor(ffg, { KURSOMG: '2', FFGPOANG: '15.0' }), ktillFor(ffg, { KURSOMG: ' 1', FFGPOANG: '15.0' })],
    KURS: [kursRow('XSH221', '10')],
  });
  t.same(sources(p), ['distributed', 'distributed']);
});

t.test('§5 KTFORT2 FORPOANG consulted only when FFGPOANG came from KTILL2', async (t) => {
  const tables: Tables = {
    KTILL2: [ktillFor(ffg, { FFGPOANG: 'n/a' })],
    KTFORT2: [ktfortFor(ffg, '2', '19762', { FORPOANG: '7.5' })],
    KTILLP: [ktillpRow(ffg, '1', '10.0')],
    KURS: [kursRow('XSH221', '30')],
  };
  const p = points(tables);
  t.same(sources(p), ['ktillp', 'distributed']);
  t.same(values(p), ['10.0', '15.0'], 'the FO term gets its own share of the distribution over N = 2');
});

t.test('§11 a first matching KTFORT2 row that is not a number goes to KTILLP, not the next row', async (t) => {
  const p = points({
    KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })],
    KTFORT2: [ktfortFor(ffg, '2', '19762', { FORPOANG: '' }), ktfortFor(ffg, '2', '19762', { FORPOANG: '9.0' })],
    KTILLP: [ktillpRow(ffg, '2', '5.0')],
  });
  t.same(values(p), ['15.0', '5.0']);
  t.same(sources(p), ['ktill2', 'ktillp']);
  t.equal(p.fo[0].template?.LOK1, 'P1-2');
});

t.test('§5 KTILLP: KURS, STARTTER = TERMIN, PROGR, PROGINR, TERMORDK = 1 / k', async (t) => {
  const p = points({ KTILLP: [ktillpRow(ffg, ' 2', '4.5'), ktillpRow(ffg, '01', '10.5')] });
  t.same(values(p), ['10.5', '4.5']);
  t.same(sources(p), ['ktillp', 'ktillp']);
  t.equal(p.ffg.template?.LOK2, 'P2-01');
});

t.test('§11 KTILLP: first row in file order; not a number → next source', async (t) => {
  const p = points({
    KTILLP: [ktillpRow(ffg, '1', 'x'), ktillpRow(ffg, '1', '10.0'), ktillpRow(ffg, '2', '5.0')],
    KURS: [kursRow('XSH221', '20.1')],
  });
  t.same(values(p), ['10.1', '5.0']);
  t.same(sources(p), ['distributed', 'ktillp']);
});

t.test('§11 KTILLP: a blank PROGR matches blank only', async (t) => {
  const blank = ffgRow({ PROGR: '', PROGINR: '' });
  const chain = chainOf(blank, [['2', '19762']]);
  t.same(sources(points({ KTILLP: [ktillpRow(blank, '1', '1'), ktillpRow(blank, '2', '1')] }, chain)), ['ktillp', 'ktillp']);
  const p = points(
    { KTILLP: [ktillpRow(blank, '1', '1', { PROGR: 'X' }), ktillpRow(blank, '2', '1')], KURS: [kursRow('XSH221', '3')] },
    chain,
  );
  t.same(sources(p), ['distributed', 'ktillp']);
});

t.test('§11 mixed sources: FFG from KTILLP, FO distributed with its own share', async (t) => {
  const p = points({ KTILLP: [ktillpRow(ffg, '1', '10.0')], KURS: [kursRow('XSH221', '7.5')] });
  t.same(values(p), ['10.0', '3.7'], 'share of term 2 of 38/37');
});

t.test('§5 KURSTAKT 0: distributed terms 0.0, template values kept', async (t) => {
  const zero = ffgRow({ KURSTAKT: '0' });
  const chain = chainOf(zero, [['2', '19762'], ['3', '19771']]);
  const p = points({ KTILLP: [ktillpRow(zero, '2', '4.0')], KURS: [kursRow('XSH221', '15')] }, chain);
  t.same(values(p), ['0.0', '4.0', '0.0']);
  t.same(sources(p), ['distributed', 'ktillp', 'distributed']);
});

t.test('§5 badCoursePoints: course missing or POANG not a number when a distributed value is needed', async (t) => {
  t.equal(chainPoints(twoTerms, catalogOf({})), 'badCoursePoints');
  t.equal(chainPoints(twoTerms, catalogOf({ KURS: [kursRow('XSH221', 'sju')] })), 'badCoursePoints');
  t.equal(chainPoints(twoTerms, catalogOf({ KURS: [kursRow('XSH221', '')] })), 'badCoursePoints');
  t.equal(chainPoints(twoTerms, catalogOf({ KURS: [kursRow('XSH221', 'x'), kursRow('XSH221', '5')] })), 'badCoursePoints',
    'the first KURS row counts');
  t.equal(chainPoints(twoTerms, catalogOf({ KTILLP: [ktillpRow(ffg, '1', '5')] })), 'badCoursePoints', 'one term needs it');
  const zero = ffgRow({ KURSTAKT: '0' });
  t.equal(chainPoints(chainOf(zero, [['2', '19762']]), catalogOf({})), 'badCoursePoints', 'also with KURSTAKT 0');
});

t.test('§5 no course needed when every term has a template', async (t) => {
  const p = points({ KTILLP: [ktillpRow(ffg, '1', '5'), ktillpRow(ffg, '2', '5')] });
  t.same(values(p), ['5', '5']);
});

t.test('§5 pointsTooLarge: a distributed value above 999.9', async (t) => {
  t.equal(chainPoints(twoTerms, catalogOf({ KURS: [kursRow('XSH221', '2000.0')] })), 'pointsTooLarge', '1000.0 each');
  t.equal(chainPoints(twoTerms, catalogOf({ KURS: [kursRow('XSH221', '1999.9')] })), 'pointsTooLarge', '1000.0 + 999.9');
  t.same(values(points({ KURS: [kursRow('XSH221', '1999.8')] })), ['999.9', '999.9']);
});

t.test('§11 pointsTooLarge applies to distributed values only: template 1500.0 written as read', async (t) => {
  const p = points({ KTILLP: [ktillpRow(ffg, '1', '1500.0')], KURS: [kursRow('XSH221', '1000')] });
  t.same(values(p), ['1500.0', '500.0']);
  t.equal(
    chainPoints(twoTerms, catalogOf({ KTILLP: [ktillpRow(ffg, '1', '1500.0')], KURS: [kursRow('XSH221', '2000')] })),
    'pointsTooLarge',
    'the distributed FO share is 1000.0',
  );
});
