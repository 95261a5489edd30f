import t from 'tap';
import fc from 'fast-check';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalSorter } from '../../pipeline/external-sort.js';

interface Item {
  k: string;
  seq: number;
}

const byKey = (a: Item, b: Item): number => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function freshDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eb50-extsort-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function sortWith(
  dir: string,
  keys: string[],
  opts: { maxInMemory: number; maxOpenRuns?: number },
): Promise<Item[]> {
  const s = new ExternalSorter<Item>({ compare: byKey, tmpDir: dir, ...opts });
  for (let i = 0; i < keys.length; i++) await s.add({ k: keys[i], seq: i });
  if (s.count !== keys.length) throw new Error(`count ${s.count} != ${keys.length}`);
  return collect(s.sorted());
}

t.test('equals the stable Array.prototype.sort on random data with tiny runs', async (t) => {
  const dir = await freshDir(t);
  // Few distinct characters, so ties are frequent and stability is exercised.
  const key = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', 'Å', '\u{1F600}', '\n', '"'), maxLength: 3 });
  await fc.assert(
    fc.asyncProperty(
      fc.array(key, { maxLength: 60 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 2, max: 4 }),
      async (keys, maxInMemory, maxOpenRuns) => {
        const got = await sortWith(dir, keys, { maxInMemory, maxOpenRuns });
        const expected = keys.map((k, seq) => ({ k, seq })).sort(byKey);
        t.same(got, expected);
        t.same(await readdir(dir), [], 'temp files removed');
      },
    ),
    { numRuns: 60 },
  );
});

t.test('ties keep insertion order across runs', async (t) => {
  const dir = await freshDir(t);
  const keys = ['b', 'a', 'b', 'a', 'b', 'a', 'a', 'b', 'a'];
  const got = await sortWith(dir, keys, { maxInMemory: 2 });
  t.same(got.map((x) => `${x.k}${x.seq}`), ['a1', 'a3', 'a5', 'a6', 'a8', 'b0', 'b2', 'b4', 'b7']);
});

t.test('ties keep insertion order through intermediate merge passes', async (t) => {
  const dir = await freshDir(t);
  const keys = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 'x' : 'y'));
  const got = await sortWith(dir, keys, { maxInMemory: 1, maxOpenRuns: 2 });
  t.same(got, keys.map((k, seq) => ({ k, seq })).sort(byKey));
});

t.test('compares by UTF-16 code units via the given comparator', async (t) => {
  const dir = await freshDir(t);
  const got = await sortWith(dir, ['Å', 'a', 'Z', '\u{1F600}', 'ö'], { maxInMemory: 2 });
  t.same(got.map((x) => x.k), ['Z', 'a', 'Å', 'ö', '\u{1F600}']);
});

t.test('spills to run files in tmpDir and removes them at the end of sorted()', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: dir, maxInMemory: 3 });
  for (const n of [5, 4, 3, 2, 1, 0, 9]) await s.add(n);
  const sub = await readdir(dir);
  t.equal(sub.length, 1, 'one private directory');
  t.equal((await readdir(join(dir, sub[0]))).length, 2, 'two spilled runs');
  t.same(await collect(s.sorted()), [0, 1, 2, 3, 4, 5, 9]);
  t.same(await readdir(dir), []);
});

t.test('an abandoned iteration still removes the temp files', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: dir, maxInMemory: 2 });
  for (const n of [5, 4, 3, 2, 1, 0]) await s.add(n);
  for await (const n of s.sorted()) {
    t.equal(n, 0);
    break;
  }
  t.same(await readdir(dir), []);
});

t.test('cleanup() without sorting removes the temp files', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: dir, maxInMemory: 1 });
  await s.add(1);
  await s.add(2);
  t.equal((await readdir(dir)).length, 1);
  await s.cleanup();
  await s.cleanup();
  t.same(await readdir(dir), []);
});

t.test('without a spill nothing is written to tmpDir', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: dir, maxInMemory: 10 });
  await s.add(2);
  await s.add(1);
  t.same(await readdir(dir), []);
  t.same(await collect(s.sorted()), [1, 2]);
});

t.test('an empty sorter yields nothing', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: dir });
  t.equal(s.count, 0);
  t.same(await collect(s.sorted()), []);
});

t.test('custom serialize/deserialize round-trips, CR inside a line is data', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<string>({
    compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    tmpDir: dir,
    maxInMemory: 1,
    serialize: (x) => x.replace(/\\/g, '\\\\').replace(/\n/g, '\\n'),
    deserialize: (l) => l.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
  });
  for (const x of ['c\r', 'a\nb', 'b\\', 'ä']) await s.add(x);
  t.same(await collect(s.sorted()), ['a\nb', 'b\\', 'c\r', 'ä']);
});

t.test('a serializer that emits a line break is rejected', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<string>({
    compare: () => 0,
    tmpDir: dir,
    maxInMemory: 1,
    serialize: (x) => x,
    deserialize: (x) => x,
  });
  await t.rejects(s.add('a\nb'), /line break/);
  await s.cleanup();
});

t.test('long lines and multibyte characters cross read-chunk edges intact', async (t) => {
  const dir = await freshDir(t);
  const long = 'å'.repeat(70_000) + '\u{1F600}';
  const s = new ExternalSorter<string>({ compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0), tmpDir: dir, maxInMemory: 2 });
  const input = [long + 'b', 'x', long + 'a', 'å', 'a'];
  for (const x of input) await s.add(x);
  t.same(await collect(s.sorted()), [...input].sort());
});

t.test('runs of more than one write batch (1024 lines) merge correctly', async (t) => {
  const dir = await freshDir(t);
  // A fixed pseudo-random sequence with many ties.
  const keys = Array.from({ length: 5000 }, (_, i) => String((i * 7919) % 97));
  const got = await sortWith(dir, keys, { maxInMemory: 2100 });
  t.same(got, keys.map((k, seq) => ({ k, seq })).sort(byKey));
});

t.test('options are validated up front, naming the option and value', async (t) => {
  const cmp = (a: number, b: number): number => a - b;
  t.throws(() => new ExternalSorter<number>({ compare: cmp, tmpDir: '' }), /tmpDir must be a non-empty string/);
  t.throws(
    () => new ExternalSorter<number>({ compare: cmp, tmpDir: '/tmp', maxInMemory: 0 }),
    /maxInMemory must be an integer >= 1, got 0/,
  );
  t.throws(
    () => new ExternalSorter<number>({ compare: cmp, tmpDir: '/tmp', maxOpenRuns: 1 }),
    /maxOpenRuns must be an integer >= 2, got 1/,
  );
  t.throws(
    () => new ExternalSorter<number>({ compare: undefined as never, tmpDir: '/tmp' }),
    /compare must be a function/,
  );
  t.throws(
    () => new ExternalSorter<number>({ compare: cmp, tmpDir: '/tmp', serialize: String }),
    /serialize and deserialize must be given together/,
  );
});

t.test('sorted() is once only and closes add()', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: dir });
  await s.add(1);
  await collect(s.sorted());
  await t.rejects(collect(s.sorted()), /sorted\(\) called twice/);
  await t.rejects(s.add(2), /add\(\) after sorted\(\)/);
});

t.test('a missing tmpDir fails the add that spills', async (t) => {
  const dir = await freshDir(t);
  const s = new ExternalSorter<number>({ compare: (a, b) => a - b, tmpDir: join(dir, 'nope'), maxInMemory: 1 });
  await t.rejects(s.add(1), { code: 'ENOENT' });
  await s.cleanup();
});
