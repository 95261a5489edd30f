import t from 'tap';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

t.test('publish leaves no journal and no set-aside summary.json', async (t) => {
  const dir = t.testdir({ delta: { 'KTILL2.csv': 'old' }, 'summary.json': 'old' });
  const out = await OutputDir.open(dir);
  await mkdir(out.path('delta'));
  await writeFile(out.path('delta', 'KTILL2.csv'), 'new');
  await writeFile(out.path('summary.json'), 'new');
  await out.publish(['delta', 'summary.json']);
  t.same((await readdir(dir)).filter((n) => n.startsWith('.eb50-publish') || n.startsWith('.eb50-old-')), [], 'nothing of the publishing left');
  await out.close();
});

/** The output directory of a run (pid 999999999, dead) killed after `done`
 *  of its publishing steps, over old delta/ + summary.json. */
function killedWhilePublishing(done: number): Record<string, unknown> {
  const tmp = '.eb50-tmp-999999999-abcd';
  const journal = JSON.stringify({ pid: 999999999, tmp, names: ['delta', 'resultatlista.txt', 'summary.json'] });
  const steps: ((d: Record<string, any>) => void)[] = [
    (d) => { d[tmp].delta = { 'KTILL2.csv': 'new' }; d[tmp]['resultatlista.txt'] = 'new'; d[tmp]['summary.json'] = 'new'; d['.eb50-publish.json'] = journal; },
    (d) => { d['.eb50-old-999999999-summary.json'] = d['summary.json']; delete d['summary.json']; },
    (d) => { d['.eb50-old-999999999-delta'] = d.delta; delete d.delta; },
    (d) => { d.delta = d[tmp].delta; delete d[tmp].delta; },
    (d) => { delete d['.eb50-old-999999999-delta']; },
    (d) => { d['resultatlista.txt'] = d[tmp]['resultatlista.txt']; delete d[tmp]['resultatlista.txt']; },
    (d) => { d['summary.json'] = d[tmp]['summary.json']; delete d[tmp]['summary.json']; },
    (d) => { delete d['.eb50-old-999999999-summary.json']; },
  ];
  const d: Record<string, any> = { '.eb50.lock': '999999999\n', [tmp]: {}, delta: { 'KTILL2.csv': 'old' }, 'resultatlista.txt': 'old', 'summary.json': 'old' };
  for (const step of steps.slice(0, done)) step(d);
  return d;
}

t.test('a run killed between any two renames of its publishing: the next run finishes it from the journal', async (t) => {
  for (let done = 1; done <= 8; done++) {
    const dir = t.testdir(killedWhilePublishing(done) as never);
    const marker = await readFile(join(dir, 'summary.json'), 'utf8').catch(() => 'absent');
    const expected = done === 1 ? 'old' : done >= 7 ? 'new' : 'absent';
    t.equal(marker, expected, `after ${done} steps: summary.json ${expected}, never beside the other run's delta/`);
    const out = await OutputDir.open(dir);
    await out.close();
    t.same((await readdir(dir)).sort(), ['delta', 'resultatlista.txt', 'summary.json'], `after ${done} steps: only the outputs remain`);
    for (const f of ['delta/KTILL2.csv', 'resultatlista.txt', 'summary.json']) {
      t.equal(await readFile(join(dir, f), 'utf8'), 'new', `after ${done} steps: ${f} is the dead run's, whole`);
    }
  }
});

t.test('a journal whose temporary directory is gone, or that is unreadable, is removed; the outputs stay', async (t) => {
  for (const journal of [JSON.stringify({ pid: 999999999, tmp: '.eb50-tmp-999999999-gone', names: ['summary.json'] }), '{"pid": 1, "tmp": "../x"', '{}']) {
    const dir = t.testdir({ '.eb50-publish.json': journal, 'summary.json': 'old', delta: { 'KTILL2.csv': 'old' } });
    const out = await OutputDir.open(dir);
    await out.close();
    t.same((await readdir(dir)).sort(), ['delta', 'summary.json'], journal);
    t.equal(await readFile(join(dir, 'summary.json'), 'utf8'), 'old');
  }
});

t.test('a rename that fails half-way through publishing: exit 4, no summary.json, and the next run finishes the publishing', async (t) => {
  const dir = t.testdir({ delta: { 'KTILL2.csv': 'old' }, 'resultatlista.txt': { 'in-the-way': 'x' }, 'summary.json': 'old' });
  const out = await OutputDir.open(dir);
  await mkdir(out.path('delta'));
  await writeFile(out.path('delta', 'KTILL2.csv'), 'new');
  await writeFile(out.path('resultatlista.txt'), 'new');
  await writeFile(out.path('summary.json'), 'new');
  const err = await out.publish(['delta', 'resultatlista.txt', 'summary.json']).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof OutputError && err.exitCode === 4, 'OutputError, exit 4');
  await out.close();
  const left = await readdir(dir);
  t.notOk(left.includes('summary.json'), 'no summary.json beside the new delta/: a loader waits');
  t.ok(left.includes('.eb50-publish.json') && left.some((n) => n.startsWith('.eb50-tmp-')), 'the journal and its temporary directory stay');
  await rm(join(dir, 'resultatlista.txt'), { recursive: true }); // the operator clears the way
  const next = await OutputDir.open(dir);
  await next.close();
  t.same((await readdir(dir)).sort(), ['delta', 'resultatlista.txt', 'summary.json']);
  for (const f of ['delta/KTILL2.csv', 'resultatlista.txt', 'summary.json']) t.equal(await readFile(join(dir, f), 'utf8'), 'new', `${f} is the failed run's, whole`);
});
