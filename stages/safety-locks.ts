/**
 * SPEC §9 safety locks ("spärrar") that look at the data: an export that is
 * truncated or failed must not make EB50 create an offering for every chain.
 * (The third lock, a missing or unreadable input, is an input error raised
 * by the readers.)
 */

export interface LockFigures {
  /** Rows read per input table. */
  rows: Record<string, number>;
  /** chains.withContinuation, and created + reused chains. */
  withContinuation: number;
  newOfferings: number;
  /** --max-new-share, a percentage 0–100. */
  maxNewShare: number;
  /** Row counts of the previous successful run into the same --output. */
  baseline?: Baseline;
  /** --max-shrink, a percentage 0–100. */
  maxShrink: number;
}

/** What the shrink lock compares with: the input row counts of the last
 *  run that passed every lock (or ran with --without-locks). */
export interface Baseline {
  runDate: string;
  rows: Record<string, number>;
}

/** `part` × 100 > `percent` × `whole`, in integers (the limit in
 *  millionths of a percent): in binary floating point 18.4 × 375 < 6900,
 *  which would trip at exactly 18.4 %. */
function moreThanPercent(part: number, whole: number, percent: number): boolean {
  const limit = BigInt(Math.round(percent * 1e6));
  return BigInt(part) * 100_000_000n > limit * BigInt(whole);
}

/** Shrink lock (beyond SPEC §9): a truncated export that still has rows is
 *  the dangerous case the emptiness lock cannot see. */
export function shrinkLocks(rows: Record<string, number>, baseline: Baseline | undefined, maxShrink: number): string[] {
  if (baseline === undefined) return [];
  const locks: string[] = [];
  for (const [table, before] of Object.entries(baseline.rows)) {
    const now = rows[table] ?? 0;
    if (before > 0 && now < before && moreThanPercent(before - now, before, maxShrink)) {
      const drop = (((before - now) * 100) / before).toFixed(1);
      locks.push(
        `Spärr: ${table} har ${now} rader, förra lyckade körningen (${baseline.runDate}) hade ${before} (${drop} % färre, mer än tillåtna ${maxShrink} %).`,
      );
    }
  }
  return locks;
}

/** The tables whose emptiness trips the lock while FFGKURS has rows. */
export const MUST_NOT_BE_EMPTY = ['KTILL2', 'KTFORT2', 'KURS', 'TERMIN'] as const;

/** The tripped locks, each as the sentence the result list shows. */
export function trippedLocks(f: LockFigures): string[] {
  const locks: string[] = [];
  if ((f.rows.FFGKURS ?? 0) > 0) {
    for (const table of MUST_NOT_BE_EMPTY) {
      if ((f.rows[table] ?? 0) === 0) locks.push(`Spärr: Inga ${table}-poster finns i exporten.`);
    }
  }
  locks.push(...shrinkLocks(f.rows, f.baseline, f.maxShrink));
  // Share of chains with continuation terms that get a new offering
  // (created + reused); strictly greater than the limit trips (SPEC §11).
  if (f.withContinuation > 0 && moreThanPercent(f.newOfferings, f.withContinuation, f.maxNewShare)) {
    const share = ((f.newOfferings * 100) / f.withContinuation).toFixed(1);
    locks.push(
      `Spärr: ${f.newOfferings} av ${f.withContinuation} kedjor med fortsättningsterminer (${share} %) skulle få ett nytt kurstillfälle, mer än tillåtna ${f.maxNewShare} %.`,
    );
  }
  return locks;
}
