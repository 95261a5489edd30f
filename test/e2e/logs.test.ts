/**
 * What the CLI prints: human lines on stderr by default, one JSON object
 * per event with --log-format json, --quiet, --json, and the run lock's
 * holder and take-over.
 */
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { copySample, editTable, runEb50, SAMPLE } from './helpers.js';

t.test('default: human lines on stderr (start, phases, lock, end), the summary on stdout', async (t) => {
  const out = join(t.testdir(), 'out');
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  t.match(lines[0], /^eb50: inspect run of .*data\/sample into .*out \(run date 2015-02-23T10:41:50\)$/);
  t.match(r.stderr, /^eb50: catalog tables read: 195 rows in \d+\.\d s$/m);
  t.match(r.stderr, /^eb50: chains processed: 83 rows in /m);
  t.match(r.stderr, /^eb50: KTILLHST copied: 6 rows in /m);
  t.match(r.stderr, /^eb50: safety lock tripped, not enforced: Spärr: 14 av 32/m);
  t.match(lines.at(-1), /^eb50: done in \d+\.\d s, exit 0, 13 created and 1 reused offerings$/);
  t.equal(r.stdout, await readFile(join(out, 'sammanfattning.txt'), 'utf8'));
});

t.test('--log-format json: one JSON object per line, one per event, in order', async (t) => {
  const r = runEb50(SAMPLE, join(t.testdir(), 'out'), ['--log-format', 'json']);
  t.equal(r.code, 0);
  const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
  t.same(events.map((e) => e.event), ['start', 'phase', 'phase', 'phase', 'lock', 'phase', 'end']);
  t.same(events.filter((e) => e.event === 'phase').map((e) => [e.phase, e.rows]), [['catalog', 195], ['chains', 83], ['ktillhst', 6], ['report', 73]]);
  for (const e of events) t.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.same({ ...events.at(-1), time: 0, ms: 0 }, { time: 0, event: 'end', exitCode: 0, ms: 0, created: 13, reused: 1 });
  t.same(events[4].enforced, false);
});

t.test('--log-format json: an input error is a JSON error event with the exit code', async (t) => {
  const dir = t.testdir();
  const input = await copySample(dir);
  await editTable(input, 'KURS', (lines) => [...lines, '"broken']);
  const r = runEb50(input, join(dir, 'out'), ['--log-format', 'json']);
  t.equal(r.code, 3);
  const last = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
  t.equal(last.event, 'error');
  t.equal(last.exitCode, 3);
  t.match(last.message, /KURS\.csv:\d+: /);
});

t.test('--quiet: nothing on stdout, only warnings, locks and errors on stderr', async (t) => {
  const r = runEb50(SAMPLE, join(t.testdir(), 'out'), ['--quiet']);
  t.equal(r.code, 0);
  t.equal(r.stdout, '');
  t.same(r.stderr.trim().split('\n'), ['eb50: safety lock tripped, not enforced: Spärr: 14 av 32 kedjor med fortsättningsterminer (43.8 %) skulle få ett nytt kurstillfälle, mer än tillåtna 20 %.']);
  const clean = runEb50(SAMPLE, join(t.testdir(), 'out2'), ['--quiet', '--max-new-share', '100']);
  t.equal(clean.stderr, '', 'a clean run is silent');
});

t.test('--json prints summary.json on stdout', async (t) => {
  const out = join(t.testdir(), 'out');
  const r = runEb50(SAMPLE, out, ['--json', '--quiet']);
  t.equal(r.code, 0);
  t.equal(r.stdout, await readFile(join(out, 'summary.json'), 'utf8'));
});

t.test('unknown --log-format is a usage error', async (t) => {
  const r = runEb50(SAMPLE, join(t.testdir(), 'out'), ['--log-format', 'xml']);
  t.equal(r.code, 2);
  t.equal(r.stderr, "eb50: --log-format must be one of text, json, got 'xml' (see eb50 --help)\n");
});

t.test('run lock: a live holder is named with pid, host and start time; exit 75', async (t) => {
  const out = t.testdir({ '.eb50.lock': `${process.pid}\n${hostname()}\n2026-11-25T01:00:00.000Z\n` });
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 75);
  t.match(r.stderr, `another eb50 run (pid ${process.pid} on ${hostname()}, started 2026-11-25T01:00:00.000Z) is writing`);
});

t.test('run lock: a lock held on another host is never taken over', async (t) => {
  const out = t.testdir({ '.eb50.lock': '999999999\nother-host.example.org\n2026-11-25T01:00:00.000Z\n' });
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 75);
  t.match(r.stderr, /pid 999999999 on other-host\.example\.org/);
});

t.test('run lock: a dead holder\'s lock is taken over and the result list says so', async (t) => {
  const out = t.testdir({ '.eb50.lock': `999999999\n${hostname()}\n2026-11-25T01:00:00.000Z\n`, '.eb50-tmp-999999999-abcd': { 'KTILL2.csv': 'part' } });
  const r = runEb50(SAMPLE, out);
  t.equal(r.code, 0, r.stderr);
  const list = await readFile(join(out, 'resultatlista.txt'), 'utf8');
  t.match(list, `Varning! Körlåset från en avbruten körning (pid 999999999 on ${hostname()}, started 2026-11-25T01:00:00.000Z) togs över`);
  t.match(r.stderr, /^eb50: warning: Körlåset från en avbruten körning/m);
  await writeFile(join(out, 'x'), '');
  const again = runEb50(SAMPLE, out);
  t.notMatch(await readFile(join(out, 'resultatlista.txt'), 'utf8'), /Körlåset/, 'a normal run says nothing about it');
  t.equal(again.code, 0);
});
