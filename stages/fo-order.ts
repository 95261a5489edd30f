/**
 * The FO set in the order the rules use it: by TERMORDN as an integer
 * (SPEC §5 "FFG first, then FO by TERMORDN"; §11 "Order of rows created").
 */
import { joinKey } from '../pipeline/catalog.js';
import { parseIntStrict } from '../pipeline/compare.js';
import type { Chain, FoRow } from '../pipeline/types.js';

/** The chain's FO set sorted by integer TERMORDN; rows with a non-integer
 *  TERMORDN (a §4.2 error) last, in file order. The sort is stable. */
export function foInTermordnOrder(chain: Chain): FoRow[] {
  const keyed = chain.foSet.map((fo, i) => ({ fo, i, n: parseIntStrict(fo.row.TERMORDN) }));
  keyed.sort((a, b) => {
    if (a.n === undefined || b.n === undefined) {
      if (a.n !== b.n) return a.n === undefined ? 1 : -1;
      return a.i - b.i;
    }
    return a.n - b.n || a.i - b.i;
  });
  return keyed.map((k) => k.fo);
}

/** SPEC §4.4/§11: the FO set as a set of (integer TERMORDN, TERMIN), as one
 *  string: equal strings ⇔ equal sets. */
export function foSetSignature(foSet: readonly FoRow[]): string {
  const members = new Set(
    foSet.map((fo) => joinKey([String(parseIntStrict(fo.row.TERMORDN) ?? `?${fo.row.TERMORDN}`), fo.row.TERMIN])),
  );
  return joinKey([...members].sort());
}
