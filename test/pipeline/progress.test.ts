import t from 'tap';
import { Progress, progressLine } from '../../pipeline/progress.js';

/** A Progress on a fake clock that records what it writes. */
function fake(enabled = true, checkEvery = 4096) {
  const out: string[] = [];
  const clock = { ms: 1000 };
  const progress = new Progress({ enabled, write: (s) => out.push(s), now: () => clock.ms, checkEvery });
  return { out, clock, progress };
}

t.test('progressLine: phase, rows read, rows/s', async (t) => {
  t.equal(progressLine('chains', 1234567, 10_000), 'eb50: chains: 1,234,567 rows read, 123,457 rows/s');
  t.equal(progressLine('catalog', 0, 0), 'eb50: catalog: 0 rows read, 0 rows/s');
  t.equal(progressLine('KTILLHST', 500, 1000), 'eb50: KTILLHST: 500 rows read, 500 rows/s');
  t.equal(progressLine('report', 0, 5), 'eb50: report: writing the result list and summary');
});

t.test('a phase shows at once, on one line rewritten with \\r', async (t) => {
  const { out, progress } = fake();
  progress.phase('catalog');
  t.same(out, ['\reb50: catalog: 0 rows read, 0 rows/s\x1b[K']);
});

t.test('redraws at most every 500 ms, looking at the clock every 4096 rows', async (t) => {
  const { out, clock, progress } = fake();
  let looks = 0;
  const counting = new Progress({ enabled: true, write: (s) => out.push(s), now: () => (looks++, clock.ms) });
  counting.phase('chains');
  looks = 0;
  for (let i = 0; i < 4095; i++) counting.add(1);
  t.equal(looks, 0, 'no look at the clock before 4096 rows');
  counting.add(1);
  t.equal(looks, 1, 'one look at 4096 rows');
  for (let i = 0; i < 4096 * 3; i++) counting.add(1);
  t.equal(looks, 4, 'one look per 4096 rows');

  out.length = 0;
  progress.phase('chains');
  out.length = 0;
  progress.add(4096); // 0 ms later: too soon
  t.same(out, [], 'no redraw before 500 ms');
  clock.ms += 499;
  progress.add(4096);
  t.same(out, [], 'still none at 499 ms');
  clock.ms += 1;
  progress.add(4096);
  t.same(out, ['\reb50: chains: 12,288 rows read, 24,576 rows/s\x1b[K'], 'a redraw at 500 ms with the rate over the phase');
  clock.ms += 100;
  progress.add(4096);
  t.equal(out.length, 1, 'not again 100 ms later');
  clock.ms += 400;
  progress.add(4096);
  t.equal(out.length, 2, 'again 500 ms after the last redraw');
});

t.test('a big batch counts at once', async (t) => {
  const { out, clock, progress } = fake();
  progress.phase('KTILLHST');
  clock.ms += 2000;
  progress.add(100_000);
  t.equal(out.at(-1), '\reb50: KTILLHST: 100,000 rows read, 50,000 rows/s\x1b[K');
});

t.test('a new phase starts its count and rate afresh', async (t) => {
  const { out, clock, progress } = fake(true, 1);
  progress.phase('catalog');
  clock.ms += 1000;
  progress.add(70_000);
  progress.phase('chains');
  t.equal(out.at(-1), '\reb50: chains: 0 rows read, 0 rows/s\x1b[K');
  t.equal(progress.rows, 0);
  clock.ms += 1000;
  progress.add(10);
  t.equal(out.at(-1), '\reb50: chains: 10 rows read, 10 rows/s\x1b[K');
});

t.test('clear erases a shown line once; the next redraw brings it back', async (t) => {
  const { out, clock, progress } = fake(true, 1);
  progress.clear();
  t.same(out, [], 'nothing to erase before anything was shown');
  progress.phase('chains');
  progress.clear();
  t.equal(out.at(-1), '\r\x1b[K');
  const n = out.length;
  progress.clear();
  t.equal(out.length, n, 'erased once only');
  clock.ms += 600;
  progress.add(1);
  t.match(out.at(-1), /^\reb50: chains: 1 rows read/);
});

t.test('end erases the line and nothing is drawn after it', async (t) => {
  const { out, clock, progress } = fake(true, 1);
  progress.phase('report');
  progress.end();
  t.equal(out.at(-1), '\r\x1b[K');
  const n = out.length;
  progress.phase('chains');
  clock.ms += 1000;
  progress.add(5000);
  progress.end();
  t.equal(out.length, n, 'silent after end');
});

t.test('disabled: writes nothing at all', async (t) => {
  const { out, clock, progress } = fake(false, 1);
  progress.phase('catalog');
  clock.ms += 1000;
  progress.add(10_000);
  progress.clear();
  progress.end();
  t.same(out, []);
  t.equal(progress.rows, 0, 'not even counting');
});

t.test('forStream: on only for a terminal, and not when quiet', async (t) => {
  const written: string[] = [];
  const stream = (isTTY: boolean | undefined) => ({ isTTY, write: (s: string) => written.push(s) });
  Progress.forStream(stream(undefined)).phase('catalog');
  Progress.forStream(stream(false)).phase('catalog');
  Progress.forStream(stream(true), true).phase('catalog');
  t.same(written, [], 'a pipe, a file, or --quiet: silent');
  Progress.forStream(stream(true)).phase('catalog');
  t.equal(written.length, 1, 'a terminal: drawn');
  Progress.silent.phase('chains');
  t.equal(written.length, 1, 'Progress.silent never draws');
});
