/**
 * Fuzzing eb50 with damaged exports (issue #5):
 *
 *   node dist/bench/fuzz.js [--count 10000] [--seed 1] [--start 0] [--cli] [--keep DIR]
 *
 * Case i of seed s takes data/sample, picks one table and a format for it
 * (CSV as is, or converted to NDJSON, JSON or Avro), damages that file with
 * 1–3 operators of bench/mutate.ts, and runs an update run into an output
 * directory holding the outputs of an earlier run. Every case must end in
 *
 *   - exit 0 (the damage was harmless), or
 *   - exit 3 by an Eb50Error naming the damaged file, with the previous
 *     outputs byte for byte as they were;
 *
 * and must leave no temporary file or lock behind. Anything else (another
 * exit code, an untyped error that would print a stack trace, changed
 * outputs) is a failure, printed with the command that repeats it alone:
 * `--seed s --start i --count 1`. With --cli the real binary runs each case
 * and its stderr must hold no stack trace.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../pipeline/columns.js';
import { exitCodeOf, InputError, UsageError } from '../pipeline/errors.js';
import { createExportWriter } from '../pipeline/export-writer.js';
import { parseCommand, type RunOptions } from '../pipeline/options.js';
import { openTableFile, type InputFormat } from '../pipeline/read-table.js';
import { run } from '../pipeline/run.js';
import { TABLES, type TableName } from '../pipeline/types.js';
import { caseRand, mutate } from './mutate.js';

export const RUN_DATE = '2015-02-23T10:41:50';
/** Cases run side by side. */
const LANES = Number(process.env.FUZZ_LANES ?? 4);
const FORMATS: readonly InputFormat[] = ['csv', 'csv', 'csv', 'csv', 'csv', 'ndjson', 'ndjson', 'json', 'avro', 'avro'];

/** One input and one output directory; lanes run cases side by side
 *  (a run mostly waits on the file system, so a few in parallel go faster). */
export interface Lane {
  input: string;
  output: string;
  /** The output directory after the run on the undamaged sample: restored
   *  after a case that passes, so every case starts from it and is repeated
   *  exactly by running it alone. */
  pristine: Map<string, Buffer>;
}

export interface FuzzHarness {
  dir: string;
  /** Each table of data/sample in each format, as bytes. */
  variants: Map<TableName, Record<InputFormat, Buffer>>;
  lanes: Lane[];
}

export interface FuzzCase {
  seed: number;
  index: number;
  table: TableName;
  format: InputFormat;
  ops: string[];
}

export type FuzzResult = 'passed' | 'rejected' | 'locked' | 'failure';

export interface FuzzOutcome extends FuzzCase {
  result: FuzzResult;
  /** The error's message (rejected), or what went wrong (failure). */
  detail?: string;
}

/** Every file under `dir`, dot entries included, by relative path. */
export async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out.set(full.slice(dir.length + 1), await readFile(full));
  }
  return out;
}

function sameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): string | undefined {
  for (const [k, v] of a) if (!b.get(k)?.equals(v)) return `${k} ${b.has(k) ? 'changed' : 'removed'}`;
  for (const k of b.keys()) if (!a.has(k)) return `${k} added`;
  return undefined;
}

function runArgs(lane: Lane): string[] {
  return ['run', '--input', lane.input, '--output', lane.output, '--leading-char', 'Q', '--run-date', RUN_DATE,
    '--mode', 'update', '--without-locks'];
}

export function runOptions(lane: Lane): RunOptions {
  const cmd = parseCommand(runArgs(lane));
  if (cmd.command !== 'run') throw new Error('unreachable');
  return cmd.options;
}

/** Each table of the sample in CSV (as is), NDJSON, JSON and Avro. */
async function sampleVariants(dir: string): Promise<Map<TableName, Record<InputFormat, Buffer>>> {
  const sample = join(projectRoot(), 'data', 'sample');
  const variants = new Map<TableName, Record<InputFormat, Buffer>>();
  for (const table of TABLES) {
    const v = { csv: await readFile(join(sample, `${table}.csv`)) } as Record<InputFormat, Buffer>;
    for (const format of ['ndjson', 'json', 'avro'] as const) {
      const path = join(dir, `${table}.${format}`);
      const reader = await openTableFile(join(sample, `${table}.csv`), table, 'csv', { encoding: 'utf8' });
      const rows = reader.rows()[Symbol.asyncIterator]();
      let next = await rows.next();
      const writer = createExportWriter(path, format, reader.columns(), { encoding: 'utf8', table });
      for (; !next.done; next = await rows.next()) await writer.write(next.value.row);
      await writer.close();
      v[format] = await readFile(path);
      await rm(path);
    }
    variants.set(table, v);
  }
  return variants;
}

