/**
 * SPEC §4.3 already complete and §4.4 reuse.
 */
import { offeringKeyOfFfg } from '../pipeline/catalog.js';
import type { Catalog, ContinuationTerms } from '../pipeline/catalog.js';
import { parseIntStrict } from '../pipeline/compare.js';
import type { Chain, FoRow, Row } from '../pipeline/types.js';
import { foSetSignature } from './fo-order.js';
import type { RunState } from './run-state.js';

/** One offering table pair: a first-term row exists, and every FO row has a
 *  continuation row with the same integer TERMORDN and the exact TERMIN. */
function completeIn(first: Row | undefined, continuation: ContinuationTerms, foSet: readonly FoRow[]): boolean {
  if (!first) return false;
  for (const fo of foSet) {
    const n = parseIntStrict(fo.row.TERMORDN);
    if (n === undefined || !hasContinuation(continuation, n, fo.row.TERMIN)) return false;
  }
  return true;
}

/** `continuation` holds [TERMORDN as an integer, TERMIN] pairs, interleaved. */
function hasContinuation(continuation: ContinuationTerms, termordn: number, termin: string): boolean {
  for (let j = 0; j < continuation.length; j += 2) {
    if (continuation[j + 1] === termin && continuation[j] === termordn) return true;
  }
  return false;
}

/** SPEC §4.3 with §11: complete in KTILL2/KTFORT2 or in KTILL3/KTFORT3
 *  (input tables only; KURSOMG = OMGANG and TERMIN exact, TERMORDN as
 *  integers; extra continuation rows do not matter). */
export function alreadyComplete(chain: Chain, catalog: Catalog): boolean {
  // One look-up for all four tables: this runs for every chain.
  const rows = catalog.originalOf(chain.ffg);
  if (rows === undefined) return false;
  return (
    completeIn(rows.ktill2, rows.ktfort2Terms, chain.foSet) || completeIn(rows.ktill3, rows.ktfort3Terms, chain.foSet)
  );
}

/** SPEC §4.4: the KURSOMG of an offering created earlier in this run with
 *  the same offering key and an equal set of (integer TERMORDN, TERMIN). */
export function reuse(chain: Chain, state: RunState): string | undefined {
  return state.createdOffering(offeringKeyOfFfg(chain.ffg), foSetSignature(chain.foSet));
}
