/**
 * The result list `resultatlista.txt` (SPEC §8): entries are collected in
 * processing order, each section sorted on disk by an ExternalSorter (a real
 * run has millions of rows; SPEC §10), and written out once at the end.
 *
 * Layout (every line ends with LF, UTF-8, no BOM):
 *
 *   header (4 lines: job, run time, mode, INLEDANDETECKEN)
 *   blank line
 *   top warnings, one per line, then a blank line   — only if there are any
 *   summary lines (1) … (16)
 *   for each section with a non-zero count, in number order:
 *     blank line
 *     heading "(n) Nedanstående …"
 *     column header line "KURSKOD;…;"                — sections 1–4 only
 *     the entries, one line each; an error or duplicate entry is its
 *     FFGKURS line followed by its FO lines (no blank lines inside a section)
 *
 * `sammanfattning.txt` (summaryText) is the same text up to the last summary
 * line.
 *
 * view() gives the same content as data, for resultatlista.html
 * (result-html.ts): it keeps the first entries of each section while write()
 * streams them, and counts the entries per term as they are added.
 *
 * Sort orders (SPEC §8, §11; UTF-16 code units; ties keep processing order):
 *   1  KTILL2           STARTTER, KURSKOD, KURSOMG
 *   2  KTFORT2          STARTTER, KURSKOD, KURSOMG, TERMORDN as an integer
 *                       (a non-integer TERMORDN, which cannot occur in a
 *                       created row, after all integers, as a string)
 *   3  FFGKURS          TERMIN, KURS, PNR
 *   4  KTILLHST         STARTTER, KURSKOD, KURSOMG
 *   5–10 errors         TERMIN, KURS, PNR of the FFGKURS row
 *   11–14 warnings      STARTTER, KURSKOD, KURSOMG of the new KTILL2 row
 *   15 duplicates       TERMIN, KURS, PNR of each FFGKURS row
 *   16 orphans          TERMIN, KURS, PNR of the FORTKURS/INREGFO row
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tableColumns } from '../../pipeline/columns.js';
import { parseIntStrict } from '../../pipeline/compare.js';
import { writing } from '../../pipeline/errors.js';
import { ExternalSorter } from '../../pipeline/external-sort.js';
import type { Chain, ChainErrorCode, FoRow, Row, WarningCode } from '../../pipeline/types.js';
import { foInTermordnOrder } from '../fo-order.js';
import {
  COUNT_KEYS,
  csvDetail,
  csvHeader,
  header,
  labelled,
  sectionHeading,
  summaryLine,
  type CountKey,
  type Counts,
  type LineNo,
  type Mode,
} from './report-text.js';

export interface ResultListOptions {
  mode: Mode;
  /** INLEDANDETECKEN, upper case. */
  leadingChar: string;
  /** `YYYY-MM-DDTHH:MM:SS`. */
  runDate: string;
  /** Existing directory for the sections' sort runs. */
  tmpDir: string;
  /** Entries per section held in memory before a sort run is spilled. */
  maxInMemory?: number;
  /** Entries per section kept, in sorted order, while write() streams the
   *  text, for view() (the HTML result list). Default 1000. */
  keepPerSection?: number;
}

/** A detail section as view() gives it: heading and the first entries. */
export interface ResultSectionView {
  n: LineNo;
  key: CountKey;
  heading: string;
  /** Column names of sections 1–4 (their entries are `;`-joined detail lines). */
  columns?: string[];
  /** The first keepPerSection entries in sorted order, each its text lines. */
  entries: string[][];
  /** All entries of the section (= its summary count). */
  total: number;
}

