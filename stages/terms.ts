/**
 * SPEC §2 "Terms": a term code is `YYYYT`, T = 1 spring (vår), 2 autumn
 * (höst). Index = YYYY*2 + (T-1); "later" means a larger index.
 */

export type Season = 1 | 2;

export interface Term {
  year: number;
  season: Season;
  index: number;
}

// Exactly five digits, the last 1 or 2: no trimming, so a leading space makes
// a code invalid (SPEC §11 "Parameters").
const TERM = /^[0-9]{4}[12]$/;

/** The parts of a valid term code, else undefined. */
export function parseTerm(code: string | undefined): Term | undefined {
  if (code === undefined || !TERM.test(code)) return undefined;
  const year = Number(code.slice(0, 4));
  const season = (code.charCodeAt(4) - 48) as Season;
  return { year, season, index: year * 2 + (season - 1) };
}

/** Term index (`YYYY*2 + T-1`) of a valid code, else undefined. (As
 *  `parseTerm(code)?.index`, without the object: it runs for every term of
 *  every chain.) */
export function termIndex(code: string | undefined): number | undefined {
  if (code === undefined || !TERM.test(code)) return undefined;
  const year = (code.charCodeAt(0) - 48) * 1000 + (code.charCodeAt(1) - 48) * 100 + (code.charCodeAt(2) - 48) * 10 + (code.charCodeAt(3) - 48);
  return year * 2 + (code.charCodeAt(4) - 49);
}

/** 1 (vår) or 2 (höst) for a valid code, else undefined. */
export function season(code: string | undefined): Season | undefined {
  return code !== undefined && TERM.test(code) ? ((code.charCodeAt(4) - 48) as Season) : undefined;
}

/** The code of the term `n` terms after `code` (n may be negative or 0);
 *  undefined when `code` is invalid or the result leaves years 0000–9999. */
export function advanceTerm(code: string | undefined, n: number): string | undefined {
  const term = parseTerm(code);
  if (!term || !Number.isInteger(n)) return undefined;
  const index = term.index + n;
  const year = Math.floor(index / 2);
  if (year < 0 || year > 9999) return undefined;
  return `${String(year).padStart(4, '0')}${(index % 2) + 1}`;
}
