/**
 * Crash safety under SIGKILL (issue #5, SPEC §9 "Outputs appear atomically"):
 *
 *   node dist/bench/kill.js [--tries 200] [--seed 1] [--chains 20000] [--full-every 10] [--keep DIR]
 *
 * An output directory holds a complete update run of one export ("old");
 * the CLI is started on another export ("new") into it and killed with
 * SIGKILL after a seeded random delay (half spread over the whole run, half
 * near its end, where publishing happens). After each kill:
 *
 *   - every output in sight is whole and from one run: `delta/` is the old
 *     set or, byte for byte, the set an uninterrupted run writes; so are
 *     `summary.json` and the result list; nothing else is there but dot
 *     entries (the dead run's temp dir, lock and publishing journal);
 *   - `summary.json`, when there is one, comes from the same run as
 *     `delta/`: publishing sets the old one aside first and renames the new
 *     one in last, so a run killed between two renames leaves no
 *     `summary.json` (a loader waits) and a journal (`.eb50-publish.json`);
 *   - a run killed after setting the old `delta/` aside has it in
 *     `.eb50-old-PID-delta`, whole;
 *   - recovery: the next run's start (OutputDir.open: take over the dead
 *     pid's lock, finish a journaled publishing, sweep its temp dir, put a
 *     set-aside `delta/` back) leaves `delta/` and `summary.json` both old or
 *     both new and no dot entry; every `--full-every` tries a whole next CLI
 *     run instead, which must exit 0 with the new `delta/`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../pipeline/columns.js';
import { OutputDir, PUBLISH_JOURNAL } from '../pipeline/output-dir.js';
import { DEFAULTS, generate, mulberry32 } from './generate.js';

export const RUN_DATE = '2015-02-23T10:41:50';

export type Files = Map<string, Buffer>;

export interface KillSetup {
  dir: string;
  /** The "new" export the killed runs read. */
  input: string;
  /** The output directory the runs are killed in. */
  output: string;
  /** The output directory after the complete run of the "old" export. */
  old: Files;
  /** What an uninterrupted run of the new export writes into `old`. */
  fresh: Files;
  /** Wall time of that uninterrupted run, spawn to exit. */
  runMs: number;
}

export type Version = 'old' | 'new' | 'absent' | 'mixed';

export interface KillTry {
  delayMs: number;
  /** The run ended before the kill (it must have exited 0). */
  finished: boolean;
  delta: Version;
  summary: Version;
  /** `delta/` was set aside (`.eb50-old-PID-delta`) when the run died. */
  asideDelta: boolean;
  /** Broken guarantees; empty when all held. */
  problems: string[];
}

/** Every file under `dir`, dot entries included, by relative path. */
export async function snapshot(dir: string): Promise<Files> {
  const out: Files = new Map();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out.set(full.slice(dir.length + 1), await readFile(full));
  }
  return out;
}

/** The files under `prefix` (e.g. `delta/`), keyed without it. */
function under(files: Files, prefix: string): Files {
  return new Map([...files].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

function same(a: Files, b: Files): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k)?.equals(v) === true);
}

/** Which run a set of files comes from. */
function versionOf(got: Files, old: Files, fresh: Files): Version {
  if (got.size === 0) return 'absent';
  return same(got, old) ? 'old' : same(got, fresh) ? 'new' : 'mixed';
}

function cliArgs(input: string, output: string): string[] {
  return [join(projectRoot(), 'dist', 'bin', 'eb50.js'), 'run', '--input', input, '--output', output, '--leading-char', 'Q',
    '--run-date', RUN_DATE, '--mode', 'update', '--without-locks'];
}

/** Runs the CLI to its end: exit code and wall time. */
export async function runCli(input: string, output: string): Promise<{ code: number | null; ms: number; stderr: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, cliArgs(input, output), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, ms: Date.now() - started, stderr };
}

async function writeFiles(dir: string, files: Files): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
}

/** Two generated exports, the old one's complete run, and the new one's
 *  uninterrupted run on top of it (the reference). */
export async function prepareKill(dir: string, chains = 20_000): Promise<KillSetup> {
  const oldInput = join(dir, 'old-input');
  const input = join(dir, 'input');
  await generate({ ...DEFAULTS, out: oldInput, chains, seed: 11 });
  await generate({ ...DEFAULTS, out: input, chains, seed: 12 });
  const output = join(dir, 'out');
  const first = await runCli(oldInput, output);
  if (first.code !== 0) throw new Error(`the run of the old export ended with exit ${first.code}: ${first.stderr}`);
  const old = await snapshot(output);
  // The reference, three times: the shortest is the run time the kill
  // delays are spread over (the first run of a process tree is the slowest).
  const reference = join(dir, 'reference');
  let fresh: Files | undefined;
  let runMs = Infinity;
  for (let k = 0; k < 3; k++) {
    await cp(output, reference, { recursive: true });
    const second = await runCli(input, reference);
    if (second.code !== 0) throw new Error(`the run of the new export ended with exit ${second.code}: ${second.stderr}`);
    const files = await snapshot(reference);
    if (fresh !== undefined && !same(files, fresh)) throw new Error('two uninterrupted runs of the new export differ');
    fresh = files;
    runMs = Math.min(runMs, second.ms);
    await rm(reference, { recursive: true, force: true });
  }
  if (same(under(old, 'delta/'), under(fresh!, 'delta/'))) throw new Error('the old and the new export give the same delta/');
  return { dir, input, output, old, fresh: fresh!, runMs };
}

