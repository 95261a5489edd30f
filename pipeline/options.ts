/**
 * SPEC §9 command line → validated options. Flags are parsed by
 * node:util parseArgs; the Ladok style `UPPDATERA=J INLEDANDETECKEN=Q` is
 * accepted as positionals and mapped onto the same options.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type Mode = 'inspect' | 'update';
export type OutputFormat = 'csv' | 'ndjson' | 'avro';
export type Encoding = 'utf8' | 'latin1';
export type LogFormat = 'text' | 'json';

export interface RunOptions {
  input: string;
  output: string;
  /** INLEDANDETECKEN, folded to upper case. */
  leadingChar: string;
  mode: Mode;
  /** Local run time as `YYYY-MM-DDTHH:MM:SS`. */
  runDate: string;
  format: OutputFormat;
  encoding: Encoding;
  withoutLocks: boolean;
  /** Percentage 0–100 (SPEC §11 "Lock figures"). */
  maxNewShare: number;
  /** Shrink lock: the largest drop in an input's row count, in percent,
   *  since the previous successful run into the same --output. */
  maxShrink: number;
  /** Print summary.json on stdout instead of sammanfattning.txt. */
  json: boolean;
  logFormat: LogFormat;
  /** Only errors and warnings on stderr, nothing on stdout (but --json). */
  quiet: boolean;
  mailTo?: string;
  smtp?: string;
  debug: boolean;
}

export interface SortOptions {
  /** Directory holding the exports to sort. */
  input: string;
  /** Directory the sorted exports are written to (may be --input). */
  output: string;
  /** Only this table; default every one of the three found in --input. */
  table?: 'FFGKURS' | 'FORTKURS' | 'INREGFO';
  encoding: Encoding;
  debug: boolean;
}

export interface ApplyOptions {
  /** The export the delta was made from. */
  input: string;
  /** The delta/ directory of an update run. */
  delta: string;
  /** Where the updated export is written (not --input, not --delta). */
  output: string;
  encoding: Encoding;
  debug: boolean;
}

export type Command =
  | { command: 'run'; options: RunOptions }
  | { command: 'sort'; options: SortOptions }
  | { command: 'apply'; options: ApplyOptions }
  | { command: 'help' }
  | { command: 'version' };

export const USAGE = `Usage:
  eb50 run --input DIR --output DIR --leading-char Q [--mode inspect|update]
           [--run-date 2015-02-23T10:41:50] [--format csv|ndjson|avro]
           [--encoding utf8|latin1] [--without-locks] [--max-new-share PERCENT]
           [--max-shrink PERCENT] [--mail-to ADDR --smtp URL] [--json]
           [--log-format text|json] [--quiet] [--debug]
  eb50 run UPPDATERA=J|N INLEDANDETECKEN=Q --input DIR --output DIR
  eb50 sort --input DIR --output DIR [--table FFGKURS|FORTKURS|INREGFO] [--encoding utf8|latin1]
  eb50 apply --input DIR --delta DIR --output DIR [--encoding utf8|latin1]
  eb50 --help | --version

Creates the course offerings (KTILL2/KTFORT2) that continuation registrations
on deviating terms need, and re-points FFGKURS.OMGANG (Ladok EB50).
Exit codes: 0 done, 2 usage, 3 input rejected or lock tripped, 4 output not
writable, 75 maintenance or output directory busy (retry later), 1 internal.`;

const LEADING_CHAR = /^[A-ZÅÄÖ]$/;
const RUN_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
}

/** Local time now as `YYYY-MM-DDTHH:MM:SS`. */
export function localTimestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A calendar date and a wall-clock time. Checked as UTC fields, so the
 *  machine's time zone cannot reject a valid text (a local time in the hour
 *  a DST change skips is still a valid run date: it is only written out). */
function validRunDate(value: string): string {
  const m = RUN_DATE.exec(value);
  const d = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (!m || !d || d.toISOString().slice(0, 19) !== value) {
    throw new UsageError(`--run-date must be a local time like 2015-02-23T10:41:50, got '${value}'`);
  }
  return value;
}

/** What a caller of the API gives: input, output and leadingChar are
 *  required, the rest defaults as on the command line. */
export interface RunInput {
  input: string;
  output: string;
  leadingChar: string;
  mode?: Mode;
  runDate?: string;
  format?: OutputFormat;
  encoding?: Encoding;
  withoutLocks?: boolean;
  maxNewShare?: number;
  maxShrink?: number;
  mailTo?: string;
  smtp?: string;
  json?: boolean;
  logFormat?: LogFormat;
  quiet?: boolean;
  debug?: boolean;
}

function percentRange(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new UsageError(`--${name} must be a percentage 0–100, got '${value}'`);
  }
  return value;
}

