import t from 'tap';
import { advanceTerm, parseTerm, season, termIndex } from '../../stages/terms.js';

t.test('parseTerm: YYYYT with T 1 (vår) or 2 (höst)', async (t) => {
  t.same(parseTerm('19761'), { year: 1976, season: 1, index: 1976 * 2 });
  t.same(parseTerm('20112'), { year: 2011, season: 2, index: 2011 * 2 + 1 });
});

t.test('parseTerm: anything else is an invalid term (SPEC §11: exact [0-9]{4}[12])', async (t) => {
  for (const bad of ['20113', '20110', '2011', '201111', ' 20111', '20111 ', '2011a', '', 'abcd1', '２0111']) {
    t.equal(parseTerm(bad), undefined, JSON.stringify(bad));
  }
  t.equal(parseTerm(undefined), undefined);
});

t.test('termIndex: later means a larger index, across years', async (t) => {
  t.ok(termIndex('19762')! > termIndex('19761')!);
  t.ok(termIndex('19771')! > termIndex('19762')!);
  t.equal(termIndex('19771')! - termIndex('19762')!, 1);
  t.equal(termIndex('x'), undefined);
});

t.test('season: the last digit', async (t) => {
  t.equal(season('19761'), 1);
  t.equal(season('19762'), 2);
  t.equal(season('19763'), undefined);
});

t.test('advanceTerm: n terms on, over year ends and back', async (t) => {
  t.equal(advanceTerm('19761', 0), '19761');
  t.equal(advanceTerm('19761', 1), '19762');
  t.equal(advanceTerm('19762', 1), '19771');
  t.equal(advanceTerm('19761', 3), '19772');
  t.equal(advanceTerm('19771', -1), '19762');
  t.equal(advanceTerm('00011', 1), '00012');
  t.equal(advanceTerm('00001', -1), undefined, 'before year 0');
  t.equal(advanceTerm('99992', 1), undefined, 'after year 9999');
  t.equal(advanceTerm('1976', 1), undefined, 'invalid code');
});
