/**
 * SPEC §5 points (FFGPOANG, FORPOANG), computed in tenths — integers, never
 * binary floating point.
 */
import type { Catalog } from '../pipeline/catalog.js';
import { parseIntStrict, trimSpaces } from '../pipeline/compare.js';
import type { Chain, ChainPoints, PointsSource, Row, TermPoints } from '../pipeline/types.js';
import { foInTermordnOrder } from './fo-order.js';
import { parseKurstakt } from './validate.js';

/** The width of FFGPOANG/FORPOANG: 999.9 (SPEC §5 pointsTooLarge). */
export const MAX_POINTS_TENTHS = 9999;

const POINTS = /^([0-9]+)(?:[.,]([0-9]+))?$/;

/** SPEC §5/§11: `[0-9]+([.,][0-9]+)?` after trimming, in tenths rounded
 *  half up ('2.25' → 23, '2,349' → 23, '0.05' → 1); anything else undefined. */
export function parsePoints(value: string | undefined): number | undefined {
  const m = POINTS.exec(trimSpaces(value ?? ''));
  if (!m) return undefined;
  const decimals = m[2] ?? '';
  const tenth = decimals.length > 0 ? decimals.charCodeAt(0) - 48 : 0;
  // Half up: the hundredths digit alone decides (x.x5… and above round up).
  const up = decimals.length > 1 && decimals.charCodeAt(1) >= 53 ? 1 : 0;
  return Number(m[1]) * 10 + tenth + up;
}

/** SPEC §11 "Points written": one decimal with `.` ('2.5', '0.0', '12.0'). */
export function formatTenths(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** SPEC §5 distribution of P tenths over n terms: all 0 with KURSTAKT 0,
 *  else floor(P/n) each and one more for the first P mod n terms. */
export function distributePoints(tenths: number, kurstakt: number, n: number): number[] {
  if (kurstakt === 0) return new Array<number>(n).fill(0);
  const base = Math.floor(tenths / n);
  const extra = tenths - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** A template's points value, if it is a number; else the next source. */
function fromTemplate(template: Row | undefined, column: string, source: PointsSource): TermPoints | undefined {
  if (!template) return undefined;
  const value = template[column] ?? '';
  const tenths = parsePoints(value);
  return tenths === undefined ? undefined : { value, tenths, source, template };
}

function distributed(tenths: number): TermPoints {
  return { value: formatTenths(tenths), tenths, source: 'distributed' };
}

/** SPEC §5 with §11 "Catalog look-ups" and "Mixed points sources": the
 *  points of every term of a valid chain (FFG first, then the FO set in
 *  TERMORDN order), or the error that stops it. */
export function chainPoints(chain: Chain, catalog: Catalog): ChainPoints | 'badCoursePoints' | 'pointsTooLarge' {
  const ffg = chain.ffg;
  const original = catalog.originalOf(ffg);
  const ktillp = (termordk: number): Row | undefined =>
    catalog.ktillp(ffg.KURS, ffg.TERMIN, ffg.PROGR ?? '', ffg.PROGINR ?? '', termordk);

  const ffgTemplate =
    fromTemplate(original?.ktill2, 'FFGPOANG', 'ktill2') ?? fromTemplate(ktillp(1), 'POANG', 'ktillp');
  // KTFORT2 is a source only when FFGPOANG came from the original offering.
  const originalFo = ffgTemplate?.source === 'ktill2' ? original?.ktfort2 ?? [] : [];
  const foTemplates = foInTermordnOrder(chain).map((fo) => {
    const k = parseIntStrict(fo.row.TERMORDN);
    if (k === undefined) return undefined; // excluded by §4.2
    const ktfort2 = originalFo.find((r) => parseIntStrict(r.TERMORDN) === k);
    return fromTemplate(ktfort2, 'FORPOANG', 'ktfort2') ?? fromTemplate(ktillp(k), 'POANG', 'ktillp');
  });

  const templates = [ffgTemplate, ...foTemplates];
  let terms: TermPoints[];
  if (templates.every((t) => t !== undefined)) {
    terms = templates as TermPoints[];
  } else {
    const course = catalog.kurs(ffg.KURS);
    const total = course === undefined ? undefined : parsePoints(course.POANG);
    if (total === undefined) return 'badCoursePoints';
    // Each distributed term gets its own share of the distribution over all N terms.
    const shares = distributePoints(total, parseKurstakt(ffg.KURSTAKT) ?? 0, templates.length);
    terms = templates.map((t, i) => t ?? distributed(shares[i]));
    if (terms.some((t) => t.source === 'distributed' && t.tenths > MAX_POINTS_TENTHS)) return 'pointsTooLarge';
  }
  return { ffg: terms[0], fo: terms.slice(1) };
}
