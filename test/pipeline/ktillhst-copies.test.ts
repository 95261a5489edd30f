import t from 'tap';
import { ktillhstCopies } from '../../pipeline/ktillhst-copies.js';
import type { Row, SourceRow } from '../../pipeline/types.js';

const offering = (KURSKOD: string, KURSOMG: string): Row => ({
  KURSKOD, STARTTER: '20111', KURSTAKT: '100', KURSTID: 'DAG', UNDFORM: 'NML', ORT: '1281', KURSOMG, KURSTYP: ' _',
});

async function* rows(list: Row[], seen: { n: number }): AsyncGenerator<SourceRow> {
  let line = 1;
  for (const row of list) {
    seen.n++;
    yield { row, line: ++line };
  }
}

t.test('§7 KTILLHST: rows of each original copied with the new KURSOMG, in creation order', async (t) => {
  const hst = [
    { ...offering('B', '1'), INST: 'b1' },
    { ...offering('A', '1'), INST: 'a1' },
    { ...offering('A', '2'), INST: 'other kursomg' },
    { ...offering('A', '1'), INST: 'a2' },
  ];
  const seen = { n: 0 };
  const copies: Row[] = [];
  const requests = [
    { from: offering('A', '1'), kursomg: '3' },
    { from: offering('B', '1'), kursomg: '2' },
    { from: offering('A', '1'), kursomg: '4' },
  ];
  for await (const row of ktillhstCopies(requests, rows(hst, seen))) copies.push(row);
  t.same(copies.map((r) => `${r.KURSKOD}${r.KURSOMG}:${r.INST}`), ['A3:a1', 'A3:a2', 'B2:b1', 'A4:a1', 'A4:a2']);
  t.equal(copies[0].ORT, '1281', 'other columns copied unchanged');
});

t.test('KTILLHST is read to the end even when nothing is copied', async (t) => {
  const seen = { n: 0 };
  const copies: Row[] = [];
  for await (const row of ktillhstCopies([], rows([offering('A', '1'), offering('B', '1')], seen))) copies.push(row);
  t.same(copies, []);
  t.equal(seen.n, 2);
});
