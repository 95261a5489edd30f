import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULTS, MAX_COURSES, courseCount, generate, mulberry32, parseGenerateArgs, type GenerateOptions, type GenerateStats,
} from '../../bench/generate.js';
import { requiredColumns } from '../../pipeline/columns.js';
import { openTableFile } from '../../pipeline/read-table.js';
import { compareFo, comparePnrKurs, parseIntStrict } from '../../pipeline/compare.js';
import { TABLES, type Row, type TableName } from '../../pipeline/types.js';

const root = mkdtempSync(join(tmpdir(), 'eb50-generate-test-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

async function gen(over: Partial<GenerateOptions> = {}): Promise<{ dir: string; stats: GenerateStats; opts: GenerateOptions }> {
  const opts: GenerateOptions = { ...DEFAULTS, out: join(root, `out${dirs++}`), chains: 1000, ...over };
  return { dir: opts.out, stats: await generate(opts), opts };
}

/** The generator never writes `;`, `"` or line breaks inside a value, so
 *  splitting is exact; the test checks that assumption. */
function readCsv(path: string): { header: string[]; rows: Row[] } {
  const text = readFileSync(path, 'utf8');
  if (text.includes('"')) throw new Error(`${path}: unexpected quote`);
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error(`${path}: no final line end`);
  const header = lines[0].split(';');
  const rows = lines.slice(1).map((line) => {
    const values = line.split(';');
    if (values.length !== header.length) throw new Error(`${path}: field count`);
    return Object.fromEntries(header.map((h, i) => [h, values[i]]));
  });
  return { header, rows };
}

function readNdjson(path: string): Row[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);
}

const pk = (r: Row): string => `${r.PNR}\u0000${r.KURS}`;
const key7 = (r: Row, kurs = 'KURSKOD', start = 'STARTTER'): string =>
  [r[kurs], r[start], r.KURSTAKT, r.KURSTID, r.UNDFORM, r.ORT, r.KURSTYP].join('\u0000');

t.test('all eleven tables, each with the required columns', async (t) => {
  const { dir } = await gen({ chains: 300 });
  t.same(readdirSync(dir).sort(), TABLES.map((x) => `${x}.csv`).sort());
  for (const table of TABLES) {
    const { header } = readCsv(join(dir, `${table}.csv`));
    for (const c of requiredColumns(table)) t.ok(header.includes(c), `${table} has ${c}`);
  }
});

t.test('FFGKURS has exactly N rows; the stats count what was written', async (t) => {
  for (const chains of [0, 1, 2, 3, 37, 1500]) {
    const { dir, stats } = await gen({ chains, seed: 7 });
    t.equal(readCsv(join(dir, 'FFGKURS.csv')).rows.length, chains, `N = ${chains}`);
    for (const table of TABLES) {
      t.equal(stats.rows[table], readCsv(join(dir, `${table}.csv`)).rows.length, `${table} rows, N = ${chains}`);
    }
    const p = stats.planned;
    const errors = p.termOrder + p.missingParameters + p.noFreeOmgang + p.badCoursePoints + p.pointsTooLarge + p.codesExhausted;
    t.equal(p.readOnly + p.complete + p.deviating + errors + p.duplicateRows, chains, 'planned kinds add up to N');
  }
});

t.test('FFGKURS sorted by PNR, KURS; FORTKURS and INREGFO by PNR, KURS, TERMORDN (SPEC §2)', async (t) => {
  const { dir } = await gen({ chains: 5000, seed: 3 });
  const ffg = readCsv(join(dir, 'FFGKURS.csv')).rows;
  let bad = 0;
  for (let i = 1; i < ffg.length; i++) if (comparePnrKurs(ffg[i - 1], ffg[i]) > 0) bad++;
  t.equal(bad, 0, 'FFGKURS never steps back');
  for (const table of ['FORTKURS', 'INREGFO'] as const) {
    const rows = readCsv(join(dir, `${table}.csv`)).rows;
    t.ok(rows.length > 0, `${table} has rows`);
    bad = 0;
    for (let i = 1; i < rows.length; i++) if (compareFo(rows[i - 1], rows[i]) > 0) bad++;
    t.equal(bad, 0, `${table} never steps back`);
    t.ok(rows.every((r) => parseIntStrict(r.TERMORDN) !== undefined), `${table} TERMORDN are integers`);
  }
  t.ok(ffg.every((r) => /^[0-9]{10}$/.test(r.PNR)), '10-digit PNRs');
});

t.test('deterministic for a seed, different for another seed', async (t) => {
  const a = await gen({ chains: 2000, seed: 42 });
  const b = await gen({ chains: 2000, seed: 42 });
  const c = await gen({ chains: 2000, seed: 43 });
  for (const table of TABLES) {
    t.equal(readFileSync(join(a.dir, `${table}.csv`), 'utf8'), readFileSync(join(b.dir, `${table}.csv`), 'utf8'), `${table} identical`);
  }
  t.same(a.stats, b.stats);
  t.not(readFileSync(join(a.dir, 'FFGKURS.csv'), 'utf8'), readFileSync(join(c.dir, 'FFGKURS.csv'), 'utf8'), 'another seed, other data');
});

t.test('--format ndjson writes the same rows as csv', async (t) => {
  const csv = await gen({ chains: 400, seed: 5 });
  const nd = await gen({ chains: 400, seed: 5, format: 'ndjson' });
  t.same(readdirSync(nd.dir).sort(), TABLES.map((x) => `${x}.ndjson`).sort());
  for (const table of TABLES) {
    t.same(readNdjson(join(nd.dir, `${table}.ndjson`)), readCsv(join(csv.dir, `${table}.csv`)).rows, table);
  }
});

interface Mix {
  withFo: number;
  incomplete: number;
  /** Distinct (offering, FO set) among the incomplete chains. */
  incompletePatterns: number;
  /** Chains on the most common of those. */
  largestPattern: number;
  /** Complete in KTILL3/KTFORT3 but not in KTILL2/KTFORT2. */
  completeOnlyIn3: number;
  duplicateRows: number;
  orphans: number;
  inregfo: number;
}

/** The chains as SPEC §3/§4.3 sees them, by a plain in-memory check. */
function mixOf(dir: string): Mix {
  const read = (table: TableName): Row[] => readCsv(join(dir, `${table}.csv`)).rows;
  const ffg = read('FFGKURS');
  const perKey = new Map<string, number>();
  for (const r of ffg) perKey.set(pk(r), (perKey.get(pk(r)) ?? 0) + 1);
  const fo = new Map<string, Row[]>();
  let orphans = 0;
  const inregfo = read('INREGFO');
  for (const r of [...read('FORTKURS'), ...inregfo]) {
    if (!perKey.has(pk(r))) orphans++;
    else fo.set(pk(r), [...(fo.get(pk(r)) ?? []), r]);
  }
  const offerings = (table: TableName) => new Set(read(table).map((r) => `${key7(r)}\u0000${r.KURSOMG}`));
  const fortRows = (table: TableName) => new Set(read(table).map((r) => `${key7(r)}\u0000${r.KURSOMG}\u0000${Number(r.TERMORDN)}\u0000${r.TERMIN}`));
  const pairs = [[offerings('KTILL2'), fortRows('KTFORT2')], [offerings('KTILL3'), fortRows('KTFORT3')]];
  let withFo = 0;
  let incomplete = 0;
  let completeOnlyIn3 = 0;
  const patterns = new Map<string, number>();
  let duplicateRows = 0;
  for (const r of ffg) {
    if (perKey.get(pk(r))! > 1) {
      duplicateRows++;
      continue;
    }
    const rows = fo.get(pk(r)) ?? [];
    if (rows.length === 0) continue;
    withFo++;
    const k = `${key7(r, 'KURS', 'TERMIN')}\u0000${r.OMGANG}`;
    // FO set: FORTKURS rows come first in `rows`; an INREGFO row with the
    // TERMORDN of a FORTKURS row is overridden (SPEC §3)
    const seen = new Set<number>();
    const set = rows.filter((x) => {
      const n = Number(x.TERMORDN);
      if (seen.has(n)) return false;
      seen.add(n);
      return true;
    });
    const [in2, in3] = pairs.map(([ktill, ktfort]) => ktill.has(k) && set.every((x) => ktfort.has(`${k}\u0000${Number(x.TERMORDN)}\u0000${x.TERMIN}`)));
    if (!in2 && !in3) {
      incomplete++;
      const pattern = [k, ...set.map((x) => `${Number(x.TERMORDN)}:${x.TERMIN}`).sort()].join('\u0000');
      patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
    }
    if (in3 && !in2) completeOnlyIn3++;
  }
  return { withFo, incomplete, incompletePatterns: patterns.size, largestPattern: Math.max(0, ...patterns.values()), completeOnlyIn3, duplicateRows, orphans, inregfo: inregfo.length };
}

t.test('without deviations or errors every chain with FO rows is already complete', async (t) => {
  const { dir, stats } = await gen({ chains: 3000, seed: 11, newShare: 0, errorShare: 0 });
  const mix = mixOf(dir);
  t.equal(mix.incomplete, 0);
  t.equal(stats.planned.deviating, 0);
  t.equal(mix.withFo, stats.planned.complete);
});

t.test('the default mix: most without FO rows, ~10 % of those with FO rows need an offering, duplicates, orphans, INREGFO', async (t) => {
  const { dir, stats } = await gen({ chains: 20000, seed: 1 });
  const mix = mixOf(dir);
  const p = stats.planned;
  t.equal(mix.withFo, p.complete + p.deviating + p.termOrder + p.missingParameters, 'chains with FO rows as planned');
  t.ok(mix.withFo / 20000 > 0.3 && mix.withFo / 20000 < 0.4, `share with FO rows ${mix.withFo / 20000}`);
  t.ok(mix.completeOnlyIn3 > 0.05 * p.complete, `complete only in KTILL3/KTFORT3: ${mix.completeOnlyIn3} of ${p.complete}`);
  // reuse opportunities: several students on one deviating pattern
  t.ok(mix.incompletePatterns < 0.6 * p.deviating, `${mix.incompletePatterns} patterns for ${p.deviating} deviating chains`);
  t.ok(mix.largestPattern >= 5, `up to ${mix.largestPattern} students on one pattern`);
  t.equal(mix.incomplete, p.deviating + p.termOrder + p.missingParameters, 'exactly the planned chains are incomplete');
  const share = p.deviating / mix.withFo;
  t.ok(share > 0.08 && share < 0.12, `deviating share ${share}`);
  t.ok(p.termOrder > 0 && p.missingParameters > 0, 'some record errors');
  t.equal(mix.duplicateRows, p.duplicateRows);
  t.ok(p.duplicateRows > 0, 'some duplicate pairs');
  t.equal(mix.orphans, p.orphanRows);
  t.ok(p.orphanRows > 0, 'some orphans');
  t.ok(mix.inregfo > 0, 'some INREGFO rows');
});

t.test('a higher --new-share gives more chains that need an offering', async (t) => {
  const { dir, stats } = await gen({ chains: 5000, seed: 2, newShare: 0.5, errorShare: 0 });
  const mix = mixOf(dir);
  const share = mix.incomplete / mix.withFo;
  t.ok(share > 0.45 && share < 0.55, `share ${share}`);
  t.equal(stats.planned.termOrder + stats.planned.missingParameters, 0, 'no errors at error share 0');
});

t.test('mulberry32: deterministic, in [0, 1)', async (t) => {
  const a = mulberry32(9);
  const b = mulberry32(9);
  const xs = Array.from({ length: 1000 }, () => a());
  t.same(xs, Array.from({ length: 1000 }, () => b()));
  t.ok(xs.every((x) => x >= 0 && x < 1));
  t.not(mulberry32(10)(), mulberry32(9)());
});

t.test('parseGenerateArgs', async (t) => {
  t.same(parseGenerateArgs(['--out', 'd', '--chains', '10']), { out: 'd', chains: 10, seed: 1, format: 'csv', newShare: 0.1, errorShare: 0.01, anomalies: 0 });
  t.same(
    parseGenerateArgs(['--out', 'd', '--chains', '0', '--seed', '4294967295', '--format', 'ndjson', '--new-share', '25', '--error-share', '0', '--anomalies', '0.01']),
    { out: 'd', chains: 0, seed: 4294967295, format: 'ndjson', newShare: 0.25, errorShare: 0, anomalies: 0.01 },
  );
  t.equal(parseGenerateArgs(['--out', 'd', '--chains', '1', '--format', 'avro']).format, 'avro');
  const bad: [string[], RegExp][] = [
    [['--chains', '10'], /--out/],
    [['--out', 'd'], /--chains/],
    [['--out', 'd', '--chains', '-1'], /--chains/],
    [['--out', 'd', '--chains', '1e3'], /--chains/],
    [['--out', 'd', '--chains', '1', '--seed', 'x'], /--seed/],
    [['--out', 'd', '--chains', '1', '--format', 'json'], /--format/],
    [['--out', 'd', '--chains', '1', '--anomalies', '1'], /--anomalies/],
    [['--out', 'd', '--chains', '1', '--anomalies', '-0.1'], /--anomalies/],
    [['--out', 'd', '--chains', '1', '--anomalies', ''], /--anomalies/],
    [['--out', 'd', '--chains', '1', '--anomalies', '1%'], /--anomalies/],
    [['--out', 'd', '--chains', '1', '--new-share', '101'], /--new-share/],
    [['--out', 'd', '--chains', '1', '--new-share', '60', '--error-share', '50'], /more than 100/],
    [['--out', 'd', '--chains', '1', '--bogus'], /bogus/],
  ];
  for (const [argv, message] of bad) t.throws(() => parseGenerateArgs(argv), { name: 'UsageError', message }, argv.join(' '));
});

t.test('--format avro writes the same rows as csv, readable by eb50\'s Avro reader', async (t) => {
  const csv = await gen({ chains: 400, seed: 5, anomalies: 0.05 });
  const avro = await gen({ chains: 400, seed: 5, anomalies: 0.05, format: 'avro' });
  t.same(readdirSync(avro.dir).sort(), TABLES.map((x) => `${x}.avro`).sort());
  t.same(avro.stats, csv.stats, 'same stats');
  for (const table of TABLES) {
    const reader = await openTableFile(join(avro.dir, `${table}.avro`), table, 'avro', { encoding: 'utf8' });
    const rows: Row[] = [];
    for await (const { row } of reader.rows()) rows.push(row);
    t.same(rows, readCsv(join(csv.dir, `${table}.csv`)).rows, table);
  }
});

t.test('a realistic catalog: TERMIN 20001–20252, several offerings per course and term, KTILLHST rows', async (t) => {
  const { dir } = await gen({ chains: 20000, seed: 4 });
  const terms = readCsv(join(dir, 'TERMIN.csv')).rows.map((r) => r.TERMIN);
  t.equal(terms[0], '20001');
  t.equal(terms[terms.length - 1], '20252');
  t.equal(terms.length, 52);
  const perCourseTerm = new Map<string, number>();
  for (const table of ['KTILL2', 'KTILL3'] as const) {
    for (const r of readCsv(join(dir, `${table}.csv`)).rows) {
      const k = `${r.KURSKOD} ${r.STARTTER}`;
      perCourseTerm.set(k, (perCourseTerm.get(k) ?? 0) + (table === 'KTILL2' ? 1 : 0));
    }
  }
  const several = [...perCourseTerm.values()].filter((n) => n >= 2).length;
  t.ok(several > perCourseTerm.size / 4, `${several} of ${perCourseTerm.size} course terms have several KTILL2 offerings`);
  const courses = new Set(readCsv(join(dir, 'KTILL2.csv')).rows.map((r) => r.KURSKOD));
  t.ok(courses.size > 600, `${courses.size} courses`);
  t.ok(readCsv(join(dir, 'KTILLHST.csv')).rows.length > 1000, 'KTILLHST rows');
});

t.test('the catalog is capped: it stops growing at MAX_COURSES courses', async (t) => {
  t.equal(courseCount(10), 20);
  t.equal(courseCount(3000), 100);
  t.equal(courseCount(90_000), MAX_COURSES);
  t.equal(courseCount(5_000_000), MAX_COURSES);
  t.equal(courseCount(1e9), MAX_COURSES);
  // the catalog is made first from the seed, so two capped sizes share it
  const a = await gen({ chains: 90_000, seed: 8 });
  const b = await gen({ chains: 100_000, seed: 8 });
  for (const table of ['KTILL2', 'KTFORT2', 'KTILL3', 'KTFORT3', 'KTILLP', 'KURS', 'KTILLHST', 'TERMIN'] as const) {
    t.equal(readFileSync(join(a.dir, `${table}.csv`), 'utf8'), readFileSync(join(b.dir, `${table}.csv`), 'utf8'), `${table} identical`);
  }
  t.ok(a.stats.rows.KURS <= MAX_COURSES && a.stats.rows.KURS > 0.98 * MAX_COURSES, `${a.stats.rows.KURS} courses in KURS (a few are missing)`);
});
