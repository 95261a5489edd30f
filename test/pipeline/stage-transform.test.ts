import t from 'tap';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BATCHES_BUFFERED, flowBatches, stepTransform, type FlowEvent } from '../../pipeline/stage-transform.js';
import type { JoinEvent, Outcome } from '../../pipeline/types.js';
import { RunState } from '../../stages/run-state.js';
import { processChain, ruleSteps } from '../../stages/steps.js';
import { OPTIONS, catalogOf, chainOf, ffgRow, kursRow } from '../stages/helpers.js';

const KURS = [kursRow('XSH221', '30')];

/** Runs join-event batches through the six step Transforms; what reaches the end. */
async function throughStages(batches: JoinEvent[][]): Promise<FlowEvent[]> {
  const catalog = catalogOf({ KURS });
  const state = new RunState();
  const out: FlowEvent[] = [];
  async function* source(): AsyncGenerator<JoinEvent[]> {
    yield* batches;
  }
  await pipeline([
    Readable.from(flowBatches(source()), { objectMode: true, highWaterMark: BATCHES_BUFFERED }),
    ...ruleSteps(catalog, state, OPTIONS).map(stepTransform),
    new Writable({
      objectMode: true,
      write(batch: FlowEvent[], _e, cb) {
        out.push(...batch);
        cb();
      },
    }),
  ]);
  return out;
}

t.test('chains in batches through the stage Transforms: the outcomes of one chain at a time, in order', async (t) => {
  // Chains 2 and 4 reuse the offerings chains 1 and 3 create: reuse is
  // decided on the run state that every earlier chain has written, also
  // across batch edges.
  const two: Array<[string, string]> = [['2', '19762']];
  const three: Array<[string, string]> = [['2', '19771']];
  const chains = [
    chainOf(ffgRow({ PNR: '1' }), two),
    chainOf(ffgRow({ PNR: '2' }), two),
    chainOf(ffgRow({ PNR: '3' }), three),
    chainOf(ffgRow({ PNR: '4' }), three),
    chainOf(ffgRow({ PNR: '5' }), []),
  ];
  const want: Outcome[] = [];
  const state = new RunState();
  const catalog = catalogOf({ KURS });
  for (const chain of chains) want.push(processChain(chain, catalog, state, OPTIONS));
  const orphan: JoinEvent = { kind: 'orphan', fo: chains[0].fortkurs[0] };
  const events = await throughStages([
    [{ kind: 'chain', chain: chains[0] }, orphan],
    [{ kind: 'chain', chain: chains[1] }, { kind: 'chain', chain: chains[2] }],
    [],
    [{ kind: 'chain', chain: chains[3] }, { kind: 'duplicate', chains: [chains[4]] }, { kind: 'chain', chain: chains[4] }],
  ]);
  t.same(events.map((e) => e.kind), ['chain', 'orphan', 'chain', 'chain', 'chain', 'duplicate', 'chain']);
  t.equal(events[1], orphan, 'orphans pass through untouched');
  const got = events.flatMap((e) => (e.kind === 'chain' ? [e.item.outcome] : []));
  t.same(got, want);
  t.same(got.map((o) => o?.kind), ['created', 'reused', 'created', 'reused', 'skipped']);
});

t.test('a step that throws fails the pipeline with its error', async (t) => {
  const transform = stepTransform({
    name: 'boom',
    apply: () => {
      throw new Error('boom');
    },
  });
  await t.rejects(
    pipeline([
      Readable.from(flowBatches((async function* () {
        yield [{ kind: 'chain', chain: chainOf(ffgRow(), []) } as JoinEvent];
      })())),
      transform,
      new Writable({ objectMode: true, write: (_b, _e, cb) => cb() }),
    ]),
    /boom/,
  );
});
