import t from 'tap';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputDir } from '../../pipeline/output-dir.js';
import { Eb50Error, OutputError } from '../../pipeline/errors.js';

t.test('publish renames files and replaces a directory whole; no temp dir or lock remains', async (t) => {
  const dir = t.testdir({ delta: { 'OLD.csv': 'old' }, 'summary.json': '{"old":true}' });
  const out = await OutputDir.open(dir);
  await mkdir(out.path('delta'));
  await writeFile(out.path('delta', 'KTILL2.csv'), 'new');
  await writeFile(out.path('summary.json'), '{}');
  await out.publish(['delta', 'summary.json']);
  await out.close();
  t.same((await readdir(dir)).sort(), ['delta', 'summary.json']);
  t.same(await readdir(join(dir, 'delta')), ['KTILL2.csv'], 'old delta files are gone, not mixed');
  t.equal(await readFile(join(dir, 'summary.json'), 'utf8'), '{}');
});

t.test('a run that fails before publish leaves the previous outputs untouched', async (t) => {
  const dir = t.testdir({ 'summary.json': 'previous' });
  const out = await OutputDir.open(dir);
  await writeFile(out.path('summary.json'), 'half');
  await out.close();
  t.same(await readdir(dir), ['summary.json']);
  t.equal(await readFile(join(dir, 'summary.json'), 'utf8'), 'previous');
});

t.test('a second run on the same output directory is refused while the first holds the lock', async (t) => {
  const dir = t.testdir({});
  const first = await OutputDir.open(dir);
  // The lock file names this (live) process, so a second open sees a live owner.
  await writeFile(join(dir, '.eb50.lock'), `${process.ppid}\n`);
  const err = await OutputDir.open(dir).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof Eb50Error && err.code === 'RUN_LOCKED' && err.exitCode === 75, 'RUN_LOCKED, exit 75');
  t.match(String(err), /another eb50 run/);
  await writeFile(join(dir, '.eb50.lock'), `${process.pid}\n`);
  await first.close();
});

t.test('a lock and temp dir left by a dead process are taken over', async (t) => {
  const dir = t.testdir({ '.eb50.lock': '999999999\n', '.eb50-tmp-999999999-abcd': { 'x.csv': 'partial' } });
  const out = await OutputDir.open(dir);
  t.same((await readdir(dir)).filter((n) => n.includes('999999999')), [], 'leftovers swept');
  await out.close();
  t.same(await readdir(dir), []);
});

t.test('an output path that is a file is an output error (exit 4)', async (t) => {
  const dir = t.testdir({ file: 'x' });
  const err = await OutputDir.open(join(dir, 'file')).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof OutputError && err.exitCode === 4, 'OutputError, exit 4');
});

t.test('an output directory a run killed mid-publish had set aside goes back into place', async (t) => {
  const dir = t.testdir({ '.eb50-old-999999999-delta': { 'KTILL2.csv': 'previous' }, 'summary.json': 'previous' });
  const out = await OutputDir.open(dir);
  await out.close();
  t.same((await readdir(dir)).sort(), ['delta', 'summary.json']);
  t.equal(await readFile(join(dir, 'delta', 'KTILL2.csv'), 'utf8'), 'previous');
});

t.test('a set-aside directory is removed when its place was already taken', async (t) => {
  const dir = t.testdir({ '.eb50-old-999999999-delta': { 'KTILL2.csv': 'older' }, delta: { 'KTILL2.csv': 'newer' } });
  const out = await OutputDir.open(dir);
  await out.close();
  t.same(await readdir(dir), ['delta']);
  t.equal(await readFile(join(dir, 'delta', 'KTILL2.csv'), 'utf8'), 'newer');
});

t.test('close() leaves a lock that is not its own', async (t) => {
  const dir = t.testdir({});
  const out = await OutputDir.open(dir);
  await writeFile(join(dir, '.eb50.lock'), '999999998\n');
  await out.close();
  t.equal(await readFile(join(dir, '.eb50.lock'), 'utf8'), '999999998\n');
});

t.test('runs racing for a stale lock never hold the output directory at the same time', async (t) => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const module = fileURLToPath(new URL('../../dist/pipeline/output-dir.js', import.meta.url));
  const dir = t.testdir({ '.eb50.lock': '999999999\n' });
  // Each child opens the directory, holds it 150 ms, and prints when.
  const script = `
    const { OutputDir } = await import(${JSON.stringify(module)});
    try {
      const out = await OutputDir.open(process.argv[1]);
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 150));
      console.log(JSON.stringify({ start, end: Date.now() }));
      await out.close();
    } catch (err) {
      console.log(JSON.stringify({ refused: err.code }));
    }`;
  const runs = await Promise.all(
    Array.from({ length: 6 }, () => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('close', () => resolve(text.trim()));
    })),
  );
  const results = runs.map((r) => JSON.parse(r) as { start?: number; end?: number; refused?: string });
  const held = results.filter((r) => r.start !== undefined).sort((a, b) => a.start! - b.start!);
  t.ok(held.length >= 1, 'one run took over the stale lock');
  t.ok(results.every((r) => r.start !== undefined || r.refused === 'RUN_LOCKED'), 'the others were refused as busy');
  for (let i = 1; i < held.length; i++) t.ok(held[i].start! >= held[i - 1].end!, 'no two runs held it at once');
  t.same(await readdir(dir), [], 'no lock, guard or draft left');
});
