/**
 * Benchmark runner (bench/README.md):
 *
 *   node dist/bench/run.js [--sizes 100000,1000000,5000000] [--keep] [--seed S]
 *                          [--format csv|ndjson|avro] [--heap MB] [--anomalies RATE] [--repeat N]
 *                          [--results FILE] [--readme FILE] [--no-write]
 *
 * For each size: generate synthetic exports into a temp dir (bench/generate.ts),
 * run the real CLI on them as a child process,
 *
 *   node dist/bin/eb50.js run --input DIR --output OUT --leading-char Q
 *        --run-date 2015-02-23T10:41:50 --without-locks --quiet
 *
 * and measure wall time, input rows/s (FFGKURS + FORTKURS + INREGFO data
 * rows per second of wall time) and the child's peak RSS. Peak RSS comes
 * from GNU `/usr/bin/time -v` when `which time` finds one that understands
 * `-v`; otherwise the CLI runs inside a tiny wrapper (`node -e`) that
 * imports the CLI module and prints `process.resourceUsage().maxRSS` at exit.
 *
 * Then, on the same three files, in this process, the floors:
 *   (a) raw read: the bytes through fs.createReadStream, discarded;
 *   (b) read + line split: the bytes decoded as UTF-8 and split into line
 *       strings (what any line-based parser does at the least);
 *   (b′) for information: (b) and each line split at `;` as well — a naive
 *       CSV parse without quoting or row objects (the issue's "read +
 *       split ≈ 1M rows/s" is of this kind);
 *   (c) parse: eb50's own reader (pipeline/read-table.ts openTableFile),
 *       every row built and counted, nothing else.
 * Each as input rows / seconds, plus eb50's rows/s ÷ floor (b).
 *
 * Targets (reported, never asserted): peak RSS at 5M chains ≤ 1.3 × at 1M
 * and ≤ 512 MiB; eb50 rows/s ≥ 50 % of floor (b). Writes bench/results.json
 * and replaces the block between `<!-- bench:start -->` and
 * `<!-- bench:end -->` in bench/README.md with the Markdown table.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../pipeline/columns.js';
import { UsageError } from '../pipeline/errors.js';
import { openTableFile, type TableReader } from '../pipeline/read-table.js';
import type { SourceRow } from '../pipeline/types.js';
import { DEFAULTS, GENERATE_FORMATS, generate, type GenerateFormat } from './generate.js';

export interface BenchOptions {
  sizes: number[];
  keep: boolean;
  seed: number;
  format: GenerateFormat;
  /** V8 old-space cap for the eb50 child, in MB (`--max-old-space-size`). */
  heapMb?: number;
  /** `generate --anomalies`; default 0. */
  anomalies: number;
  /** eb50 runs and floor measurements per size (default 3): eb50's time
   *  and peak RSS are the medians, each floor the fastest. */
  repeat: number;
  /** Where results.json and the README table go; `write: false` writes neither. */
  resultsPath: string;
  readmePath: string;
  write: boolean;
}

/** The streamed tables: what eb50 reads row by row, and the floors read. */
export const STREAMED = ['FFGKURS', 'FORTKURS', 'INREGFO'] as const;

export interface Floor {
  seconds: number;
  rowsPerSecond: number;
}

export interface Floors {
  /** (a) the bytes read and discarded. */
  rawRead: Floor;
  /** (b) decoded and split into lines; undefined for Avro (not lines). */
  readSplit: Floor | undefined;
  /** (b′) lines split into fields too; CSV only. */
  fieldSplit: Floor | undefined;
  /** (c) eb50's reader: every row built. */
  parse: Floor;
}

export interface Measurement {
  chains: number;
  /** FFGKURS + FORTKURS + INREGFO data rows: what eb50 streams. */
  inputRows: number;
  /** Bytes of those three files. */
  inputBytes: number;
  generateSeconds: number;
  /** Median wall time of the eb50 runs. */
  runSeconds: number;
  rowsPerSecond: number;
  /** Median peak resident set size of the eb50 runs, KiB; undefined if unknown. */
  peakRssKb: number | undefined;
  /** The largest peak RSS of the runs, KiB. */
  peakRssMaxKb?: number;
  /** Every eb50 run: wall seconds and peak RSS KiB. */
  runs?: { seconds: number; peakRssKb: number | undefined }[];
  /** The first non-zero exit code of the runs, else 0. */
  exitCode: number;
  /** From the run's summary.json, when it wrote one. */
  chainsSummary?: { created: number; reused: number; alreadyComplete: number; withContinuation: number };
  floors: Floors;
  /** rowsPerSecond ÷ floors.readSplit.rowsPerSecond. */
  ratioToReadSplit: number | undefined;
  /** Where the data was kept (--keep). */
  dir?: string;
}