/** The kill delay of try `i`: half anywhere in the run, half near its end. */
export function killDelay(seed: number, i: number, runMs: number): number {
  const rand = mulberry32((seed * 7919 + i * 104729) >>> 0);
  const near = rand() < 0.5;
  const r = rand();
  return Math.round(near ? runMs * (0.7 + 0.3 * r) : runMs * r);
}

/** The visible outputs right after a kill. */
export function judgeOutputs(s: KillSetup, files: Files, finished: boolean): Omit<KillTry, 'delayMs'> {
  const problems: string[] = [];
  const top = new Set([...files.keys()].map((k) => k.split('/')[0]));
  const visible = [...top].filter((n) => !n.startsWith('.'));
  const known = new Set([...s.old.keys(), ...s.fresh.keys()].map((k) => k.split('/')[0]));
  for (const n of visible) if (!known.has(n)) problems.push(`unexpected output ${n}`);
  const delta = versionOf(under(files, 'delta/'), under(s.old, 'delta/'), under(s.fresh, 'delta/'));
  const summary = versionOf(under(files, 'summary.json'), under(s.old, 'summary.json'), under(s.fresh, 'summary.json'));
  // Each single file outside delta/ is the old or the new one, whole.
  for (const n of visible.filter((v) => v !== 'delta')) {
    const v = versionOf(under(files, n), under(s.old, n), under(s.fresh, n));
    if (v !== 'old' && v !== 'new') problems.push(`${n} is ${v}`);
  }
  const asides = [...top].filter((n) => /^\.eb50-old-\d+-delta$/.test(n));
  const asideDelta = asides.length > 0;
  if (delta === 'mixed') problems.push('delta/ is a mix, or partial');
  if (delta === 'absent') {
    if (!asideDelta) problems.push('delta/ is gone and not set aside');
    else if (!same(under(files, `${asides[0]}/`), under(s.old, 'delta/'))) problems.push('the set-aside delta/ is not the old one whole');
  }
  if ((summary === 'old' || summary === 'new') && delta !== summary && delta !== 'mixed') problems.push(`summary.json is ${summary} but delta/ is ${delta} (they must come from one run)`);
  if (summary === 'absent' && !top.has(PUBLISH_JOURNAL)) problems.push('summary.json is gone and no publishing journal says why');
  if (finished && (delta !== 'new' || summary !== 'new')) problems.push('the run finished but its outputs are not the new ones');
  if (finished && visible.length !== top.size) problems.push(`the run finished but left ${[...top].filter((n) => n.startsWith('.')).join(', ')}`);
  return { finished, delta, summary, asideDelta, problems };
}

/**
 * One run of the new export over the old outputs; `arm` sets up the SIGKILL
 * and returns what stops it from coming once the run has ended. The outputs
 * are judged as the kill left them.
 */
async function killedRun(s: KillSetup, delayMs: number, arm: (kill: () => void) => () => void): Promise<KillTry> {
  await writeFiles(s.output, s.old);
  const child = spawn(process.execPath, cliArgs(s.input, s.output), { stdio: 'ignore' });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const disarm = arm(() => child.kill('SIGKILL'));
  const [code, signal] = await closed;
  disarm();
  const finished = signal !== 'SIGKILL';
  const result = { delayMs, ...judgeOutputs(s, await snapshot(s.output), finished) };
  if (finished && code !== 0) result.problems.push(`the run ended by itself with exit ${code} ${signal ?? ''}`);
  return result;
}

/** One try: SIGKILL after `delayMs`. */
export function killTry(s: KillSetup, delayMs: number): Promise<KillTry> {
  return killedRun(s, delayMs, (kill) => {
    const timer = setTimeout(kill, delayMs);
    return () => clearTimeout(timer);
  });
}

/**
 * One try aimed at publishing: SIGKILL as soon as the output directory has
 * seen `afterEvents` entries come or go after the publishing journal
 * appeared (0: on the journal itself), so the kills spread over the few
 * milliseconds of renames. `delayMs` is -1 in the result.
 */
export function killWhilePublishing(s: KillSetup, afterEvents: number): Promise<KillTry> {
  return killedRun(s, -1, (kill) => {
    let seen = -1;
    const watcher = watch(s.output, (_event, name) => {
      if (seen < 0 && name !== null && name.startsWith(PUBLISH_JOURNAL)) seen = 0;
      else if (seen >= 0) seen++;
      if (seen >= afterEvents) kill();
    });
    return () => watcher.close();
  });
}

