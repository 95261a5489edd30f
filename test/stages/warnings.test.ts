import t from 'tap';
import type { ChainPoints, TermPoints } from '../../pipeline/types.js';
import { chainPoints } from '../../stages/points.js';
import {
  offeringWarnings, pointSumMismatch, pointsOverMax, seasonMismatchKtillp, seasonMismatchOriginal, templateTerm,
} from '../../stages/warnings.js';
import { catalogOf, chainOf, ffgRow, ktfortFor, ktillFor, ktillpRow, kursRow } from './helpers.js';
import type { Tables } from './helpers.js';

const d = (tenths: number): TermPoints => ({ value: '', tenths, source: 'distributed' });

t.test('§8 line 11 pointsOverMax: a term above 3 × KURSTAKT tenths', async (t) => {
  t.equal(pointsOverMax({ ffg: d(300), fo: [d(300)] }, 100), false, '30.0 at 100 %');
  t.equal(pointsOverMax({ ffg: d(300), fo: [d(301)] }, 100), true, '30.1 at 100 %');
  t.equal(pointsOverMax({ ffg: d(150), fo: [] }, 50), false, '15.0 at 50 %');
  t.equal(pointsOverMax({ ffg: d(151), fo: [] }, 50), true, '15.1 at 50 %');
  t.equal(pointsOverMax({ ffg: d(0), fo: [d(1)] }, 0), true, 'KURSTAKT 0: any value above 0');
  t.equal(pointsOverMax({ ffg: d(0), fo: [d(0)] }, 0), false);
});

const ffg = ffgRow();

function warningsOf(tables: Tables, chain = chainOf(ffg, [['2', '19762']])) {
  const catalog = catalogOf(tables);
  const points = chainPoints(chain, catalog) as ChainPoints;
  return { chain, points, catalog, codes: offeringWarnings(chain, points, catalog) };
}

t.test('§8 line 11 through offeringWarnings, template values included', async (t) => {
  t.same(warningsOf({ KTILLP: [ktillpRow(ffg, '1', '45.0'), ktillpRow(ffg, '2', '0')], KURS: [kursRow('XSH221', '45')] }).codes,
    ['pointsOverMax']);
});

t.test('templateTerm: KTILL2.STARTTER, KTFORT2.TERMIN, KTILLP.STARTTER + TERMORDK − 1', async (t) => {
  t.equal(templateTerm({ value: '1', tenths: 10, source: 'ktill2', template: { STARTTER: '19761' } }), '19761');
  t.equal(templateTerm({ value: '1', tenths: 10, source: 'ktfort2', template: { TERMIN: '19772' } }), '19772');
  t.equal(templateTerm({ value: '1', tenths: 10, source: 'ktillp', template: { STARTTER: '19762', TERMORDK: ' 3' } }), '19772');
  t.equal(templateTerm({ value: '1', tenths: 10, source: 'ktillp', template: { STARTTER: '1976', TERMORDK: '1' } }), undefined);
  t.equal(templateTerm(d(1)), undefined);
});

t.test('§8 line 12 seasonMismatchOriginal: a KTFORT2 template term in the other season', async (t) => {
  const tables = (termin: string): Tables => ({
    KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })],
    KTFORT2: [ktfortFor(ffg, '2', termin, { FORPOANG: '15.0' })],
    KURS: [kursRow('XSH221', '30')],
  });
  t.same(warningsOf(tables('19771'), chainOf(ffg, [['2', '19762']])).codes, ['seasonMismatchOriginal'], 'vår template, höst term');
  t.same(warningsOf(tables('19762'), chainOf(ffg, [['2', '19772']])).codes, [], 'both höst');
  t.same(warningsOf(tables('1977'), chainOf(ffg, [['2', '19762']])).codes, [], 'invalid template term: no warning');
});

t.test('§8 line 12 not for KTILLP or distributed terms', async (t) => {
  const w = warningsOf({ KTILLP: [ktillpRow(ffg, '1', '15'), ktillpRow(ffg, '2', '15')] }, chainOf(ffg, [['2', '19762']]));
  t.equal(seasonMismatchOriginal(w.chain, w.points), false);
});

t.test('§8 line 13 seasonMismatchKtillp: KTILLP STARTTER advanced by TERMORDK − 1', async (t) => {
  const tables: Tables = { KTILLP: [ktillpRow(ffg, '1', '15'), ktillpRow(ffg, '2', '15')], KURS: [kursRow('XSH221', '30')] };
  // KTILLP row 2 stands for 19762 (höst).
  t.same(warningsOf(tables, chainOf(ffg, [['2', '19771']])).codes, ['seasonMismatchKtillp']);
  t.same(warningsOf(tables, chainOf(ffg, [['2', '19782']])).codes, [], 'a later höst term is the same season');
  const w = warningsOf(tables, chainOf(ffg, [['2', '19771']]));
  t.equal(seasonMismatchOriginal(w.chain, w.points), false, 'line 12 is for KTILL2/KTFORT2 templates only');
});

t.test('§8 line 13 not given when the KTILLP template term is invalid', async (t) => {
  const chain = chainOf(ffg, [['2', '19771']]);
  const points: ChainPoints = {
    ffg: d(150),
    fo: [{ value: '15', tenths: 150, source: 'ktillp', template: { STARTTER: ' 19761', TERMORDK: '2' } }],
  };
  t.equal(seasonMismatchKtillp(chain, points), false);
  points.fo[0].template = { STARTTER: '19761', TERMORDK: '2' };
  t.equal(seasonMismatchKtillp(chain, points), true);
});

t.test('§8 line 14 pointSumMismatch: sum of terms ≠ KURS.POANG', async (t) => {
  const sum = (poang: string) =>
    warningsOf({ KTILLP: [ktillpRow(ffg, '1', '10'), ktillpRow(ffg, '2', '5,0')], KURS: [kursRow('XSH221', poang)] });
  t.same(sum('15').codes, []);
  t.same(sum('15,04').codes, [], 'compared in tenths');
  t.same(sum('7.5').codes, ['pointSumMismatch']);
  t.same(sum('n/a').codes, [], 'only when KURS.POANG is a number');
  const w = warningsOf({ KTILLP: [ktillpRow(ffg, '1', '10'), ktillpRow(ffg, '2', '5')] });
  t.equal(pointSumMismatch(w.chain, w.points, w.catalog), false, 'no course');
});

t.test('§11 KURSTAKT 0 and line 14: 0.0 everywhere warns whenever KURS.POANG is not 0', async (t) => {
  const zero = ffgRow({ KURSTAKT: '0' });
  t.same(warningsOf({ KURS: [kursRow('XSH221', '15')] }, chainOf(zero, [['2', '19762']])).codes, ['pointSumMismatch']);
  t.same(warningsOf({ KURS: [kursRow('XSH221', '0')] }, chainOf(zero, [['2', '19762']])).codes, []);
});

t.test('§8 each warning at most once per offering, in line order', async (t) => {
  const chain = chainOf(ffg, [['2', '19771'], ['3', '19782']]); // both FO terms mismatch their KTILLP term
  const w = warningsOf({
    KTILLP: [ktillpRow(ffg, '1', '99'), ktillpRow(ffg, '2', '99'), ktillpRow(ffg, '3', '99')],
    KURS: [kursRow('XSH221', '1')],
  }, chain);
  t.same(w.codes, ['pointsOverMax', 'seasonMismatchKtillp', 'pointSumMismatch']);
});
