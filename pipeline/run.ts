/**
 * `eb50 run`: wires readers → sort check → merge-join → rule stages → sinks
 * with stream.pipeline(), then the KTILLHST pass, the safety locks, the
 * result list and summary, and the atomic publish of the output directory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CatalogBuilder } from './catalog.js';
import type { EventListener } from './log.js';
import { nextBaseline, readPreviousRun } from './previous-run.js';
import { Eb50Error, writing } from './errors.js';
import { ktillhstCopies } from './ktillhst-copies.js';
import { mergeChainBatches } from './merge-chains.js';
import { OutcomeSink } from './outcome-sink.js';
import { describeHolder, OutputDir } from './output-dir.js';
import { Progress } from './progress.js';
import type { RunOptions } from './options.js';
import { findTableFile, openTableFile, type TableFile, type TableReader } from './read-table.js';
import { unbatched } from './readers/row.js';
import { checkSortedBatches, sortSpec } from './sort-check.js';
import { BATCHES_BUFFERED, flowBatches, stepTransform } from './stage-transform.js';
import { tableColumns } from './columns.js';
import { createTableWriter, type TableWriter } from './write-table.js';
import { TABLES, type SourceRow, type TableName } from './types.js';
import { RunState } from '../stages/run-state.js';
import { ruleSteps } from '../stages/steps.js';
import { trippedLocks } from '../stages/safety-locks.js';
import { ResultList } from '../stages/sinks/result-list.js';
import { resultHtml } from '../stages/sinks/result-html.js';
import { buildSummary, summaryJson, type Summary } from '../stages/sinks/summary.js';
import {
  codesExhaustedWarning,
  leadingCharInUseWarning,
  lockTakenOverWarning,
  lockWarning,
  previousSummaryUnreadableWarning,
  stoppedByLockWarning,
  withoutLocksWarning,
} from '../stages/sinks/report-text.js';

const CATALOG_TABLES = ['KTILL2', 'KTFORT2', 'KTILL3', 'KTFORT3', 'KTILLP', 'KURS', 'TERMIN'] as const;
const DELTA_TABLES = ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST'] as const;

export interface RunResult {
  exitCode: number;
  summary: Summary;
  /** The text of sammanfattning.txt (the mail body). */
  summaryText: string;
  /** The output directory's resultatlista.txt, once published. */
  resultListPath: string;
}

export interface RunHooks {
  /** Called for each log event: start, phases, locks, warnings, end. */
  onEvent?: EventListener;
  /** The progress line; default: on stderr when it is a terminal. */
  progress?: Progress;
}

/** Counts the rows that pass, for summary.json `inputs` (batches: one
 *  addition per read chunk, not an await per row). */
