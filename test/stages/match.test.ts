import t from 'tap';
import { offeringKeyOfFfg } from '../../pipeline/catalog.js';
import { foSetSignature } from '../../stages/fo-order.js';
import { alreadyComplete, reuse } from '../../stages/match.js';
import { RunState } from '../../stages/run-state.js';
import { catalogOf, chainOf, ffgRow, ktfortFor, ktillFor } from './helpers.js';

const ffg = ffgRow();
const chain = chainOf(ffg, [['2', '19762'], ['3', '19771']]);

t.test('§4.3 alreadyComplete in KTILL2/KTFORT2', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg)],
    KTFORT2: [ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '3', '19771')],
  });
  t.equal(alreadyComplete(chain, c), true);
});

t.test('§4.3 extra KTFORT2 rows beyond the FO set still complete', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg)],
    KTFORT2: [ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '3', '19771'), ktfortFor(ffg, '4', '19772')],
  });
  t.equal(alreadyComplete(chain, c), true);
});

t.test('§4.3 a KTFORT2 row with the right TERMORDN but another TERMIN is not complete', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg)],
    KTFORT2: [ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '3', '19772')],
  });
  t.equal(alreadyComplete(chain, c), false);
});

t.test('§4.3 a missing FO term or a missing KTILL2 row is not complete', async (t) => {
  t.equal(alreadyComplete(chain, catalogOf({ KTILL2: [ktillFor(ffg)], KTFORT2: [ktfortFor(ffg, '2', '19762')] })), false);
  t.equal(
    alreadyComplete(chain, catalogOf({ KTFORT2: [ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '3', '19771')] })),
    false,
  );
});

t.test('§4.3 complete in KTILL3/KTFORT3 only', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg)],
    KTILL3: [ktillFor(ffg)],
    KTFORT3: [ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '3', '19771')],
  });
  t.equal(alreadyComplete(chain, c), true);
});

t.test('§4.3 the two table pairs are not mixed', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg)],
    KTFORT2: [ktfortFor(ffg, '2', '19762')],
    KTILL3: [ktillFor(ffg)],
    KTFORT3: [ktfortFor(ffg, '3', '19771')],
  });
  t.equal(alreadyComplete(chain, c), false);
});

t.test('§11 KURSOMG = OMGANG and TERMIN exact, TERMORDN as integers', async (t) => {
  const lower = ffgRow({ OMGANG: 'a' });
  const upper = ffgRow({ OMGANG: 'A' });
  const c = catalogOf({ KTILL2: [ktillFor(upper)], KTFORT2: [ktfortFor(upper, '2', '19762')] });
  t.equal(alreadyComplete(chainOf(upper, [['2', '19762']]), c), true);
  t.equal(alreadyComplete(chainOf(lower, [['2', '19762']]), c), false, 'case-sensitive KURSOMG');
  t.equal(alreadyComplete(chainOf(upper, [[' 02', '19762']]), c), true, 'TERMORDN " 02" = 2');
  const other = catalogOf({ KTILL2: [ktillFor(upper, { KURSTAKT: ' 100' })], KTFORT2: [ktfortFor(upper, '2', '19762')] });
  t.equal(alreadyComplete(chainOf(upper, [['2', '19762']]), other), false, 'offering key exact');
});

t.test('§4.3 INREGFO rows are part of the FO set; an overridden one is not', async (t) => {
  const c = catalogOf({
    KTILL2: [ktillFor(ffg)],
    KTFORT2: [ktfortFor(ffg, '2', '19762'), ktfortFor(ffg, '3', '19771')],
  });
  t.equal(alreadyComplete(chainOf(ffg, [['2', '19762']], [['3', '19771']]), c), true);
  t.equal(alreadyComplete(chainOf(ffg, [['2', '19762']], [['3', '19772']]), c), false);
  t.equal(alreadyComplete(chainOf(ffg, [['2', '19762'], ['3', '19771']], [['3', '19772']]), c), true, 'FORTKURS wins');
});

function stateWith(kursomg: string, fos: Array<[string, string]>): RunState {
  const state = new RunState();
  state.recordCreated({
    offeringKey: offeringKeyOfFfg(ffg),
    foSignature: foSetSignature(chainOf(ffg, fos).foSet),
    kursomg,
    startter: ffg.TERMIN,
    kodNumber: 1,
  });
  return state;
}

t.test('§4.4 reuse: same offering key and equal FO set', async (t) => {
  const state = stateWith('2', [['2', '19762'], ['3', '19771']]);
  t.equal(reuse(chain, state), '2');
  t.equal(reuse(chainOf(ffgRow({ PNR: 'other', OMGANG: '7' }), [['2', '19762'], ['3', '19771']]), state), '2',
    'another person, another OMGANG');
  t.equal(reuse(chainOf(ffg, [['3', '19771']], [['02', '19762']]), state), '2', 'a set of (integer TERMORDN, TERMIN)');
});

t.test('§4.4 no reuse with a different FO set or offering key', async (t) => {
  const state = stateWith('2', [['2', '19762'], ['3', '19771']]);
  t.equal(reuse(chainOf(ffg, [['2', '19762']]), state), undefined, 'subset');
  t.equal(reuse(chainOf(ffg, [['2', '19762'], ['3', '19771'], ['4', '19772']]), state), undefined, 'superset');
  t.equal(reuse(chainOf(ffg, [['2', '19762'], ['3', '19772']]), state), undefined, 'other TERMIN');
  t.equal(reuse(chainOf(ffg, [['2', '19762'], ['4', '19771']]), state), undefined, 'other TERMORDN');
  t.equal(reuse(chainOf(ffgRow({ ORT: '0680' }), [['2', '19762'], ['3', '19771']]), state), undefined, 'other key');
  t.equal(reuse(chain, new RunState()), undefined, 'nothing created');
});
