/**
 * SPEC §8 lines 11–14: warnings on a created offering (it is created all
 * the same). Each applies at most once per offering.
 */
import type { Catalog } from '../pipeline/catalog.js';
import { parseIntStrict } from '../pipeline/compare.js';
import type { Chain, ChainPoints, TermPoints, WarningCode } from '../pipeline/types.js';
import { foInTermordnOrder } from './fo-order.js';
import { parsePoints } from './points.js';
import { advanceTerm, season } from './terms.js';
import { parseKurstakt } from './validate.js';

/** A term of the new offering: its term code (KTILL2.STARTTER or the FO
 *  row's TERMIN) and its points. */
interface NewTerm {
  term: string;
  points: TermPoints;
}

function newTerms(chain: Chain, points: ChainPoints): NewTerm[] {
  return [
    { term: chain.ffg.TERMIN, points: points.ffg },
    ...foInTermordnOrder(chain).map((fo, i) => ({ term: fo.row.TERMIN, points: points.fo[i] })),
  ];
}

/** Line 11 (§11): a term's tenths above 3 × KURSTAKT tenths (30 hp at 100 %). */
export function pointsOverMax(points: ChainPoints, kurstakt: number): boolean {
  return [points.ffg, ...points.fo].some((p) => p.tenths > 3 * kurstakt);
}

/** The term a template stands for: KTILL2.STARTTER, KTFORT2.TERMIN, or
 *  KTILLP.STARTTER advanced by TERMORDK − 1 terms; none for distributed. */
export function templateTerm(points: TermPoints): string | undefined {
  const t = points.template;
  if (!t) return undefined;
  switch (points.source) {
    case 'ktill2':
      return t.STARTTER;
    case 'ktfort2':
      return t.TERMIN;
    case 'ktillp': {
      const termordk = parseIntStrict(t.TERMORDK ?? '');
      return termordk === undefined ? undefined : advanceTerm(t.STARTTER, termordk - 1);
    }
    default:
      return undefined;
  }
}

/** Some term from these sources lies in the other season than its template
 *  term; not when either term code is invalid (§11). */
function seasonMismatch(terms: NewTerm[], sources: ReadonlyArray<TermPoints['source']>): boolean {
  return terms.some(({ term, points }) => {
    if (!sources.includes(points.source)) return false;
    const expected = season(templateTerm(points));
    const actual = season(term);
    return expected !== undefined && actual !== undefined && expected !== actual;
  });
}

/** Line 12: a row with a KTILL2/KTFORT2 template in the other season. */
export function seasonMismatchOriginal(chain: Chain, points: ChainPoints): boolean {
  return seasonMismatch(newTerms(chain, points), ['ktill2', 'ktfort2']);
}

/** Line 13: a row with a KTILLP template in the other season. */
export function seasonMismatchKtillp(chain: Chain, points: ChainPoints): boolean {
  return seasonMismatch(newTerms(chain, points), ['ktillp']);
}

/** Line 14: FFGPOANG + all FORPOANG ≠ KURS.POANG (in tenths), only when
 *  the course's POANG is a number. */
export function pointSumMismatch(chain: Chain, points: ChainPoints, catalog: Catalog): boolean {
  const course = catalog.kurs(chain.ffg.KURS);
  const total = course === undefined ? undefined : parsePoints(course.POANG);
  if (total === undefined) return false;
  const sum = [points.ffg, ...points.fo].reduce((s, p) => s + p.tenths, 0);
  return sum !== total;
}

/** The warnings of one created offering, in summary-line order. */
export function offeringWarnings(chain: Chain, points: ChainPoints, catalog: Catalog): WarningCode[] {
  const warnings: WarningCode[] = [];
  if (pointsOverMax(points, parseKurstakt(chain.ffg.KURSTAKT) ?? 0)) warnings.push('pointsOverMax');
  if (seasonMismatchOriginal(chain, points)) warnings.push('seasonMismatchOriginal');
  if (seasonMismatchKtillp(chain, points)) warnings.push('seasonMismatchKtillp');
  if (pointSumMismatch(chain, points, catalog)) warnings.push('pointSumMismatch');
  return warnings;
}
