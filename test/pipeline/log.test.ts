import t from 'tap';
import { createLogger, eventText, type RunEvent } from '../../pipeline/log.js';

const events: RunEvent[] = [
  { event: 'start', mode: 'update', input: 'in', output: 'out', runDate: '2015-02-23T10:41:50' },
  { event: 'phase', phase: 'chains', rows: 1200, ms: 1530 },
  { event: 'lock', text: 'Spärr: X', enforced: true },
  { event: 'warning', text: 'careful' },
  { event: 'end', exitCode: 3, ms: 2000 },
  { event: 'error', exitCode: 3, message: 'KURS.csv:4: broken' },
];

t.test('human lines', async (t) => {
  t.same(events.map(eventText), [
    'update run of in into out (run date 2015-02-23T10:41:50)',
    'chains processed: 1200 rows in 1.5 s',
    'safety lock tripped: Spärr: X',
    'warning: careful',
    'done in 2.0 s, exit 3',
    'KURS.csv:4: broken',
  ]);
});

t.test('json lines carry the time and every field', async (t) => {
  const lines: string[] = [];
  const log = createLogger('json', false, (l) => lines.push(l), () => new Date(0));
  for (const e of events) log(e);
  t.equal(lines.length, events.length);
  t.same(JSON.parse(lines[1]), { time: '1970-01-01T00:00:00.000Z', event: 'phase', phase: 'chains', rows: 1200, ms: 1530 });
  t.ok(lines.every((l) => l.endsWith('}\n')));
});

t.test('--quiet keeps locks, warnings and errors only', async (t) => {
  const lines: string[] = [];
  const log = createLogger('text', true, (l) => lines.push(l));
  for (const e of events) log(e);
  t.same(lines, ['eb50: safety lock tripped: Spärr: X\n', 'eb50: warning: careful\n', 'eb50: KURS.csv:4: broken\n']);
});
