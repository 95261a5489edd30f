/**
 * What a run tells its operator while it runs: start, each phase with rows
 * and duration, locks and warnings, the end with the exit code. As human
 * lines on stderr (default) or one JSON object per line for a nightly
 * scheduler (`--log-format json`). `--quiet` keeps only warnings and errors.
 */
import type { LogFormat } from './options.js';

export type RunEvent =
  | { event: 'start'; mode: string; input: string; output: string; runDate: string }
  | { event: 'phase'; phase: 'catalog' | 'chains' | 'ktillhst' | 'report'; rows: number; ms: number }
  | { event: 'lock'; text: string; enforced: boolean }
  | { event: 'warning'; text: string }
  | { event: 'end'; exitCode: number; ms: number; created?: number; reused?: number }
  | { event: 'error'; exitCode: number; message: string };

export type EventListener = (event: RunEvent) => void;

const PHASE_NAMES = {
  catalog: 'catalog tables read',
  chains: 'chains processed',
  ktillhst: 'KTILLHST copied',
  report: 'result list and summary written',
} as const;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The human line for an event (without the `eb50: ` prefix). */
export function eventText(e: RunEvent): string {
  switch (e.event) {
    case 'start':
      return `${e.mode} run of ${e.input} into ${e.output} (run date ${e.runDate})`;
    case 'phase':
      return `${PHASE_NAMES[e.phase]}: ${e.rows} ${e.phase === 'report' ? 'entries' : 'rows'} in ${seconds(e.ms)}`;
    case 'lock':
      return `${e.enforced ? 'safety lock tripped' : 'safety lock tripped, not enforced'}: ${e.text}`;
    case 'warning':
      return `warning: ${e.text}`;
    case 'end': {
      const made = e.created === undefined ? '' : `, ${e.created} created and ${e.reused} reused offerings`;
      return `done in ${seconds(e.ms)}, exit ${e.exitCode}${made}`;
    }
    case 'error':
      return e.message;
  }
}

/** Warnings, locks and errors are shown even with --quiet. */
function alwaysShown(e: RunEvent): boolean {
  return e.event === 'lock' || e.event === 'warning' || e.event === 'error';
}

export function createLogger(
  format: LogFormat,
  quiet: boolean,
  write: (line: string) => void,
  now: () => Date = () => new Date(),
): EventListener {
  return (e) => {
    if (quiet && !alwaysShown(e)) return;
    write(format === 'json' ? `${JSON.stringify({ time: now().toISOString(), ...e })}\n` : `eb50: ${eventText(e)}\n`);
  };
}
