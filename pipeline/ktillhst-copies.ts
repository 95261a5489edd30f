/**
 * SPEC §7 KTILLHST: every KTILLHST row of an original offering (the 8
 * offering columns equal) is copied with KURSOMG = the new one. KTILLHST can
 * be large, so it is streamed once after the chains; only the rows of the
 * originals that were used are kept, then written in the order the offerings
 * were created (processing order).
 */
import { joinKey, OFFERING_COLUMNS } from './catalog.js';
import type { Row, SourceRow } from './types.js';
import type { KtillhstRequest } from './outcome-sink.js';

function originalKey(row: Row): string {
  return joinKey(OFFERING_COLUMNS.map((c) => row[c] ?? ''));
}

/** The copies, in creation order; each original's rows in file order. */
export async function* ktillhstCopies(
  requests: KtillhstRequest[],
  ktillhst: AsyncIterable<SourceRow>,
): AsyncGenerator<Row> {
  // Read to the end even when nothing is copied: a broken KTILLHST export
  // must still stop the run (SPEC §9 "Bad input").
  const rowsOf = new Map<string, Row[]>(requests.map((r) => [originalKey(r.from), []]));
  for await (const { row } of ktillhst) rowsOf.get(originalKey(row))?.push(row);
  for (const request of requests) {
    for (const row of rowsOf.get(originalKey(request.from)) ?? []) yield { ...row, KURSOMG: request.kursomg };
  }
}
