/**
 * Two runs on one output directory at once (issue #5, SPEC §9): one wins,
 * the other exits 75 naming the holder and writes nothing, and the winner's
 * outputs are complete. test/pipeline/output-dir.test.ts races OutputDir
 * itself for a stale lock; this runs the real CLI.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, eb50, RUN_DATE, runEb50, SAMPLE, snapshotDir } from './helpers.js';
import { DEFAULTS, generate } from '../../bench/generate.js';

const ARGS = ['--leading-char', 'Q', '--run-date', RUN_DATE, '--mode', 'update', '--without-locks'];

function start(input: string, output: string) {
  const child = spawn(process.execPath, [CLI, 'run', '--input', input, '--output', output, ...ARGS], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = once(child, 'close').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, done };
}

t.test('a second run while the first holds the output directory exits 75; the first completes', async (t) => {
  const dir = t.testdir();
  const input = join(dir, 'input');
  await generate({ ...DEFAULTS, out: input, chains: 20_000, seed: 21, format: 'csv' });
  const reference = join(dir, 'reference');
  t.equal(runEb50(input, reference, ARGS.slice(4)).code, 0, 'an uninterrupted run, for comparison');

  const out = join(dir, 'out');
  const first = start(input, out);
  // Hold the first run still once it has the lock, so the second surely meets it.
  for (;;) {
    const names = await readdir(out).catch(() => [] as string[]);
    if (names.includes('.eb50.lock') && names.some((n) => n.startsWith('.eb50-tmp-'))) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  first.child.kill('SIGSTOP');
  const during = (await readdir(out)).sort();
  const second = eb50(['run', '--input', input, '--output', out, ...ARGS]);
  t.equal(second.code, 75, 'the second run exits 75');
  t.match(second.stderr, new RegExp(`another eb50 run \\(pid ${first.child.pid}\\b`), 'naming the holder');
  t.notMatch(second.stderr, /\n\s+at /, 'no stack trace');
  t.same((await readdir(out)).sort(), during, 'the second run wrote nothing');
  first.child.kill('SIGCONT');
  const r = await first.done;
  t.equal(r.code, 0, 'the first run, let go on, exits 0');
  t.same(await snapshotDir(out), await snapshotDir(reference), 'the first run\'s outputs are complete, as if alone');
});

t.test('two runs started together: exits 0 and 75 (or 0 and 0 one after the other), outputs complete', async (t) => {
  const dir = t.testdir();
  const reference = join(dir, 'reference');
  t.equal(runEb50(SAMPLE, reference, ARGS.slice(4)).code, 0);
  const want = await snapshotDir(reference);
  for (let k = 0; k < 5; k++) {
    const out = join(dir, `out${k}`);
    const codes = (await Promise.all([start(SAMPLE, out).done, start(SAMPLE, out).done])).map((r) => r.code).sort();
    t.ok(codes[0] === 0 && (codes[1] === 75 || codes[1] === 0), `round ${k}: exit codes ${codes.join(', ')}`);
    t.same(await snapshotDir(out), want, `round ${k}: complete outputs, no lock or temp dir left`);
  }
});
