import t from 'tap';
import fc from 'fast-check';
import { offeringKeyOfFfg } from '../../pipeline/catalog.js';
import type { Chain, ChainItem, Outcome, Row } from '../../pipeline/types.js';
import { KURSOMG_CANDIDATES, kodOf } from '../../stages/allocate.js';
import { RunState } from '../../stages/run-state.js';
import {
  allocateStep, createStep, matchStep, pointsStep, processChain, ruleSteps, validateStep, warningsStep,
} from '../../stages/steps.js';
import { OPTIONS, catalogOf, chainOf, ffgRow, ktfortFor, ktillFor, kursRow } from './helpers.js';
import type { Fo, Tables } from './helpers.js';

const KURS = [kursRow('XSH221', '30'), kursRow('XSL037', '15'), kursRow('LOG001', '90')];
const ffg = ffgRow();
const TWO: Fo[] = [['2', '19762']];

/** Runs chains in order through one catalog and one run state. */
function run(tables: Tables, chains: Chain[], state = new RunState()): Outcome[] {
  const catalog = catalogOf({ KURS, ...tables });
  return chains.map((chain) => processChain(chain, catalog, state, OPTIONS));
}

function createdOf(outcome: Outcome) {
  if (outcome.kind !== 'created') throw new Error(`expected created, got ${JSON.stringify(outcome)}`);
  return outcome;
}

t.test('ruleSteps: the SPEC §4 order', async (t) => {
  t.same(ruleSteps(catalogOf(), new RunState(), OPTIONS).map((s) => s.name),
    ['validate', 'match', 'points', 'allocate', 'create', 'warnings']);
});

t.test('§3 an empty FO set is skipped', async (t) => {
  t.same(run({}, [chainOf(ffg, [])]), [{ kind: 'skipped' }]);
  t.same(run({}, [chainOf(ffgRow({ KURS: '' }), [])]), [{ kind: 'skipped' }], 'before the parameter check');
});

t.test('§4.1 missingParameters and §4.2 termOrder stop the chain', async (t) => {
  t.same(run({}, [chainOf(ffgRow({ ORT: '' }), TWO)]), [{ kind: 'error', code: 'missingParameters' }]);
  t.same(run({}, [chainOf(ffgRow({ ORT: '' }), [['2', '19761']])]), [{ kind: 'error', code: 'missingParameters' }],
    'missingParameters first');
  t.same(run({}, [chainOf(ffg, [['2', '19761']])]), [{ kind: 'error', code: 'termOrder' }]);
});

t.test('§4.3 alreadyComplete stops the chain', async (t) => {
  const tables = { KTILL2: [ktillFor(ffg)], KTFORT2: [ktfortFor(ffg, '2', '19762')] };
  t.same(run(tables, [chainOf(ffg, TWO)]), [{ kind: 'alreadyComplete' }]);
});

t.test('§4.8 created: KTILL2, KTFORT2, FFGKURS update, warnings', async (t) => {
  const [outcome] = run({}, [chainOf(ffg, [['2', '19762'], ['3', '19771']])]);
  const c = createdOf(outcome);
  t.equal(c.ktill2.KURSOMG, '2');
  t.equal(c.ktill2.KOD, 'Q0001');
  t.equal(c.ktill2.FFGPOANG, '10.0');
  t.same(c.ktfort2.map((r) => [r.TERMORDN, r.TERMIN, r.FORPOANG, r.KURSOMG, r.KOD]),
    [['2', '19762', '10.0', '2', 'Q0001'], ['3', '19771', '10.0', '2', 'Q0001']]);
  t.equal(c.ffgUpdate.OMGANG, '2');
  t.equal(c.ffgUpdate.IANV, 'EB50');
  t.equal(c.ktillhstFrom, undefined);
  t.same(c.warnings, []);
});

t.test('§4.8 warnings reach the created outcome', async (t) => {
  const [outcome] = run({ KURS: [kursRow('XSH221', '90')] }, [chainOf(ffg, TWO)]);
  t.same(createdOf(outcome).warnings, ['pointsOverMax']);
});

t.test('§7 ktillhstFrom when FFGPOANG came from the original', async (t) => {
  const tables = { KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })], KTFORT2: [ktfortFor(ffg, '2', '19771', { FORPOANG: '15.0' })] };
  const c = createdOf(run(tables, [chainOf(ffg, TWO)])[0]);
  t.equal(c.ktillhstFrom?.KURSOMG, '1');
  t.same(c.warnings, ['seasonMismatchOriginal'], 'KTFORT2 template term 19771 (vår) for 19762 (höst)');
});