/** Pass/fail of the issue's targets; undefined when not measurable. */
export interface Targets {
  /** Every size: eb50 rows/s ≥ THROUGHPUT_SHARE × floor (b). */
  throughput: (boolean | undefined)[];
  /** Every size: peak RSS ≤ RSS_LIMIT_MIB. */
  rssLimit: (boolean | undefined)[];
  /** Peak RSS of 5M ÷ 1M chains when both ran, with its verdict;
   *  otherwise of the two largest sizes, for information (no verdict: the
   *  catalog still grows below 90 000 chains). */
  rssRatio: { from: number; to: number; ratio: number; pass: boolean | undefined } | undefined;
}

export const DEFAULT_SIZES = [100_000, 1_000_000, 5_000_000];
export const THROUGHPUT_SHARE = 0.5;
export const RSS_LIMIT_MIB = 512;
export const RSS_RATIO_LIMIT = 1.3;
export const DEFAULT_REPEAT = 3;
const RUN_DATE = '2015-02-23T10:41:50';
const RSS_MARK = 'EB50_BENCH_MAXRSS_KB=';
/** Keep only the end of the child's stderr: `time -v` prints last. */
const STDERR_TAIL = 64 * 1024;
const CHUNK = 64 * 1024;
export const BLOCK_START = '<!-- bench:start -->';
export const BLOCK_END = '<!-- bench:end -->';

export const BENCH_USAGE = `Usage: node dist/bench/run.js [--sizes 100000,1000000,5000000] [--keep] [--seed S] [--format csv|ndjson|avro]
                             [--heap MB] [--anomalies RATE] [--repeat N] [--results FILE] [--readme FILE] [--no-write]`;

export function parseBenchArgs(argv: string[], root = projectRoot()): BenchOptions {
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
        anomalies: { type: 'string' },
        repeat: { type: 'string' },
        results: { type: 'string' },
        readme: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const sizes = values.sizes === undefined ? DEFAULT_SIZES.map(String) : values.sizes.split(',').map((s) => s.trim());
  for (const s of sizes) {
    if (!/^[1-9][0-9]*$/.test(s)) throw new UsageError(`--sizes must be positive integers separated by commas, got ${JSON.stringify(values.sizes)}`);
  }
  const seed = values.seed ?? String(DEFAULTS.seed);
  if (!/^[0-9]+$/.test(seed) || Number(seed) > 0xffffffff) throw new UsageError(`--seed must be an integer 0–4294967295, got ${JSON.stringify(seed)}`);
  const format = (values.format ?? DEFAULTS.format) as GenerateFormat;
  if (!GENERATE_FORMATS.includes(format)) throw new UsageError(`--format must be csv, ndjson or avro, got ${JSON.stringify(format)}`);
  if (values.heap !== undefined && !/^[1-9][0-9]*$/.test(values.heap)) throw new UsageError(`--heap must be megabytes, got ${JSON.stringify(values.heap)}`);
  const anomalies = Number(values.anomalies ?? '0');
  if (values.anomalies?.trim() === '' || !Number.isFinite(anomalies) || anomalies < 0 || anomalies >= 1) {
    throw new UsageError(`--anomalies must be a rate 0 ≤ r < 1, got ${JSON.stringify(values.anomalies)}`);
  }
  const repeat = values.repeat ?? String(DEFAULT_REPEAT);
  if (!/^[1-9][0-9]?$/.test(repeat)) throw new UsageError(`--repeat must be an integer 1–99, got ${JSON.stringify(values.repeat)}`);
  return {
    sizes: sizes.map(Number),
    repeat: Number(repeat),
    keep: values.keep === true,
    seed: Number(seed),
    format,
    heapMb: values.heap === undefined ? undefined : Number(values.heap),
    anomalies,
    resultsPath: values.results ?? join(root, 'bench', 'results.json'),
    readmePath: values.readme ?? join(root, 'bench', 'README.md'),
    write: values['no-write'] !== true,
  };
}

// ---------------------------------------------------------------- floors

function floor(rows: number, started: number): Floor {
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rowsPerSecond: rows / seconds };
}