/** The result list as data, for another rendering (resultatlista.html). */
export interface ResultListView {
  header: string[];
  topWarnings: string[];
  /** The wording of lines 1–4 and their headings (see nothingWritten()). */
  wording: Mode;
  /** The 16 summary lines; `label` is the line without `(n) ` and `: N.`. */
  summary: { n: LineNo; key: CountKey; line: string; label: string; count: number }[];
  /** The sections with a non-zero count, in number order. */
  sections: ResultSectionView[];
  /** Entries per term (the first sort key: STARTTER of sections 1, 2, 4,
   *  11–14, TERMIN of 3, 5–10, 15, 16), terms in UTF-16 order. */
  terms: { term: string; counts: Counts }[];
  /** Entries whose term came after MAX_TERMS distinct ones, if any. */
  otherTerms?: Counts;
}

/** Distinct terms counted per term for view(); a real export has a few
 *  dozen, the cap only bounds memory for a broken one. */
export const MAX_TERMS = 200;
const DEFAULT_KEEP = 1000;

/** A sort key part: strings compare by UTF-16 code units, integers
 *  numerically, and an integer sorts before a string. */
type KeyPart = string | number;

/** One entry of a section: its sort key and its text lines. */
interface Entry {
  k: KeyPart[];
  l: string[];
}

