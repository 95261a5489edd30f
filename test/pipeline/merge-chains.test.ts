import t from 'tap';
import fc from 'fast-check';
import { EVENTS_PER_BATCH, foSetOf, mergeChainBatches, mergeChains } from '../../pipeline/merge-chains.js';
import { comparePnrKurs, compareFo } from '../../pipeline/compare.js';
import type { FoRow, JoinEvent, Row, SourceRow } from '../../pipeline/types.js';

async function* from(rows: Row[]): AsyncGenerator<SourceRow> {
  let line = 1;
  for (const row of rows) yield { row, line: ++line };
}

async function collect(ffg: Row[], fort: Row[], inreg: Row[]): Promise<JoinEvent[]> {
  const out: JoinEvent[] = [];
  for await (const e of mergeChains({ ffgkurs: from(ffg), fortkurs: from(fort), inregfo: from(inreg) })) out.push(e);
  return out;
}

const ffgRow = (PNR: string, KURS: string, TERMIN = '20101'): Row => ({ PNR, KURS, TERMIN });
const foRow = (PNR: string, KURS: string, TERMORDN: string, TERMIN: string): Row => ({ PNR, KURS, TERMORDN, TERMIN });

t.test('FO set: FORTKURS wins over INREGFO with the same TERMORDN (compared as integers)', async (t) => {
  const events = await collect(
    [ffgRow('1', 'A')],
    [foRow('1', 'A', '2', '20102')],
    [foRow('1', 'A', ' 2', '20111'), foRow('1', 'A', '3', '20111')],
  );
  t.equal(events.length, 1);
  const e = events[0];
  if (e.kind !== 'chain') throw new Error('expected chain');
  t.same(e.chain.foSet.map((f) => [f.table, f.row.TERMORDN]), [['FORTKURS', '2'], ['INREGFO', '3']]);
  t.equal(e.chain.inregfo.length, 2, 'the overridden INREGFO row is kept on the chain');
});

t.test('orphans: FO rows without an FFGKURS row', async (t) => {
  const events = await collect(
    [ffgRow('2', 'A')],
    [foRow('1', 'A', '2', '20102'), foRow('2', 'A', '2', '20102'), foRow('3', 'B', '2', '20102')],
    [foRow('1', 'A', '2', '20102')],
  );
  t.same(events.map((e) => e.kind), ['orphan', 'orphan', 'chain', 'orphan']);
  t.same(events.filter((e) => e.kind === 'orphan').map((e) => (e.kind === 'orphan' ? `${e.fo.table}:${e.fo.row.PNR}` : '')),
    ['FORTKURS:1', 'INREGFO:1', 'FORTKURS:3']);
});

t.test('duplicates: two FFGKURS rows with the same PNR+KURS each get the FO rows', async (t) => {
  const events = await collect(
    [ffgRow('1', 'A', '20101'), ffgRow('1', 'A', '20102'), ffgRow('1', 'B')],
    [foRow('1', 'A', '2', '20112')],
    [],
  );
  t.same(events.map((e) => e.kind), ['duplicate', 'chain']);
  const d = events[0];
  if (d.kind !== 'duplicate') throw new Error('expected duplicate');
  t.equal(d.chains.length, 2);
  t.same(d.chains.map((c) => c.foSet.length), [1, 1]);
  t.same(d.chains.map((c) => c.ffg.TERMIN), ['20101', '20102']);
});

t.test('an FFGKURS row without FO rows is a chain with an empty FO set', async (t) => {
  const events = await collect([ffgRow('1', 'A')], [], []);
  t.equal(events.length, 1);
  t.equal(events[0].kind === 'chain' && events[0].chain.foSet.length, 0);
});

t.test('stopping early closes every input', async (t) => {
  const closed: string[] = [];
  async function* tracked(name: string, rows: Row[]): AsyncGenerator<SourceRow> {
    try {
      yield* from(rows);
    } finally {
      closed.push(name);
    }
  }
  const it = mergeChains({
    ffgkurs: tracked('ffg', [ffgRow('1', 'A'), ffgRow('2', 'A')]),
    fortkurs: tracked('fort', [foRow('1', 'A', '2', '20102'), foRow('2', 'A', '2', '20102')]),
    inregfo: tracked('inreg', [foRow('1', 'A', '2', '20102')]),
  });
  for await (const _ of it) break;
  t.same(closed.sort(), ['ffg', 'fort', 'inreg']);
});

