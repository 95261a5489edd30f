/**
 * bench/generate.ts --anomalies: the real CLI run on a generated export
 * shows every anomaly class in its result-list section, with exactly the
 * planned number of error chains, duplicate rows and orphans; without
 * --anomalies the regular mix has none of the classes only anomalies make.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANOMALY_CLASSES, DEFAULTS, generate, type GenerateOptions, type GenerateStats } from '../../bench/generate.js';
import { runEb50 } from '../e2e/helpers.js';

/** Result-list section of each class (SPEC §8 lines 5–16). */
const SECTION = Object.fromEntries(ANOMALY_CLASSES.map((c, i) => [c, i + 5])) as Record<(typeof ANOMALY_CLASSES)[number], number>;

interface Run {
  stats: GenerateStats;
  counts: Record<string, number>;
  resultList: string;
  stderr: string;
}

async function generateAndRun(dir: string, over: Partial<GenerateOptions>): Promise<Run> {
  const input = join(dir, 'input');
  const output = join(dir, 'output');
  const stats = await generate({ ...DEFAULTS, out: input, chains: 3000, seed: 21, ...over });
  const r = runEb50(input, output, ['--without-locks']);
  if (r.code !== 0) throw new Error(`eb50 exited ${r.code}: ${r.stderr}`);
  const summary = JSON.parse(readFileSync(join(output, 'summary.json'), 'utf8')) as { counts: Record<string, number> };
  return { stats, counts: summary.counts, resultList: readFileSync(join(output, 'resultatlista.txt'), 'utf8'), stderr: r.stderr };
}

t.test('--anomalies: every class in its result-list section', async (t) => {
  const run = await generateAndRun(t.testdir(), { anomalies: 0.05 });
  const p = run.stats.planned;
  for (const cls of ANOMALY_CLASSES) {
    t.ok(p.anomalies[cls] > 0, `${cls} injected (${p.anomalies[cls]})`);
    t.ok(run.counts[cls] > 0, `${cls} counted (${run.counts[cls]})`);
    const heading = new RegExp(`^\\(${SECTION[cls]}\\) Nedanstående`, 'm');
    t.match(run.resultList, heading, `section (${SECTION[cls]}) for ${cls}`);
  }
  // the classes are taken in turn, so each gets an equal share
  const injected = Object.values(p.anomalies);
  t.ok(Math.max(...injected) - Math.min(...injected) <= 2, `even spread ${injected.join(',')}`);
  for (const cls of ['termOrder', 'missingParameters', 'noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted'] as const) {
    t.equal(run.counts[cls], p[cls], `${cls}: every planned error chain, no other`);
  }
  t.equal(run.counts.duplicateFfgkurs, p.duplicateRows, 'duplicate rows as planned');
  t.equal(run.counts.orphans, p.orphanRows, 'orphan rows as planned');
  t.match(run.resultList, /Antal terminer som inte avslutats: 1$/m, 'one start term ran out of codes');
});

t.test('without --anomalies: no §5/§6 errors, no warning 11; the regular errors as planned', async (t) => {
  const run = await generateAndRun(t.testdir(), {});
  const p = run.stats.planned;
  t.same(Object.values(p.anomalies), ANOMALY_CLASSES.map(() => 0), 'nothing injected');
  for (const cls of ['noFreeOmgang', 'badCoursePoints', 'pointsTooLarge', 'codesExhausted', 'pointsOverMax'] as const) {
    t.equal(run.counts[cls], 0, `${cls}: none`);
  }
  t.equal(run.counts.termOrder, p.termOrder);
  t.equal(run.counts.missingParameters, p.missingParameters);
  t.ok(p.termOrder + p.missingParameters > 0, 'some regular record errors');
  t.equal(run.counts.duplicateFfgkurs, p.duplicateRows);
  t.equal(run.counts.orphans, p.orphanRows);
});

t.test('--format avro: the CLI counts the same as for csv', async (t) => {
  const dir = t.testdir({ csv: {}, avro: {} });
  const csv = await generateAndRun(join(dir, 'csv'), { anomalies: 0.05, chains: 1500 });
  const avro = await generateAndRun(join(dir, 'avro'), { anomalies: 0.05, chains: 1500, format: 'avro' });
  t.same(avro.counts, csv.counts);
  t.equal(avro.resultList, csv.resultList, 'the same result list');
});
