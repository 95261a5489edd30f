/**
 * Peak RSS level in the export's size (issue 6). By default V8 grows the old
 * space by the allocation rate it sees, so identical runs of 5M chains
 * peaked anywhere from 180 to 280 MiB, mostly garbage (the live heap is
 * ~50 MB). A fixed growing factor of 1.2 keeps 1M and 5M chains at
 * 155–166 MiB with no measurable cost in time (bench/README.md, "Profile
 * and optimisations"). V8 reads the flag at every GC, so the CLI can set it
 * once it runs.
 */
export const HEAP_GROWING_PERCENT = 20;

/** The V8 flag the CLI sets, or undefined when the operator gave one on the
 *  node command line or in NODE_OPTIONS (theirs wins). */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions = ''): string | undefined {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return given.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a)) ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}
