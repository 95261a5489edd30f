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
  // Share of chains with continuation terms that get a new offering
  // (created + reused); strictly greater than the limit trips (SPEC §11).
  // Compared in integers (the limit in millionths of a percent): in binary
  // floating point 18.4 × 375 < 6900, which would trip at exactly 18.4 %.
  const limit = BigInt(Math.round(f.maxNewShare * 1e6));
  if (f.withContinuation > 0 && BigInt(f.newOfferings) * 100_000_000n > limit * BigInt(f.withContinuation)) {
    const share = ((f.newOfferings * 100) / f.withContinuation).toFixed(1);
    locks.push(
      `Spärr: ${f.newOfferings} av ${f.withContinuation} kedjor med fortsättningsterminer (${share} %) skulle få ett nytt kurstillfälle, mer än tillåtna ${f.maxNewShare} %.`,
    );
  }
  return locks;
}