/** (a) The files' bytes, read and discarded; returns the byte count. */
export async function rawRead(paths: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const path of paths) {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) bytes += (chunk as Buffer).length;
  }
  return bytes;
}

/** (b) The files decoded as UTF-8 and split into line strings; returns the
 *  number of non-empty lines (header lines included). */
export async function readSplit(paths: readonly string[]): Promise<number> {
  let lines = 0;
  for (const path of paths) {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
      const parts = (carry + decoder.write(chunk as Buffer)).split('\n');
      carry = parts.pop()!;
      for (const line of parts) if (line.length > 0) lines++;
    }
    if ((carry + decoder.end()).length > 0) lines++;
  }
  return lines;
}

/** (b′) As (b), each line also split at `;`; returns the number of
 *  non-empty lines. */
export async function fieldSplit(paths: readonly string[]): Promise<number> {
  let lines = 0;
  let fields = 0;
  for (const path of paths) {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
      const parts = (carry + decoder.write(chunk as Buffer)).split('\n');
      carry = parts.pop()!;
      for (const line of parts) {
        if (line.length === 0) continue;
        lines++;
        fields += line.split(';').length;
      }
    }
    if ((carry + decoder.end()).length > 0) lines++;
  }
  return fields >= lines ? lines : -1; // fields used, so the split is not optimised away
}

type Batched = TableReader & { batches?: () => AsyncIterable<SourceRow[]> };

/** (c) Every row of the files through eb50's reader, counted; the batch
 *  interface when the reader has one (what `eb50 run` uses). */
export async function parseRows(dir: string, format: GenerateFormat): Promise<number> {
  let rows = 0;
  for (const table of STREAMED) {
    const reader = (await openTableFile(join(dir, `${table}.${format}`), table, format, { encoding: 'utf8' })) as Batched;
    if (reader.batches !== undefined) {
      for await (const batch of reader.batches()) rows += batch.length;
    } else {
      for await (const row of reader.rows()) if (row) rows++;
    }
  }
  return rows;
}

/** The three floors on the streamed files in `dir`; `inputRows` is the
 *  divisor for all of them, so the rates compare with eb50's. */
