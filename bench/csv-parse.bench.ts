/**
 * Why pipeline/readers/csv.ts is not fast-csv: parse the same generated
 * FFGKURS-like CSV (15 columns, 5 % of rows with a quoted field, 2 % of
 * those holding a line break) with @fast-csv/parse and with our state
 * machine, both from 64 KiB chunks in memory, both building one object per
 * row, and print rows/s.
 *
 *   node --loader @isaacs/ts-node-temp-fork-for-pr-2009/esm bench/csv-parse.bench.ts [rows]
 *   node dist/bench/csv-parse.bench.js [rows]          (after npm run build)
 *
 * Figures of the runs that decided the question (fast-csv 84–99k rows/s,
 * the state machine 695–839k rows/s) are quoted at the top of
 * pipeline/readers/csv.ts.
 */
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parse } from '@fast-csv/parse';
import { tableColumns, requiredColumns } from '../pipeline/columns.js';
import { readCsv } from '../pipeline/readers/csv.js';
import { decodeText } from '../pipeline/readers/source.js';
import type { ReaderContext } from '../pipeline/readers/row.js';

const CHUNK = 64 * 1024;

/** `rows` data rows after a header, cut into 64 KiB chunks. */
export function generateCsv(rows: number): Buffer[] {
  const columns = tableColumns('FFGKURS');
  const parts: string[] = [columns.join(';')];
  for (let i = 0; i < rows; i++) {
    const pnr = String(197001010000 + i * 7);
    let ort = `ORT${i % 97}`;
    if (i % 20 === 0) ort = i % 1000 === 0 ? `"Gävle;\n""Norra"""` : `"Växjö; ""C"""`;
    parts.push([pnr, `KURS${i % 500}`, 'PROG1', '1', '20121', '100', 'D', 'NML', ort, '2', 'K', '2015-02-23', '104150', 'EB50', '1  '].join(';'));
  }
  const bytes = Buffer.from(`${parts.join('\n')}\n`, 'utf8');
  const chunks: Buffer[] = [];
  for (let o = 0; o < bytes.length; o += CHUNK) chunks.push(bytes.subarray(o, o + CHUNK));
  return chunks;
}

async function* fromChunks(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
}

export async function benchFastCsv(chunks: Buffer[]): Promise<number> {
  let n = 0;
  const rows = Readable.from(chunks).pipe(parse({ headers: true, delimiter: ';' }));
  for await (const row of rows) if (row) n++;
  return n;
}

export async function benchStateMachine(chunks: Buffer[]): Promise<number> {
  const ctx: ReaderContext = {
    fileName: 'FFGKURS.csv',
    table: 'FFGKURS',
    required: requiredColumns('FFGKURS'),
    schemaColumns: tableColumns('FFGKURS'),
    setColumns: () => undefined,
    maxRecordSize: 1 << 20,
  };
  let n = 0;
  for await (const r of readCsv(decodeText(fromChunks(chunks), 'utf8'), ctx)) if (r) n++;
  return n;
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const chunks = generateCsv(rows);
  const mb = chunks.reduce((s, c) => s + c.length, 0) / 1e6;
  console.log(`${rows} rows, ${mb.toFixed(1)} MB, ${chunks.length} chunks of 64 KiB`);
  for (const [name, run] of [['fast-csv', benchFastCsv], ['state machine', benchStateMachine]] as const) {
    const t0 = performance.now();
    const n = await run(chunks);
    const s = (performance.now() - t0) / 1000;
    if (n !== rows) throw new Error(`${name} read ${n} rows, expected ${rows}`);
    console.log(`${name.padEnd(14)} ${Math.round(n / s).toLocaleString('en')} rows/s (${s.toFixed(2)} s)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
