// A loader step that embeds eb50 (docs/loader.md): run the update, then
// take delta/ only if the run passed and summary.json names each file with
// the sha256 of its bytes. Usage: node loader.mjs EXPORT_DIR OUTPUT_DIR
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exitCodeOf, run } from 'eb50';

const [input, output] = process.argv.slice(2);

async function verifiedDeltas(output) {
  const summary = JSON.parse(await readFile(join(output, 'summary.json'), 'utf8'));
  if (summary.mode !== 'update' || summary.exitCode !== 0 || !summary.outputs) {
    throw new Error(`summary.json does not describe a completed update run (exit ${summary.exitCode})`);
  }
  const files = [];
  for (const table of ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST']) {
    const { path, rows, sha256 } = summary.outputs[table];
    const bytes = await readFile(join(output, path));
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`${path} is not the file summary.json names`);
    files.push({ table, path: join(output, path), rows });
  }
  return files;
}

try {
  const result = await run(
    { input, output, leadingChar: 'Q', mode: 'update' },
    { onEvent: (e) => e.event === 'lock' && console.error(`lock: ${e.text}`) },
  );
  if (result.exitCode !== 0) {
    console.error(`eb50 stopped by a safety lock; see ${result.resultListPath}`);
    process.exitCode = result.exitCode;
  } else {
    for (const f of await verifiedDeltas(output)) {
      console.log(`load ${f.table}: ${f.rows} rows from ${f.path}`); // hand the file to the Ladok3 loader here
    }
  }
} catch (err) {
  console.error(`eb50: ${err.message}`);
  process.exitCode = exitCodeOf(err);
}
