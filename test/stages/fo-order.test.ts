import t from 'tap';
import { foInTermordnOrder, foSetSignature } from '../../stages/fo-order.js';
import { chainOf, ffgRow } from './helpers.js';

t.test('foInTermordnOrder: integer TERMORDN ascending, non-integers last in file order', async (t) => {
  const chain = chainOf(ffgRow(), [['10', 'a'], ['x', 'b'], [' 9', 'c'], ['y', 'd']], [['2', 'e']]);
  t.same(foInTermordnOrder(chain).map((fo) => fo.row.TERMIN), ['e', 'c', 'a', 'b', 'd']);
});

t.test('foSetSignature: equal exactly for equal sets of (integer TERMORDN, TERMIN)', async (t) => {
  const sig = (fos: Array<[string, string]>) => foSetSignature(chainOf(ffgRow(), fos).foSet);
  t.equal(sig([['2', '19762'], ['3', '19771']]), sig([['03', '19771'], [' 2', '19762']]));
  t.not(sig([['2', '19762']]), sig([['2', '19771']]));
  t.not(sig([['2', '19762']]), sig([['3', '19762']]));
  t.not(sig([['2', '19762']]), sig([['2', '19762'], ['3', '19771']]));
  t.not(sig([['x', '19762']]), sig([['0', '19762']]), 'a non-integer TERMORDN is not 0');
});
