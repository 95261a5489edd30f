/**
 * SPEC §4.1 missing parameters and §4.2 term order: the checks a chain must
 * pass before any catalog is consulted.
 */
import { FFG_OFFERING_KEY_COLUMNS } from '../pipeline/catalog.js';
import { parseIntStrict, trimSpaces } from '../pipeline/compare.js';
import type { Chain, FoRow } from '../pipeline/types.js';
import { termIndex } from './terms.js';

/** SPEC §11 "Parameters": KURSTAKT is trimmed and must be digits only, 0–100. */
export function parseKurstakt(value: string | undefined): number | undefined {
  const t = trimSpaces(value ?? '');
  if (!/^[0-9]+$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 100 ? n : undefined;
}

/** SPEC §4.1: a blank offering key field, an invalid TERMIN, or a KURSTAKT
 *  that is not an integer 0–100. */
export function missingParameters(chain: Chain): boolean {
  const ffg = chain.ffg;
  // Values arrive with trailing spaces trimmed, so an all-space value is ''.
  for (const c of FFG_OFFERING_KEY_COLUMNS) if ((ffg[c] ?? '') === '') return true;
  return termIndex(ffg.TERMIN) === undefined || parseKurstakt(ffg.KURSTAKT) === undefined;
}

/** Some TERMORDN occurs twice among these rows (integers compared). */
function sharesTermordn(rows: readonly FoRow[]): boolean {
  if (rows.length < 2) return false;
  // A chain has a handful of FO rows: a small array is cheaper than a Set
  // (`includes` compares as a Set does, SameValueZero).
  const seen = rows.length > 32 ? new Set<number>() : undefined;
  const few: number[] = [];
  for (const fo of rows) {
    const n = parseIntStrict(fo.row.TERMORDN);
    if (n === undefined) continue; // reported as non-integer where it matters
    if (seen ? seen.has(n) : few.includes(n)) return true;
    if (seen) seen.add(n);
    else few.push(n);
  }
  return false;
}

/** SPEC §4.2 with §11 "Term order". Call only after `missingParameters`
 *  passed (the FFG term is then valid). */
export function termOrderError(chain: Chain): boolean {
  const ffgIndex = termIndex(chain.ffg.TERMIN);
  if (ffgIndex === undefined) return true;
  const foSet = chain.foSet;
  // Sized up front: this runs for every chain.
  const ordns = new Array<number>(foSet.length);
  const indexes = new Array<number>(foSet.length);
  for (let k = 0; k < foSet.length; k++) {
    const fo = foSet[k];
    const ordn = parseIntStrict(fo.row.TERMORDN);
    const index = termIndex(fo.row.TERMIN);
    if (ordn === undefined || index === undefined) return true; // invalid TERMIN / non-integer TERMORDN
    if (index <= ffgIndex) return true; // FO term not later than the FFG term
    ordns[k] = ordn;
    indexes[k] = index;
  }
  for (let i = 0; i < ordns.length; i++) {
    for (let j = 0; j < ordns.length; j++) {
      if (ordns[i] > ordns[j] && indexes[i] < indexes[j]) return true; // higher TERMORDN, earlier term
      if (i !== j && ordns[i] !== ordns[j] && indexes[i] === indexes[j]) return true; // same term twice
    }
  }
  // Duplicates within each table; INREGFO over all its rows, including those
  // a FORTKURS row overrides (SPEC §11).
  return sharesTermordn(chain.fortkurs) || sharesTermordn(chain.inregfo);
}
