import t from 'tap';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, generate } from '../../bench/generate.js';
import {
  BLOCK_END, BLOCK_START, DEFAULT_SIZES, STREAMED, evaluateTargets, fieldSplit, formatRow, markdownBlock, median, parseBenchArgs, parseRows,
  rawRead, readSplit, replaceBlock, runBench, sizeLabel, type Measurement, type RunInfo,
} from '../../bench/run.js';

function m(chains: number, over: { rowsPerSecond?: number; split?: number; rssMiB?: number; exitCode?: number } = {}): Measurement {
  const rowsPerSecond = over.rowsPerSecond ?? 100_000;
  const split = over.split ?? 1_000_000;
  return {
    chains, inputRows: chains * 1.5, inputBytes: chains * 90, generateSeconds: 1, runSeconds: (chains * 1.5) / rowsPerSecond, rowsPerSecond,
    peakRssKb: over.rssMiB === undefined ? undefined : over.rssMiB * 1024, exitCode: over.exitCode ?? 0,
    chainsSummary: { created: 10, reused: 20, alreadyComplete: 30, withContinuation: 70 },
    floors: {
      rawRead: { seconds: 1, rowsPerSecond: 9e6 }, readSplit: { seconds: 1, rowsPerSecond: split },
      fieldSplit: { seconds: 1, rowsPerSecond: 3e6 }, parse: { seconds: 1, rowsPerSecond: 2e6 },
    },
    ratioToReadSplit: rowsPerSecond / split,
  };
}

const INFO: RunInfo = { date: '2026-11-25 12:00:00', node: 'v20', machine: 'linux x64, 2 × CPU', rssMethod: '/usr/bin/time -v', opts: { seed: 1, format: 'csv', anomalies: 0 } };

t.test('parseBenchArgs', async (t) => {
  const d = parseBenchArgs([], '/root');
  t.same(d.sizes, DEFAULT_SIZES);
  t.same(DEFAULT_SIZES, [100_000, 1_000_000, 5_000_000]);
  t.equal(d.resultsPath, '/root/bench/results.json');
  t.equal(d.readmePath, '/root/bench/README.md');
  t.equal(d.write, true);
  t.equal(d.repeat, 3, 'three runs per size by default');
  t.equal(parseBenchArgs(['--repeat', '5'], '/root').repeat, 5);
  const o = parseBenchArgs(['--sizes', '1000, 2000', '--format', 'avro', '--heap', '96', '--anomalies', '0.01', '--no-write', '--results', 'r.json', '--readme', 'R.md'], '/root');
  t.same(o.sizes, [1000, 2000]);
  t.equal(o.format, 'avro');
  t.equal(o.heapMb, 96);
  t.equal(o.anomalies, 0.01);
  t.equal(o.write, false);
  t.equal(o.resultsPath, 'r.json');
  t.equal(o.readmePath, 'R.md');
  for (const [argv, message] of [
    [['--sizes', '0'], /--sizes/], [['--sizes', '1e6'], /--sizes/], [['--format', 'json'], /--format/],
    [['--heap', 'x'], /--heap/], [['--anomalies', '1'], /--anomalies/], [['--seed', '-1'], /--seed/], [['--bogus'], /bogus/],
    [['--repeat', '0'], /--repeat/], [['--repeat', 'x'], /--repeat/],
  ] as [string[], RegExp][]) {
    t.throws(() => parseBenchArgs(argv, '/root'), { name: 'UsageError', message }, argv.join(' '));
  }
});