t.test('§4.4 reuse: a later chain with the same key and FO set gets the same KURSOMG', async (t) => {
  const other = ffgRow({ PNR: '4510240000' });
  const [first, second] = run({}, [chainOf(ffg, TWO), chainOf(other, TWO)]);
  t.equal(createdOf(first).ktill2.KURSOMG, '2');
  t.equal(second.kind, 'reused');
  if (second.kind !== 'reused') return;
  t.equal(second.kursomg, '2');
  t.equal(second.ffgUpdate.PNR, '4510240000');
  t.equal(second.ffgUpdate.OMGANG, '2');
  t.equal(second.ffgUpdate.ITID, '104150');
});

t.test('§4.4 reuse vs a different FO set: a new offering with the next KURSOMG', async (t) => {
  const other = ffgRow({ PNR: '4510240000' });
  const [first, second, third] = run({}, [
    chainOf(ffg, TWO),
    chainOf(other, [['2', '19771']]),
    chainOf(ffgRow({ PNR: '5' }), [['2', '19771']]),
  ]);
  t.equal(createdOf(first).ktill2.KURSOMG, '2');
  t.equal(createdOf(second).ktill2.KURSOMG, '3');
  t.equal(createdOf(second).ktill2.KOD, 'Q0002', 'KOD numbers run on per start term');
  t.same(third.kind === 'reused' && third.kursomg, '3');
});

t.test('§4 order: reuse comes before a points error', async (t) => {
  // Chain 1 takes its points from its original offering; chain 2 (OMGANG 5,
  // no original, no course) would fail on points but reuses chain 1's offering.
  const tables = {
    KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })],
    KTFORT2: [ktfortFor(ffg, '2', '19762', { FORPOANG: '15.0' })],
  };
  const catalog = catalogOf(tables);
  const state = new RunState();
  const first = processChain(chainOf(ffg, [['2', '19771']]), catalog, state, OPTIONS);
  t.equal(createdOf(first).ktill2.KURSOMG, '2');
  const second = processChain(chainOf(ffgRow({ PNR: '6', OMGANG: '5' }), [['2', '19771']]), catalog, state, OPTIONS);
  t.same(second.kind === 'reused' && second.kursomg, '2');
  const third = processChain(chainOf(ffgRow({ PNR: '7', OMGANG: '5' }), [['2', '19772']]), catalog, state, OPTIONS);
  t.same(third, { kind: 'error', code: 'badCoursePoints' });
});

t.test('steps as separate stages: reuse is decided on the current run state', async (t) => {
  // A stream pipeline may hold chain 1 between stages while chain 2 passes
  // `match`; the outcome must be the same as one chain at a time.
  const catalog = catalogOf({ KURS });
  const state = new RunState();
  const steps = ruleSteps(catalog, state, OPTIONS);
  let items: ChainItem[] = [
    { chain: chainOf(ffg, TWO) },
    { chain: chainOf(ffgRow({ PNR: '2' }), TWO) },
    { chain: chainOf(ffgRow({ PNR: '3' }), [['2', '19771']]) },
  ];
  for (const step of steps) items = items.map((item) => step.apply(item));
  const [a, b, c] = items.map((i) => i.outcome!);
  t.equal(createdOf(a).ktill2.KURSOMG, '2');
  t.same(b.kind === 'reused' && b.kursomg, '2');
  t.equal(createdOf(c).ktill2.KURSOMG, '3');
  t.equal(createdOf(c).ktill2.KOD, 'Q0002');
});

t.test('§6 KTILL2 and KTILL3 rows with the key block a KURSOMG', async (t) => {
  const c = createdOf(run({ KTILL2: [ktillFor(ffg, { KURSOMG: '2' })], KTILL3: [ktillFor(ffg, { KURSOMG: '3' })] },
    [chainOf(ffg, TWO)])[0]);
  t.equal(c.ktill2.KURSOMG, '4');
  const otherKey = createdOf(run({ KTILL2: [ktillFor(ffgRow({ ORT: '0680' }), { KURSOMG: '2' })] }, [chainOf(ffg, TWO)])[0]);
  t.equal(otherKey.ktill2.KURSOMG, '2', 'another offering key does not block');
});

t.test("§6 KURSOMG case-insensitive: 'a' blocks 'A'", async (t) => {
  const taken = ['2', '3', '4', '5', '6', '7', '8', '9', 'a'].map((k) => ktillFor(ffg, { KURSOMG: k }));
  t.equal(createdOf(run({ KTILL2: taken }, [chainOf(ffg, TWO)])[0]).ktill2.KURSOMG, 'B');
});

