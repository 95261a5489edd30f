/** Helpers for the end-to-end tests: they run the real, built CLI
 *  (`dist/bin/eb50.js`, built by `npm test` / `npm ci`) on real files. */
import { spawnSync } from 'node:child_process';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SAMPLE = join(ROOT, 'data', 'sample');
export const CLI = join(ROOT, 'dist', 'bin', 'eb50.js');
export const RUN_DATE = '2015-02-23T10:41:50';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function eb50(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `eb50 run` on `input` with the usual flags plus `extra`. */
export function runEb50(input: string, output: string, extra: string[] = []): CliResult {
  return eb50(['run', '--input', input, '--output', output, '--leading-char', 'Q', '--run-date', RUN_DATE, ...extra]);
}

export async function copySample(dir: string): Promise<string> {
  const input = join(dir, 'input');
  await cp(SAMPLE, input, { recursive: true });
  return input;
}

/** Every file under `dir` (relative paths, sorted) with its content. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    out[full.slice(dir.length + 1)] = await readFile(full, 'utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Rewrites one CSV input table with `edit` applied to its lines (header
 *  included, as line 0). */
export async function editTable(input: string, table: string, edit: (lines: string[]) => string[]): Promise<void> {
  const path = join(input, `${table}.csv`);
  const lines = (await readFile(path, 'utf8')).split('\n');
  const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
  const edited = edit(lines);
  await writeFile(path, edited.join('\n') + (trailing === undefined ? '' : '\n'));
}
