/**
 * What this run has created so far (SPEC §4.4 reuse, §6 allocation). The
 * only mutable thing the rules touch; it changes only through the methods
 * below, in FFGKURS file order, so a run is deterministic (SPEC §6).
 */

/** One offering created in this run, as the state remembers it. */
export interface CreatedOffering {
  offeringKey: string;
  /** `foSetSignature` of the chain's FO set. */
  foSignature: string;
  kursomg: string;
  startter: string;
  /** The KOD's running number. */
  kodNumber: number;
}

export class RunState {
  /** offering key → upper-cased KURSOMG values created in this run. */
  private readonly kursomgs = new Map<string, Set<string>>();
  /** offering key → FO-set signature → KURSOMG of the offering created. */
  private readonly created = new Map<string, Map<string, string>>();
  /** STARTTER → the lowest KOD number not yet handed out in this run. */
  private readonly kodCursors = new Map<string, number>();
  /** STARTTERs that ran out of codes (SPEC §6, §11 "KOD"). */
  private readonly exhausted = new Set<string>();

  /** Upper-cased KURSOMG values this run has created for an offering key. */
  kursomgTaken(offeringKey: string): ReadonlySet<string> {
    return this.kursomgs.get(offeringKey) ?? new Set<string>();
  }

  /** KURSOMG of the offering created in this run with this key and FO set. */
  createdOffering(offeringKey: string, foSignature: string): string | undefined {
    return this.created.get(offeringKey)?.get(foSignature);
  }

  /** Where the KOD search of a start term continues: numbers are never
   *  reused within a run (SPEC §6). */
  kodCursor(startter: string): number {
    return this.kodCursors.get(startter) ?? 1;
  }

  isExhausted(startter: string): boolean {
    return this.exhausted.has(startter);
  }

  /** SPEC §8 top warning: the number of start terms that ran out of codes. */
  get termsNotCompleted(): number {
    return this.exhausted.size;
  }

  markExhausted(startter: string): void {
    this.exhausted.add(startter);
  }

  /** Records an offering that will be created: its KURSOMG and KOD number
   *  are taken, and later chains with the same key and FO set reuse it.
   *  Called only once both KURSOMG and KOD are allocated, so a chain that
   *  fails on KOD takes nothing (SPEC §4 steps 6–7). */
  recordCreated(offering: CreatedOffering): void {
    const { offeringKey, foSignature, kursomg, startter, kodNumber } = offering;
    let taken = this.kursomgs.get(offeringKey);
    if (!taken) this.kursomgs.set(offeringKey, (taken = new Set()));
    taken.add(kursomg.toUpperCase());
    let byFoSet = this.created.get(offeringKey);
    if (!byFoSet) this.created.set(offeringKey, (byFoSet = new Map()));
    // The first offering created with a key and FO set stays the one reused.
    if (!byFoSet.has(foSignature)) byFoSet.set(foSignature, kursomg);
    this.kodCursors.set(startter, Math.max(this.kodCursor(startter), kodNumber + 1));
  }
}
