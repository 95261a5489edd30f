import t from 'tap';
import fc from 'fast-check';
import { checkSorted, checkSortedBatches, sortSpec, type SortedTable } from '../../pipeline/sort-check.js';
import type { Row, SourceRow } from '../../pipeline/types.js';
import { collect, rejectsInput } from '../fixtures/readers/helpers.js';

async function* source(rows: Row[]): AsyncGenerator<SourceRow> {
  let line = 2;
  for (const row of rows) yield { row, line: line++ };
}

const check = (table: SortedTable, rows: Row[], fileName = `${table}.csv`) => {
  const { compare, keyOf } = sortSpec(table);
  return collect(checkSorted(source(rows), compare, fileName, keyOf));
};

const fo = (PNR: string, KURS: string, TERMORDN: string): Row => ({ PNR, KURS, TERMORDN, TERMIN: '20121' });

t.test('a sorted table passes through unchanged, equal keys included', async (t) => {
  const rows = [{ PNR: '1', KURS: 'A' }, { PNR: '1', KURS: 'A' }, { PNR: '1', KURS: 'B' }, { PNR: '2', KURS: 'A' }];
  t.same(await check('FFGKURS', rows), rows.map((row, i) => ({ row, line: i + 2 })));
  t.same(await check('FFGKURS', []), []);
});

t.test('an out-of-order row is rejected at its line, naming both keys', async (t) => {
  await rejectsInput(t, check('FFGKURS', [{ PNR: '1', KURS: 'B' }, { PNR: '1', KURS: 'C' }, { PNR: '1', KURS: 'A' }]), {
    code: 'UNSORTED', file: 'FFGKURS.csv', line: 4,
    reason: "out of sort order: PNR '1', KURS 'A' after PNR '1', KURS 'C'; sort the export with `eb50 sort`",
  });
  await rejectsInput(t, check('INREGFO', [fo('2', 'A', '1'), fo('10', 'A', '1')], 'INREGFO.ndjson'), {
    code: 'UNSORTED', file: 'INREGFO.ndjson', line: 3,
    reason: "PNR '10', KURS 'A', TERMORDN '1' after PNR '2', KURS 'A', TERMORDN '1'",
  });
});

t.test('order is by UTF-16 code units, not locale', async (t) => {
  t.same((await check('FFGKURS', [{ PNR: '1', KURS: 'Z' }, { PNR: '1', KURS: 'a' }, { PNR: '1', KURS: 'Å' }])).length, 3);
  await rejectsInput(t, check('FFGKURS', [{ PNR: '1', KURS: 'a' }, { PNR: '1', KURS: 'Z' }]), { code: 'UNSORTED', file: 'FFGKURS.csv', line: 3 });
});

t.test('TERMORDN is compared as an integer', async (t) => {
  t.equal((await check('FORTKURS', [fo('1', 'A', '9'), fo('1', 'A', '10'), fo('1', 'A', ' 11'), fo('1', 'A', '012')])).length, 4, "'10' after '9' is fine");
  await rejectsInput(t, check('FORTKURS', [fo('1', 'A', '10'), fo('1', 'A', '9')]), { code: 'UNSORTED', file: 'FORTKURS.csv', line: 3, reason: "TERMORDN '9' after" });
  t.equal((await check('FORTKURS', [fo('1', 'A', '3'), fo('1', 'B', '1')])).length, 2, 'TERMORDN restarts with a new KURS');
});

t.test('a non-integer TERMORDN is not a sort error (SPEC §11)', async (t) => {
  const rows = [fo('1', 'A', '2'), fo('1', 'A', 'x'), fo('1', 'A', '1'), fo('1', 'A', ''), fo('1', 'A', '1.5')];
  t.equal((await check('FORTKURS', rows)).length, 5, 'the chain becomes a §4.2 record error instead');
  await rejectsInput(t, check('FORTKURS', [fo('1', 'B', 'x'), fo('1', 'A', 'x')]), { code: 'UNSORTED', file: 'FORTKURS.csv', line: 3 });
});

t.test('every adjacent swap of a sorted sample is rejected (property)', async (t) => {
  const key = fc.constantFrom('1', '2', '10', 'A', 'a', 'Å', ' 1');
  const termordn = fc.constantFrom('1', '2', '9', '10', '-1', '+3');
  for (const table of ['FFGKURS', 'FORTKURS', 'INREGFO'] as const) {
    const { compare } = sortSpec(table);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, key, termordn).map(([p, k, o]) => fo(p, k, o)), { minLength: 2, maxLength: 12 }), fc.nat(), async (sample, at) => {
        const sorted = [...sample].sort(compare);
        const ok = await check(table, sorted);
        if (ok.length !== sorted.length) return false;
        const i = at % (sorted.length - 1);
        if (compare(sorted[i], sorted[i + 1]) === 0) return true; // a swap of equals is still sorted
        const swapped = [...sorted];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
        try {
          await check(table, swapped);
          return false;
        } catch (err) {
          return (err as { code?: string; line?: number }).code === 'UNSORTED' && (err as { line: number }).line === i + 3;
        }
      }),
      { numRuns: 300 },
    );
  }
});

t.test('sortSpec keys', async (t) => {
  t.equal(sortSpec('FFGKURS').keyOf({ PNR: 'p', KURS: 'k', TERMORDN: '1' }), "PNR 'p', KURS 'k'");
  t.equal(sortSpec('FORTKURS').keyOf(fo('p', 'k', '1')), "PNR 'p', KURS 'k', TERMORDN '1'");
});

t.test('checkSortedBatches: an order across batch edges is checked; the rows before the first bad one pass on', async (t) => {
  const { compare, keyOf } = sortSpec('FFGKURS');
  async function* batches(...groups: Row[][]): AsyncGenerator<SourceRow[]> {
    let line = 2;
    for (const g of groups) yield g.map((row) => ({ row, line: line++ }));
  }
  const r = (PNR: string) => ({ PNR, KURS: 'A' });
  const passed: number[] = [];
  const run = async () => {
    for await (const b of checkSortedBatches(batches([r('1'), r('2')], [], [r('3'), r('4'), r('0'), r('5')]), compare, 'FFGKURS.csv', keyOf)) {
      passed.push(...b.map((x) => x.line));
    }
  };
  await rejectsInput(t, run(), { code: 'UNSORTED', file: 'FFGKURS.csv', line: 6, reason: "PNR '0', KURS 'A' after PNR '4', KURS 'A'" });
  t.same(passed, [2, 3, 4, 5], 'the in-order prefix of the last batch passed on first');
  const edge = async () => {
    for await (const _ of checkSortedBatches(batches([r('2')], [r('1')]), compare, 'FFGKURS.csv', keyOf));
  };
  await rejectsInput(t, edge(), { code: 'UNSORTED', file: 'FFGKURS.csv', line: 3 });
});