export async function measureFloors(dir: string, format: GenerateFormat, inputRows: number): Promise<Floors> {
  const paths = STREAMED.map((t) => join(dir, `${t}.${format}`));
  let t0 = performance.now();
  await rawRead(paths);
  const rawFloor = floor(inputRows, t0);
  let splitFloor: Floor | undefined;
  if (format !== 'avro') {
    t0 = performance.now();
    const lines = await readSplit(paths);
    splitFloor = floor(inputRows, t0);
    const expected = inputRows + (format === 'csv' ? STREAMED.length : 0);
    if (lines !== expected) throw new Error(`read + split found ${lines} lines, expected ${expected}`);
  }
  let fieldFloor: Floor | undefined;
  if (format === 'csv') {
    t0 = performance.now();
    const lines = await fieldSplit(paths);
    fieldFloor = floor(inputRows, t0);
    if (lines !== inputRows + STREAMED.length) throw new Error(`read + field split found ${lines} lines, expected ${inputRows + STREAMED.length}`);
  }
  t0 = performance.now();
  const parsed = await parseRows(dir, format);
  const parseFloor = floor(inputRows, t0);
  if (parsed !== inputRows) throw new Error(`the parser read ${parsed} rows, expected ${inputRows}`);
  return { rawRead: rawFloor, readSplit: splitFloor, fieldSplit: fieldFloor, parse: parseFloor };
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The floors measured `times` times; each floor is its fastest run (a
 *  floor is what the machine can do at best). */
export async function fastestFloors(dir: string, format: GenerateFormat, inputRows: number, times: number): Promise<Floors> {
  const all: Floors[] = [];
  for (let i = 0; i < times; i++) all.push(await measureFloors(dir, format, inputRows));
  const best = (pick: (f: Floors) => Floor | undefined): Floor | undefined =>
    all.map(pick).reduce<Floor | undefined>((a, b) => (a === undefined || (b !== undefined && b.seconds < a.seconds) ? b : a), undefined);
  return { rawRead: best((f) => f.rawRead)!, readSplit: best((f) => f.readSplit), fieldSplit: best((f) => f.fieldSplit), parse: best((f) => f.parse)! };
}

// ---------------------------------------------------------------- the eb50 run

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

export async function measure(chains: number, opts: BenchOptions, cli: string, gnuTime: string | undefined): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), `eb50-bench-${chains}-`));
  const input = join(dir, 'input');
  const output = join(dir, 'output');
  try {
    const g0 = performance.now();
    const stats = await generate({
      out: input, chains, seed: opts.seed, format: opts.format,
      newShare: DEFAULTS.newShare, errorShare: DEFAULTS.errorShare, anomalies: opts.anomalies,
    });
    const generateSeconds = (performance.now() - g0) / 1000;
    const cliArgs = ['run', '--input', input, '--output', output, '--leading-char', 'Q', '--run-date', RUN_DATE, '--without-locks', '--quiet'];
    // --heap caps V8's old space: a run that finishes under a small cap at
    // every size shows that memory does not grow with the streamed tables.
    const nodeFlags = opts.heapMb === undefined ? [] : [`--max-old-space-size=${opts.heapMb}`];
    // Wall time and peak RSS vary by ±20 % between identical runs on a
    // shared VM (V8 sizes its heap by the allocation rate it sees), so every
    // size runs `repeat` times on the same files and reports the medians.
    const runs: ChildResult[] = [];
    for (let i = 0; i < opts.repeat; i++) {
      rmSync(output, { recursive: true, force: true });
      const child = gnuTime !== undefined
        ? await runChild(gnuTime, ['-v', process.execPath, ...nodeFlags, cli, ...cliArgs])
        : await runChild(process.execPath, [...nodeFlags, '--input-type=module', '-e', WRAPPER, cli, ...cliArgs]);
      if (child.exitCode !== 0) {
        const last = child.stderrTail.split('\n').filter((l) => l.startsWith('eb50')).slice(-3).join('\n');
        process.stderr.write(`eb50 exited ${child.exitCode} for ${chains} chains${last ? `:\n${last}` : ''}\n`);
      }
      runs.push(child);
    }
    const inputRows = STREAMED.reduce((sum, t) => sum + stats.rows[t], 0);
    const inputBytes = await rawRead(STREAMED.map((t) => join(input, `${t}.${opts.format}`)));
    const floors = await fastestFloors(input, opts.format, inputRows, opts.repeat);
    const rss = runs.map((r) => r.peakRssKb).filter((k): k is number => k !== undefined);
    const runSeconds = median(runs.map((r) => r.seconds));
    const rowsPerSecond = inputRows / runSeconds;
    return {
      chains,
      inputRows,
      inputBytes,
      generateSeconds,
      runSeconds,
      rowsPerSecond,
      peakRssKb: rss.length === runs.length ? median(rss) : undefined,
      peakRssMaxKb: rss.length === 0 ? undefined : Math.max(...rss),
      runs: runs.map((r) => ({ seconds: r.seconds, peakRssKb: r.peakRssKb })),
      exitCode: runs.find((r) => r.exitCode !== 0)?.exitCode ?? 0,
      chainsSummary: readSummary(output),
      floors,
      ratioToReadSplit: floors.readSplit === undefined ? undefined : rowsPerSecond / floors.readSplit.rowsPerSecond,
      dir: opts.keep ? dir : undefined,
    };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- targets and report

const mib = (kb: number | undefined): number | undefined => (kb === undefined ? undefined : kb / 1024);

export function evaluateTargets(ms: readonly Measurement[]): Targets {
  const throughput = ms.map((m) => (m.ratioToReadSplit === undefined ? undefined : m.ratioToReadSplit >= THROUGHPUT_SHARE));
  const rssLimit = ms.map((m) => (m.peakRssKb === undefined ? undefined : mib(m.peakRssKb)! <= RSS_LIMIT_MIB));
  const withRss = ms.filter((m) => m.peakRssKb !== undefined && m.exitCode === 0);
  const at = (n: number) => withRss.find((m) => m.chains === n);
  let pair: [Measurement, Measurement] | undefined;
  const target = at(1_000_000) !== undefined && at(5_000_000) !== undefined;
  if (target) pair = [at(1_000_000)!, at(5_000_000)!];
  else if (withRss.length >= 2) {
    const sorted = [...withRss].sort((a, b) => a.chains - b.chains);
    pair = [sorted[sorted.length - 2], sorted[sorted.length - 1]];
  }
  const rssRatio = pair === undefined
    ? undefined
    : (() => {
        const ratio = pair[1].peakRssKb! / pair[0].peakRssKb!;
        return { from: pair[0].chains, to: pair[1].chains, ratio, pass: target ? ratio <= RSS_RATIO_LIMIT : undefined };
      })();
  return { throughput, rssLimit, rssRatio };
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');
const verdict = (pass: boolean | undefined): string => (pass === undefined ? '–' : pass ? 'pass' : 'FAIL');
/** 5 000 000 → 5M, 100 000 → 100k. */
export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

const HEADER = '| chains | input rows | eb50 s | eb50 rows/s | peak RSS MiB (max) | (a) raw read rows/s | (b) read + line split rows/s | (b′) + field split rows/s | (c) parse rows/s | eb50 ÷ (b) | ≥ 50 % of (b) | RSS ≤ 512 MiB | exit | created | reused |';
const RULE = '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|---:|---:|---:|';

export function formatRow(m: Measurement, throughput: boolean | undefined, rssLimit: boolean | undefined): string {
  const s = m.chainsSummary;
  const rss = mib(m.peakRssKb);
  const cells = [
    sizeLabel(m.chains),
    num(m.inputRows),
    m.runSeconds.toFixed(1),
    num(m.rowsPerSecond),
    rss === undefined ? '?' : m.peakRssMaxKb === undefined || (m.runs?.length ?? 1) < 2 ? rss.toFixed(0) : `${rss.toFixed(0)} (${mib(m.peakRssMaxKb)!.toFixed(0)})`,
    num(m.floors.rawRead.rowsPerSecond),
    m.floors.readSplit === undefined ? '–' : num(m.floors.readSplit.rowsPerSecond),
    m.floors.fieldSplit === undefined ? '–' : num(m.floors.fieldSplit.rowsPerSecond),
    num(m.floors.parse.rowsPerSecond),
    m.ratioToReadSplit === undefined ? '–' : `${(m.ratioToReadSplit * 100).toFixed(0)} %`,
    verdict(throughput),
    verdict(rssLimit),
    String(m.exitCode),
    s === undefined ? '–' : num(s.created),
    s === undefined ? '–' : num(s.reused),
  ];
  return `| ${cells.join(' | ')} |`;
}

export interface RunInfo {
  date: string;
  node: string;
  machine: string;
  rssMethod: string;
  opts: Pick<BenchOptions, 'seed' | 'format' | 'heapMb' | 'anomalies'> & { repeat?: number };
}

/** The Markdown block: what ran where, the table, the ratio line. */
export function markdownBlock(info: RunInfo, ms: readonly Measurement[], targets: Targets): string {
  const r = targets.rssRatio;
  const ratioLine = r === undefined
    ? 'Peak RSS ratio: needs two sizes.'
    : r.pass === undefined
      ? `Peak RSS ${sizeLabel(r.to)} ÷ ${sizeLabel(r.from)}: ${r.ratio.toFixed(2)} (the target ≤ ${RSS_RATIO_LIMIT} is for 5M ÷ 1M).`
      : `Peak RSS ${sizeLabel(r.to)} ÷ ${sizeLabel(r.from)}: **${r.ratio.toFixed(2)}** (target ≤ ${RSS_RATIO_LIMIT}): **${verdict(r.pass)}**.`;
  return [
    `Measured ${info.date} UTC, Node ${info.node}, ${info.machine}; generator seed ${info.opts.seed}, ${info.opts.format}` +
      `${info.opts.anomalies > 0 ? `, anomalies ${info.opts.anomalies}` : ''}; peak RSS via ${info.rssMethod}` +
      `${(info.opts.repeat ?? 1) > 1 ? `; eb50 ran ${info.opts.repeat} times per size (median time and RSS, the largest RSS in brackets), each floor is the fastest of ${info.opts.repeat}` : ''}` +
      `${info.opts.heapMb === undefined ? '' : `; eb50 under --max-old-space-size=${info.opts.heapMb}`}.`,
    '',
    HEADER,
    RULE,
    ...ms.map((m, i) => formatRow(m, targets.throughput[i], targets.rssLimit[i])),
    '',
    ratioLine,
  ].join('\n');
}

/** The offset of `marker` standing alone on a line (prose may quote it). */
function markerLine(text: string, marker: string, from = 0): number {
  for (let i = text.indexOf(marker, from); i >= 0; i = text.indexOf(marker, i + 1)) {
    const end = i + marker.length;
    if ((i === 0 || text[i - 1] === '\n') && (end === text.length || text[end] === '\n')) return i;
  }
  return -1;
}

/** `text` with the lines between the two marker lines replaced by `block`. */
export function replaceBlock(text: string, block: string): string {
  const start = markerLine(text, BLOCK_START);
  const end = start < 0 ? -1 : markerLine(text, BLOCK_END, start);
  if (start < 0 || end < 0) throw new Error(`no ${BLOCK_START} … ${BLOCK_END} block (each marker on a line of its own)`);
  return `${text.slice(0, start + BLOCK_START.length)}\n${block}\n${text.slice(end)}`;
}

/** results.json: the run and every size, machine-readable. */
export function resultsJson(info: RunInfo, ms: readonly Measurement[], targets: Targets): string {
  const sizes = ms.map((m, i) => ({
    chains: m.chains,
    inputRows: m.inputRows,
    inputBytes: m.inputBytes,
    generateSeconds: m.generateSeconds,
    eb50: {
      seconds: m.runSeconds, rowsPerSecond: m.rowsPerSecond, peakRssMiB: mib(m.peakRssKb) ?? null, peakRssMaxMiB: mib(m.peakRssMaxKb) ?? null,
      exitCode: m.exitCode, runs: (m.runs ?? []).map((r) => ({ seconds: r.seconds, peakRssMiB: mib(r.peakRssKb) ?? null })),
    },
    floors: {
      rawRead: m.floors.rawRead,
      readSplit: m.floors.readSplit ?? null,
      fieldSplit: m.floors.fieldSplit ?? null,
      parse: m.floors.parse,
    },
    ratioToReadSplit: m.ratioToReadSplit ?? null,
    chainsSummary: m.chainsSummary ?? null,
    targets: { throughput: targets.throughput[i] ?? null, rssLimit: targets.rssLimit[i] ?? null },
  }));
  return `${JSON.stringify({
    ...info,
    targets: {
      throughputShareOfReadSplit: THROUGHPUT_SHARE,
      rssLimitMiB: RSS_LIMIT_MIB,
      rssRatioLimit: RSS_RATIO_LIMIT,
      rssRatio: targets.rssRatio === undefined ? null : { ...targets.rssRatio, pass: targets.rssRatio.pass ?? null },
    },
    sizes,
  }, null, 2)}\n`;
}

/** The whole benchmark: every size in turn, then results.json and the README block. */
export async function runBench(opts: BenchOptions, out: (text: string) => void = (s) => process.stdout.write(s)): Promise<{ measurements: Measurement[]; targets: Targets }> {
  const cli = join(projectRoot(), 'dist', 'bin', 'eb50.js');
  if (!existsSync(cli)) throw new Error(`${cli} not found; run \`npm run build\` first`);
  const gnuTime = findGnuTime();
  const info: RunInfo = {
    date: new Date().toISOString().slice(0, 19).replace('T', ' '),
    node: process.version,
    machine: `${platform()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    rssMethod: gnuTime !== undefined ? `${gnuTime} -v` : 'process.resourceUsage() wrapper',
    opts: { seed: opts.seed, format: opts.format, heapMb: opts.heapMb, anomalies: opts.anomalies, repeat: opts.repeat },
  };
  out(`eb50 benchmark, seed ${opts.seed}, ${opts.format}, ${opts.repeat} run(s) per size, peak RSS via ${info.rssMethod}\n${HEADER}\n${RULE}\n`);
  const measurements: Measurement[] = [];
  for (const size of opts.sizes) {
    const m = await measure(size, opts, cli, gnuTime);
    measurements.push(m);
    const t = evaluateTargets([m]);
    out(`${formatRow(m, t.throughput[0], t.rssLimit[0])}${m.dir ? `  (kept: ${m.dir})` : ''}\n`);
  }
  const targets = evaluateTargets(measurements);
  const block = markdownBlock(info, measurements, targets);
  out(`\n${block.split('\n').at(-1)}\n`);
  if (opts.write) {
    writeFileSync(opts.resultsPath, resultsJson(info, measurements, targets));
    writeFileSync(opts.readmePath, replaceBlock(readFileSync(opts.readmePath, 'utf8'), block));
    out(`wrote ${opts.resultsPath} and the table in ${opts.readmePath}\n`);
  }
  return { measurements, targets };
}

async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${BENCH_USAGE}\n`);
    return 2;
  }
  try {
    await runBench(opts);
    return 0;
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