async function* counted(
  batches: AsyncIterable<SourceRow[]>,
  counts: Record<string, number>,
  table: string,
  progress: Progress,
  signal: AbortSignal,
) {
  counts[table] = 0;
  for await (const batch of batches) {
    signal.throwIfAborted(); // SIGINT/SIGTERM: stop reading
    counts[table] += batch.length;
    progress.add(batch.length);
    yield batch;
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SPEC §9: a MAINTENANCE file in the input directory stops the run (exit
 *  75) and its text is shown. Its presence decides: one that cannot be read
 *  (or is a directory) stops the run too. */
async function checkMaintenance(input: string): Promise<void> {
  const path = join(input, 'MAINTENANCE');
  const exists = await lstat(path).then(() => true, () => false);
  if (!exists) return;
  const text = await readFile(path, 'utf8').catch(() => '');
  throw new Eb50Error('MAINTENANCE', text.trim() || `maintenance: ${path} exists; try again later`);
}

export async function run(opts: RunOptions, hooks: RunHooks = {}): Promise<RunResult> {
  const started = Date.now();
  const progress = hooks.progress ?? Progress.forStream(process.stderr, opts.quiet || opts.logFormat === 'json');
  const onEvent: EventListener = hooks.onEvent ?? (() => undefined);
  // a log line replaces the progress line, which comes back on its next redraw
  const emit: EventListener = (e) => {
    progress.clear();
    onEvent(e);
  };
  await checkMaintenance(opts.input);
  // Every required input must be there before anything else happens.
  const files = new Map<TableName, TableFile>();
  for (const table of TABLES) files.set(table, await findTableFile(opts.input, table));
  const hashes = Promise.all(TABLES.map(async (t) => [t, await sha256(files.get(t)!.path)] as const));
  hashes.catch(() => undefined); // read errors surface through the readers

  const out = await OutputDir.open(opts.output);
  emit({ event: 'start', mode: opts.mode, input: opts.input, output: opts.output, runDate: opts.runDate });
  try {
    const result = await runInto(out, opts, files, hashes, emit, progress);
    const { created, reused } = result.summary.chains;
    emit({ event: 'end', exitCode: result.exitCode, ms: Date.now() - started, created, reused });
    return result;
  } catch (err) {
    // An interrupted stream fails with its own AbortError: report the signal.
    throw out.signal.aborted ? out.signal.reason : err;
  } finally {
    progress.end();
    await out.close();
  }
}

async function runInto(
  out: OutputDir,
  opts: RunOptions,
  files: ReadonlyMap<TableName, TableFile>,
  hashes: Promise<ReadonlyArray<readonly [TableName, string]>>,
  emit: EventListener,
  progress: Progress,
): Promise<RunResult> {
  const previous = await readPreviousRun(opts.output);
  let phaseStart = Date.now();
  /** `of`: the tables whose rows the phase read, or the entries it wrote. */
  const phaseDone = (phase: 'catalog' | 'chains' | 'ktillhst' | 'report', of: readonly string[] | number) => {
    const now = Date.now();
    const n = typeof of === 'number' ? of : of.reduce((sum, t) => sum + (rows[t] ?? 0), 0);
    emit({ event: 'phase', phase, rows: n, ms: now - phaseStart });
    phaseStart = now;
  };
  const readerOptions = { encoding: opts.encoding };
  const rows: Record<string, number> = {};
  // The files found up front: no second directory look-up per table.
  const open = (table: TableName): Promise<TableReader> => {
    const file = files.get(table)!;
    return openTableFile(file.path, table, file.format, readerOptions);
  };

  // Catalog tables are indexed in memory (SPEC §10 allows it).
  const catalogBuilder = new CatalogBuilder();
  progress.phase('catalog');
  for (const table of CATALOG_TABLES) {
    const reader = await open(table);
    for await (const batch of counted(reader.batches(), rows, table, progress, out.signal)) {
      for (const { row } of batch) catalogBuilder.add(table, row);
    }
  }
  const catalog = catalogBuilder.build();
  phaseDone('catalog', CATALOG_TABLES);

  const [runDay, runClock] = opts.runDate.split('T');
  const ruleOptions = { leadingChar: opts.leadingChar, runDate: runDay, runTime: runClock.replaceAll(':', '') };
  const state = new RunState();

  const deltaDirName = opts.mode === 'update' ? 'delta' : 'preview';
  await writing(out.path(deltaDirName), () => mkdir(out.path(deltaDirName)));
  const deltaPath = (table: string) => join(deltaDirName, `${table}.${opts.format}`);
  const writer = (table: 'KTILL2' | 'KTFORT2' | 'FFGKURS', columns = tableColumns(table)): TableWriter =>
    createTableWriter(out.path(deltaPath(table)), opts.format, columns, { encoding: opts.encoding, table });
  const deltas = { KTILL2: writer('KTILL2'), KTFORT2: writer('KTFORT2'), FFGKURS: writer('FFGKURS') };

  const sortTmp = out.path('.sort');
  await writing(sortTmp, () => mkdir(sortTmp));
  // Each of the 16 sections holds this many entries before it spills a
  // sorted run to disk (SPEC §10: report sections larger than memory).
  // Small, so that memory is level in the run's size: at 20,000 the
  // sections were still filling up between 1M and 5M chains (~50 MB more
  // live heap, ~4x that in RSS); spilling more often costs little.
  const report = new ResultList({
    mode: opts.mode,
    leadingChar: opts.leadingChar,
    runDate: opts.runDate,
    tmpDir: sortTmp,
    maxInMemory: 2_000,
  });

  progress.phase('chains');
  const registration = async (table: 'FFGKURS' | 'FORTKURS' | 'INREGFO') => {
    const reader = await open(table);
    const spec = sortSpec(table);
    return counted(checkSortedBatches(reader.batches(), spec.compare, reader.fileName, spec.keyOf), rows, table, progress, out.signal);
  };
  const events = mergeChainBatches({
    ffgkurs: await registration('FFGKURS'),
    fortkurs: await registration('FORTKURS'),
    inregfo: await registration('INREGFO'),
  });
  const sink = new OutcomeSink(deltas, report);
  await pipeline([
    Readable.from(flowBatches(events), { objectMode: true, highWaterMark: BATCHES_BUFFERED }),
    ...ruleSteps(catalog, state, ruleOptions).map(stepTransform),
    sink,
  ], { signal: out.signal });
  for (const w of Object.values(deltas)) await w.close();
  phaseDone('chains', ['FFGKURS', 'FORTKURS', 'INREGFO']);

  // KTILLHST: one streamed pass, after the chains (SPEC §7). The first
  // copy comes only once KTILLHST was read to the end, so its columns (the
  // delta's header) are known by then.
  const hst = await open('KTILLHST');
  progress.phase('KTILLHST');
  const copies = ktillhstCopies(sink.ktillhstRequests, unbatched(counted(hst.batches(), rows, 'KTILLHST', progress, out.signal)));
  let copy = await copies.next();
  const hstWriter = createTableWriter(out.path(deltaPath('KTILLHST')), opts.format, hst.columns(), {
    encoding: opts.encoding,
    table: 'KTILLHST',
  });
  for (; !copy.done; copy = await copies.next()) {
    await hstWriter.write(copy.value);
    await report.addKtillhst(copy.value, hst.columns());
  }
  await hstWriter.close();
  phaseDone('ktillhst', ['KTILLHST']);

  // Safety locks (SPEC §9), checked before anything is renamed into place.
  const chains = sink.chains;
  const locks = trippedLocks({
    rows,
    withContinuation: chains.withContinuation,
    newOfferings: chains.created + chains.reused,
    maxNewShare: opts.maxNewShare,
    baseline: previous.baseline,
    maxShrink: opts.maxShrink,
  });
  const locked = locks.length > 0 && !opts.withoutLocks && opts.mode === 'update';
  const exitCode = locked ? 3 : 0;

  const topWarnings: string[] = [];
  if (locked) {
    topWarnings.push(stoppedByLockWarning());
    report.nothingWritten();
  }
  if (opts.withoutLocks) topWarnings.push(withoutLocksWarning());
  for (const lock of locks) {
    topWarnings.push(lockWarning(lock));
    emit({ event: 'lock', text: lock, enforced: !opts.withoutLocks && opts.mode === 'update' });
  }
  const notes: string[] = [];
  if (out.takenOver) notes.push(lockTakenOverWarning(describeHolder(out.takenOver)));
  if (previous.unreadable) notes.push(previousSummaryUnreadableWarning(previous.unreadable));
  for (const note of notes) emit({ event: 'warning', text: note });
  topWarnings.push(...notes.map(lockWarning));
  if (state.termsNotCompleted > 0) topWarnings.push(...codesExhaustedWarning(state.termsNotCompleted));
  if (catalog.kodStartsWith(opts.leadingChar)) topWarnings.push(leadingCharInUseWarning(opts.leadingChar));

  const outputs = locked
    ? undefined
    : Object.fromEntries(
        await Promise.all(
          DELTA_TABLES.map(async (t) => [
            t,
            {
              rows: t === 'KTILLHST' ? hstWriter.rows : deltas[t].rows,
              path: deltaPath(t),
              sha256: await sha256(out.path(deltaPath(t))),
            },
          ]),
        ),
      );
  const inputRows = Object.fromEntries(TABLES.map((t) => [t, rows[t] ?? 0]));
  const summary = buildSummary({
    mode: opts.mode,
    leadingChar: opts.leadingChar,
    runDate: opts.runDate,
    counts: report.counts,
    chains,
    termsNotCompleted: state.termsNotCompleted,
    locks,
    withoutLocks: opts.withoutLocks,
    inputs: Object.fromEntries((await hashes).map(([t, sha]) => [t, { rows: inputRows[t], sha256: sha }])),
    baseline: nextBaseline({ runDate: opts.runDate, rows: inputRows, locks, withoutLocks: opts.withoutLocks }, previous.baseline),
    outputs,
    exitCode,
  });

  progress.phase('report');
  await report.write(out.path('resultatlista.txt'), { topWarnings });
  const html = resultHtml(report.view(topWarnings));
  await writing('resultatlista.html', () => writeFile(out.path('resultatlista.html'), html));
  const summaryText = report.summaryText(topWarnings);
  await writing('sammanfattning.txt', () => writeFile(out.path('sammanfattning.txt'), summaryText));
  await writing('summary.json', () => writeFile(out.path('summary.json'), summaryJson(summary)));

  // A locked update run publishes only the result list and summary that
  // explain it; the previous delta/ stays as it was.
  const publish = locked
    ? ['resultatlista.txt', 'resultatlista.html', 'sammanfattning.txt', 'summary.json']
    : [deltaDirName, 'resultatlista.txt', 'resultatlista.html', 'sammanfattning.txt', 'summary.json'];
  await out.publish(publish);
  phaseDone('report', Object.values(report.counts).reduce((sum, n) => sum + n, 0));
  return { exitCode, summary, summaryText, resultListPath: join(opts.output, 'resultatlista.txt') };
}
