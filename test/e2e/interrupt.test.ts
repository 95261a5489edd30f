/**
 * SPEC §9: "a failed or killed run leaves the previous outputs untouched and
 * no partial files". A run stopped by SIGTERM (a scheduler's timeout) or
 * SIGINT (Ctrl-C) mid-way removes its temporary directory and its lock.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, RUN_DATE, runEb50, snapshotDir } from './helpers.js';
import { DEFAULTS, generate } from '../../bench/generate.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} during a run: previous outputs untouched, no temp dir, no lock`, async (t) => {
    const dir = t.testdir();
    const input = join(dir, 'input');
    await generate({ ...DEFAULTS, out: input, chains: 60_000, seed: 7, format: 'csv' });
    const out = join(dir, 'out');
    t.equal(runEb50(input, out, ['--without-locks']).code, 0, 'a finished run first');
    const before = await snapshotDir(out);

    const child = spawn(process.execPath, [CLI, 'run', '--input', input, '--output', out, '--leading-char', 'Q',
      '--run-date', RUN_DATE, '--without-locks'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait until the run has made its temporary directory, then stop it.
    for (;;) {
      const names = await readdir(out);
      if (names.some((n) => n.startsWith('.eb50-tmp-'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill(signal);
    const code = await exited;
    t.equal(code, signal === 'SIGINT' ? 130 : 143);
    t.match(stderr, `eb50: stopped by ${signal}: nothing was published, the previous outputs are untouched`,
      'the streams were aborted through the AbortSignal and the run said so');
    t.notMatch(stderr, /\n\s+at /, 'no stack trace');
    t.same((await readdir(out)).filter((n) => n.startsWith('.')), [], 'no temp dir, no lock');
    t.same(await snapshotDir(out), before, 'previous outputs untouched');
  });
}
