/**
 * The per-chain steps of SPEC §4, in order. Each takes a ChainItem and
 * returns a new one; a step passes an item whose `outcome` is set through
 * unchanged (warnings only add to a `created` outcome).
 *
 * Run state is read and written in ONE step, `allocate`. The steps may run
 * as separate stream stages with buffers between them, so when chain N is at
 * `match`, chain N−1 may not have reached `create` yet: a reuse (§4.4) seen
 * at `match` is real (only earlier chains write the state), but one not yet
 * seen may still come. `allocate` therefore checks reuse again before it
 * turns a §5 points error into the outcome and before it allocates; there
 * the state holds every earlier chain, as in a strictly sequential run.
 */
import { offeringKeyOfFfg } from '../pipeline/catalog.js';
import type { Catalog } from '../pipeline/catalog.js';
import type { Chain, ChainErrorCode, ChainItem, Outcome, RuleOptions } from '../pipeline/types.js';
import { nextKod, nextKursomg } from './allocate.js';
import { createRows, ffgUpdate } from './create.js';
import { foSetSignature } from './fo-order.js';
import { alreadyComplete, reuse } from './match.js';
import { chainPoints } from './points.js';
import type { RunState } from './run-state.js';
import { missingParameters, termOrderError } from './validate.js';
import { offeringWarnings } from './warnings.js';

export interface RuleStep {
  name: string;
  apply: (item: ChainItem) => ChainItem;
}

// Outcomes without data, shared by every chain that ends with them (frozen:
// nothing changes an outcome once set).
const SKIPPED: Outcome = Object.freeze({ kind: 'skipped' });
const ALREADY_COMPLETE: Outcome = Object.freeze({ kind: 'alreadyComplete' });

function fail(item: ChainItem, code: ChainErrorCode): ChainItem {
  return { ...item, outcome: { kind: 'error', code } };
}

/** §4.4: the item with a `reused` outcome, if this run created a match. */
function reused(item: ChainItem, state: RunState, options: RuleOptions): ChainItem | undefined {
  const kursomg = reuse(item.chain, state);
  if (kursomg === undefined) return undefined;
  return { ...item, outcome: { kind: 'reused', kursomg, ffgUpdate: ffgUpdate(item.chain.ffg, kursomg, options) } };
}

/** §3 empty FO set (skipped), §4.1 missingParameters, §4.2 termOrder. */
export function validateStep(item: ChainItem): ChainItem {
  if (item.outcome) return item;
  if (item.chain.foSet.length === 0) return { ...item, outcome: SKIPPED };
  if (missingParameters(item.chain)) return fail(item, 'missingParameters');
  if (termOrderError(item.chain)) return fail(item, 'termOrder');
  return item;
}

/** §4.3 already complete; §4.4 reuse of an offering already recorded. */
export function matchStep(catalog: Catalog, state: RunState, options: RuleOptions): (item: ChainItem) => ChainItem {
  return (item) => {
    if (item.outcome) return item;
    if (alreadyComplete(item.chain, catalog)) return { ...item, outcome: ALREADY_COMPLETE };
    return reused(item, state, options) ?? item;
  };
}

/** §5: the chain's points; an error is kept aside until `allocate` (see top). */
export function pointsStep(catalog: Catalog): (item: ChainItem) => ChainItem {
  return (item) => {
    if (item.outcome) return item;
    const points = chainPoints(item.chain, catalog);
    return typeof points === 'string' ? { ...item, pointsError: points } : { ...item, points };
  };
}

/** §4.4 reuse (authoritative), then the §5 error, §6 KURSOMG, §6 KOD. On
 *  success the offering is recorded as created: nothing after this fails. */
export function allocateStep(catalog: Catalog, state: RunState, options: RuleOptions): (item: ChainItem) => ChainItem {
  return (item) => {
    if (item.outcome) return item;
    const reusedItem = reused(item, state, options);
    if (reusedItem) return reusedItem;
    if (item.pointsError) return fail(item, item.pointsError);
    const ffg = item.chain.ffg;
    const offeringKey = offeringKeyOfFfg(ffg);
    const runTaken = state.kursomgTaken(offeringKey);
    const inputTaken = catalog.kursomgInUse(offeringKey);
    const taken = runTaken.size === 0 ? inputTaken : new Set([...inputTaken, ...runTaken]);
    const kursomg = nextKursomg(taken, ffg.OMGANG ?? '');
    if (kursomg === undefined) return fail(item, 'noFreeOmgang');
    const startter = ffg.TERMIN;
    if (state.isExhausted(startter)) return fail(item, 'codesExhausted');
    const kod = nextKod(catalog.kodInUse(startter), options.leadingChar, state.kodCursor(startter));
    if (kod === undefined) {
      state.markExhausted(startter);
      return fail(item, 'codesExhausted');
    }
    state.recordCreated({
      offeringKey,
      foSignature: foSetSignature(item.chain.foSet),
      kursomg,
      startter,
      kodNumber: kod.number,
    });
    return { ...item, kursomg, kod: kod.kod };
  };
}

/** §7: the rows of the new offering (allocation already recorded it). */
export function createStep(catalog: Catalog, options: RuleOptions): (item: ChainItem) => ChainItem {
  return (item) => {
    if (item.outcome) return item;
    const { points, kursomg, kod } = item;
    if (!points || kursomg === undefined || kod === undefined) {
      throw new Error(`internal: chain at FFGKURS line ${item.chain.ffgLine} reached create without points/KURSOMG/KOD`);
    }
    const rows = createRows(item.chain, points, kursomg, kod, catalog, options);
    return { ...item, outcome: { kind: 'created', ...rows, warnings: [] } };
  };
}

/** §8 lines 11–14 on a created offering; other items pass unchanged. */
export function warningsStep(catalog: Catalog): (item: ChainItem) => ChainItem {
  return (item) => {
    if (item.outcome?.kind !== 'created' || !item.points) return item;
    return { ...item, outcome: { ...item.outcome, warnings: offeringWarnings(item.chain, item.points, catalog) } };
  };
}

/** The steps in SPEC §4 order, for the stream adapters. */
export function ruleSteps(catalog: Catalog, state: RunState, options: RuleOptions): RuleStep[] {
  return [
    { name: 'validate', apply: validateStep },
    { name: 'match', apply: matchStep(catalog, state, options) },
    { name: 'points', apply: pointsStep(catalog) },
    { name: 'allocate', apply: allocateStep(catalog, state, options) },
    { name: 'create', apply: createStep(catalog, options) },
    { name: 'warnings', apply: warningsStep(catalog) },
  ];
}

/** One chain through every step (tests and simple callers). */
export function processChain(chain: Chain, catalog: Catalog, state: RunState, options: RuleOptions): Outcome {
  const item = ruleSteps(catalog, state, options).reduce<ChainItem>((it, step) => step.apply(it), { chain });
  if (!item.outcome) throw new Error(`internal: chain at FFGKURS line ${chain.ffgLine} got no outcome`);
  return item.outcome;
}
