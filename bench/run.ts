/**
 * Benchmark runner (bench/README.md):
 *
 *   node dist/bench/run.js [--sizes 10000,100000,1000000] [--keep] [--seed S] [--format csv|ndjson]
 *
 * For each size: generate synthetic exports into a temp dir (bench/generate.ts),
 * run the real CLI on them as a child process,
 *
 *   node dist/bin/eb50.js run --input DIR --output OUT --leading-char Q
 *        --run-date 2015-02-23T10:41:50 --without-locks
 *
 * and measure wall time, rows/s (FFGKURS + FORTKURS + INREGFO rows per
 * second of wall time) and the child's peak RSS. Peak RSS comes from GNU
 * `/usr/bin/time -v` when `which time` finds one that understands `-v`;
 * otherwise the CLI is run inside a tiny wrapper (`node -e`) that imports
 * the CLI module and prints `process.resourceUsage().maxRSS` at exit.
 * Prints a table and appends a dated section to bench/results.md.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, platform, arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../pipeline/columns.js';
import { UsageError } from '../pipeline/errors.js';
import { DEFAULTS, generate, type GenerateFormat } from './generate.js';

export interface BenchOptions {
  sizes: number[];
  keep: boolean;
  seed: number;
  format: GenerateFormat;
  /** V8 old-space cap for the eb50 child, in MB (`--max-old-space-size`). */
  heapMb?: number;
}

export interface Measurement {
  chains: number;
  /** FFGKURS + FORTKURS + INREGFO rows: what eb50 streams. */
  streamedRows: number;
  generateSeconds: number;
  runSeconds: number;
  rowsPerSecond: number;
  /** Peak resident set size of the eb50 process, KiB; undefined if unknown. */
  peakRssKb: number | undefined;
  exitCode: number;
  /** From the run's summary.json, when it wrote one. */
  chainsSummary?: { created: number; reused: number; alreadyComplete: number; withContinuation: number };
  /** Where the data was kept (--keep). */
  dir?: string;
}

export const DEFAULT_SIZES = [10000, 100000, 1000000];
const RUN_DATE = '2015-02-23T10:41:50';
const RSS_MARK = 'EB50_BENCH_MAXRSS_KB=';
/** Keep only the end of the child's stderr: `time -v` prints last. */
const STDERR_TAIL = 64 * 1024;

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        sizes: { type: 'string' },
        keep: { type: 'boolean', default: false },
        seed: { type: 'string' },
        format: { type: 'string' },
        heap: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const sizes = values.sizes === undefined ? DEFAULT_SIZES : values.sizes.split(',').map((s) => s.trim());
  for (const s of sizes) {
    if (!/^[1-9][0-9]*$/.test(String(s))) throw new UsageError(`--sizes must be positive integers separated by commas, got ${JSON.stringify(values.sizes)}`);
  }
  const seed = values.seed ?? String(DEFAULTS.seed);
  if (!/^[0-9]+$/.test(seed) || Number(seed) > 0xffffffff) throw new UsageError(`--seed must be an integer 0–4294967295, got ${JSON.stringify(seed)}`);
  const format = values.format ?? DEFAULTS.format;
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError(`--format must be csv or ndjson, got ${JSON.stringify(format)}`);
  if (values.heap !== undefined && !/^[1-9][0-9]*$/.test(values.heap)) throw new UsageError(`--heap must be megabytes, got ${JSON.stringify(values.heap)}`);
  return { sizes: sizes.map(Number), keep: values.keep === true, seed: Number(seed), format, heapMb: values.heap === undefined ? undefined : Number(values.heap) };
}

/** GNU time, if `which time` finds one that understands `-v`. */
function findGnuTime(): string | undefined {
  let path: string;
  try {
    path = execFileSync('which', ['time'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // `which` found nothing (exit 1) or is missing
  }
  if (path === '') return undefined;
  const probe = spawnSync(path, ['-v', process.execPath, '-e', ''], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  return /Maximum resident set size/.test(probe.stderr ?? '') ? path : undefined;
}

/** The wrapper: argv[1] is the CLI module, the rest are its arguments, so
 *  the CLI's `process.argv.slice(2)` sees exactly them. */
const WRAPPER = `
process.on('exit', () => { process.stderr.write('\\n${RSS_MARK}' + process.resourceUsage().maxRSS + '\\n'); });
const { pathToFileURL } = await import('node:url');
await import(pathToFileURL(process.argv[1]).href);
`;

interface ChildResult {
  exitCode: number;
  seconds: number;
  peakRssKb: number | undefined;
  stderrTail: string;
}

function runChild(command: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const gnu = /Maximum resident set size \(kbytes\): (\d+)/.exec(tail);
      const mark = new RegExp(`${RSS_MARK}(\\d+)`).exec(tail);
      const rss = gnu?.[1] ?? mark?.[1];
      resolve({ exitCode: code ?? (signal ? 128 : 1), seconds, peakRssKb: rss === undefined ? undefined : Number(rss), stderrTail: tail });
    });
  });
}

