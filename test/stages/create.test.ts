import t from 'tap';
import type { ChainPoints } from '../../pipeline/types.js';
import { avgfri, createRows, ffgUpdate } from '../../stages/create.js';
import { chainPoints } from '../../stages/points.js';
import { OPTIONS, catalogOf, chainOf, ffgRow, ktfortFor, ktillFor, ktillpRow, kursRow } from './helpers.js';
import type { Tables } from './helpers.js';

const TERMIN = [
  { TERMIN: '19761', STARTV: '7603', SLUTV: '7622' },
  { TERMIN: '19762', STARTV: '7635', SLUTV: '7702' },
];

function created(tables: Tables, chain = chainOf(ffgRow(), [['2', '19762']])) {
  const catalog = catalogOf({ TERMIN, ...tables });
  const points = chainPoints(chain, catalog) as ChainPoints;
  return createRows(chain, points, '2', 'Q0002', catalog, OPTIONS);
}

t.test('§7 KTILL2: columns in order and values (seed example)', async (t) => {
  const { ktill2 } = created({ KURS: [kursRow('XSH221', '30')] });
  t.same(Object.keys(ktill2), [
    'KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'FFGPOANG', 'KOD',
    'STARTV', 'SLUTV', 'LOK1', 'LOK2', 'PLANTAL', 'ANTALORD', 'ANTALRES', 'VALUTA', 'KONVERT', 'AVGFRI',
  ]);
  t.same(Object.values(ktill2), [
    'XSH221', '19761', '100', 'DAG', 'NML', '1281', '2', ' _', '15.0', 'Q0002',
    '7603', '7622', '', '', '', '', '', '', '', 'J',
  ]);
});

t.test('§7 KTILL2: LOK1/LOK2 from the FFGPOANG template, blank without one', async (t) => {
  const ffg = ffgRow();
  const fromKtill2 = created({ KTILL2: [ktillFor(ffg, { FFGPOANG: '7.5', LOK1: 'A1', LOK2: 'A2' })], KURS: [kursRow('XSH221', '15')] });
  t.same([fromKtill2.ktill2.LOK1, fromKtill2.ktill2.LOK2, fromKtill2.ktill2.FFGPOANG], ['A1', 'A2', '7.5']);
  const fromKtillp = created({ KTILLP: [ktillpRow(ffg, '1', '7,5')], KURS: [kursRow('XSH221', '15')] });
  t.same([fromKtillp.ktill2.LOK1, fromKtillp.ktill2.LOK2, fromKtillp.ktill2.FFGPOANG], ['P1-1', 'P2-1', '7,5']);
  t.same(fromKtillp.ktfort2[0].LOK1, '', 'the distributed FO row has no template');
});

t.test('§7 STARTV/SLUTV blank when the term is absent from TERMIN', async (t) => {
  const { ktill2, ktfort2 } = created({ KURS: [kursRow('XSH221', '30')] }, chainOf(ffgRow(), [['2', '19771']]));
  t.same([ktill2.STARTV, ktill2.SLUTV], ['7603', '7622']);
  t.same([ktfort2[0].STARTV, ktfort2[0].SLUTV], ['', '']);
});

t.test('§7 AVGFRI: N from start term 20112, else J', async (t) => {
  t.equal(avgfri('20111'), 'J');
  t.equal(avgfri('20112'), 'N');
  t.equal(avgfri('20121'), 'N');
  t.equal(avgfri('19761'), 'J');
  const chain = chainOf(ffgRow({ TERMIN: '20112' }), [['2', '20121']]);
  t.equal(created({ KURS: [kursRow('XSH221', '30')] }, chain).ktill2.AVGFRI, 'N');
});

t.test('§7 KTFORT2: columns in order, TERMORDN and TERMIN as read, KOD of the KTILL2 row', async (t) => {
  const ffg = ffgRow();
  const { ktfort2 } = created({
    KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })],
    KTFORT2: [ktfortFor(ffg, '2', '19771', { FORPOANG: '7.5', LOK1: 'F1', LOK2: 'F2' })],
  }, chainOf(ffg, [[' 2', '19762']]));
  t.same(Object.keys(ktfort2[0]), [
    'KURSKOD', 'STARTTER', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSOMG', 'KURSTYP', 'TERMORDN', 'FORPOANG',
    'KOD', 'TERMIN', 'STARTV', 'SLUTV', 'LOK1', 'LOK2', 'VALUTA', 'KONVERT',
  ]);
  t.same(Object.values(ktfort2[0]), [
    'XSH221', '19761', '100', 'DAG', 'NML', '1281', '2', ' _', ' 2', '7.5', 'Q0002', '19762', '7635', '7702', 'F1', 'F2', '', '',
  ]);
});

t.test('§11 KTFORT2 rows in TERMORDN order (as integers), one per FO-set row', async (t) => {
  const chain = chainOf(ffgRow(), [['10', '19802'], ['9', '19801'], ['2', '19762']], [['3', '19771'], ['2', '19762']]);
  const { ktfort2 } = created({ KURS: [kursRow('XSH221', '5')] }, chain);
  t.same(ktfort2.map((r) => r.TERMORDN), ['2', '3', '9', '10']);
  t.same(ktfort2.map((r) => r.TERMIN), ['19762', '19771', '19801', '19802']);
  t.same(ktfort2.map((r) => r.FORPOANG), ['1.0', '1.0', '1.0', '1.0']);
});

t.test('§7 FFGKURS update: the whole row, OMGANG new, IDATUM/ITID/IANV set', async (t) => {
  const ffg = ffgRow({ EXTRA: 'x' });
  const update = ffgUpdate(ffg, '3', OPTIONS);
  t.same(Object.keys(update), [
    'PNR', 'KURS', 'PROGR', 'PROGINR', 'TERMIN', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'OMGANG', 'KURSTYP',
    'IDATUM', 'ITID', 'IANV', 'VERNR',
  ]);
  t.same(Object.values(update), [
    '4003120000', 'XSH221', '', ' _', '19761', '100', 'DAG', 'NML', '1281', '3', ' _', '2015-02-23', '104150', 'EB50', 'null',
  ]);
  t.same(created({ KURS: [kursRow('XSH221', '30')] }).ffgUpdate.OMGANG, '2');
});

t.test('§7 ktillhstFrom: the original offering, only when FFGPOANG came from it', async (t) => {
  const ffg = ffgRow();
  const fromOriginal = created({ KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })], KURS: [kursRow('XSH221', '30')] });
  t.same(fromOriginal.ktillhstFrom, {
    KURSKOD: 'XSH221', STARTTER: '19761', KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281', KURSOMG: '1', KURSTYP: ' _',
  });
  t.equal(created({ KTILL2: [ktillFor(ffg, { FFGPOANG: '' })], KURS: [kursRow('XSH221', '30')] }).ktillhstFrom, undefined,
    'original exists but FFGPOANG is not a number');
  t.equal(created({ KTILLP: [ktillpRow(ffg, '1', '5')], KURS: [kursRow('XSH221', '30')] }).ktillhstFrom, undefined);
});
