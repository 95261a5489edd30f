/**
 * JSON reader (SPEC §2): one top-level array of flat objects, streamed
 * with stream-json's tokenizer (never parsed whole, SPEC §10). Positions
 * are 1-based record indexes (SPEC §11); a syntax error is reported at the
 * record being read when it occurred.
 */
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { InputError } from '../errors.js';
import type { SourceRow } from '../types.js';
import { InvalidUtf8 } from './source.js';
import { objectRow, unbatched, type ReaderContext } from './row.js';

/** Where the assembler is in the document. */
const enum At {
  Top,       // before the array
  Array,     // between elements
  Object,    // inside an element, expecting a key or its end
  Value,     // after a key
  Done,      // after the array
}

/**
 * Turns tokens into rows. Only packed tokens arrive (`streamValues: false`):
 * keyValue, stringValue, numberValue, literals and the structure tokens.
 */
class RowAssembler {
  private at = At.Top;
  private obj: Record<string, unknown> = {};
  private key = '';
  private first = true;
  /** 1-based index of the record being read (or next to be read). */
  index = 1;

  constructor(private readonly ctx: ReaderContext) {}

  /** Feed one token; returns the row it completes, if any. */
  token(t: Token): SourceRow | undefined {
    const fail = (reason: string): never => {
      throw new InputError('PARSE', this.ctx.fileName, this.index, reason);
    };
    switch (this.at) {
      case At.Top:
        if (t.name !== 'startArray') fail('expected a JSON array of objects');
        this.at = At.Array;
        return undefined;
      case At.Array:
        if (t.name === 'endArray') {
          this.at = At.Done;
          return undefined;
        }
        if (t.name !== 'startObject') fail(`expected an object, got ${describe(t)}`);
        this.obj = {};
        this.at = At.Object;
        return undefined;
      case At.Object:
        if (t.name === 'keyValue') {
          this.key = t.value;
          this.at = At.Value;
          return undefined;
        }
        if (t.name !== 'endObject') fail(`unexpected ${describe(t)}`);
        return this.complete();
      case At.Value:
        this.at = At.Object;
        switch (t.name) {
          case 'stringValue':
            return this.set(t.value);
          case 'numberValue':
            // The token holds the number's source text: kept exactly as
            // read (SPEC §2), so 1.50 stays '1.50' and long digits are not rounded.
            return this.set(t.value);
          case 'nullValue':
            return this.set(null);
          default:
            return fail(`the value of ${this.key.toUpperCase()} is ${describe(t)}, not a string or number`);
        }
      default:
        return fail(`unexpected ${describe(t)} after the array`);
    }
  }

  /** The document must have been one complete array. */
  end(): void {
    if (this.at !== At.Done) throw new InputError('PARSE', this.ctx.fileName, this.index, 'unexpected end of the JSON array');
    if (this.first) this.ctx.setColumns([...this.ctx.schemaColumns]);
  }

  private set(value: unknown): undefined {
    if (Object.hasOwn(this.obj, this.key)) {
      throw new InputError('PARSE', this.ctx.fileName, this.index, `duplicate key ${this.key.toUpperCase()}`);
    }
    this.obj[this.key] = value;
    return undefined;
  }

  private complete(): SourceRow {
    if (this.first) {
      this.ctx.setColumns(Object.keys(this.obj).map((k) => k.toUpperCase()));
      this.first = false;
    }
    const line = this.index++;
    this.at = At.Array;
    return { row: objectRow(this.obj, this.ctx, line), line };
  }
}

function describe(t: Token): string {
  switch (t.name) {
    case 'startArray': return 'an array';
    case 'startObject': return 'an object';
    case 'trueValue': case 'falseValue': return 'a boolean';
    case 'nullValue': return 'null';
    case 'stringValue': return 'a string';
    case 'numberValue': return 'a number';
    default: return `'${t.name}'`;
  }
}

/** stream-json's tokenizer, packed tokens only; `none` flushes it (its
 *  typing omits that input). */
function tokenizer(): (input: string | typeof none) => unknown {
  return jsonParser({ streamValues: false }) as (input: string | typeof none) => unknown;
}

/**
 * Rows of a JSON array. `open` gives the document's text; it is called a
 * second time only after a syntax error: the tokenizer reports errors per
 * fed chunk and without a position, so the chunks before the bad one are
 * tokenized again and the bad one a character at a time, which places the
 * error in its record exactly at no cost to a good file.
 */
export function readJson(open: () => AsyncIterable<string>, ctx: ReaderContext): AsyncGenerator<SourceRow> {
  return unbatched(readJsonBatches(open, ctx));
}

/** As `readJson`, one array of rows per text chunk. */
export async function* readJsonBatches(open: () => AsyncIterable<string>, ctx: ReaderContext): AsyncGenerator<SourceRow[]> {
  const tokenize = tokenizer();
  const rows = new RowAssembler(ctx);
  let fed = 0;
  const feed = async (input: string | typeof none): Promise<SourceRow[]> => {
    let result;
    try {
      result = tokenize(input);
    } catch (err) {
      const index = await locateSyntaxError(open, fed, ctx);
      throw new InputError('PARSE', ctx.fileName, index ?? rows.index, `JSON syntax error: ${(err as Error).message}`);
    }
    fed++;
    const out: SourceRow[] = [];
    if (isMany(result)) {
      for (const t of getManyValues(result) as Token[]) {
        const r = rows.token(t);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  };
  try {
    for await (const text of open()) {
      const batch = await feed(text);
      if (batch.length > 0) yield batch;
    }
  } catch (err) {
    if (err instanceof InvalidUtf8) throw new InputError('ENCODING', ctx.fileName, rows.index, 'invalid UTF-8');
    throw err;
  }
  const last = await feed(none);
  if (last.length > 0) yield last;
  rows.end();
}

/** The record index of the syntax error in text chunk number `bad`
 *  (the end of input if there are fewer chunks), or undefined. */
async function locateSyntaxError(open: () => AsyncIterable<string>, bad: number, ctx: ReaderContext): Promise<number | undefined> {
  const tokenize = tokenizer();
  const rows = new RowAssembler({ ...ctx, setColumns: () => undefined });
  const step = (input: string | typeof none): void => {
    const result = tokenize(input);
    if (isMany(result)) for (const t of getManyValues(result) as Token[]) rows.token(t);
  };
  let n = 0;
  try {
    for await (const text of open()) {
      if (n++ < bad) {
        step(text);
        continue;
      }
      for (const ch of text) step(ch);
      return undefined;
    }
    step(none);
  } catch (err) {
    // a record error before the syntax error is the first error in the file
    if (err instanceof InputError) throw err;
    return rows.index;
  }
  return undefined;
}