/** What the next run's start does (take over the dead run's lock, sweep
 *  its temp dir, put a set-aside delta/ back); problems if the directory
 *  is not then the old or the new outputs with no dot entry. */
export async function recoverByOpen(s: KillSetup): Promise<string[]> {
  const out = await OutputDir.open(s.output);
  await out.close();
  const files = await snapshot(s.output);
  const problems: string[] = [];
  const delta = versionOf(under(files, 'delta/'), under(s.old, 'delta/'), under(s.fresh, 'delta/'));
  const summary = versionOf(under(files, 'summary.json'), under(s.old, 'summary.json'), under(s.fresh, 'summary.json'));
  if (delta !== 'old' && delta !== 'new') problems.push(`after recovery delta/ is ${delta}`);
  if (summary !== delta) problems.push(`after recovery summary.json is ${summary} and delta/ ${delta}`);
  const dots = (await readdir(s.output)).filter((n) => n.startsWith('.'));
  if (dots.length > 0) problems.push(`after recovery still there: ${dots.join(', ')}`);
  return problems;
}

/** A whole next run: exit 0, the new delta/, nothing left behind. */
export async function recoverByRun(s: KillSetup): Promise<string[]> {
  const r = await runCli(s.input, s.output);
  const problems: string[] = [];
  if (r.code !== 0) problems.push(`the next run ended with exit ${r.code}: ${r.stderr.trim()}`);
  const files = await snapshot(s.output);
  if (!same(under(files, 'delta/'), under(s.fresh, 'delta/'))) problems.push('the next run did not write the new delta/');
  const dots = (await readdir(s.output)).filter((n) => n.startsWith('.'));
  if (dots.length > 0) problems.push(`after the next run still there: ${dots.join(', ')}`);
  return problems;
}

export const KILL_USAGE = 'Usage: node dist/bench/kill.js [--tries 200] [--publish-tries 50] [--seed 1] [--chains 20000] [--full-every 10] [--keep DIR]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: {
      tries: { type: 'string' }, 'publish-tries': { type: 'string' }, seed: { type: 'string' }, chains: { type: 'string' }, 'full-every': { type: 'string' }, keep: { type: 'string' },
    } }));
    for (const [k, v] of Object.entries(values)) if (k !== 'keep' && v !== undefined && !/^\d+$/.test(String(v))) throw new Error(`--${k} must be a non-negative integer`);
  } catch (err) {
    process.stderr.write(`kill: ${(err as Error).message}\n${KILL_USAGE}\n`);
    return 2;
  }
  const tries = Number(values.tries ?? 200);
  const publishTries = Number(values['publish-tries'] ?? 50);
  const seed = Number(values.seed ?? 1);
  const fullEvery = Math.max(1, Number(values['full-every'] ?? 10));
  const dir = values.keep ?? (await mkdtemp(join(tmpdir(), 'eb50-kill-')));
  const tally = { finished: 0, old: 0, new: 0, aside: 0, publishing: 0, failed: 0 };
  const count = (k: KillTry, problems: string[], what: string): void => {
    if (k.finished) tally.finished++;
    else if (k.asideDelta) tally.aside++;
    else tally[k.delta === 'new' ? 'new' : 'old']++;
    if (k.summary === 'absent') tally.publishing++;
    if (problems.length > 0) {
      tally.failed++;
      process.stdout.write(`FAIL ${what}: ${problems.join('; ')}\n`);
    }
  };
  try {
    const s = await prepareKill(dir, Number(values.chains ?? 20_000));
    process.stderr.write(`kill: an uninterrupted run takes ${s.runMs} ms; ${tries} tries, seed ${seed}\n`);
    for (let i = 0; i < tries; i++) {
      const k = await killTry(s, killDelay(seed, i, s.runMs));
      count(k, [...k.problems, ...(i % fullEvery === 0 ? await recoverByRun(s) : await recoverByOpen(s))], `try ${i} (kill after ${k.delayMs} ms)`);
    }
    // Aimed at the renames of publishing, which random delays rarely hit.
    for (let i = 0; i < publishTries; i++) {
      const k = await killWhilePublishing(s, i % 12);
      count(k, [...k.problems, ...(await recoverByOpen(s))], `publishing try ${i} (kill after ${i % 12} directory events)`);
    }
  } finally {
    if (values.keep === undefined) await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(`kill: ${tries} random + ${publishTries} publishing tries: ${tally.old} left the old outputs, ${tally.new} the new ones `
    + `(${tally.publishing} of all died while publishing: no summary.json, a journal the next run finished), ${tally.aside} died with delta/ set aside, `
    + `${tally.finished} finished before the kill; ${tally.failed} failures\n`);
  return tally.failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
