/**
 * NDJSON / JSON Lines reader (SPEC §2): one JSON object per line, string or
 * number values; blank lines are skipped. Lines are split here rather than
 * by stream-chain's jsonl parser because errors need the physical line
 * (SPEC §11 "Positions in errors"), which that parser does not keep
 * (it numbers non-empty lines only).
 */
import { InputError } from '../errors.js';
import type { SourceRow } from '../types.js';
import { InvalidUtf8 } from './source.js';
import { objectRow, unbatched, type ReaderContext } from './row.js';

/** A line of JSON whitespace only (CR of a CRLF included). */
const BLANK = /^[ \t\r]*$/;

/**
 * The first number literal in a JSON text whose value would not be written
 * back exactly as read (`1.50`, `1e3`, 20 digits): JSON.parse keeps only the
 * value, and SPEC §2 wants values written back as read, so such a line is
 * rejected rather than silently changed. Strings are skipped.
 */
export function inexactNumber(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip a string, with its escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9eE+\-.]/.test(text[j])) j++;
      const literal = text.slice(i, j);
      if (String(Number(literal)) !== literal) return literal;
      i = j - 1;
    }
  }
  return undefined;
}

export function readNdjson(texts: AsyncIterable<string>, ctx: ReaderContext): AsyncGenerator<SourceRow> {
  return unbatched(readNdjsonBatches(texts, ctx));
}

/** As `readNdjson`, one array of rows per text chunk; the rows before a bad
 *  line are yielded before its error is thrown. */
export async function* readNdjsonBatches(texts: AsyncIterable<string>, ctx: ReaderContext): AsyncGenerator<SourceRow[]> {
  let pending = '';
  let line = 1;
  let first = true;
  const parse = (text: string, at: number): SourceRow | undefined => {
    if (BLANK.test(text)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError('PARSE', ctx.fileName, at, `JSON syntax error: ${(err as Error).message}`);
    }
    const inexact = inexactNumber(text);
    if (inexact !== undefined) {
      throw new InputError('PARSE', ctx.fileName, at, `the number ${inexact} would not be kept exactly as written; write it as a JSON string ("${inexact}")`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      throw new InputError('PARSE', ctx.fileName, at, `expected a JSON object, got ${kind}`);
    }
    if (first) {
      ctx.setColumns(Object.keys(value).map((k) => k.toUpperCase()));
      first = false;
    }
    return { row: objectRow(value as Record<string, unknown>, ctx, at), line: at };
  };
  try {
    for await (const text of texts) {
      const buf = pending + text;
      let start = 0;
      const rows: SourceRow[] = [];
      let error: unknown;
      try {
        for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n', start)) {
          const r = parse(buf.slice(start, nl), line);
          line++;
          start = nl + 1;
          if (r !== undefined) rows.push(r);
        }
      } catch (err) {
        error = err;
      }
      if (rows.length > 0) yield rows;
      if (error !== undefined) throw error;
      pending = buf.slice(start);
      if (pending.length > ctx.maxRecordSize) {
        throw new InputError('PARSE', ctx.fileName, line, `line longer than ${ctx.maxRecordSize} characters`);
      }
    }
  } catch (err) {
    if (err instanceof InvalidUtf8) throw new InputError('ENCODING', ctx.fileName, line, 'invalid UTF-8');
    throw err;
  }
  const last = parse(pending, line);
  if (last !== undefined) yield [last];
  if (first) ctx.setColumns([...ctx.schemaColumns]);
}