// Naive nested-loop version of SPEC §3 to compare the merge-join against.
function naiveJoin(ffg: Row[], fort: Row[], inreg: Row[]) {
  const key = (r: Row) => `${r.PNR}\u0000${r.KURS}`;
  const ffgKeys = new Map<string, number>();
  for (const r of ffg) ffgKeys.set(key(r), (ffgKeys.get(key(r)) ?? 0) + 1);
  const chains: string[] = [];
  const duplicates: string[] = [];
  for (const r of ffg) {
    const f: FoRow[] = fort.filter((x) => key(x) === key(r)).map((row) => ({ table: 'FORTKURS', row, line: 0 }));
    const i: FoRow[] = inreg.filter((x) => key(x) === key(r)).map((row) => ({ table: 'INREGFO', row, line: 0 }));
    const fo = f.concat(i.filter((x) => !f.some((y) => Number(y.row.TERMORDN) === Number(x.row.TERMORDN))));
    const text = `${key(r)}|${r.TERMIN}|${fo.map((x) => `${x.table}${x.row.TERMORDN}:${x.row.TERMIN}`).join(',')}`;
    (ffgKeys.get(key(r))! > 1 ? duplicates : chains).push(text);
  }
  const orphans = [...fort.map((r) => ['FORTKURS', r] as const), ...inreg.map((r) => ['INREGFO', r] as const)]
    .filter(([, r]) => !ffgKeys.has(key(r)))
    .map(([table, r]) => `${table}${key(r)}|${r.TERMORDN}`);
  return { chains, duplicates, orphans: orphans.sort() };
}

t.test('property: the merge-join equals a naive nested-loop join on random sorted inputs', async (t) => {
  const pnr = fc.constantFrom('1', '2', '10', 'a', 'Ä');
  const kurs = fc.constantFrom('A', 'B', 'b');
  const termordn = fc.integer({ min: 1, max: 12 }).map(String);
  const termin = fc.constantFrom('20101', '20102', '20111');
  const ffgArb = fc.array(fc.record({ PNR: pnr, KURS: kurs, TERMIN: termin }), { maxLength: 12 });
  const foArb = fc.array(fc.record({ PNR: pnr, KURS: kurs, TERMORDN: termordn, TERMIN: termin }), { maxLength: 15 });
  await fc.assert(
    fc.asyncProperty(ffgArb, foArb, foArb, async (ffg, fort, inreg) => {
      ffg.sort(comparePnrKurs);
      fort.sort(compareFo);
      inreg.sort(compareFo);
      const events = await collect(ffg, fort, inreg);
      const fmt = (c: { ffg: Row; foSet: FoRow[] }) =>
        `${c.ffg.PNR}\u0000${c.ffg.KURS}|${c.ffg.TERMIN}|${c.foSet.map((x) => `${x.table}${x.row.TERMORDN}:${x.row.TERMIN}`).join(',')}`;
      const got = {
        chains: events.flatMap((e) => (e.kind === 'chain' ? [fmt(e.chain)] : [])),
        duplicates: events.flatMap((e) => (e.kind === 'duplicate' ? e.chains.map(fmt) : [])),
        orphans: events.flatMap((e) => (e.kind === 'orphan' ? [`${e.fo.table}${e.fo.row.PNR}\u0000${e.fo.row.KURS}|${e.fo.row.TERMORDN}`] : [])).sort(),
      };
      return JSON.stringify(got) === JSON.stringify(naiveJoin(ffg, fort, inreg));
    }),
    { numRuns: 300 },
  );
  t.pass('300 random inputs joined as the nested loop does (fc.assert throws otherwise)');
});

t.test('foSetOf keeps INREGFO rows whose TERMORDN no FORTKURS row has', async (t) => {
  const fo = (table: 'FORTKURS' | 'INREGFO', TERMORDN: string): FoRow => ({ table, row: { TERMORDN }, line: 0 });
  t.same(foSetOf([fo('FORTKURS', '02')], [fo('INREGFO', '2'), fo('INREGFO', '3')]).map((f) => f.row.TERMORDN), ['02', '3']);
});