function compareKeys(a: Entry, b: Entry): number {
  const n = Math.min(a.k.length, b.k.length);
  for (let i = 0; i < n; i++) {
    const x = a.k[i];
    const y = b.k[i];
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.k.length - b.k.length;
}

const ERROR_SECTION: Record<ChainErrorCode, LineNo> = {
  termOrder: 5,
  missingParameters: 6,
  noFreeOmgang: 7,
  badCoursePoints: 8,
  pointsTooLarge: 9,
  codesExhausted: 10,
};

const WARNING_SECTION: Record<WarningCode, LineNo> = {
  pointsOverMax: 11,
  seasonMismatchOriginal: 12,
  seasonMismatchKtillp: 13,
  pointSumMismatch: 14,
};

/** The column lists the sections print, from the schemas. */
function columnLists() {
  const ktill2 = tableColumns('KTILL2');
  return {
    ktill2,
    // SPEC §8: the twelve columns KURSKOD … SLUTV.
    ktill2Labelled: ktill2.slice(0, ktill2.indexOf('SLUTV') + 1),
    ktfort2: tableColumns('KTFORT2'),
    ffgkurs: tableColumns('FFGKURS'),
    FORTKURS: tableColumns('FORTKURS'),
    INREGFO: tableColumns('INREGFO'),
  };
}

const offeringKey = (r: Row): KeyPart[] => [r.STARTTER, r.KURSKOD, r.KURSOMG];
const registrationKey = (r: Row): KeyPart[] => [r.TERMIN, r.KURS, r.PNR];
const termordnKey = (v: string): KeyPart => parseIntStrict(v) ?? v;

/** Characters per chunk handed to the file stream. */
const WRITE_CHUNK = 64 * 1024;

export class ResultList {
  private readonly opts: ResultListOptions;
  private readonly columns = columnLists();
  private readonly n: Counts;
  private readonly sorters = new Map<LineNo, ExternalSorter<Entry>>();
  private ktillhstColumns: string[] | undefined;
  private written = false;
  /** The wording of lines 1–4 and their headings; see nothingWritten(). */
  private wording: Mode;
  private readonly keep: number;
  /** Sections seen by write(): the first `keep` entries of each. */
  private readonly kept = new Map<LineNo, string[][]>();
  private readonly perTerm = new Map<string, Counts>();
  private otherTerms: Counts | undefined;

  constructor(opts: ResultListOptions) {
    header(opts); // validates mode and runDate up front
    if (typeof opts.tmpDir !== 'string' || opts.tmpDir === '') {
      throw new TypeError(`tmpDir must be a non-empty string, got ${JSON.stringify(opts.tmpDir)}`);
    }
    const keep = opts.keepPerSection ?? DEFAULT_KEEP;
    if (!Number.isInteger(keep) || keep < 0) {
      throw new RangeError(`keepPerSection must be a non-negative integer, got ${String(opts.keepPerSection)}`);
    }
    this.opts = { ...opts };
    this.keep = keep;
    this.wording = opts.mode;
    this.n = zeroCounts();
  }

  /** Summary-line counts, keyed as summary.json `counts`. */
  get counts(): Counts {
    return { ...this.n };
  }

  /** A created offering: sections 1 and 2, and 11–14 for its warnings. */
  async addCreated(ktill2: Row, ktfort2: readonly Row[], warnings: readonly WarningCode[]): Promise<void> {
    const c = this.columns;
    await this.add(1, offeringKey(ktill2), [csvDetail(ktill2, c.ktill2)]);
    for (const row of ktfort2) {
      await this.add(2, [...offeringKey(row), termordnKey(row.TERMORDN)], [csvDetail(row, c.ktfort2)]);
    }
    // Each line counts an offering at most once (SPEC §11 "Counting").
    for (const w of new Set(warnings)) {
      await this.add(WARNING_SECTION[w], offeringKey(ktill2), [labelled('KTILL2', ktill2, c.ktill2Labelled)]);
    }
  }

  /** An FFGKURS row updated with a new OMGANG (section 3). */
  async addFfgUpdate(row: Row): Promise<void> {
    await this.add(3, registrationKey(row), [csvDetail(row, this.columns.ffgkurs)]);
  }

  /** A KTILLHST copy (section 4); `columns` are the input KTILLHST columns. */
  async addKtillhst(row: Row, columns: readonly string[]): Promise<void> {
    this.ktillhstColumns ??= [...columns];
    await this.add(4, offeringKey(row), [csvDetail(row, this.ktillhstColumns)]);
  }

  /** A chain that ended in a record-level error (sections 5–10). */
  async addError(code: ChainErrorCode, chain: Chain): Promise<void> {
    await this.add(ERROR_SECTION[code], registrationKey(chain.ffg), this.chainLines(chain));
  }

  /** One FFGKURS row of a duplicated PNR+KURS, with its FO rows (section 15). */
  async addDuplicate(chain: Chain): Promise<void> {
    await this.add(15, registrationKey(chain.ffg), this.chainLines(chain));
  }

  /** A FORTKURS/INREGFO row without an FFGKURS row (section 16). */
  async addOrphan(fo: FoRow): Promise<void> {
    await this.add(16, registrationKey(fo.row), [this.foLine(fo)]);
  }

  /** An update run stopped by a safety lock loaded nothing: its lines 1–4
   *  then say what *would* have been done (inspection wording), while the
   *  header still names the update mode. */
  nothingWritten(): void {
    this.wording = 'inspect';
  }

  /** The text of sammanfattning.txt: header, top warnings, the 16 lines. */
  summaryText(topWarnings: readonly string[]): string {
    return this.summaryLines(topWarnings).map((l) => `${l}\n`).join('');
  }

  /** Streams resultatlista.txt to `file` (once: the sections' sorters are
   *  consumed). Temp files are removed whether or not it succeeds. */
  async write(file: string, opts: { topWarnings: readonly string[] }): Promise<void> {
    if (this.written) throw new Error('ResultList: write() called twice');
    this.written = true;
    try {
      await writing(file, () =>
        pipeline(Readable.from(chunked(this.lines(opts.topWarnings))), createWriteStream(file, { encoding: 'utf8' })),
      );
    } finally {
      await this.cleanup();
    }
  }

  /** The result list as data: the summary, and each section's first
   *  keepPerSection entries as write() saw them. After write() only. */
  view(topWarnings: readonly string[]): ResultListView {
    if (!this.written) throw new Error('ResultList: view() before write()');
    const summary = COUNT_KEYS.map((key, i) => {
      const n = (i + 1) as LineNo;
      const count = this.n[key];
      const line = summaryLine(n, this.wording, count);
      return { n, key, line, label: line.slice(`(${n}) `.length, line.length - `: ${count}.`.length), count };
    });
    const sections: ResultSectionView[] = [];
    for (const [n, entries] of this.kept) {
      const columns = this.sectionColumns(n);
      sections.push({
        n,
        key: COUNT_KEYS[n - 1],
        heading: sectionHeading(n, this.wording),
        ...(columns === undefined ? {} : { columns: [...columns] }),
        entries,
        total: this.n[COUNT_KEYS[n - 1]],
      });
    }
    const terms = [...this.perTerm]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([term, counts]) => ({ term, counts: { ...counts } }));
    return {
      header: header(this.opts),
      topWarnings: [...topWarnings],
      wording: this.wording,
      summary,
      sections,
      terms,
      ...(this.otherTerms === undefined ? {} : { otherTerms: { ...this.otherTerms } }),
    };
  }

  /** Removes the sections' temp files (for a run that fails before write()). */
  async cleanup(): Promise<void> {
    for (const s of this.sorters.values()) await s.cleanup();
    this.sorters.clear();
  }

  private summaryLines(topWarnings: readonly string[]): string[] {
    const lines = [...header(this.opts), ''];
    if (topWarnings.length > 0) lines.push(...topWarnings, '');
    COUNT_KEYS.forEach((key, i) => lines.push(summaryLine(i + 1, this.wording, this.n[key])));
    return lines;
  }

  private async *lines(topWarnings: readonly string[]): AsyncGenerator<string> {
    yield* this.summaryLines(topWarnings);
    for (let n = 1; n <= 16; n++) {
      const sorter = this.sorters.get(n as LineNo);
      if (sorter === undefined) continue;
      yield '';
      yield sectionHeading(n, this.wording);
      const columns = this.sectionColumns(n as LineNo);
      if (columns !== undefined) yield csvHeader(columns);
      // The same pass keeps the first entries for view(): no second sort.
      const kept: string[][] = [];
      this.kept.set(n as LineNo, kept);
      for await (const entry of sorter.sorted()) {
        if (kept.length < this.keep) kept.push(entry.l);
        yield* entry.l;
      }
    }
  }

  /** The column header of sections 1–4. */
  private sectionColumns(n: LineNo): readonly string[] | undefined {
    if (n === 1) return this.columns.ktill2;
    if (n === 2) return this.columns.ktfort2;
    if (n === 3) return this.columns.ffgkurs;
    if (n === 4) return this.ktillhstColumns ?? [];
    return undefined;
  }

  private chainLines(chain: Chain): string[] {
    // FO rows: integer TERMORDN ascending, then non-integer ones in file order (SPEC §11).
    return [labelled('FFGKURS', chain.ffg, this.columns.ffgkurs), ...foInTermordnOrder(chain).map((fo) => this.foLine(fo))];
  }

  private foLine(fo: FoRow): string {
    return labelled(fo.table, fo.row, this.columns[fo.table]);
  }

  private countTerm(term: string, key: CountKey): void {
    let counts = this.perTerm.get(term);
    if (counts === undefined) {
      if (this.perTerm.size < MAX_TERMS) this.perTerm.set(term, (counts = zeroCounts()));
      else counts = this.otherTerms ??= zeroCounts();
    }
    counts[key]++;
  }

  private async add(n: LineNo, k: KeyPart[], l: string[]): Promise<void> {
    if (this.written) throw new Error('ResultList: entry added after write()');
    let sorter = this.sorters.get(n);
    if (sorter === undefined) {
      sorter = new ExternalSorter<Entry>({ compare: compareKeys, tmpDir: this.opts.tmpDir, maxInMemory: this.opts.maxInMemory });
      this.sorters.set(n, sorter);
    }
    this.n[COUNT_KEYS[n - 1]]++;
    this.countTerm(String(k[0]), COUNT_KEYS[n - 1]);
    // A spill to the temp directory can fail (disk full): an output error.
    await writing('the result list (sorted runs)', () => sorter.add({ k, l }));
  }
}

function zeroCounts(): Counts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Counts;
}

/** Joins lines (LF-terminated) into chunks of about WRITE_CHUNK characters. */
async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let buf = '';
  for await (const line of lines) {
    buf += `${line}\n`;
    if (buf.length >= WRITE_CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf !== '') yield buf;
}
