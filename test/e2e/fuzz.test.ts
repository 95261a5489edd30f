/**
 * Damaged exports (issue #5): 2,000 mutations of data/sample (bench/mutate.ts:
 * byte flips, truncation, stray quotes, moved lines, Latin-1 bytes and whole
 * files in the wrong encoding, header damage, lost and doubled columns, mixed
 * line ends; in CSV, NDJSON, JSON and Avro) run in this process through
 * `run()`; each must end in exit 0 or a typed exit-3 error naming the damaged
 * file, with the previous outputs untouched and no temp file or lock left.
 * A few dozen more go through the real CLI: exit 0 or 3, no stack trace.
 * `node dist/bench/fuzz.js --count 10000` runs more on demand.
 */
import t from 'tap';
import { join } from 'node:path';
import { describeCase, fuzzRange, prepareFuzz, type FuzzOutcome, type FuzzResult } from '../../bench/fuzz.js';
import { caseRand, mutate, OPERATOR_NAMES } from '../../bench/mutate.js';
import { mulberry32 } from '../../bench/generate.js';

const SEED = 5;
const CASES = 2000;
const CLI_CASES = 30;

function tallyOf(outcomes: FuzzOutcome[]): Record<FuzzResult, number> {
  const tally: Record<FuzzResult, number> = { passed: 0, rejected: 0, locked: 0, failure: 0 };
  for (const o of outcomes) tally[o.result]++;
  return tally;
}

// The CLI cases run in child processes beside the in-process ones, so a
// second core has work while this one runs `run()`.
t.test(`${CASES} damaged exports in-process and ${CLI_CASES} through the real CLI`, async (t) => {
  const dir = t.testdir();
  const [inProcess, cli] = await Promise.all([
    prepareFuzz(join(dir, 'in-process'), 4).then(async (h) => {
      const outcomes: FuzzOutcome[] = [];
      await fuzzRange(h, SEED, 0, CASES, (o) => outcomes.push(o));
      return outcomes;
    }),
    prepareFuzz(join(dir, 'cli'), 2).then(async (h) => {
      const outcomes: FuzzOutcome[] = [];
      await fuzzRange(h, SEED + 1, 0, CLI_CASES, (o) => outcomes.push(o), true);
      return outcomes;
    }),
  ]);

  t.test('in-process: exit 0, or exit 3 naming the file with the outputs untouched, no temp file', async (t) => {
    const failures = inProcess.filter((o) => o.result === 'failure');
    t.same(failures.map((o) => `${describeCase(o)}: ${o.detail}`), [], 'no failure (repeat one with node dist/bench/fuzz.js --seed S --start I --count 1)');
    const tally = tallyOf(inProcess);
    t.equal(inProcess.length, CASES);
    t.ok(tally.rejected > CASES / 3, `most damage is caught: ${JSON.stringify(tally)}`);
    t.ok(tally.passed > 0, 'some damage is harmless (a byte flip in a value, CRLF line ends)');
    const formats = new Set(inProcess.filter((o) => o.result === 'rejected').map((o) => o.format));
    t.same([...formats].sort(), ['avro', 'csv', 'json', 'ndjson'], 'rejections in every input format');
  });

  t.test('through the CLI: exit 0 or 3, never a stack trace', async (t) => {
    t.same(cli.filter((o) => o.result === 'failure').map((o) => `${describeCase(o)}: ${o.detail}`), []);
    t.equal(cli.length, CLI_CASES);
    t.ok(tallyOf(cli).rejected > 0, JSON.stringify(tallyOf(cli)));
  });
});

t.test('the mutator: reproducible from seed and case, and every operator changes the bytes', async (t) => {
  const sample = Buffer.from('TERMIN;STARTV;SLUTV;BENAMNING\n19761;1976-01-12;1976-05-30;Vårterminen 1976\n19762;1976-08-23;1977-01-16;Höstterminen 1976\n', 'utf8');
  t.same(mutate(sample, caseRand(3, 17)), mutate(sample, caseRand(3, 17)), 'same seed and case, same damage');
  t.not(mutate(sample, caseRand(3, 17)).ops.join(), mutate(sample, caseRand(3, 18)).ops.join(), 'another case, other damage');
  const seen = new Set<string>();
  const rand = mulberry32(1);
  for (let i = 0; i < 2000; i++) {
    const m = mutate(sample, rand);
    for (const op of m.ops) seen.add(op.split(/[@:]/)[0]);
  }
  t.same([...seen].sort(), [...OPERATOR_NAMES].sort(), 'every operator is used');
  let unchanged = 0;
  for (let i = 0; i < 500; i++) if (mutate(sample, rand).bytes.equals(sample)) unchanged++;
  t.ok(unchanged < 15, `almost every mutation damages the file (${unchanged} of 500 left it as it was)`);
});