t.test('foSetOf: a non-integer TERMORDN equals nothing, so it neither overrides nor is overridden', async (t) => {
  const fo = (table: 'FORTKURS' | 'INREGFO', TERMORDN: string): FoRow => ({ table, row: { TERMORDN }, line: 0 });
  t.same(foSetOf([fo('FORTKURS', 'x')], [fo('INREGFO', 'x'), fo('INREGFO', ' x')]).map((f) => `${f.table}:${f.row.TERMORDN}`),
    ['FORTKURS:x', 'INREGFO:x', 'INREGFO: x']);
});

// The batched join (what `eb50 run` uses) against the row-at-a-time one, on
// the same inputs split into random batches (empty ones included): batch
// edges inside a PNR+KURS group must not change a single event.
t.test('property: mergeChainBatches gives the same events whatever the batch edges', async (t) => {
  const pnr = fc.constantFrom('1', '2', '10', 'a');
  const kurs = fc.constantFrom('A', 'B');
  const termordn = fc.integer({ min: 1, max: 4 }).map(String);
  const termin = fc.constantFrom('20101', '20102');
  const ffgArb = fc.array(fc.record({ PNR: pnr, KURS: kurs, TERMIN: termin }), { maxLength: 12 });
  const foArb = fc.array(fc.record({ PNR: pnr, KURS: kurs, TERMORDN: termordn, TERMIN: termin }), { maxLength: 15 });
  const cuts = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 20 });
  async function* batched(rows: Row[], sizes: number[]): AsyncGenerator<SourceRow[]> {
    let line = 1;
    let i = 0;
    for (let k = 0; i < rows.length; k++) {
      // an empty batch, then at least one row: the input always moves on
      const n = sizes[k % sizes.length];
      if (n === 0) yield [];
      const take = Math.max(n, 1);
      yield rows.slice(i, i + take).map((row) => ({ row, line: ++line }));
      i += take;
    }
  }
  const fmt = (events: JoinEvent[]) => JSON.stringify(events);
  await fc.assert(
    fc.asyncProperty(ffgArb, foArb, foArb, cuts, cuts, cuts, async (ffg, fort, inreg, a, b, c) => {
      ffg.sort(comparePnrKurs);
      fort.sort(compareFo);
      inreg.sort(compareFo);
      const want = await collect(ffg, fort, inreg);
      const got: JoinEvent[] = [];
      for await (const batch of mergeChainBatches({ ffgkurs: batched(ffg, a), fortkurs: batched(fort, b), inregfo: batched(inreg, c) })) {
        t.ok(batch.length > 0 && batch.length <= EVENTS_PER_BATCH, 'no empty or oversized batch');
        got.push(...batch);
      }
      return fmt(got) === fmt(want);
    }),
    { numRuns: 300 },
  );
});

t.test('mergeChainBatches: batches hold at most EVENTS_PER_BATCH events, in order', async (t) => {
  const n = EVENTS_PER_BATCH * 2 + 3;
  const ffg = Array.from({ length: n }, (_, i) => ffgRow(String(i).padStart(6, '0'), 'A'));
  async function* one(rows: Row[]): AsyncGenerator<SourceRow[]> {
    yield rows.map((row, i) => ({ row, line: i + 2 }));
  }
  const sizes: number[] = [];
  const pnrs: string[] = [];
  for await (const batch of mergeChainBatches({ ffgkurs: one(ffg), fortkurs: one([]), inregfo: one([]) })) {
    sizes.push(batch.length);
    for (const e of batch) if (e.kind === 'chain') pnrs.push(e.chain.ffg.PNR);
  }
  t.same(sizes, [EVENTS_PER_BATCH, EVENTS_PER_BATCH, 3]);
  t.same(pnrs, ffg.map((r) => r.PNR));
});

t.test('chains without FORTKURS or INREGFO rows share one frozen empty array', async (t) => {
  const events = await collect([ffgRow('1', 'A'), ffgRow('2', 'A')], [], []);
  const [a, b] = events.map((e) => (e.kind === 'chain' ? e.chain : undefined));
  t.equal(a?.fortkurs, b?.fortkurs);
  t.ok(Object.isFrozen(a?.fortkurs), 'a rule that added to it would throw');
  t.equal(a?.foSet.length, 0);
});
