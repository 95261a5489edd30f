/**
 * Byte source and text decoding shared by the text readers. Everything is
 * pulled (`for await` over the fs stream), so a slow consumer slows the
 * reads down instead of buffering the file (STYLE.md habit 6).
 */
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';

/** Where a reader reports its errors, and how it reads. */
export interface ReadContext {
  /** The file name used in error messages (`FFGKURS.csv`). */
  fileName: string;
  /** The table name, for messages. */
  table: string;
}

/** Default read chunk: small, because a chunk's rows are one batch that
 *  stays in flight until the merge-join has used them all. Measured, 1M
 *  chains: 64 KiB chunks had ~900 MB of scavenge survivors, 8 KiB ~260 MB,
 *  and the run was faster and ~100 MiB smaller; below 8 KiB the per-chunk
 *  overhead shows. */
export const READ_CHUNK = 8 * 1024;

/** The chunks of a file. `highWaterMark` sets the chunk size; tests use
 *  it to re-chunk input at 1 and 7 bytes (STYLE.md "Tests"). */
export async function* readChunks(path: string, ctx: ReadContext, highWaterMark = READ_CHUNK): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw unreadable(err, ctx);
  }
}

/** An fs error as the typed error of SPEC §9 ("EB50 kan inte läsa …"). */
export function unreadable(err: unknown, ctx: ReadContext): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new InputError('MISSING_FILE', ctx.fileName, undefined, `EB50 kan inte läsa ${ctx.table} från exporten: filen saknas`);
  }
  const why = code === 'EISDIR' ? 'är en katalog' : code ?? (err as Error).message;
  return new InputError('UNREADABLE', ctx.fileName, undefined, `EB50 kan inte läsa ${ctx.table} från exporten: filen går inte att läsa (${why})`);
}

export type Encoding = 'utf8' | 'latin1';

/** Thrown by `decodeText` after it has yielded all text before the first
 *  invalid byte: the parser, which knows the line it is on, turns it into
 *  InputError('ENCODING', file, line). */
export class InvalidUtf8 extends Error {
  constructor() {
    super('invalid UTF-8');
    this.name = 'InvalidUtf8';
  }
}

const BOM = 0xfeff;

/**
 * Bytes → text. `latin1` is real ISO-8859-1 (Buffer's 'latin1': byte n is
 * U+00nn), not TextDecoder('latin1'), which is windows-1252. `utf8` is
 * strict, and a leading UTF-8 BOM is dropped (SPEC §11 "CSV dialect").
 */
export async function* decodeText(chunks: AsyncIterable<Buffer>, encoding: Encoding): AsyncGenerator<string> {
  if (encoding === 'latin1') {
    for await (const chunk of chunks) yield chunk.toString('latin1');
    return;
  }
  // One fatal decode per chunk, with the bytes of a sequence cut at the
  // chunk edge carried over by hand: TextDecoder's `stream` mode would do
  // that too, but after a failure we need the carry to find the valid prefix.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let carry: Buffer | undefined;
  let first = true;
  for await (const chunk of chunks) {
    const bytes = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const cut = completeLength(bytes);
    carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, cut));
    } catch {
      const valid = validPrefixLength(bytes.subarray(0, cut));
      const prefix = decoder.decode(bytes.subarray(0, valid));
      yield first ? stripBom(prefix) : prefix;
      throw new InvalidUtf8();
    }
    if (text.length > 0) {
      yield first ? stripBom(text) : text;
      first = false;
    }
  }
  if (carry !== undefined) throw new InvalidUtf8(); // file ends inside a sequence
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** Length of `bytes` without a trailing, possibly incomplete, multi-byte
 *  sequence (at most 3 bytes are held back). */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) !== 0x80) {
      // a lead byte (or ASCII): is its sequence complete?
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/** Length of the longest prefix of `bytes` that is well-formed UTF-8
 *  (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). Only
 *  used after the fast decoder has failed. */
export function validPrefixLength(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // cut short
    const second = bytes[i + 1];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}
