import t from 'tap';
import { parseCommand, runOptions } from '../../pipeline/options.js';

const base = ['run', '--input', 'in', '--output', 'out', '--leading-char', 'Q', '--run-date', '2015-02-23T10:41:50'];
const optionsOf = (...extra: string[]) => {
  const c = parseCommand([...base, ...extra]);
  if (c.command !== 'run') throw new Error('not run');
  return c.options;
};

t.test('defaults of the flags added for operations', async (t) => {
  const o = optionsOf();
  t.same([o.maxShrink, o.json, o.logFormat, o.quiet], [10, false, 'text', false]);
});

t.test('--max-shrink, --json, --log-format, --quiet/-q', async (t) => {
  const o = optionsOf('--max-shrink', '2.5', '--json', '--log-format', 'json', '-q');
  t.same([o.maxShrink, o.json, o.logFormat, o.quiet], [2.5, true, 'json', true]);
  t.throws(() => optionsOf('--log-format', 'xml'), /--log-format must be one of text, json, got 'xml'/);
  t.throws(() => optionsOf('--max-shrink', '-1'), /--max-shrink must be a percentage 0–100, got '-1'/);
  t.throws(() => optionsOf('--max-shrink', '100.5'), /--max-shrink must be a percentage/);
});

t.test('runOptions (the API) fills the command line defaults and checks the rest', async (t) => {
  const o = runOptions({ input: 'i', output: 'o', leadingChar: 'å', runDate: '2015-02-23T10:41:50' });
  t.same(o, {
    input: 'i', output: 'o', leadingChar: 'Å', mode: 'inspect', runDate: '2015-02-23T10:41:50', format: 'csv', encoding: 'utf8',
    withoutLocks: false, maxNewShare: 20, maxShrink: 10, mailTo: undefined, smtp: undefined, json: false, logFormat: 'text',
    quiet: false, debug: false,
  });
  t.match(runOptions({ input: 'i', output: 'o', leadingChar: 'Q' }).runDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'run date defaults to now');
  t.throws(() => runOptions({ input: 'i', output: 'o', leadingChar: 'Q', maxShrink: Number.NaN }), /--max-shrink must be a percentage/);
  t.throws(() => runOptions({ input: 'i', output: 'o', leadingChar: 'Q', format: 'xml' as never }), /--format must be one of csv, ndjson, avro/);
  t.throws(() => runOptions({ input: 'i', output: 'o', leadingChar: 'Q', mode: 'live' as never }), /--mode must be one of/);
  t.throws(() => runOptions({ input: 'i', output: 'o', leadingChar: 'Q', mailTo: 'a@b' }), /--mail-to needs --smtp/);
});
