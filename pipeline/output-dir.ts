/**
 * SPEC §9 "Outputs appear atomically" and "Two runs never write the same
 * output directory at once".
 *
 * Everything is written into a temporary directory inside --output and
 * renamed into place only when the run succeeds, summary.json last (it is the
 * marker a loader can wait for). A failed run removes its temporary directory
 * and leaves the previous outputs as they were. A run killed with SIGKILL
 * cannot clean up; the next run removes temporary directories of dead
 * processes and takes over their lock.
 *
 * Publishing is several renames, so it is journaled: the journal names the
 * temporary directory and the entries, and the previous summary.json is set
 * aside before the first rename. A run killed between two renames thus
 * leaves no summary.json (a loader waits), and the next run finishes the
 * dead run's publishing from the journal before it does anything else.
 */
import { readFileSync, rmSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Eb50Error, InterruptedError, OutputError } from './errors.js';

const LOCK_FILE = '.eb50.lock';
/** Held while a stale lock is removed, so two runs that both found the same
 *  dead owner cannot both take over (one would delete the other's new lock). */
const TAKEOVER_FILE = '.eb50.lock.takeover';
const TMP_PREFIX = '.eb50-tmp-';
const OLD_PREFIX = '.eb50-old-';
/** Written before the renames of publish(), removed after the last. */
export const PUBLISH_JOURNAL = '.eb50-publish.json';
/** The entry a loader waits for: set aside first, renamed in last. */
const MARKER = 'summary.json';

interface Journal {
  pid: number;
  /** The temporary directory's name inside --output. */
  tmp: string;
  names: string[];
}
/** How long an interrupted run may take to stop its streams and clean up. */
const ABORT_GRACE_MS = 5_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds a run lock: the lock file's lines pid, host, start time. */
export interface LockHolder {
  pid: number;
  host?: string;
  started?: string;
}

function holderIn(text: string): LockHolder | undefined {
  const [pid, host, started] = text.split('\n');
  if (!/^\d+$/.test(pid ?? '')) return undefined;
  return { pid: Number(pid), host: host || undefined, started: started || undefined };
}

/** A holder on another host cannot be checked, so it counts as alive. */
function holderAlive(holder: LockHolder): boolean {
  return (holder.host !== undefined && holder.host !== hostname()) || processAlive(holder.pid);
}

export function describeHolder(holder: LockHolder): string {
  const where = holder.host ? ` on ${holder.host}` : '';
  const since = holder.started ? `, started ${holder.started}` : '';
  return `pid ${holder.pid}${where}${since}`;
}

/**
 * Creates `path` holding this pid, host and start time, only if it does not
 * exist. It is written to a private file first and hard-linked into place,
 * so nobody can ever read the lock empty (an empty lock would look like a
 * dead owner's).
 */
