#!/usr/bin/env node
/** argv → options → run() → exit code; nothing else. */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Eb50Error, exitCodeOf } from '../pipeline/errors.js';
import { heapGrowthFlag } from '../pipeline/heap-growth.js';
import { createLogger, type EventListener } from '../pipeline/log.js';
import { parseCommand, USAGE, type Command } from '../pipeline/options.js';

function version(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  let debug = argv.includes('--debug');
  const jsonLog = argv.some((a, i) => a === '--log-format=json' || (a === '--log-format' && argv[i + 1] === 'json'));
  let log: EventListener = createLogger(jsonLog ? 'json' : 'text', false, (line) => process.stderr.write(line));
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
    const opts = command.options;
    log = createLogger(opts.logFormat, opts.quiet, (line) => process.stderr.write(line));
    const { run } = await import('../pipeline/run.js');
    const { mailSubject, sendSummaryMail } = await import('../pipeline/mail.js');
    const { summaryJson } = await import('../stages/sinks/summary.js');
    const result = await run(opts, { onEvent: log });
    if (opts.json) process.stdout.write(summaryJson(result.summary));
    else if (!opts.quiet) process.stdout.write(result.summaryText);
    if (opts.mailTo && opts.smtp) {
      const mail = { subject: mailSubject(result.summary), text: result.summaryText, attachment: result.resultListPath };
      const sent = await sendSummaryMail(opts.smtp, opts.mailTo, mail);
      if (!sent.ok) log({ event: 'warning', text: `the summary mail to ${opts.mailTo} was not sent: ${sent.reason}` });
    }
    if (result.exitCode !== 0) {
      log({ event: 'error', exitCode: result.exitCode, message: `a safety lock stopped the update run; see ${result.resultListPath}` });
    }
    return result.exitCode;
  } catch (err) {
    const code = exitCodeOf(err);
    if (err instanceof Eb50Error) {
      log({ event: 'error', exitCode: code, message: `${err.message}${code === 2 ? ' (see eb50 --help)' : ''}` });
    } else {
      log({ event: 'error', exitCode: code, message: `internal error: ${(err as Error)?.message ?? String(err)}` });
      debug = true;
    }
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return code;
  }
}

// Level peak RSS (pipeline/heap-growth.ts).
const heapFlag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
if (heapFlag !== undefined) setFlagsFromString(heapFlag);

process.exitCode = await main(process.argv.slice(2));
