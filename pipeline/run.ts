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
import { Eb50Error, writing } from './errors.js';
import { ktillhstCopies } from './ktillhst-copies.js';
import { mergeChainBatches } from './merge-chains.js';
import { OutcomeSink } from './outcome-sink.js';
import { OutputDir } from './output-dir.js';
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
  lockWarning,
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
}

/** Counts the rows that pass, for summary.json `inputs` (batches: one
 *  addition per read chunk, not an await per row). */
async function* counted(batches: AsyncIterable<SourceRow[]>, counts: Record<string, number>, table: string) {
  counts[table] = 0;
  for await (const batch of batches) {
    counts[table] += batch.length;
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

export async function run(opts: RunOptions): Promise<RunResult> {
  await checkMaintenance(opts.input);
  // Every required input must be there before anything else happens.
  const files = new Map<TableName, TableFile>();
  for (const table of TABLES) files.set(table, await findTableFile(opts.input, table));
  const hashes = Promise.all(TABLES.map(async (t) => [t, await sha256(files.get(t)!.path)] as const));
  hashes.catch(() => undefined); // read errors surface through the readers

  const out = await OutputDir.open(opts.output);
  try {
    return await runInto(out, opts, files, hashes);
  } finally {
    await out.close();
  }
}

async function runInto(
  out: OutputDir,
  opts: RunOptions,
  files: ReadonlyMap<TableName, TableFile>,
  hashes: Promise<ReadonlyArray<readonly [TableName, string]>>,
): Promise<RunResult> {
  const readerOptions = { encoding: opts.encoding };
  const rows: Record<string, number> = {};
  // The files found up front: no second directory look-up per table.
  const open = (table: TableName): Promise<TableReader> => {
    const file = files.get(table)!;
    return openTableFile(file.path, table, file.format, readerOptions);
  };

  // Catalog tables are indexed in memory (SPEC §10 allows it).
  const catalogBuilder = new CatalogBuilder();
  for (const table of CATALOG_TABLES) {
    const reader = await open(table);
    for await (const batch of counted(reader.batches(), rows, table)) {
      for (const { row } of batch) catalogBuilder.add(table, row);
    }
  }
  const catalog = catalogBuilder.build();

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

  const registration = async (table: 'FFGKURS' | 'FORTKURS' | 'INREGFO') => {
    const reader = await open(table);
    const spec = sortSpec(table);
    return counted(checkSortedBatches(reader.batches(), spec.compare, reader.fileName, spec.keyOf), rows, table);
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
  ]);
  for (const w of Object.values(deltas)) await w.close();

  // KTILLHST: one streamed pass, after the chains (SPEC §7). The first
  // copy comes only once KTILLHST was read to the end, so its columns (the
  // delta's header) are known by then.
  const hst = await open('KTILLHST');
  const copies = ktillhstCopies(sink.ktillhstRequests, unbatched(counted(hst.batches(), rows, 'KTILLHST')));
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

  // Safety locks (SPEC §9), checked before anything is renamed into place.
  const chains = sink.chains;
  const locks = trippedLocks({
    rows,
    withContinuation: chains.withContinuation,
    newOfferings: chains.created + chains.reused,
    maxNewShare: opts.maxNewShare,
  });
  const locked = locks.length > 0 && !opts.withoutLocks && opts.mode === 'update';
  const exitCode = locked ? 3 : 0;

  const topWarnings: string[] = [];
  if (locked) {
    topWarnings.push(stoppedByLockWarning());
    report.nothingWritten();
  }
  if (opts.withoutLocks) topWarnings.push(withoutLocksWarning());
  for (const lock of locks) topWarnings.push(lockWarning(lock));
  if (state.termsNotCompleted > 0) topWarnings.push(...codesExhaustedWarning(state.termsNotCompleted));
  if (catalog.kodStartsWith(opts.leadingChar)) topWarnings.push(leadingCharInUseWarning(opts.leadingChar));

  const outputs = locked
    ? undefined
    : Object.fromEntries(
        DELTA_TABLES.map((t) => [
          t,
          { rows: t === 'KTILLHST' ? hstWriter.rows : deltas[t].rows, path: deltaPath(t) },
        ]),
      );
  const summary = buildSummary({
    mode: opts.mode,
    leadingChar: opts.leadingChar,
    runDate: opts.runDate,
    counts: report.counts,
    chains,
    termsNotCompleted: state.termsNotCompleted,
    locks,
    inputs: Object.fromEntries((await hashes).map(([t, sha]) => [t, { rows: rows[t] ?? 0, sha256: sha }])),
    outputs,
    exitCode,
  });

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
  return { exitCode, summary, summaryText };
}
