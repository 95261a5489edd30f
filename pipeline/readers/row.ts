/**
 * What every reader does to a record once it has been parsed: column names
 * to upper case, values to strings with trailing spaces trimmed (SPEC §2,
 * §11 "Trimming"), required columns checked, absent schema columns ''.
 */
import { trimSpaces } from '../compare.js';
import { InputError } from '../errors.js';
import type { Row, SourceRow } from '../types.js';

/** What a format reader needs to know about the table it reads. */
export interface ReaderContext {
  /** File name for messages (`FFGKURS.csv`). */
  fileName: string;
  /** Table name, upper case. */
  table: string;
  /** Columns the export must have (SPEC §2). */
  required: readonly string[];
  /** All schema columns: those the input lacks are '' in every row. */
  schemaColumns: readonly string[];
  /** Called once with the input's own columns, upper case, in its order. */
  setColumns(columns: string[]): void;
  /** Longest CSV record / NDJSON line accepted, in characters (memory
   *  bound for a file with a stray quote or no line breaks). */
  maxRecordSize: number;
}

/** Remove trailing U+0020 only; leading spaces and other whitespace are
 *  data (SPEC §11 "Trimming"). */
export function trimTrailingSpaces(value: string): string {
  let e = value.length;
  if (e === 0 || value.charCodeAt(e - 1) !== 32) return value;
  while (e > 0 && value.charCodeAt(e - 1) === 32) e--;
  return value.slice(0, e);
}

/** Column names upper-cased and without surrounding spaces (unlike
 *  values, a name's spaces carry no meaning); a name occurring twice is a
 *  parse error, since one of the two values would be lost. */
export function headerColumns(names: readonly string[], ctx: ReaderContext, line: number): string[] {
  const columns = names.map((n) => trimSpaces(n).toUpperCase());
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new InputError('PARSE', ctx.fileName, line, `duplicate column ${c}`);
    seen.add(c);
  }
  return columns;
}

/** SPEC §9: a missing required column is the safety lock "EB50 kan inte
 *  läsa … från exporten", naming where the column was looked for. */
function missingColumn(ctx: ReaderContext, column: string, where: string): string {
  return `EB50 kan inte läsa ${ctx.table} från exporten: kolumnen ${column} saknas i ${where}`;
}

/** MISSING_COLUMN for the first required column not in `columns`. */
export function checkRequired(columns: readonly string[], ctx: ReaderContext, line: number, what: string): void {
  const have = new Set(columns);
  for (const c of ctx.required) {
    if (!have.has(c)) throw new InputError('MISSING_COLUMN', ctx.fileName, line, missingColumn(ctx, c, what));
  }
}

/** The schema columns `columns` lacks: filled with '' in every row. */
export function absentColumns(columns: readonly string[], ctx: ReaderContext): string[] {
  const have = new Set(columns);
  return ctx.schemaColumns.filter((c) => !have.has(c));
}

/** A JSON/Avro value as a column value: strings trimmed, numbers as
 *  `String(n)` (so JSON `7.50` reads as '7.5'; exports that need the exact
 *  text use strings), null/undefined ''. Anything else is a parse error:
 *  SPEC §2 allows string or number values only. */
export function scalarValue(value: unknown, column: string, ctx: ReaderContext, line: number): string {
  if (typeof value === 'string') return trimTrailingSpaces(value);
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  throw new InputError('PARSE', ctx.fileName, line, `the value of ${column} is ${kind}, not a string or number`);
}

/**
 * A parsed JSON/Avro object as a Row. Keys are upper-cased (two keys equal
 * but for case are a parse error); a record without a required key is
 * MISSING_COLUMN at its position (SPEC §9).
 */
export function objectRow(obj: Record<string, unknown>, ctx: ReaderContext, line: number): Row {
  const row: Row = {};
  for (const key of Object.keys(obj)) {
    const name = key.toUpperCase();
    if (Object.hasOwn(row, name)) throw new InputError('PARSE', ctx.fileName, line, `duplicate key ${name}`);
    row[name] = scalarValue(obj[key], name, ctx, line);
  }
  for (const c of ctx.required) {
    if (!Object.hasOwn(row, c)) throw new InputError('MISSING_COLUMN', ctx.fileName, line, missingColumn(ctx, c, 'posten'));
  }
  for (const c of ctx.schemaColumns) if (!Object.hasOwn(row, c)) row[c] = '';
  return row;
}

/** The rows of a batched reader one by one (the row-at-a-time API). */
export async function* unbatched(batches: AsyncIterable<SourceRow[]>): AsyncGenerator<SourceRow> {
  for await (const batch of batches) yield* batch;
}

/**
 * `fields` (one per column, in `columns` order) → a Row, plus '' for each
 * `absent` column. Compiled once per header into one object literal: every
 * row then has the same hidden class from its allocation on, which is about
 * twice as fast to build as assigning `row[columns[k]]` in a loop, and keeps
 * the rules' `row.PNR` look-ups monomorphic. The names are embedded as JSON
 * string literals, so no column name can inject code; `__proto__` (which a
 * literal would read as the prototype) takes the plain loop.
 */
export function rowMaker(columns: readonly string[], absent: readonly string[]): (fields: readonly string[]) => Row {
  if (columns.includes('__proto__') || absent.includes('__proto__')) {
    return (fields) => {
      const row: Row = {};
      for (let k = 0; k < columns.length; k++) row[columns[k]] = fields[k];
      for (const c of absent) row[c] = '';
      return row;
    };
  }
  const props = [
    ...columns.map((c, k) => `${JSON.stringify(c)}: f[${k}]`),
    ...absent.map((c) => `${JSON.stringify(c)}: ''`),
  ];
  return new Function('f', `return { ${props.join(', ')} };`) as (fields: readonly string[]) => Row;
}