function readSummary(output: string): Measurement['chainsSummary'] {
  const path = join(output, 'summary.json');
  if (!existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as { chains?: Record<string, number> };
    const c = s.chains ?? {};
    return { created: c.created ?? 0, reused: c.reused ?? 0, alreadyComplete: c.alreadyComplete ?? 0, withContinuation: c.withContinuation ?? 0 };
  } catch {
    return undefined;
  }
}

async function measure(chains: number, opts: BenchOptions, cli: string, gnuTime: string | undefined): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), `eb50-bench-${chains}-`));
  const input = join(dir, 'input');
  const output = join(dir, 'output');
  try {
    const g0 = performance.now();
    const stats = await generate({ out: input, chains, seed: opts.seed, format: opts.format, newShare: DEFAULTS.newShare, errorShare: DEFAULTS.errorShare });
    const generateSeconds = (performance.now() - g0) / 1000;
    const cliArgs = ['run', '--input', input, '--output', output, '--leading-char', 'Q', '--run-date', RUN_DATE, '--without-locks'];
    // --heap caps V8's old space: a run that finishes under a small cap at
    // every size shows that memory does not grow with the streamed tables.
    const nodeFlags = opts.heapMb === undefined ? [] : [`--max-old-space-size=${opts.heapMb}`];
    const child = gnuTime !== undefined
      ? await runChild(gnuTime, ['-v', process.execPath, ...nodeFlags, cli, ...cliArgs])
      : await runChild(process.execPath, [...nodeFlags, '--input-type=module', '-e', WRAPPER, cli, ...cliArgs]);
    if (child.exitCode !== 0) {
      const last = child.stderrTail.split('\n').filter((l) => l.startsWith('eb50')).slice(-3).join('\n');
      process.stderr.write(`eb50 exited ${child.exitCode} for ${chains} chains${last ? `:\n${last}` : ''}\n`);
    }
    const streamedRows = stats.rows.FFGKURS + stats.rows.FORTKURS + stats.rows.INREGFO;
    return {
      chains,
      streamedRows,
      generateSeconds,
      runSeconds: child.seconds,
      rowsPerSecond: streamedRows / child.seconds,
      peakRssKb: child.peakRssKb,
      exitCode: child.exitCode,
      chainsSummary: readSummary(output),
      dir: opts.keep ? dir : undefined,
    };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

const HEADER = '| chains | streamed rows | generate s | eb50 s | rows/s | peak RSS MiB | exit | created | reused | complete |';
const RULE = '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';

export function formatRow(m: Measurement): string {
  const s = m.chainsSummary;
  const cells = [
    m.chains.toLocaleString('en-US'),
    m.streamedRows.toLocaleString('en-US'),
    m.generateSeconds.toFixed(1),
    m.runSeconds.toFixed(1),
    Math.round(m.rowsPerSecond).toLocaleString('en-US'),
    m.peakRssKb === undefined ? '?' : (m.peakRssKb / 1024).toFixed(0),
    String(m.exitCode),
    s === undefined ? '–' : String(s.created),
    s === undefined ? '–' : String(s.reused),
    s === undefined ? '–' : String(s.alreadyComplete),
  ];
  return `| ${cells.join(' | ')} |`;
}

async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\nUsage: node dist/bench/run.js [--sizes 10000,100000,1000000] [--keep] [--seed S] [--format csv|ndjson]\n`);
    return 2;
  }
  const root = projectRoot();
  const cli = join(root, 'dist', 'bin', 'eb50.js');
  if (!existsSync(cli)) {
    process.stderr.write(`bench: ${cli} not found; run \`npm run build\` first\n`);
    return 1;
  }
  const gnuTime = findGnuTime();
  const how = gnuTime !== undefined ? `${gnuTime} -v` : 'process.resourceUsage() wrapper';
  const started = new Date();
  process.stdout.write(`eb50 benchmark, seed ${opts.seed}, ${opts.format}, peak RSS via ${how}\n${HEADER}\n${RULE}\n`);
  const rows: string[] = [];
  for (const size of opts.sizes) {
    const m = await measure(size, opts, cli, gnuTime);
    const row = formatRow(m);
    rows.push(row);
    process.stdout.write(`${row}${m.dir ? `  (kept: ${m.dir})` : ''}\n`);
  }
  const cpu = cpus();
  const section = [
    '',
    `## ${started.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    '',
    `Node ${process.version}, ${platform()} ${arch()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}; ` +
      `seed ${opts.seed}, ${opts.format}, new share ${DEFAULTS.newShare * 100} %, error share ${DEFAULTS.errorShare * 100} %; ` +
      `peak RSS via ${how}` + (opts.heapMb === undefined ? '.' : `; eb50 run with --max-old-space-size=${opts.heapMb}.`),
    '',
    HEADER,
    RULE,
    ...rows,
    '',
  ].join('\n');
  appendFileSync(join(root, 'bench', 'results.md'), section);
  process.stdout.write(`appended to ${join(root, 'bench', 'results.md')}\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
