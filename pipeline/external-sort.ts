/**
 * A stable external merge sort with bounded memory (SPEC §10: report sections
 * larger than memory are sorted on disk; `eb50 sort` reuses it).
 *
 * Items are buffered; when `maxInMemory` are held the buffer is sorted and
 * spilled as a *run*, one serialized item per line, to a private directory
 * inside `tmpDir`. `sorted()` k-way merges the runs and the in-memory rest
 * with a binary heap.
 *
 * Stability: run i holds only items added before those of run i+1, and the
 * in-memory rest comes last, so ties in `compare` are broken by run index
 * (and within a run by the stable Array.prototype.sort). When there are more
 * runs than `maxOpenRuns`, groups of *consecutive* runs are merged first,
 * which keeps that property.
 */
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Options of {@link ExternalSorter}. */
export interface ExternalSorterOptions<T> {
  /** Total order on items; ties keep insertion order. */
  compare: (a: T, b: T) => number;
  /** Existing directory for the run files (a private subdirectory is made). */
  tmpDir: string;
  /** Items held in memory before a run is spilled. Default 100 000. */
  maxInMemory?: number;
  /** Run files open at once while merging. Default 16, at least 2. */
  maxOpenRuns?: number;
  /** One item → one line (no LF). Default JSON.stringify. */
  serialize?: (item: T) => string;
  /** Inverse of `serialize`. Default JSON.parse. */
  deserialize?: (line: string) => T;
}

const DEFAULT_MAX_IN_MEMORY = 100_000;
/** Each open run holds a read-ahead chunk and the lines of the chunk being
 *  merged, and with many runs those live long enough to be promoted: with
 *  64 open runs the merge of a 5M-chain result list raised the peak RSS by
 *  ~60 MB; 16 (and 16 KiB chunks) keep it level, for one more merge pass on
 *  very large sorts. */
const DEFAULT_MAX_OPEN_RUNS = 16;
/** Read-ahead per open run file. */
const RUN_READ_CHUNK = 16 * 1024;
/** Lines joined per write/read batch: fewer, larger chunks through the streams. */
const BATCH_LINES = 1024;

