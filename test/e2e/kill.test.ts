/**
 * SIGKILL at seeded random moments of an update run (issue #5, SPEC §9): the
 * output directory holds a complete earlier run; after each kill every
 * output in sight is whole and from one run (delta/ old or, byte for byte,
 * the uninterrupted run's; summary.json, when there is one, from the same
 * run as delta/), and the next run's start takes over the dead run's lock,
 * finishes a journaled publishing and sweeps its temp dir. The guarantees
 * checked are those of bench/kill.ts, which runs 200+ tries on demand.
 */
import t from 'tap';
import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { judgeOutputs, killDelay, killTry, killWhilePublishing, prepareKill, recoverByOpen, recoverByRun, snapshot, type KillSetup } from '../../bench/kill.js';

const TRIES = 20;
const SEED = 5;

let setup: KillSetup | undefined;
// One setup for both kill subtests, in the file's own test directory.
const setupDir = t.testdir();
const prepared = async (): Promise<KillSetup> => (setup ??= await prepareKill(setupDir, 20_000));

t.test(`SIGKILL at ${TRIES} random moments: old or new outputs, never a mix; the next run recovers`, async (t) => {
  const s = await prepared();
  const seen = { old: 0, new: 0, aside: 0, finished: 0 };
  for (let i = 0; i < TRIES; i++) {
    const k = await killTry(s, killDelay(SEED, i, s.runMs));
    t.same(k.problems, [], `try ${i}, kill after ${k.delayMs} ms: delta/ ${k.delta}, summary.json ${k.summary}${k.asideDelta ? ', delta/ set aside' : ''}`);
    // Every fourth try the whole next run; the others its start only.
    const recovery = i % 4 === 0 ? await recoverByRun(s) : await recoverByOpen(s);
    t.same(recovery, [], `try ${i}: recovered (${i % 4 === 0 ? 'next run' : 'next run\'s start'})`);
    if (k.finished) seen.finished++;
    else if (k.asideDelta) seen.aside++;
    else seen[k.delta === 'new' ? 'new' : 'old']++;
  }
  t.ok(seen.old > 0, `some kills came before publishing (${JSON.stringify(seen)})`);
});

t.test('SIGKILL during the renames of publishing: no summary.json beside the other run\'s delta/; the next run finishes the publishing', async (t) => {
  const s = await prepared();
  const seen: string[] = [];
  for (let i = 0; i < 12; i++) {
    const k = await killWhilePublishing(s, i);
    seen.push(k.finished ? 'finished' : `delta/ ${k.delta}${k.asideDelta ? ' (set aside)' : ''}, summary.json ${k.summary}`);
    t.same(k.problems, [], `kill after ${i} directory events of publishing: ${seen[i]}`);
    t.same(await recoverByOpen(s), [], `kill after ${i} events: the next run's start leaves delta/ and summary.json of one run`);
  }
});

t.test('the judge sees a partial file, a mixed delta/, a summary.json newer than delta/, a lost delta/', async (t) => {
  const dir = t.testdir({
    old: { delta: { 'A.csv': 'old a', 'B.csv': 'old b' }, 'summary.json': 'old' },
    fresh: { delta: { 'A.csv': 'new a', 'B.csv': 'new b' }, 'summary.json': 'new' },
  });
  const output = join(dir, 'out');
  const s = { dir, input: dir, output, old: await snapshot(join(dir, 'old')), fresh: await snapshot(join(dir, 'fresh')), runMs: 0 };
  const problems = async () => judgeOutputs(s, await snapshot(output), false).problems;
  await cp(join(dir, 'old'), output, { recursive: true });
  t.same(await problems(), [], 'the old outputs');
  await writeFile(join(output, 'delta', 'B.csv'), 'new b');
  t.same(await problems(), ['delta/ is a mix, or partial']);
  await writeFile(join(output, 'delta', 'B.csv'), 'old b');
  await writeFile(join(output, 'summary.json'), 'new');
  t.same(await problems(), ['summary.json is new but delta/ is old (they must come from one run)']);
  await cp(join(dir, 'fresh', 'delta'), join(output, 'delta'), { recursive: true });
  await writeFile(join(output, 'summary.json'), 'old');
  t.same(await problems(), ['summary.json is old but delta/ is new (they must come from one run)'], 'the window before journaling');
  await rm(join(output, 'summary.json'));
  t.same(await problems(), ['summary.json is gone and no publishing journal says why']);
  await writeFile(join(output, '.eb50-publish.json'), '{}');
  t.same(await problems(), [], 'killed while publishing: no summary.json, a journal');
  await rm(join(output, 'delta'), { recursive: true });
  await writeFile(join(output, 'summary.json'), 'ne');
  t.same(await problems(), ['summary.json is mixed', 'delta/ is gone and not set aside']);
  await writeFile(join(output, 'summary.json'), 'old');
  t.same(await problems(), ['delta/ is gone and not set aside', 'summary.json is old but delta/ is absent (they must come from one run)']);
  await cp(join(dir, 'old', 'delta'), join(output, '.eb50-old-999999999-delta'), { recursive: true });
  await rm(join(output, 'summary.json'));
  t.same(await problems(), [], 'delta/ set aside whole while publishing: the next run finishes the publishing');
});
