/**
 * SPEC §6 allocation of KURSOMG and KOD (anmälningskod).
 */

/** SPEC §6: the KURSOMG candidates, in order (38 values). */
export const KURSOMG_CANDIDATES: readonly string[] = [...'23456789ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0'];

/** SPEC §6: the first candidate that is neither taken nor the chain's own
 *  OMGANG, compared case-insensitively; undefined = noFreeOmgang.
 *  `taken` holds upper-cased values. */
export function nextKursomg(taken: ReadonlySet<string>, own: string): string | undefined {
  const ownUpper = own.toUpperCase();
  return KURSOMG_CANDIDATES.find((c) => c !== ownUpper && !taken.has(c));
}

/** The highest running number of a KOD (four digits). */
export const MAX_KOD_NUMBER = 9999;

/** KOD = INLEDANDETECKEN + four-digit running number. */
export function kodOf(leadingChar: string, number: number): string {
  return `${leadingChar}${String(number).padStart(4, '0')}`;
}

/** SPEC §6/§11: the lowest number ≥ `from` (and ≥ 1) whose code is not in
 *  `used` (upper-cased codes, so `q0001` blocks `Q0001`); undefined =
 *  codesExhausted. `leadingChar` is already upper case. */
export function nextKod(
  used: ReadonlySet<string>,
  leadingChar: string,
  from: number,
): { kod: string; number: number } | undefined {
  for (let number = Math.max(1, from); number <= MAX_KOD_NUMBER; number++) {
    const kod = kodOf(leadingChar, number);
    if (!used.has(kod.toUpperCase())) return { kod, number };
  }
  return undefined;
}
