#!/usr/bin/env node
/** argv → options → run() → exit code; nothing else. */
import { readFileSync } from 'node:fs';
import { Eb50Error, exitCodeOf } from '../pipeline/errors.js';
import { parseCommand, USAGE, type Command } from '../pipeline/options.js';

function version(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  let debug = argv.includes('--debug');
  try {
    command = parseCommand(argv);
    if (command.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command.command === 'version') {
      process.stdout.write(`eb50 ${version()}\n`);
      return 0;
    }
    if (command.command === 'sort') {
      const { sortTables } = await import('../pipeline/sort-table.js');
      for (const f of await sortTables(command.options)) process.stdout.write(`eb50 sort: ${f.table}: ${f.rows} rows sorted into ${f.path}\n`);
      return 0;
    }
    if (command.command === 'apply') {
      const { applyDelta } = await import('../pipeline/apply.js');
      for (const f of await applyDelta(command.options)) process.stdout.write(`eb50 apply: ${f.table}: ${f.change === 'copied' ? 'copied' : `${f.deltaRows} rows ${f.change}, ${f.rows} in all`} → ${f.path}\n`);
      return 0;
    }
    const { run } = await import('../pipeline/run.js');
    const { sendSummaryMail } = await import('../pipeline/mail.js');
    const result = await run(command.options);
    process.stdout.write(result.summaryText);
    if (command.options.mailTo && command.options.smtp) {
      const sent = await sendSummaryMail(command.options.smtp, command.options.mailTo, result.summaryText);
      if (!sent.ok) process.stderr.write(`eb50: the summary mail to ${command.options.mailTo} was not sent: ${sent.reason}\n`);
    }
    if (result.exitCode !== 0) {
      process.stderr.write(`eb50: a safety lock stopped the update run; see ${command.options.output}/resultatlista.txt\n`);
    }
    return result.exitCode;
  } catch (err) {
    const code = exitCodeOf(err);
    if (err instanceof Eb50Error) {
      process.stderr.write(`eb50: ${err.message}${code === 2 ? ' (see eb50 --help)' : ''}\n`);
    } else {
      process.stderr.write(`eb50: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      debug = true;
    }
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