/** `lanes` copies of the sample, each with the outputs of a passing update run. */
export async function prepareFuzz(dir: string, lanes = 1): Promise<FuzzHarness> {
  await mkdir(dir, { recursive: true });
  const h: FuzzHarness = { dir, variants: await sampleVariants(dir), lanes: [] };
  for (let i = 0; i < lanes; i++) {
    const lane: Lane = { input: join(dir, `input${i}`), output: join(dir, `out${i}`), pristine: new Map() };
    await cp(join(projectRoot(), 'data', 'sample'), lane.input, { recursive: true });
    const first = await run(runOptions(lane));
    if (first.exitCode !== 0) throw new Error(`the run on the undamaged sample ended with exit ${first.exitCode}`);
    lane.pristine = await snapshot(lane.output);
    h.lanes.push(lane);
  }
  return h;
}

/** Writes the damaged file of case `index` into the lane's input directory. */
export async function damage(h: FuzzHarness, lane: Lane, seed: number, index: number): Promise<FuzzCase> {
  const rand = caseRand(seed, index);
  const table = TABLES[Math.floor(rand() * TABLES.length)];
  const format = FORMATS[Math.floor(rand() * FORMATS.length)];
  const { bytes, ops } = mutate(h.variants.get(table)![format], rand, format === 'avro');
  await rm(join(lane.input, `${table}.csv`));
  await writeFile(join(lane.input, `${table}.${format}`), bytes);
  return { seed, index, table, format, ops };
}

/** Puts the undamaged file back, and the pristine outputs if a run replaced them. */
async function repair(h: FuzzHarness, lane: Lane, c: FuzzCase, outputsChanged: boolean): Promise<void> {
  await rm(join(lane.input, `${c.table}.${c.format}`));
  await writeFile(join(lane.input, `${c.table}.csv`), h.variants.get(c.table)!.csv);
  if (!outputsChanged) return;
  await rm(lane.output, { recursive: true, force: true });
  for (const [name, bytes] of lane.pristine) {
    await mkdir(dirname(join(lane.output, name)), { recursive: true });
    await writeFile(join(lane.output, name), bytes);
  }
}

/** What must hold after any case: no temporary file, no lock. */
async function leftovers(lane: Lane): Promise<string | undefined> {
  const dots = (await readdir(lane.output)).filter((n) => n.startsWith('.'));
  return dots.length > 0 ? `left behind: ${dots.join(', ')}` : undefined;
}

/** One case in this process, through `run()`: exit 0, or exit 3 by an
 *  Eb50Error naming the damaged file with the previous outputs untouched. */
export async function fuzzCase(h: FuzzHarness, lane: Lane, seed: number, index: number): Promise<FuzzOutcome> {
  const c = await damage(h, lane, seed, index);
  const fail = (detail: string): FuzzOutcome => ({ ...c, result: 'failure', detail });
  let outcome: FuzzOutcome;
  let changed = true;
  try {
    const result = await run(runOptions(lane));
    outcome = result.exitCode === 0 ? { ...c, result: 'passed' }
      : result.exitCode === 3 ? { ...c, result: 'locked' } : fail(`run returned exit ${result.exitCode}`);
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    const diff = sameFiles(lane.pristine, await snapshot(lane.output));
    changed = diff !== undefined;
    if (exitCodeOf(err) !== 3) outcome = fail(`exit ${exitCodeOf(err)}: ${(err as Error)?.stack ?? String(err)}`);
    else if (err instanceof InputError && !err.file.startsWith(`${c.table}.`)) {
      outcome = fail(`the error names ${err.file}, but only ${c.table}.${c.format} was damaged: ${message}`);
    } else if (diff !== undefined) outcome = fail(`rejected (${message}) but the previous outputs changed: ${diff}`);
    else outcome = { ...c, result: 'rejected', detail: message };
  }
  const left = await leftovers(lane);
  await repair(h, lane, c, changed || left !== undefined);
  return left === undefined || outcome.result === 'failure' ? outcome : fail(left);
}

