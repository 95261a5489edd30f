/**
 * Shared data shapes. Plumbing (pipeline/) and rules (stages/) meet here and
 * nowhere else, so a change of shape is a change of this file.
 */

/** One table row: upper-case column name → value. Trailing ASCII spaces are
 *  already trimmed (SPEC §2); a blank or null field is ''. */
export type Row = Record<string, string>;

/** A row with its position in the source file: the physical line (header =
 *  line 1) for CSV/NDJSON, the 1-based record index for JSON arrays and Avro. */
export interface SourceRow {
  row: Row;
  line: number;
}

export type TableName =
  | 'FFGKURS' | 'FORTKURS' | 'INREGFO'
  | 'KTILL2' | 'KTFORT2' | 'KTILL3' | 'KTFORT3'
  | 'KTILLP' | 'KURS' | 'KTILLHST' | 'TERMIN';

export const TABLES: readonly TableName[] = [
  'FFGKURS', 'FORTKURS', 'INREGFO', 'KTILL2', 'KTFORT2', 'KTILL3', 'KTFORT3',
  'KTILLP', 'KURS', 'KTILLHST', 'TERMIN',
];

export type FoTable = 'FORTKURS' | 'INREGFO';

/** A continuation (FO) row: a FORTKURS or INREGFO row. */
export interface FoRow {
  table: FoTable;
  row: Row;
  line: number;
}

/** SPEC §3: an FFGKURS row with its FO rows. */
export interface Chain {
  ffg: Row;
  ffgLine: number;
  /** Every FORTKURS row of this PNR+KURS, in file order. */
  fortkurs: FoRow[];
  /** Every INREGFO row of this PNR+KURS, in file order, including those a
   *  FORTKURS row with the same TERMORDN overrides. */
  inregfo: FoRow[];
  /** The FO set: all FORTKURS rows plus the INREGFO rows whose TERMORDN
   *  occurs among no FORTKURS row (FORTKURS wins), in file order
   *  (FORTKURS rows first, then INREGFO rows). */
  foSet: FoRow[];
}

/** What the merge-join emits, in FFGKURS file order (orphans interleaved
 *  at the point the join passes them). */
export type JoinEvent =
  /** An FFGKURS row whose PNR+KURS occurs once. Its foSet may be empty:
   *  then it is "read only" and not a case. */
  | { kind: 'chain'; chain: Chain }
  /** Two or more FFGKURS rows with the same PNR+KURS (SPEC §3): none is
   *  processed; each is listed with the group's FO rows. */
  | { kind: 'duplicate'; chains: Chain[] }
  /** A FORTKURS/INREGFO row whose PNR+KURS has no FFGKURS row. */
  | { kind: 'orphan'; fo: FoRow };

/** Record-level errors of SPEC §4 (summary lines 5–10). */
export type ChainErrorCode =
  | 'termOrder' | 'missingParameters' | 'noFreeOmgang'
  | 'badCoursePoints' | 'pointsTooLarge' | 'codesExhausted';

/** Warnings on created offerings (summary lines 11–14). */
export type WarningCode =
  | 'pointsOverMax' | 'seasonMismatchOriginal' | 'seasonMismatchKtillp' | 'pointSumMismatch';

/** Where a points value came from (SPEC §5). */
export type PointsSource = 'ktill2' | 'ktfort2' | 'ktillp' | 'distributed';

/** A points value for one term of a chain. `value` is what is written:
 *  the template value as read, or a computed one formatted `12.5`. */
export interface TermPoints {
  value: string;
  /** The value in tenths, for warnings 11 and 14. */
  tenths: number;
  source: PointsSource;
  /** The catalog row used as template (LOK1/LOK2 come from it); none for
   *  distributed values. */
  template?: Row;
}

/** SPEC §5 result for a whole chain: FFG term first, then one per FO-set row
 *  in TERMORDN order (the order the KTFORT2 rows are created in). */
export interface ChainPoints {
  ffg: TermPoints;
  fo: TermPoints[];
}

/** The result of running one chain through SPEC §4. */
export type Outcome =
  | { kind: 'skipped' }                           // empty FO set: read only
  | { kind: 'error'; code: ChainErrorCode }
  | { kind: 'alreadyComplete' }
  | { kind: 'reused'; kursomg: string; ffgUpdate: Row }
  | {
      kind: 'created';
      /** The new KTILL2 row, columns of SPEC §7 in order. */
      ktill2: Row;
      /** The new KTFORT2 rows, one per FO-set row, in TERMORDN order. */
      ktfort2: Row[];
      ffgUpdate: Row;
      /** Set when FFGPOANG came from the original KTILL2 row: KTILLHST rows
       *  of this original offering (8 columns) are copied with KURSOMG = new. */
      ktillhstFrom?: Row;
      warnings: WarningCode[];
    };

/** A chain together with its outcome, as it flows from stage to stage.
 *  Stages fill in `outcome` (once set, later stages pass the item through)
 *  and the intermediate results they compute. */
export interface ChainItem {
  chain: Chain;
  /** Set by the points stage (§5). */
  points?: ChainPoints;
  /** A §5 error found by the points stage. It becomes the outcome only at
   *  the allocation stage, after the authoritative §4.4 reuse check (reuse
   *  comes before points in SPEC §4, and a reused chain has no points error). */
  pointsError?: 'badCoursePoints' | 'pointsTooLarge';
  /** Set by the allocation stage (§6). */
  kursomg?: string;
  kod?: string;
  outcome?: Outcome;
}

/** Run options that the rules need. */
export interface RuleOptions {
  /** INLEDANDETECKEN, already folded to upper case. */
  leadingChar: string;
  /** Run date, local time, `YYYY-MM-DD` and `HHMMSS`. */
  runDate: string;
  runTime: string;
}