function positiveInt(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export class ExternalSorter<T> {
  private readonly compare: (a: T, b: T) => number;
  private readonly tmpDir: string;
  private readonly maxInMemory: number;
  private readonly maxOpenRuns: number;
  private readonly serialize: (item: T) => string;
  private readonly deserialize: (line: string) => T;

  private buffer: T[] = [];
  /** Run files in insertion order; a slot is filled when its spill is started. */
  private runs: string[] = [];
  private spills: Promise<void>[] = [];
  private dir: Promise<string> | undefined;
  private nextFile = 0;
  private added = 0;
  private consumed = false;
  private readers = new Set<RunReader<T>>();

  constructor(options: ExternalSorterOptions<T>) {
    if (typeof options?.compare !== 'function') throw new TypeError('compare must be a function');
    if (typeof options.tmpDir !== 'string' || options.tmpDir === '') {
      throw new TypeError(`tmpDir must be a non-empty string, got ${JSON.stringify(options.tmpDir)}`);
    }
    if ((options.serialize === undefined) !== (options.deserialize === undefined)) {
      throw new TypeError('serialize and deserialize must be given together');
    }
    this.compare = options.compare;
    this.tmpDir = options.tmpDir;
    this.maxInMemory = positiveInt('maxInMemory', options.maxInMemory, DEFAULT_MAX_IN_MEMORY, 1);
    this.maxOpenRuns = positiveInt('maxOpenRuns', options.maxOpenRuns, DEFAULT_MAX_OPEN_RUNS, 2);
    this.serialize = options.serialize ?? ((t: T) => JSON.stringify(t));
    this.deserialize = options.deserialize ?? ((s: string) => JSON.parse(s) as T);
  }

  /** Number of items added. */
  get count(): number {
    return this.added;
  }

  /** Adds an item. Resolves once a spill it triggered is on disk, so a
   *  producer that awaits it cannot outrun the disk (backpressure). */
  async add(item: T): Promise<void> {
    if (this.consumed) throw new Error('ExternalSorter: add() after sorted()');
    this.buffer.push(item);
    this.added++;
    if (this.buffer.length >= this.maxInMemory) await this.spill();
  }

  /** All items in `compare` order, ties in insertion order. Once only;
   *  the temp files are removed when the iteration ends or is abandoned. */
  async *sorted(): AsyncGenerator<T> {
    if (this.consumed) throw new Error('ExternalSorter: sorted() called twice');
    this.consumed = true;
    try {
      await Promise.all(this.spills);
      const rest = this.buffer.sort(this.compare);
      this.buffer = [];
      if (this.runs.length === 0) {
        yield* rest;
        return;
      }
      // Leave one slot for the in-memory rest.
      while (this.runs.length > this.maxOpenRuns - 1) await this.mergePass();
      yield* this.merge(this.runs.map((f) => this.open(f)), rest);
    } finally {
      await this.cleanup();
    }
  }

  /** Closes open run files and removes the temp directory. Idempotent. */
  async cleanup(): Promise<void> {
    for (const r of this.readers) r.close();
    this.readers.clear();
    await Promise.allSettled(this.spills);
    const dir = this.dir;
    this.dir = undefined;
    this.buffer = [];
    this.runs = [];
    if (dir !== undefined) {
      const path = await dir.catch(() => undefined);
      if (path !== undefined) await rm(path, { recursive: true, force: true });
    }
  }

  private spill(): Promise<void> {
    const items = this.buffer.sort(this.compare);
    this.buffer = [];
    // The slot is taken synchronously so that run order is insertion order
    // even if several spills are in flight.
    const slot = this.runs.length;
    this.runs.push('');
    const p = this.newFile().then(async (file) => {
      this.runs[slot] = file;
      await this.writeRun(file, items);
    });
    this.spills.push(p);
    return p;
  }

  private async newFile(): Promise<string> {
    this.dir ??= mkdtemp(join(this.tmpDir, 'eb50-sort-'));
    return join(await this.dir, `run-${this.nextFile++}`);
  }

  /** Writes one item per line; pipeline() honours the file's backpressure. */
  private async writeRun(file: string, items: Iterable<T> | AsyncIterable<T>): Promise<void> {
    const serialize = this.serialize;
    async function* batches(): AsyncGenerator<string> {
      let batch = '';
      let n = 0;
      for await (const item of items) {
        const line = serialize(item);
        if (line.includes('\n')) throw new Error('ExternalSorter: serialize() returned a line break');
        batch += line + '\n';
        if (++n === BATCH_LINES) {
          yield batch;
          batch = '';
          n = 0;
        }
      }
      if (batch !== '') yield batch;
    }
    await pipeline(Readable.from(batches()), createWriteStream(file, { encoding: 'utf8' }));
  }

  /** Merges consecutive groups of runs into one run each. */
  private async mergePass(): Promise<void> {
    const groups: string[][] = [];
    for (let i = 0; i < this.runs.length; i += this.maxOpenRuns) {
      groups.push(this.runs.slice(i, i + this.maxOpenRuns));
    }
    const merged: string[] = [];
    for (const group of groups) {
      if (group.length === 1) {
        merged.push(group[0]);
        continue;
      }
      const file = await this.newFile();
      await this.writeRun(file, this.merge(group.map((f) => this.open(f)), []));
      for (const f of group) await rm(f, { force: true });
      merged.push(file);
    }
    this.runs = merged;
  }

  private open(file: string): RunReader<T> {
    const r = new RunReader(file, this.deserialize);
    this.readers.add(r);
    return r;
  }

  /** k-way merge; source order (runs, then `rest`) breaks ties. */
  private async *merge(readers: RunReader<T>[], rest: T[]): AsyncGenerator<T> {
    const cmp = this.compare;
    const heap = new Heap<Head<T>>((a, b) => cmp(a.item, b.item) || a.source - b.source);
    const sources: Source<T>[] = [...readers, new ArraySource(rest)];
    try {
      for (let i = 0; i < sources.length; i++) {
        const item = await sources[i].next();
        if (item !== END) heap.push({ item, source: i });
      }
      while (heap.size > 0) {
        const top = heap.peek();
        yield top.item;
        // Most items come from a reader's buffered batch: skip the await then.
        let next = sources[top.source].next();
        if (next instanceof Promise) next = await next;
        if (next === END) heap.pop();
        else heap.replaceTop({ item: next, source: top.source });
      }
    } finally {
      for (const r of readers) {
        r.close();
        this.readers.delete(r);
      }
    }
  }
}

const END: unique symbol = Symbol('end');

/** A sorted source of the merge. `next()` is synchronous while it has
 *  buffered items, so the merge awaits only when a batch runs out. */
interface Source<T> {
  next(): T | typeof END | Promise<T | typeof END>;
}

interface Head<T> {
  item: T;
  source: number;
}

class ArraySource<T> implements Source<T> {
  private i = 0;
  constructor(private readonly items: T[]) {}
  next(): T | typeof END {
    return this.i < this.items.length ? this.items[this.i++] : END;
  }
}

/** Reads a run file in batches of lines, split on LF only (a serializer may
 *  emit CR). The utf8 stream decoder keeps multibyte characters whole. */
class RunReader<T> implements Source<T> {
  private readonly stream: ReadStream;
  private readonly chunks: AsyncIterator<string>;
  private lines: string[] = [];
  private pos = 0;
  private partial = '';
  private done = false;

  constructor(file: string, private readonly deserialize: (line: string) => T) {
    this.stream = createReadStream(file, { encoding: 'utf8', highWaterMark: RUN_READ_CHUNK });
    this.chunks = this.stream[Symbol.asyncIterator]();
  }

  next(): T | typeof END | Promise<T | typeof END> {
    if (this.pos < this.lines.length) return this.deserialize(this.lines[this.pos++]);
    return this.refill();
  }

  private async refill(): Promise<T | typeof END> {
    while (this.pos >= this.lines.length) {
      if (this.done) return END;
      const r = await this.chunks.next();
      if (r.done) {
        this.done = true;
        this.lines = this.partial === '' ? [] : [this.partial];
        this.partial = '';
      } else {
        this.lines = (this.partial + r.value).split('\n');
        this.partial = this.lines.pop() as string;
      }
      this.pos = 0;
    }
    return this.deserialize(this.lines[this.pos++]);
  }

  close(): void {
    this.stream.destroy();
  }
}

/** Minimal binary min-heap. */
class Heap<T> {
  private readonly a: T[] = [];
  constructor(private readonly cmp: (x: T, y: T) => number) {}

  get size(): number {
    return this.a.length;
  }

  peek(): T {
    return this.a[0];
  }

  push(x: T): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.cmp(a[i], a[p]) >= 0) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): void {
    const last = this.a.pop() as T;
    if (this.a.length > 0) this.replaceTop(last);
  }

  replaceTop(x: T): void {
    const a = this.a;
    a[0] = x;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.cmp(a[l], a[m]) < 0) m = l;
      if (r < a.length && this.cmp(a[r], a[m]) < 0) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}
