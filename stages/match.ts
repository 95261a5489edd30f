/**
 * SPEC §4.3 already complete and §4.4 reuse.
 */
import { offeringKeyOfFfg } from '../pipeline/catalog.js';
import type { Catalog } from '../pipeline/catalog.js';
import { parseIntStrict } from '../pipeline/compare.js';
import type { Chain, FoRow, Row } from '../pipeline/types.js';
import { foSetSignature } from './fo-order.js';
import type { RunState } from './run-state.js';

/** One offering table pair: a first-term row exists, and every FO row has a
 *  continuation row with the same integer TERMORDN and the exact TERMIN. */
function completeIn(first: Row | undefined, continuation: readonly Row[], foSet: readonly FoRow[]): boolean {
  if (!first) return false;
  return foSet.every((fo) => {
    const n = parseIntStrict(fo.row.TERMORDN);
    return n !== undefined && continuation.some((r) => r.TERMIN === fo.row.TERMIN && parseIntStrict(r.TERMORDN) === n);
  });
}

/** SPEC §4.3 with §11: complete in KTILL2/KTFORT2 or in KTILL3/KTFORT3
 *  (input tables only; KURSOMG = OMGANG and TERMIN exact, TERMORDN as
 *  integers; extra continuation rows do not matter). */
export function alreadyComplete(chain: Chain, catalog: Catalog): boolean {
  const key = offeringKeyOfFfg(chain.ffg);
  const omgang = chain.ffg.OMGANG ?? '';
  return (
    completeIn(catalog.ktill2(key, omgang), catalog.ktfort2(key, omgang), chain.foSet) ||
    completeIn(catalog.ktill3(key, omgang), catalog.ktfort3(key, omgang), chain.foSet)
  );
}

/** SPEC §4.4: the KURSOMG of an offering created earlier in this run with
 *  the same offering key and an equal set of (integer TERMORDN, TERMIN). */
export function reuse(chain: Chain, state: RunState): string | undefined {
  return state.createdOffering(offeringKeyOfFfg(chain.ffg), foSetSignature(chain.foSet));
}