/** One case through the real CLI (dist/bin/eb50.js): exit 0 or 3, no stack
 *  trace on stderr, and the checks of {@link fuzzCase}. */
export async function fuzzCaseCli(h: FuzzHarness, lane: Lane, seed: number, index: number): Promise<FuzzOutcome> {
  const c = await damage(h, lane, seed, index);
  const fail = (detail: string): FuzzOutcome => ({ ...c, result: 'failure', detail });
  const cli = join(projectRoot(), 'dist', 'bin', 'eb50.js');
  const child = spawn(process.execPath, [cli, ...runArgs(lane)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  const diff = sameFiles(lane.pristine, await snapshot(lane.output));
  let outcome: FuzzOutcome;
  if (/\n\s+at /.test(stderr)) outcome = fail(`stack trace on stderr (exit ${code}):\n${stderr}`);
  else if (code === 0) outcome = { ...c, result: 'passed' };
  else if (code !== 3) outcome = fail(`exit ${code}: ${stderr}`);
  else if (!stderr.includes(`${c.table}.`)) outcome = fail(`exit 3 without naming ${c.table}: ${stderr}`);
  else if (diff !== undefined) outcome = fail(`exit 3 but the previous outputs changed: ${diff}`);
  else outcome = { ...c, result: 'rejected', detail: stderr.trim() };
  const left = await leftovers(lane);
  await repair(h, lane, c, diff !== undefined || left !== undefined);
  return left === undefined || outcome.result === 'failure' ? outcome : fail(left);
}

/** Cases `start` … `start + count - 1`, spread over the lanes. */
export async function fuzzRange(
  h: FuzzHarness,
  seed: number,
  start: number,
  count: number,
  each: (o: FuzzOutcome) => void,
  cli = false,
): Promise<void> {
  let next = start;
  await Promise.all(h.lanes.map(async (lane) => {
    while (next < start + count) {
      const i = next++;
      each(cli ? await fuzzCaseCli(h, lane, seed, i) : await fuzzCase(h, lane, seed, i));
    }
  }));
}

export function describeCase(o: FuzzOutcome): string {
  return `seed ${o.seed} case ${o.index}: ${o.table}.${o.format} ${o.ops.join('; ')}`;
}

export const FUZZ_USAGE = 'Usage: node dist/bench/fuzz.js [--count 10000] [--seed 1] [--start 0] [--cli] [--keep DIR]';

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: {
      count: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, cli: { type: 'boolean' }, keep: { type: 'string' },
    } }));
  } catch (err) {
    process.stderr.write(`fuzz: ${(err as Error).message}\n${FUZZ_USAGE}\n`);
    return 2;
  }
  let n: number, seed: number, start: number;
  try {
    n = count('count', values.count, 10_000);
    seed = count('seed', values.seed, 1);
    start = count('start', values.start, 0);
  } catch (err) {
    process.stderr.write(`fuzz: ${(err as Error).message}\n${FUZZ_USAGE}\n`);
    return 2;
  }
  const dir = values.keep ?? (await mkdtemp(join(tmpdir(), 'eb50-fuzz-')));
  const tally: Record<FuzzResult, number> = { passed: 0, rejected: 0, locked: 0, failure: 0 };
  const began = Date.now();
  try {
    const h = await prepareFuzz(dir, LANES);
    await fuzzRange(h, seed, start, n, (o) => {
      tally[o.result]++;
      if (o.result === 'failure') {
        process.stdout.write(`FAIL ${describeCase(o)}\n  ${o.detail?.replace(/\n/g, '\n  ')}\n`
          + `  repeat: node dist/bench/fuzz.js --seed ${seed} --start ${o.index} --count 1${values.cli ? ' --cli' : ''}\n`);
      }
      const done = Object.values(tally).reduce((a, b) => a + b, 0);
      if (done % 1000 === 0) process.stderr.write(`fuzz: ${done}/${n} ${JSON.stringify(tally)}\n`);
    }, values.cli);
  } finally {
    if (values.keep === undefined) await rm(dir, { recursive: true, force: true });
  }
  const s = ((Date.now() - began) / 1000).toFixed(1);
  process.stdout.write(`fuzz: seed ${seed}, cases ${start}–${start + n - 1}${values.cli ? ' (CLI)' : ''}: ${tally.passed} passed, `
    + `${tally.rejected} rejected (exit 3), ${tally.locked} locked, ${tally.failure} failures, ${s} s\n`);
  return tally.failure === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
