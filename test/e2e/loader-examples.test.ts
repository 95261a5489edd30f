/**
 * docs/examples/loader.{mjs,sh} run as written, on a generated export that
 * passes every lock and on the sample (whose update run a lock stops).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULTS, generate } from '../../bench/generate.js';
import { ROOT, SAMPLE } from './helpers.js';

const EXAMPLES = join(ROOT, 'docs', 'examples');

function example(command: string[], input: string, out: string) {
  const r = spawnSync(command[0], [...command.slice(1), input, out], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const loaders = [
  ['node', [process.execPath, join(EXAMPLES, 'loader.mjs')]],
  ['shell', ['sh', join(EXAMPLES, 'loader.sh')]],
] as const;

t.test('the loader examples load the four verified delta files of a clean run', async (t) => {
  const input = join(t.testdir(), 'input');
  await generate({ ...DEFAULTS, out: input, chains: 2000, seed: 3, format: 'csv' });
  for (const [name, command] of loaders) {
    const r = example([...command], input, join(input, '..', `out-${name}`));
    t.equal(r.code, 0, `${name}: ${r.stderr}`);
    t.match(r.stdout, /^load KTILL2.*\nload KTFORT2.*\nload FFGKURS.*\nload KTILLHST.*\n$/, `${name}: all four, in order`);
  }
});

t.test('the loader examples load nothing when a lock stops the run', async (t) => {
  for (const [name, command] of loaders) {
    const r = example([...command], SAMPLE, join(t.testdir(), `out-${name}`));
    t.equal(r.code, 3, name);
    t.notMatch(r.stdout, /load/, `${name}: nothing loaded`);
    t.match(r.stderr, /resultatlista\.txt/);
  }
});
