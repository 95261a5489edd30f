/**
 * The one comparator (SPEC §2): JavaScript string comparison (UTF-16 code
 * units, no locale) of PNR, then KURS, then TERMORDN as an integer. The sort
 * check, the merge-join and `eb50 sort` all use it.
 */
import type { Row } from './types.js';

/** UTF-16 code-unit comparison: -1, 0, 1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `[+-]?[0-9]+` after trimming ASCII spaces (SPEC §11), else undefined. */
export function parseIntStrict(value: string): number | undefined {
  const t = trimSpaces(value);
  return /^[+-]?[0-9]+$/.test(t) ? Number(t) : undefined;
}

/** Trim ASCII spaces (U+0020) only, both ends (SPEC §11 "Trimming"). */
export function trimSpaces(value: string): string {
  let s = 0;
  let e = value.length;
  while (s < e && value.charCodeAt(s) === 32) s++;
  while (e > s && value.charCodeAt(e - 1) === 32) e--;
  return value.slice(s, e);
}

/** FFGKURS order, and the join key of all three registration tables. */
export function comparePnrKurs(a: Row, b: Row): number {
  return compareStrings(a.PNR, b.PNR) || compareStrings(a.KURS, b.KURS);
}

/** FORTKURS/INREGFO order. TERMORDN is compared only when both are integers
 *  (a non-integer TERMORDN is a record error of §4.2, not a sort error). */
export function compareFo(a: Row, b: Row): number {
  const byKey = comparePnrKurs(a, b);
  if (byKey !== 0) return byKey;
  const x = parseIntStrict(a.TERMORDN);
  const y = parseIntStrict(b.TERMORDN);
  if (x === undefined || y === undefined) return 0;
  return x < y ? -1 : x > y ? 1 : 0;
}
