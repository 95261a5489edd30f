/**
 * SPEC §6/§8 codesExhausted through the real CLI: a start term whose codes
 * Q0001…Q9998 are taken gives its first new offering Q9999, the next chain of
 * that term fails with codesExhausted, the other term goes on, and the
 * result list opens with the top warning.
 */
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runEb50 } from './helpers.js';

const KTILL2 = 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;FFGPOANG;KOD;LOK1;LOK2';
const KTFORT2 = 'KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP;TERMORDN;TERMIN;FORPOANG;LOK1;LOK2';
const FFGKURS = 'PNR;KURS;PROGR;PROGINR;TERMIN;KURSTAKT;KURSTID;UNDFORM;ORT;OMGANG;KURSTYP;IDATUM;ITID;IANV;VERNR';

async function writeInput(dir: string): Promise<void> {
  // 9998 offerings of course FILL at 20111 take Q0001…Q9998.
  const taken = Array.from({ length: 9998 }, (_, i) => `FILL;20111;100;DAG;NML;1281;${i + 1};;7.5;Q${String(i + 1).padStart(4, '0')};;`);
  const tables: Record<string, string[]> = {
    FFGKURS: [FFGKURS,
      '1000000001;KA;;;20111;100;DAG;NML;1281;1;X;;;;',
      '1000000002;KB;;;20111;100;DAG;NML;1281;1;X;;;;',
      '1000000003;KC;;;20112;100;DAG;NML;1281;1;X;;;;',
      '1000000004;KD;;;20111;100;DAG;NML;1281;1;X;;;;'],
    FORTKURS: ['PNR;KURS;TERMORDN;TERMIN',
      '1000000001;KA;2;20112', '1000000002;KB;2;20112', '1000000003;KC;2;20121', '1000000004;KD;2;20112'],
    INREGFO: ['PNR;KURS;TERMORDN;TERMIN'],
    KTILL2: [KTILL2, ...taken],
    KTFORT2: [KTFORT2, 'FILL;20111;100;DAG;NML;1281;1;;2;20112;7.5;;'],
    KTILL3: [KTILL2],
    KTFORT3: [KTFORT2],
    KTILLP: ['KURS;STARTTER;PROGR;PROGINR;TERMORDK;POANG;LOK1;LOK2'],
    KURS: ['KURS;POANG', 'KA;15', 'KB;15', 'KC;15', 'KD;15'],
    KTILLHST: ['KURSKOD;STARTTER;KURSTAKT;KURSTID;UNDFORM;ORT;KURSOMG;KURSTYP'],
    TERMIN: ['TERMIN;STARTV;SLUTV', '20111;2011-01-17;2011-06-05'],
  };
  for (const [table, lines] of Object.entries(tables)) await writeFile(join(dir, `${table}.csv`), lines.join('\n') + '\n');
}

t.test('codesExhausted: Q9999 is the last code, later chains of that term fail, other terms go on', async (t) => {
  const dir = t.testdir();
  await writeInput(dir);
  const out = join(dir, 'out');
  const r = runEb50(dir, out, ['--mode', 'update', '--without-locks']);
  t.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  t.equal(summary.counts.codesExhausted, 2, 'KB and KD');
  t.equal(summary.counts.ktill2, 2, 'KA and KC');
  t.equal(summary.termsNotCompleted, 1);
  const ktill2 = (await readFile(join(out, 'delta', 'KTILL2.csv'), 'utf8')).trim().split('\n').slice(1);
  t.same(ktill2.map((l) => l.split(';').slice(0, 2).concat(l.split(';')[9])), [['KA', '20111', 'Q9999'], ['KC', '20112', 'Q0001']]);
  const list = await readFile(join(out, 'resultatlista.txt'), 'utf8');
  t.match(list, 'Varning! Högsta tillåtna värde för anmälningskod i KTILL2 har uppnåtts för valt INLEDANDETECKEN. Antal terminer som inte avslutats: 1\nVälj nytt INLEDANDETECKEN och kör EB50 igen för att skapa återstående kurstillfällen.\n');
  t.match(list, /\(10\) Antal FFGKURS-poster som inte behandlas för att alla anmälningskoder är upptagna för terminen: 2\./);
  t.match(list, /\(10\) Nedanstående poster har inte kunnat behandlas för att alla anmälningskoder är upptagna för terminen\.\nFFGKURS: pnr='1000000002', kurs='KB'/);
});
