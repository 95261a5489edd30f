/**
 * Avro reader (SPEC §2): an object container file, records decoded with
 * avsc. The container framing is read here, not by avsc's BlockDecoder:
 * BlockDecoder ends silently when a file is cut inside a block (a file
 * truncated to 422 of 427 bytes gave 42 of 50 records and no error), and
 * a truncated export must be rejected (SPEC §9). Positions are 1-based
 * record indexes (SPEC §11). Strings are UTF-8 per the Avro spec,
 * whatever --encoding says.
 */
import { inflateRawSync } from 'node:zlib';
import avro from 'avsc';
import { InputError } from '../errors.js';
import type { SourceRow } from '../types.js';
import { checkRequired, headerColumns, objectRow, unbatched, type ReaderContext } from './row.js';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
const SYNC_SIZE = 16;
/** Larger blocks are taken for corruption (memory bound). */
const MAX_BLOCK = 64 * 1024 * 1024;

/** Bytes received and not yet used, as a list of chunks. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  /** All queued bytes as one buffer (joined once, then kept joined). */
  joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
  consume(n: number): void {
    const rest = this.joined().subarray(n);
    this.chunks = [rest];
    this.length = rest.length;
  }
}

/** Reads Avro's zig-zag varint longs and length-prefixed bytes from a
 *  buffer that may end early: `undefined` means "need more bytes". */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  long(): number | undefined {
    let n = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.buf.length) return undefined;
      const b = this.buf[this.pos++];
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      scale *= 128;
    }
    throw new Error('a varint longer than 10 bytes');
  }
  bytes(): Buffer | undefined {
    const n = this.long();
    if (n === undefined) return undefined;
    if (n < 0) throw new Error('a negative length');
    return this.take(n);
  }
  take(n: number): Buffer | undefined {
    if (this.pos + n > this.buf.length) return undefined;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

interface Header {
  type: avro.Type;
  codec: string;
  sync: Buffer;
  /** Bytes the header took. */
  size: number;
}

/** The file header (magic, metadata map, sync marker), or undefined if
 *  `buf` ends before it does. Throws Error on a malformed header. */
export function readHeader(buf: Buffer): Header | undefined {
  if (buf.length >= MAGIC.length && !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not an Avro object container file');
  }
  const c = new Cursor(buf, MAGIC.length);
  if (buf.length < MAGIC.length) return undefined;
  const meta = new Map<string, Buffer>();
  for (;;) {
    let count = c.long();
    if (count === undefined) return undefined;
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      if (c.long() === undefined) return undefined; // block size in bytes, not needed
    }
    for (let k = 0; k < count; k++) {
      const key = c.bytes();
      if (key === undefined) return undefined;
      const value = c.bytes();
      if (value === undefined) return undefined;
      meta.set(key.toString('utf8'), value);
    }
  }
  const sync = c.take(SYNC_SIZE);
  if (sync === undefined) return undefined;
  const schema = meta.get('avro.schema');
  if (schema === undefined) throw new Error('the header has no avro.schema');
  // wrapUnions 'never': a ["null","string"] field decodes as null or a string
  const type = avro.Type.forSchema(JSON.parse(schema.toString('utf8')), { wrapUnions: 'never' });
  return { type, codec: meta.get('avro.codec')?.toString('utf8') ?? 'null', sync: Buffer.from(sync), size: c.pos };
}

function decompress(codec: string, data: Buffer): Buffer {
  if (codec === 'null') return data;
  if (codec === 'deflate') return inflateRawSync(data);
  throw new Error(`unsupported codec ${codec}`);
}

/** Rows of an Avro object container file, pulled from its chunks. */
export function readAvro(chunks: AsyncIterable<Buffer>, ctx: ReaderContext): AsyncGenerator<SourceRow> {
  return unbatched(readAvroBatches(chunks, ctx));
}

/** As `readAvro`, one array of rows per Avro block. */
export async function* readAvroBatches(chunks: AsyncIterable<Buffer>, ctx: ReaderContext): AsyncGenerator<SourceRow[]> {
  const queue = new ByteQueue();
  let header: Header | undefined;
  /** 1-based index of the next record. */
  let index = 1;
  /** Size of the block being waited for, once its prefix was read. */
  let need = 0;
  const fail = (reason: string): never => {
    throw new InputError('PARSE', ctx.fileName, index, reason);
  };
  const parseHeader = (): boolean => {
    try {
      header = readHeader(queue.joined());
    } catch (err) {
      return fail(`invalid Avro header: ${(err as Error).message}`);
    }
    if (header === undefined) return false;
    if (header.type.typeName !== 'record') fail('the Avro schema is not a record');
    const fields = (header.type as avro.types.RecordType).fields.map((f) => f.name);
    const columns = headerColumns(fields, ctx, 1);
    checkRequired(columns, ctx, 1, 'Avro-schemat');
    ctx.setColumns(columns);
    queue.consume(header.size);
    return true;
  };
  /** The next block's records, or undefined if it is not all here yet. */
  const nextBlock = (h: Header): SourceRow[] | undefined => {
    if (queue.length < need) return undefined;
    const c = new Cursor(queue.joined());
    let count: number | undefined;
    let size: number | undefined;
    try {
      count = c.long();
      size = c.long();
    } catch (err) {
      return fail(`corrupt block: ${(err as Error).message}`);
    }
    if (count === undefined || size === undefined) return undefined;
    if (count < 0 || size < 0 || size > MAX_BLOCK) fail('corrupt block header');
    need = c.pos + size + SYNC_SIZE;
    const data = c.take(size);
    const sync = c.take(SYNC_SIZE);
    if (data === undefined || sync === undefined) return undefined;
    if (!sync.equals(h.sync)) fail('invalid sync marker (corrupt file)');
    let raw: Buffer;
    try {
      raw = decompress(h.codec, data);
    } catch (err) {
      return fail(`cannot decompress block: ${(err as Error).message}`);
    }
    const rows: SourceRow[] = [];
    let pos = 0;
    for (let k = 0; k < count; k++) {
      let decoded: { value: unknown; offset: number };
      try {
        decoded = h.type.decode(raw, pos);
      } catch (err) {
        return fail(`corrupt record: ${(err as Error).message}`);
      }
      if (decoded.offset < 0) fail('truncated block');
      pos = decoded.offset;
      rows.push({ row: objectRow(decoded.value as Record<string, unknown>, ctx, index), line: index });
      index++;
    }
    if (pos !== raw.length) fail('corrupt block: bytes after the last record');
    queue.consume(c.pos);
    need = 0;
    return rows;
  };
  for await (const chunk of chunks) {
    queue.push(chunk);
    if (header === undefined && !parseHeader()) continue;
    for (let rows = nextBlock(header!); rows !== undefined; rows = nextBlock(header!)) if (rows.length > 0) yield rows;
  }
  if (header === undefined) fail(queue.length === 0 ? 'empty file, not an Avro object container file' : 'truncated Avro file: the header is incomplete');
  if (queue.length > 0) fail('truncated Avro file: the last block is incomplete');
}