t.test('§6 the 38th KURSOMG is 0; then noFreeOmgang, and nothing is taken', async (t) => {
  const taken = KURSOMG_CANDIDATES.slice(0, 37).map((k) => ktillFor(ffg, { KURSOMG: k.toLowerCase() }));
  const state = new RunState();
  const [first, second] = run({ KTILL2: taken }, [chainOf(ffg, TWO), chainOf(ffgRow({ PNR: '2' }), [['2', '19771']])], state);
  t.equal(createdOf(first).ktill2.KURSOMG, '0');
  t.same(second, { kind: 'error', code: 'noFreeOmgang' });
  t.equal(state.kodCursor('19761'), 2, 'the failed chain took no KOD');
});

t.test("§6 KOD: codes in KTILL2/KTILL3 of the start term are skipped; 'q0001' blocks 'Q0001'", async (t) => {
  const elsewhere = ffgRow({ KURS: 'XSL037' });
  const tables = {
    KTILL2: [ktillFor(elsewhere, { KOD: 'q0001' }), ktillFor(ffgRow({ TERMIN: '19762' }), { KOD: 'Q0002' })],
    KTILL3: [ktillFor(elsewhere, { KOD: 'Q0003' })],
  };
  const [a, b] = run(tables, [chainOf(ffg, TWO), chainOf(ffgRow({ KURS: 'LOG001' }), TWO)]);
  t.equal(createdOf(a).ktill2.KOD, 'Q0002', 'Q0002 of another start term does not block');
  t.equal(createdOf(b).ktill2.KOD, 'Q0004');
});

t.test('§6 KOD 9999, then codesExhausted for that start term while the next term goes on', async (t) => {
  const used: Row[] = [];
  for (let n = 1; n <= 9998; n++) used.push(ktillFor(ffgRow({ KURS: `K${n}` }), { KOD: kodOf('Q', n) }));
  const state = new RunState();
  const chains = [
    chainOf(ffgRow({ KURS: 'XSH221' }), TWO),
    chainOf(ffgRow({ KURS: 'XSL037' }), TWO),
    chainOf(ffgRow({ KURS: 'XSL037', TERMIN: '19762' }), [['2', '19771']]),
    chainOf(ffgRow({ KURS: 'LOG001' }), TWO),
  ];
  const [a, b, c, d] = run({ KTILL2: used }, chains, state);
  t.equal(createdOf(a).ktill2.KOD, 'Q9999');
  t.same(b, { kind: 'error', code: 'codesExhausted' });
  t.equal(createdOf(c).ktill2.KOD, 'Q0001', 'the next start term goes on');
  t.same(d, { kind: 'error', code: 'codesExhausted' }, 'later chains of the exhausted term fail at once');
  t.equal(state.termsNotCompleted, 1);
  t.same([...state.kursomgTaken(offeringKeyOfFfg(chains[1].ffg))], [],
    'the KURSOMG allocated before the KOD failed is not taken');
});

t.test('§6 a chain with no free KURSOMG in an exhausted term is noFreeOmgang (KURSOMG before KOD)', async (t) => {
  const state = new RunState();
  state.markExhausted('19761');
  const taken = KURSOMG_CANDIDATES.map((k) => ktillFor(ffg, { KURSOMG: k }));
  t.same(run({ KTILL2: taken }, [chainOf(ffg, TWO)], state), [{ kind: 'error', code: 'noFreeOmgang' }]);
});

t.test('§5 errors: badCoursePoints and pointsTooLarge', async (t) => {
  t.same(run({ KURS: [] }, [chainOf(ffgRow({ KURS: 'NONE' }), TWO)]), [{ kind: 'error', code: 'badCoursePoints' }]);
  t.same(run({ KURS: [kursRow('XSH221', '2000.0')] }, [chainOf(ffg, TWO)]), [{ kind: 'error', code: 'pointsTooLarge' }]);
});

t.test('every step passes an item with an outcome through unchanged', async (t) => {
  const catalog = catalogOf({ KURS });
  const state = new RunState();
  const item: ChainItem = { chain: chainOf(ffg, TWO), outcome: { kind: 'error', code: 'termOrder' } };
  for (const apply of [
    validateStep, matchStep(catalog, state, OPTIONS), pointsStep(catalog), allocateStep(catalog, state, OPTIONS),
    createStep(catalog, OPTIONS), warningsStep(catalog),
  ]) {
    t.equal(apply(item), item);
  }
  t.equal(state.kodCursor('19761'), 1);
});

t.test('createStep refuses an item that skipped allocation', async (t) => {
  t.throws(() => createStep(catalogOf(), OPTIONS)({ chain: chainOf(ffg, TWO) }), /internal/);
});

/** The catalog after loading a run's deltas: input rows plus created rows,
 *  and FFGKURS rows with their new OMGANG. */
