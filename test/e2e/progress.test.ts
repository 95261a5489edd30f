/**
 * The progress line (pipeline/progress.ts) through the real CLI: never on a
 * stderr that is not a terminal, drawn and erased on one that is.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, RUN_DATE, SAMPLE, runEb50 } from './helpers.js';
import { DEFAULTS, generate } from '../../bench/generate.js';

t.test('stderr not a terminal: no progress line, nothing but the log', async (t) => {
  const dir = t.testdir();
  const r = runEb50(SAMPLE, join(dir, 'out'));
  t.equal(r.code, 0);
  t.notMatch(r.stderr, /\r|\x1b/, 'no carriage return, no terminal escape');
  t.notMatch(r.stderr, /rows\/s/, 'no progress text');
  for (const line of r.stderr.split('\n').filter((l) => l !== '')) t.match(line, /^eb50: /, `a log line: ${line}`);
  // an export that trips no lock (the sample does: a warning even when quiet)
  const input = join(dir, 'generated');
  await generate({ ...DEFAULTS, out: input, chains: 2000, seed: 3 });
  const quiet = runEb50(input, join(dir, 'quiet'), ['--quiet']);
  t.equal(quiet.code, 0);
  t.equal(quiet.stderr, '', '--quiet: stderr empty on success');
});

// util-linux `script` runs the CLI on a pseudo-terminal.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

t.test('stderr a terminal: phases drawn on one line, erased at the end', { skip: hasScript ? false : 'no `script` command' }, async (t) => {
  const dir = t.testdir();
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = (extra: string) =>
    [process.execPath, CLI, 'run', '--input', SAMPLE, '--output', join(dir, `out${extra}`), '--leading-char', 'Q', '--run-date', RUN_DATE, extra]
      .filter((a) => a !== '').map(quote).join(' ');
  const tty = spawnSync('script', ['-qec', command(''), '/dev/null'], { encoding: 'utf8' });
  t.equal(tty.status, 0, 'exit 0');
  for (const phase of ['catalog', 'chains', 'KTILLHST', 'report']) {
    t.match(tty.stdout, new RegExp(`\\reb50: ${phase}: `), `phase ${phase} drawn after a carriage return`);
  }
  t.match(tty.stdout, /\r\x1b\[K/, 'the line is erased');
  // every progress line is erased before the next log line is written
  t.notMatch(tty.stdout, /rows\/s(\x1b\[K)?eb50:/, 'no log line glued to a progress line');
  const quiet = spawnSync('script', ['-qec', command('--quiet'), '/dev/null'], { encoding: 'utf8' });
  t.equal(quiet.status, 0);
  t.notMatch(quiet.stdout, /rows\/s|\x1b\[K/, '--quiet: no progress line');
});