async function createWithPid(path: string): Promise<boolean> {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`);
  try {
    await link(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

async function holderOf(path: string): Promise<LockHolder | undefined> {
  return holderIn(await readFile(path, 'utf8').catch(() => ''));
}

async function ownerOf(path: string): Promise<number | undefined> {
  return (await holderOf(path))?.pid;
}

interface RunLock {
  path: string;
  /** The dead run whose lock this run took over, if any. */
  takenOver?: LockHolder;
}

async function takeRunLock(dir: string): Promise<RunLock> {
  const path = join(dir, LOCK_FILE);
  const guard = join(dir, TAKEOVER_FILE);
  let takenOver: LockHolder | undefined;
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await createWithPid(path)) return { path, takenOver };
      const holder = await holderOf(path);
      if (holder !== undefined && holderAlive(holder)) {
        throw new Eb50Error(
          'RUN_LOCKED',
          `another eb50 run (${describeHolder(holder)}) is writing ${dir}; try again when it has finished`,
        );
      }
      // A lock left by a dead process is taken over, by one run at a time.
      if (await createWithPid(guard)) {
        try {
          // Only a guard holder removes a stale lock, so it is still the same one.
          if ((await ownerOf(path)) === holder?.pid) {
            await unlink(path).catch(() => undefined);
            takenOver = holder;
          }
        } finally {
          await unlink(guard).catch(() => undefined);
        }
      } else {
        const guardOwner = await holderOf(guard);
        if (guardOwner !== undefined && !holderAlive(guardOwner)) await unlink(guard).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } catch (err) {
    throw err instanceof Eb50Error ? err : outputError(dir, err);
  }
  throw new Eb50Error('RUN_LOCKED', `could not take the run lock ${path}; try again`);
}

function outputError(dir: string, err: unknown): OutputError {
  const e = err as NodeJS.ErrnoException;
  return new OutputError(`cannot write the output directory ${dir}: ${e.code ?? e.message}`);
}

/**
 * Moves `from/name` to `dir/name`. A directory replaces the previous one
 * whole: the old one is renamed aside (`.eb50-old-PID-name`), then removed,
 * so a loader never sees a mix of two runs' delta files.
 */
async function replaceEntry(dir: string, from: string, name: string, pid: number): Promise<void> {
  const source = join(from, name);
  const target = join(dir, name);
  if (!(await stat(source)).isDirectory()) return rename(source, target);
  const aside = join(dir, `${OLD_PREFIX}${pid}-${name}`);
  const hadOld = await exists(target);
  if (hadOld) await rename(target, aside);
  await rename(source, target);
  if (hadOld) await rm(aside, { recursive: true, force: true });
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

function parseJournal(text: string): Journal | undefined {
  try {
    const j = JSON.parse(text) as Partial<Journal>;
    const ok = Number.isInteger(j.pid) && typeof j.tmp === 'string' && j.tmp.startsWith(TMP_PREFIX) && !j.tmp.includes('/')
      && Array.isArray(j.names) && j.names.every((n) => typeof n === 'string' && n !== '' && !n.includes('/') && !n.startsWith('.'));
    return ok ? (j as Journal) : undefined;
  } catch {
    return undefined;
  }
}

/** Finishes the publishing of a run killed between two renames: what its
 *  journal names and its temporary directory still holds goes into place,
 *  in the journal's order (summary.json last). */
async function rollForward(dir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dir, PUBLISH_JOURNAL), 'utf8');
  } catch {
    return; // no journal: no publishing was cut short
  }
  const journal = parseJournal(text);
  if (journal !== undefined && journal.pid !== process.pid && processAlive(journal.pid)) return;
  if (journal !== undefined && (await exists(join(dir, journal.tmp)))) {
    for (const name of journal.names) {
      if (await exists(join(dir, journal.tmp, name))) await replaceEntry(dir, join(dir, journal.tmp), name, journal.pid);
    }
  }
  await unlink(join(dir, PUBLISH_JOURNAL));
}

/** Cleans up after dead runs: an interrupted publishing is finished
 *  (rollForward), temporary directories go; an output directory that a run
 *  killed mid-publish had set aside (`.eb50-old-PID-delta`) goes back into
 *  place if nothing replaced it, and is removed otherwise. */
async function sweepLeftovers(dir: string): Promise<void> {
  await rollForward(dir);
  const names = await readdir(dir);
  for (const name of names) {
    const draft = /^\.eb50\.lock(?:\.takeover)?\.(\d+)\.[0-9a-f]+$/.exec(name);
    if (draft && !processAlive(Number(draft[1]))) await unlink(join(dir, name)).catch(() => undefined);
    if (name.startsWith(`${PUBLISH_JOURNAL}.`) && !processAlive(Number(name.slice(PUBLISH_JOURNAL.length + 1)))) await unlink(join(dir, name)).catch(() => undefined);
    if (!name.startsWith(TMP_PREFIX) && !name.startsWith(OLD_PREFIX)) continue;
    const m = /^\.eb50-(?:tmp|old)-(\d+)-(.*)$/.exec(name);
    const pid = m ? Number(m[1]) : undefined;
    if (pid !== undefined && pid !== process.pid && processAlive(pid)) continue;
    if (m && name.startsWith(OLD_PREFIX) && !names.includes(m[2])) {
      await rename(join(dir, name), join(dir, m[2]));
    } else {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
}

export class OutputDir {
  private readonly onSignal: (signal: NodeJS.Signals) => void;
  /** A signal that came while publish() renamed outputs into place: it is
   *  acted on once the renames are done, so summary.json and delta/ never
   *  come from two different runs. */
  private deferredSignal: 'SIGINT' | 'SIGTERM' | undefined;
  private publishing = false;
  /** A publishing that failed after its journal was written: the temporary
   *  directory stays for the next run to finish it (rollForward). */
  private keepTmp = false;
  private readonly controller = new AbortController();
  /** Aborted by SIGINT/SIGTERM with an InterruptedError: the run's streams
   *  stop, and close() removes the temporary directory and the lock. */
  readonly signal: AbortSignal = this.controller.signal;

  private constructor(
    /** The --output directory. */
    readonly dir: string,
    /** The temporary directory everything is written to first. */
    readonly tmp: string,
    private readonly lockPath: string,
    /** The dead run whose lock this run took over (the result list says so). */
    readonly takenOver: LockHolder | undefined,
  ) {
    // Ctrl-C or a TERM from a scheduler: leave no temp dir and no lock.
    this.onSignal = (signal) => {
      const which = signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
      if (this.publishing) {
        this.deferredSignal = which;
        return;
      }
      this.controller.abort(new InterruptedError(which));
      // A step that watches no signal (a long report merge) must not keep
      // the process alive: after a grace period, clean up and exit here.
      setTimeout(() => this.exitNow(which), ABORT_GRACE_MS).unref();
    };
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** Creates --output if needed, takes the run lock and makes the temp dir. */
  static async open(dir: string): Promise<OutputDir> {
    try {
      await mkdir(dir, { recursive: true });
      if (!(await stat(dir)).isDirectory()) throw new Error('ENOTDIR');
    } catch (err) {
      throw outputError(dir, err);
    }
    const { path: lockPath, takenOver } = await takeRunLock(dir);
    try {
      await sweepLeftovers(dir);
      const tmp = join(dir, `${TMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
      await mkdir(tmp);
      return new OutputDir(dir, tmp, lockPath, takenOver);
    } catch (err) {
      await unlink(lockPath).catch(() => undefined);
      throw err instanceof Eb50Error ? err : outputError(dir, err);
    }
  }

  /** Path of `name` inside the temporary directory. */
  path(...name: string[]): string {
    return join(this.tmp, ...name);
  }

  /**
   * Renames the named entries (files or directories) of the temp dir into
   * place, in the given order: put summary.json last. Journaled (see the
   * top of this file): the journal first, then the previous summary.json
   * aside, the renames, and the journal removed last.
   */
  async publish(names: string[]): Promise<void> {
    this.publishing = true;
    const journal = join(this.dir, PUBLISH_JOURNAL);
    const markerAside = join(this.dir, `${OLD_PREFIX}${process.pid}-${MARKER}`);
    let journaled = false;
    try {
      const draft = `${journal}.${process.pid}`;
      await writeFile(draft, JSON.stringify({ pid: process.pid, tmp: basename(this.tmp), names } satisfies Journal));
      await rename(draft, journal);
      journaled = true;
      const replacesMarker = names.includes(MARKER) && (await exists(join(this.dir, MARKER)));
      if (replacesMarker) await rename(join(this.dir, MARKER), markerAside);
      for (const name of names) await replaceEntry(this.dir, this.tmp, name, process.pid);
      if (replacesMarker) await unlink(markerAside);
      await unlink(journal);
    } catch (err) {
      this.keepTmp = journaled;
      throw outputError(this.dir, err);
    } finally {
      this.publishing = false;
      // The outputs are complete; the signal still ends the process.
      if (this.deferredSignal) this.exitNow(this.deferredSignal);
    }
  }

  private exitNow(signal: 'SIGINT' | 'SIGTERM'): never {
    if (!this.keepTmp) rmSync(this.tmp, { recursive: true, force: true });
    try {
      if (holderIn(readFileSync(this.lockPath, 'utf8'))?.pid === process.pid) unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
    process.exit(new InterruptedError(signal).exitCode);
  }

  /** Removes the temporary directory and releases the run lock. */
  async close(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    if (!this.keepTmp) await rm(this.tmp, { recursive: true, force: true });
    // Only our own lock: never one another run has taken since.
    if ((await ownerOf(this.lockPath)) === process.pid) await unlink(this.lockPath).catch(() => undefined);
  }
}