t.test('targets: throughput against floor (b), RSS limit, RSS ratio 5M ÷ 1M', async (t) => {
  const pass = evaluateTargets([m(100_000, { rssMiB: 200 }), m(1_000_000, { rssMiB: 300, rowsPerSecond: 500_000 }), m(5_000_000, { rssMiB: 390, rowsPerSecond: 600_000 })]);
  t.same(pass.throughput, [false, true, true], '10 % fails, 50 % and 60 % pass');
  t.same(pass.rssLimit, [true, true, true]);
  t.equal(pass.rssRatio?.from, 1_000_000);
  t.equal(pass.rssRatio?.to, 5_000_000);
  t.equal(pass.rssRatio?.ratio, 1.3);
  t.equal(pass.rssRatio?.pass, true, 'exactly 1.3 passes');
  const fail = evaluateTargets([m(1_000_000, { rssMiB: 300 }), m(5_000_000, { rssMiB: 520 })]);
  t.same(fail.rssLimit, [true, false], 'above 512 MiB fails');
  t.equal(fail.rssRatio?.pass, false, '520 ÷ 300 fails');
  const small = evaluateTargets([m(1000, { rssMiB: 100 }), m(3000, { rssMiB: 150 }), m(2000, { rssMiB: 120 })]);
  t.same([small.rssRatio?.from, small.rssRatio?.to, small.rssRatio?.pass], [2000, 3000, undefined], 'other sizes: the two largest, no verdict');
  const unknown = evaluateTargets([{ ...m(1_000_000), ratioToReadSplit: undefined }]);
  t.same(unknown.throughput, [undefined], 'no floor (b) (Avro): no verdict');
  t.same(unknown.rssLimit, [undefined], 'no RSS: no verdict');
  t.equal(unknown.rssRatio, undefined);
  t.equal(evaluateTargets([m(1_000_000, { rssMiB: 300 }), m(5_000_000, { rssMiB: 300, exitCode: 3 })]).rssRatio, undefined, 'a failed run has no ratio');
});

t.test('the Markdown block: one row per size with verdicts, and the ratio line', async (t) => {
  const ms = [m(1_000_000, { rssMiB: 300, rowsPerSecond: 200_000 }), m(5_000_000, { rssMiB: 330, rowsPerSecond: 600_000 })];
  const block = markdownBlock(INFO, ms, evaluateTargets(ms));
  const rows = block.split('\n').filter((l) => /^\| [0-9]/.test(l));
  t.equal(rows.length, 2);
  t.match(rows[0], /^\| 1M \| 1,500,000 \| 7\.5 \| 200,000 \| 300 \| 9,000,000 \| 1,000,000 \| 3,000,000 \| 2,000,000 \| 20 % \| FAIL \| pass \| 0 \| 10 \| 20 \|$/);
  t.match(rows[1], /^\| 5M \| .* \| 60 % \| pass \| pass \|/);
  t.match(block, /Peak RSS 5M ÷ 1M: \*\*1\.10\*\* \(target ≤ 1\.3\): \*\*pass\*\*\./);
  t.match(block, /seed 1, csv; peak RSS via \/usr\/bin\/time -v\./);
  t.equal(sizeLabel(100_000), '100k');
  t.equal(sizeLabel(5_000_000), '5M');
  t.equal(sizeLabel(1234), '1234');
  t.match(formatRow({ ...m(1000), peakRssKb: undefined, chainsSummary: undefined }, undefined, undefined), /\| \? \| .* \| – \| – \| 0 \| – \| – \|$/);
});

t.test('median of the repeated runs', async (t) => {
  t.equal(median([3]), 3);
  t.equal(median([245, 180, 214]), 214, 'odd count: the middle one, whatever the order');
  t.equal(median([4, 1, 3, 2]), 2.5, 'even count: the mean of the middle two');
  const row = formatRow({ ...m(1_000_000, { rssMiB: 180 }), peakRssMaxKb: 245 * 1024, runs: [{ seconds: 1, peakRssKb: 1 }, { seconds: 1, peakRssKb: 1 }] }, undefined, undefined);
  t.match(row, /^\| 1M \| [^|]+\| [^|]+\| [^|]+\| 180 \(245\) \|/, 'the RSS cell: median (largest)');
});

