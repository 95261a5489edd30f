/**
 * Typed errors with a stable code. The CLI maps `exitCode` to the process
 * exit status and prints `message` on one line (no stack unless --debug).
 */

export type ErrorCode =
  | 'USAGE'            // exit 2
  | 'MISSING_FILE' | 'UNREADABLE' | 'MISSING_COLUMN' | 'PARSE' | 'ENCODING'
  | 'FIELD_COUNT' | 'UNSORTED'                                 // exit 3
  | 'OUTPUT'           // exit 4
  | 'MAINTENANCE' | 'RUN_LOCKED'   // exit 75
  | 'INTERRUPTED';                 // exit 130 (SIGINT) or 143 (SIGTERM)

const EXIT: Record<ErrorCode, number> = {
  USAGE: 2,
  MISSING_FILE: 3, UNREADABLE: 3, MISSING_COLUMN: 3, PARSE: 3, ENCODING: 3,
  FIELD_COUNT: 3, UNSORTED: 3,
  RUN_LOCKED: 75, // another run holds the output directory: retry later
  OUTPUT: 4,
  MAINTENANCE: 75,
  INTERRUPTED: 130,
};

export class Eb50Error extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'Eb50Error';
    this.code = code;
  }
  get exitCode(): number {
    return EXIT[this.code];
  }
}

/** A problem in an input file, with its position: `FFGKURS.csv:1043: reason`. */
export class InputError extends Eb50Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly reason: string;
  constructor(code: ErrorCode, file: string, line: number | undefined, reason: string) {
    super(code, `${file}${line === undefined ? '' : `:${line}`}: ${reason}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

export class UsageError extends Eb50Error {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

export class OutputError extends Eb50Error {
  constructor(message: string) {
    super('OUTPUT', message);
    this.name = 'OutputError';
  }
}

/** SIGINT (Ctrl-C) or SIGTERM (a scheduler's timeout) stopped the run; the
 *  exit status is the shell's 128 + signal number. */
export class InterruptedError extends Eb50Error {
  readonly signal: 'SIGINT' | 'SIGTERM';
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super('INTERRUPTED', `stopped by ${signal}: nothing was published, the previous outputs are untouched`);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
  override get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}

/**
 * Runs `work`, which writes `what`; a failure that is not already typed
 * (ENOSPC, EACCES, ENOENT, …) becomes an OutputError, exit 4 (SPEC §9).
 */
export async function writing<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Eb50Error) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(`cannot write ${what}: ${e.code ?? e.message}`);
  }
}

/** Exit code for any thrown value: typed errors map by code, anything else
 *  is an internal error (1). */
export function exitCodeOf(err: unknown): number {
  return err instanceof Eb50Error ? err.exitCode : 1;
}
