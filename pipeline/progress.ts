/**
 * The progress line of a long run (issue 6): when stderr is a terminal, one
 * line, rewritten in place (`\r`) at most every INTERVAL_MS, with the phase,
 * the rows read in it and rows/s; erased before any other line is written
 * and at the end. Silent when stderr is not a terminal (a log file, a
 * scheduler, a pipe), so it never ends up in a log.
 *
 * The reader side only adds to a counter; the clock is looked at once per
 * CHECK_EVERY rows, so the cost per row is an addition and a comparison.
 */
import { performance } from 'node:perf_hooks';

export type ProgressPhase = 'catalog' | 'chains' | 'KTILLHST' | 'report';

export interface ProgressOptions {
  /** Draw at all: stderr is a terminal (and the run is not --quiet). */
  enabled: boolean;
  /** Where the line goes (stderr). */
  write: (text: string) => void;
  /** Milliseconds, monotonic; default performance.now. */
  now?: () => number;
  /** Least time between two redraws, ms; default 500. */
  intervalMs?: number;
  /** Rows between two looks at the clock; default 4096. */
  checkEvery?: number;
}

const INTERVAL_MS = 500;
const CHECK_EVERY = 4096;
/** Back to column 0 / erase to the end of the line. */
const CR = '\r';
const ERASE = '\x1b[K';

/** The text of the line: `eb50: chains: 1,234,567 rows read, 110,234 rows/s`. */
export function progressLine(phase: ProgressPhase, rows: number, ms: number): string {
  if (phase === 'report') return 'eb50: report: writing the result list and summary';
  const perSecond = ms > 0 ? Math.round((rows * 1000) / ms) : 0;
  return `eb50: ${phase}: ${rows.toLocaleString('en-US')} rows read, ${perSecond.toLocaleString('en-US')} rows/s`;
}

export class Progress {
  /** A progress that never draws. */
  static readonly silent = new Progress({ enabled: false, write: () => undefined });

  /** Draws on `stream` when it is a terminal and `quiet` is not set. */
  static forStream(stream: { isTTY?: boolean; write(text: string): unknown }, quiet = false): Progress {
    return new Progress({ enabled: stream.isTTY === true && !quiet, write: (text) => stream.write(text) });
  }

  /** Rows read in the current phase. */
  rows = 0;
  private readonly enabled: boolean;
  private readonly write: (text: string) => void;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly checkEvery: number;
  private current: ProgressPhase | undefined;
  private phaseStart = 0;
  private lastDraw = 0;
  private nextCheck = 0;
  private shown = false;
  private ended = false;

  constructor(options: ProgressOptions) {
    this.enabled = options.enabled;
    this.write = options.write;
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? INTERVAL_MS;
    this.checkEvery = options.checkEvery ?? CHECK_EVERY;
    this.nextCheck = this.checkEvery;
  }

  /** A new phase: its counter starts at 0 and the line shows it at once. */
  phase(name: ProgressPhase): void {
    if (!this.enabled || this.ended) return;
    this.current = name;
    this.rows = 0;
    this.nextCheck = this.checkEvery;
    this.phaseStart = this.now();
    this.draw(this.phaseStart);
  }

  /** `n` more rows read. */
  add(n: number): void {
    if (!this.enabled) return;
    this.rows += n;
    if (this.rows < this.nextCheck) return;
    this.nextCheck = this.rows + this.checkEvery;
    const t = this.now();
    if (t - this.lastDraw >= this.intervalMs) this.draw(t);
  }

  /** Erase the line (before another line is written to the same
   *  terminal); the next redraw brings it back. */
  clear(): void {
    if (!this.shown) return;
    this.write(`${CR}${ERASE}`);
    this.shown = false;
  }

  /** Erase the line for good. */
  end(): void {
    this.clear();
    this.ended = true;
  }

  private draw(t: number): void {
    if (this.current === undefined || this.ended) return;
    this.lastDraw = t;
    this.write(`${CR}${progressLine(this.current, this.rows, t - this.phaseStart)}${ERASE}`);
    this.shown = true;
  }
}