t.test('replaceBlock replaces only what is between the markers', async (t) => {
  const text = `# Bench\n\nintro\n\n${BLOCK_START}\nold table\n${BLOCK_END}\n\nafter\n`;
  const once = replaceBlock(text, 'new table');
  t.equal(once, `# Bench\n\nintro\n\n${BLOCK_START}\nnew table\n${BLOCK_END}\n\nafter\n`);
  t.equal(replaceBlock(once, 'new table'), once, 'idempotent');
  t.throws(() => replaceBlock('no markers', 'x'), /no <!-- bench:start -->/);
  t.throws(() => replaceBlock(`${BLOCK_END}\n${BLOCK_START}`, 'x'), /no <!-- bench:start -->/, 'markers in the wrong order');
  const quoted = `Between \`${BLOCK_START}\` and \`${BLOCK_END}\` goes the table.\n\n${BLOCK_START}\nold\n${BLOCK_END}\n`;
  t.equal(replaceBlock(quoted, 'new'), `Between \`${BLOCK_START}\` and \`${BLOCK_END}\` goes the table.\n\n${BLOCK_START}\nnew\n${BLOCK_END}\n`, 'markers quoted in prose are not the block');
  t.throws(() => replaceBlock(`x ${BLOCK_START}\n${BLOCK_END}`, 'x'), /on a line of its own/, 'a marker inside a line is not one');
});

t.test('floors count what is in the files, in every format', async (t) => {
  const dir = t.testdir();
  for (const format of ['csv', 'ndjson', 'avro'] as const) {
    const out = join(dir, format);
    const stats = await generate({ ...DEFAULTS, out, chains: 3000, seed: 9, format });
    const paths = STREAMED.map((x) => join(out, `${x}.${format}`));
    const rows = STREAMED.reduce((s, x) => s + stats.rows[x], 0);
    t.equal(await rawRead(paths), paths.reduce((s, p) => s + statSync(p).size, 0), `${format}: raw read sees every byte`);
    if (format !== 'avro') t.equal(await readSplit(paths), rows + (format === 'csv' ? 3 : 0), `${format}: one line per row (+ headers)`);
    if (format === 'csv') t.equal(await fieldSplit(paths), rows + 3, 'csv: field split sees every line');
    t.equal(await parseRows(out, format), rows, `${format}: the parser counts every row`);
  }
});

t.test('runBench on two small sizes writes results.json and the README block', async (t) => {
  const dir = t.testdir();
  const resultsPath = join(dir, 'results.json');
  const readmePath = join(dir, 'README.md');
  writeFileSync(readmePath, `# x\n${BLOCK_START}\n${BLOCK_END}\ntail\n`);
  const printed: string[] = [];
  const { measurements } = await runBench(
    { sizes: [1000, 3000], keep: false, seed: 2, format: 'csv', anomalies: 0.02, repeat: 2, resultsPath, readmePath, write: true },
    (s) => printed.push(s),
  );
  t.equal(measurements.length, 2);
  for (const x of measurements) {
    t.equal(x.exitCode, 0, `${x.chains}: eb50 exit 0`);
    t.ok(x.inputRows > x.chains, `${x.chains}: input rows ${x.inputRows}`);
    t.ok(x.rowsPerSecond > 0 && x.floors.rawRead.rowsPerSecond > 0 && x.floors.parse.rowsPerSecond > 0, 'rates measured');
    t.ok(x.peakRssKb !== undefined && x.peakRssKb > 10_000, `peak RSS ${x.peakRssKb} KiB`);
    t.equal(x.chainsSummary?.withContinuation !== undefined, true, 'summary.json read');
    t.equal(x.runs?.length, 2, 'eb50 ran twice');
    t.equal(x.runSeconds, median(x.runs!.map((r) => r.seconds)), 'the time is the median of the runs');
    t.ok(x.peakRssMaxKb! >= x.peakRssKb!, 'the largest RSS is at least the median');
  }
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { sizes: { chains: number; eb50: { exitCode: number }; floors: Record<string, unknown> }[]; targets: Record<string, unknown> };
  t.same(results.sizes.map((s) => s.chains), [1000, 3000]);
  t.same(Object.keys(results.sizes[0].floors), ['rawRead', 'readSplit', 'fieldSplit', 'parse']);
  t.equal(results.targets.rssLimitMiB, 512);
  const readme = readFileSync(readmePath, 'utf8');
  t.match(readme, /^# x\n<!-- bench:start -->\nMeasured .*eb50 ran 2 times per size.*\n\n\| chains \|/);
  t.match(readme, /\| 1k \| .*\n\| 3k \| /);
  t.match(readme, /<!-- bench:end -->\ntail\n$/);
  t.match(printed.join(''), /\| 3k \|/);
});