/** RunInput → checked RunOptions with the command line's defaults. */
export function runOptions(o: RunInput): RunOptions {
  const leadingChar = o.leadingChar.toUpperCase();
  if (!LEADING_CHAR.test(leadingChar)) {
    throw new UsageError(`--leading-char must be one letter A–Z, Å, Ä or Ö, got '${o.leadingChar}'`);
  }
  if (o.mailTo && !o.smtp) throw new UsageError('--mail-to needs --smtp smtp://host:port');
  if (o.smtp && !/^smtps?:\/\/[^/]+/.test(o.smtp)) {
    throw new UsageError(`--smtp must be a URL like smtp://host:25, got '${o.smtp}'`);
  }
  return {
    input: o.input,
    output: o.output,
    leadingChar,
    mode: oneOf('mode', o.mode ?? 'inspect', ['inspect', 'update'] as const),
    runDate: o.runDate === undefined ? localTimestamp() : validRunDate(o.runDate),
    format: oneOf('format', o.format ?? 'csv', ['csv', 'ndjson', 'avro'] as const),
    encoding: oneOf('encoding', o.encoding ?? 'utf8', ['utf8', 'latin1'] as const),
    withoutLocks: o.withoutLocks ?? false,
    maxNewShare: percentRange('max-new-share', o.maxNewShare ?? 20),
    maxShrink: percentRange('max-shrink', o.maxShrink ?? 10),
    mailTo: o.mailTo,
    smtp: o.smtp,
    json: o.json ?? false,
    logFormat: oneOf('log-format', o.logFormat ?? 'text', ['text', 'json'] as const),
    quiet: o.quiet ?? false,
    debug: o.debug ?? false,
  };
}

function percentage(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value > 100) {
    throw new UsageError(`--${name} must be a percentage 0–100, got '${text}'`);
  }
  return value;
}

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string' },
        output: { type: 'string' },
        'leading-char': { type: 'string' },
        mode: { type: 'string' },
        'run-date': { type: 'string' },
        format: { type: 'string' },
        encoding: { type: 'string' },
        'without-locks': { type: 'boolean' },
        'max-new-share': { type: 'string' },
        'max-shrink': { type: 'string' },
        json: { type: 'boolean' },
        'log-format': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'mail-to': { type: 'string' },
        smtp: { type: 'string' },
        table: { type: 'string' },
        delta: { type: 'string' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    // parseArgs reads `--max-new-share -1` as a flag followed by an option.
    const negative = argv.findIndex((a, i) => /^--max-(new-share|shrink)$/.test(a) && /^-\d/.test(argv[i + 1] ?? ''));
    if (negative >= 0) throw new UsageError(`${argv[negative]} must be a percentage 0–100, got '${argv[negative + 1]}'`);
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...rest] = positionals;
  const encoding = oneOf('encoding', values.encoding ?? 'utf8', ['utf8', 'latin1'] as const);
  const debug = values.debug ?? false;
  if (command === 'sort') {
    if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
    if (!values.input || !values.output) throw new UsageError('eb50 sort needs --input DIR and --output DIR');
    const table = values.table === undefined ? undefined : oneOf('table', values.table, ['FFGKURS', 'FORTKURS', 'INREGFO'] as const);
    return { command: 'sort', options: { input: values.input, output: values.output, table, encoding, debug } };
  }
  if (command === 'apply') {
    if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
    if (!values.input || !values.delta || !values.output) throw new UsageError('eb50 apply needs --input DIR, --delta DIR and --output DIR');
    return { command: 'apply', options: { input: values.input, delta: values.delta, output: values.output, encoding, debug } };
  }
  if (command !== 'run') {
    throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }

  // Ladok style parameters: UPPDATERA=J|N, INLEDANDETECKEN=X.
  let mode = values.mode === undefined ? undefined : oneOf('mode', values.mode, ['inspect', 'update'] as const);
  let leading = values['leading-char'];
  for (const arg of rest) {
    const m = /^([A-Z]+)=(.*)$/.exec(arg);
    if (m?.[1] === 'UPPDATERA') {
      const v = m[2].toUpperCase();
      if (v !== 'J' && v !== 'N') throw new UsageError(`UPPDATERA must be J or N, got '${m[2]}'`);
      const fromLadok = v === 'J' ? 'update' : 'inspect';
      if (mode && mode !== fromLadok) throw new UsageError(`UPPDATERA=${m[2]} contradicts --mode ${mode}`);
      mode = fromLadok;
    } else if (m?.[1] === 'INLEDANDETECKEN') {
      if (leading !== undefined && leading.toUpperCase() !== m[2].toUpperCase()) {
        throw new UsageError(`INLEDANDETECKEN=${m[2]} contradicts --leading-char ${leading}`);
      }
      leading = m[2];
    } else {
      throw new UsageError(`unexpected argument '${arg}'`);
    }
  }
  if (!values.input) throw new UsageError('--input DIR is required');
  if (!values.output) throw new UsageError('--output DIR is required');
  if (leading === undefined) throw new UsageError('--leading-char (INLEDANDETECKEN) is required');
  return {
    command: 'run',
    options: runOptions({
      input: values.input,
      output: values.output,
      leadingChar: leading,
      mode,
      runDate: values['run-date'],
      format: values.format as OutputFormat | undefined,
      encoding,
      withoutLocks: values['without-locks'],
      maxNewShare: percentage('max-new-share', values['max-new-share'] ?? '20'),
      maxShrink: percentage('max-shrink', values['max-shrink'] ?? '10'),
      mailTo: values['mail-to'],
      smtp: values.smtp,
      json: values.json,
      logFormat: values['log-format'] as LogFormat | undefined,
      quiet: values.quiet,
      debug,
    }),
  };
}
