import t from 'tap';
import { missingParameters, parseKurstakt, termOrderError } from '../../stages/validate.js';
import { chainOf, ffgRow } from './helpers.js';

const ok = chainOf(ffgRow(), [['2', '19762']]);

t.test('§4.1 missingParameters: a complete FFGKURS row passes', async (t) => {
  t.equal(missingParameters(ok), false);
  t.equal(missingParameters(chainOf(ffgRow({ OMGANG: '', PROGR: '', PNR: '' }), [['2', '19762']])), false,
    'OMGANG, PROGR, PNR are not offering parameters');
  t.equal(missingParameters(chainOf(ffgRow({ KURSTYP: ' _' }), [['2', '19762']])), false, "' _' is a real value");
});

t.test('§4.1 missingParameters: any blank key field', async (t) => {
  for (const column of ['KURS', 'TERMIN', 'KURSTAKT', 'KURSTID', 'UNDFORM', 'ORT', 'KURSTYP']) {
    t.equal(missingParameters(chainOf(ffgRow({ [column]: '' }), [['2', '19762']])), true, column);
    const absent = ffgRow();
    delete absent[column];
    t.equal(missingParameters(chainOf(absent, [['2', '19762']])), true, `${column} absent`);
  }
});

t.test('§4.1 missingParameters: invalid TERMIN', async (t) => {
  for (const termin of ['19763', ' 19761', '1976', 'VT76']) {
    t.equal(missingParameters(chainOf(ffgRow({ TERMIN: termin }), [['2', '19762']])), true, termin);
  }
});

t.test('§4.1/§11 KURSTAKT: trimmed digits only, 0–100', async (t) => {
  t.equal(parseKurstakt('100'), 100);
  t.equal(parseKurstakt(' 50'), 50);
  t.equal(parseKurstakt('0'), 0);
  t.equal(parseKurstakt('050'), 50);
  for (const bad of ['101', '-1', '+5', '5.0', '50%', 'abc', '', ' ']) t.equal(parseKurstakt(bad), undefined, bad);
  t.equal(missingParameters(chainOf(ffgRow({ KURSTAKT: '101' }), [['2', '19762']])), true);
  t.equal(missingParameters(chainOf(ffgRow({ KURSTAKT: '7.5' }), [['2', '19762']])), true);
  t.equal(missingParameters(chainOf(ffgRow({ KURSTAKT: ' 0' }), [['2', '19762']])), false);
});

t.test('§4.2 termOrder: ordered terms pass', async (t) => {
  t.equal(termOrderError(ok), false);
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762'], ['3', '19771'], ['5', '19782']])), false, 'gaps are fine');
  t.equal(termOrderError(chainOf(ffgRow(), [['1', '19762']])), false, 'TERMORDN 1 on an FO row is no error by itself');
  t.equal(termOrderError(chainOf(ffgRow(), [[' 2', '19762'], ['03', '19771']])), false, 'TERMORDN trimmed integers');
});

t.test('§4.2 termOrder: an FO row with an invalid TERMIN', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19763']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [], [['2', ' 19762']])), true, 'INREGFO too');
});

t.test('§4.2 termOrder: a non-integer TERMORDN', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [['2a', '19762']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [['2.0', '19762']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [['', '19762']])), true);
});

t.test('§4.2 termOrder: an FO term not later than the FFG term', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19761']])), true, 'same term');
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19752']])), true, 'earlier term');
});

t.test('§4.2 termOrder: a higher TERMORDN with an earlier term', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19771'], ['3', '19762']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [['3', '19762']], [['2', '19771']])), true, 'across FORTKURS and INREGFO');
});

t.test('§4.2 termOrder: different TERMORDN, same term (seed example)', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [[' 2', '19782'], [' 3', '19782']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762']], [['3', '19762']])), true, 'FORTKURS and INREGFO');
});

t.test('§4.2 termOrder: two FORTKURS rows share a TERMORDN', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762'], ['2', '19762']])), true, 'same term too');
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762'], ['02', '19771']])), true, 'compared as integers');
});

t.test('§4.2/§11 termOrder: two INREGFO rows share a TERMORDN, overridden ones included', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [], [['2', '19762'], ['2', '19771']])), true);
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762']], [['2', '19762'], [' 2', '19762']])), true,
    'both INREGFO rows overridden by FORTKURS');
});

t.test('§3 INREGFO on some terms only, and overridden by FORTKURS', async (t) => {
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762']], [['3', '19771']])), false, 'INREGFO fills term 3');
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762']], [['2', '19762']])), false, 'one INREGFO overridden');
  t.equal(termOrderError(chainOf(ffgRow(), [['2', '19762']], [['2', '19752']])), false,
    'an overridden INREGFO row is not part of the FO set: its term is not checked');
});