function applied(tables: Tables, chains: Chain[], outcomes: Outcome[]): { tables: Tables; chains: Chain[] } {
  const KTILL2 = [...(tables.KTILL2 ?? [])];
  const KTFORT2 = [...(tables.KTFORT2 ?? [])];
  const updated = chains.map((chain, i) => {
    const o = outcomes[i];
    if (o.kind === 'created') {
      KTILL2.push(o.ktill2);
      KTFORT2.push(...o.ktfort2);
    }
    return o.kind === 'created' || o.kind === 'reused' ? { ...chain, ffg: o.ffgUpdate } : chain;
  });
  return { tables: { ...tables, KTILL2, KTFORT2 }, chains: updated };
}

t.test('§1 a second run on the updated data changes nothing', async (t) => {
  const tables: Tables = {
    KTILL2: [ktillFor(ffg, { FFGPOANG: '15.0' })],
    KTFORT2: [ktfortFor(ffg, ' 2', '19762', { FORPOANG: '15.0' })],
  };
  const chains = [
    chainOf(ffg, [[' 2', '19762']]),
    chainOf(ffgRow({ PNR: '2' }), [[' 2', '19771']]),
    chainOf(ffgRow({ PNR: '3' }), [['02', '19771']]),
    chainOf(ffgRow({ PNR: '4' }), [['2', '19772']], [['3', '19781']]),
  ];
  const first = run(tables, chains);
  t.same(first.map((o) => o.kind), ['alreadyComplete', 'created', 'reused', 'created']);
  const next = applied(tables, chains, first);
  t.same(run(next.tables, next.chains).map((o) => o.kind), ['alreadyComplete', 'alreadyComplete', 'alreadyComplete', 'alreadyComplete']);
});

t.test('property: allocation never hands out a taken KURSOMG or KOD; reuse only for equal FO sets', async (t) => {
  const term = fc.constantFrom('19761', '19762');
  const kurs = fc.constantFrom('XSH221', 'XSL037');
  const omg = fc.constantFrom(...KURSOMG_CANDIDATES, 'a', 'b', 'ö', '1');
  const foTerm = fc.constantFrom('19771', '19772', '19781');
  const arb = fc.record({
    taken: fc.array(fc.record({ kurs, term, omg, kod: fc.integer({ min: 1, max: 12 }), lower: fc.boolean() }), { maxLength: 40 }),
    chains: fc.array(fc.record({ kurs, term, omg, fo: fc.subarray(['19771', '19772', '19781']), extra: foTerm }), { maxLength: 40 }),
  });
  fc.assert(
    fc.property(arb, ({ taken, chains: specs }) => {
      const KTILL2 = taken.map((x) =>
        ktillFor(ffgRow({ KURS: x.kurs, TERMIN: x.term }), { KURSOMG: x.omg, KOD: x.lower ? kodOf('q', x.kod) : kodOf('Q', x.kod) }));
      const chains = specs.map((s, i) =>
        chainOf(ffgRow({ PNR: String(i), KURS: s.kurs, TERMIN: s.term, OMGANG: s.omg }),
          (s.fo.length ? s.fo : [s.extra]).map((termin, j) => [String(j + 2), termin] as Fo)));
      const outcomes = run({ KTILL2 }, chains);
      const omgs = new Map<string, Set<string>>();
      const kods = new Map<string, Set<string>>();
      const foSets = new Map<string, string>();
      for (const row of KTILL2) {
        const key = `${row.KURSKOD}|${row.STARTTER}`;
        omgs.set(key, (omgs.get(key) ?? new Set()).add(row.KURSOMG.toUpperCase()));
        kods.set(row.STARTTER, (kods.get(row.STARTTER) ?? new Set()).add(row.KOD.toUpperCase()));
      }
      return outcomes.every((o, i) => {
        const { ffg: f, foSet } = chains[i];
        const key = `${f.KURS}|${f.TERMIN}`;
        const signature = foSet.map((fo) => fo.row.TERMIN).join(',');
        if (o.kind === 'reused') return foSets.get(`${key}|${o.kursomg}`) === signature;
        if (o.kind !== 'created') return true;
        const k = o.ktill2.KURSOMG;
        const kod = o.ktill2.KOD;
        if (omgs.get(key)?.has(k) || k === f.OMGANG.toUpperCase() || kods.get(f.TERMIN)?.has(kod)) return false;
        omgs.set(key, (omgs.get(key) ?? new Set()).add(k));
        kods.set(f.TERMIN, (kods.get(f.TERMIN) ?? new Set()).add(kod));
        foSets.set(`${key}|${k}`, signature);
        return true;
      });
    }),
  );
});
