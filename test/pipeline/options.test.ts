import t from 'tap';
import { parseCommand, localTimestamp } from '../../pipeline/options.js';
import { UsageError } from '../../pipeline/errors.js';

const base = ['run', '--input', 'in', '--output', 'out'];

function runOptions(argv: string[]) {
  const c = parseCommand(argv);
  if (c.command !== 'run') throw new Error('expected run');
  return c.options;
}

t.test('defaults: inspect mode, csv, utf8, locks on at 20 %', async (t) => {
  const o = runOptions([...base, '--leading-char', 'q', '--run-date', '2015-02-23T10:41:50']);
  t.equal(o.mode, 'inspect');
  t.equal(o.leadingChar, 'Q', 'leading char folded to upper case');
  t.equal(o.format, 'csv');
  t.equal(o.encoding, 'utf8');
  t.equal(o.withoutLocks, false);
  t.equal(o.maxNewShare, 20);
  t.equal(o.runDate, '2015-02-23T10:41:50');
});

t.test('Ladok style UPPDATERA=J INLEDANDETECKEN=å', async (t) => {
  const o = runOptions(['run', 'UPPDATERA=J', 'INLEDANDETECKEN=å', '--input', 'in', '--output', 'out']);
  t.equal(o.mode, 'update');
  t.equal(o.leadingChar, 'Å');
  t.equal(runOptions(['run', 'UPPDATERA=N', 'INLEDANDETECKEN=Q', '--input', 'i', '--output', 'o']).mode, 'inspect');
});

t.test('--run-date is checked as a calendar date, whatever the time zone', async (t) => {
  t.equal(runOptions([...base, '--leading-char', 'Q', '--run-date', '2015-03-29T02:30:00']).runDate, '2015-03-29T02:30:00',
    'the hour a DST change skips in Europe is a valid text');
  t.equal(runOptions([...base, '--leading-char', 'Q', '--run-date', '2016-02-29T23:59:59']).runDate, '2016-02-29T23:59:59');
  t.throws(() => parseCommand([...base, '--leading-char', 'Q', '--run-date', '2015-02-29T10:00:00']), /--run-date/);
  t.throws(() => parseCommand([...base, '--leading-char', 'Q', '--run-date', '2015-02-23T24:00:00']), /--run-date/);
});

t.test('--run-date defaults to now, local time', async (t) => {
  t.match(runOptions([...base, '--leading-char', 'Q']).runDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  t.equal(localTimestamp(new Date(2015, 1, 23, 10, 41, 50)), '2015-02-23T10:41:50');
});

const usageErrors: Array<[string, string[], RegExp]> = [
  ['no command', [], /no command/],
  ['unknown command', ['frobnicate'], /unknown command/],
  ['missing leading char', base, /leading-char/],
  ['leading char is a digit', [...base, '--leading-char', '1'], /one letter/],
  ['leading char is two letters', [...base, '--leading-char', 'QQ'], /one letter/],
  ['missing input', ['run', '--output', 'o', '--leading-char', 'Q'], /--input/],
  ['missing output', ['run', '--input', 'i', '--leading-char', 'Q'], /--output/],
  ['bad mode', [...base, '--leading-char', 'Q', '--mode', 'dry'], /--mode/],
  ['bad format', [...base, '--leading-char', 'Q', '--format', 'xml'], /--format/],
  ['bad encoding', [...base, '--leading-char', 'Q', '--encoding', 'cp1252'], /--encoding/],
  ['bad run date', [...base, '--leading-char', 'Q', '--run-date', '2015-02-30T10:41:50'], /--run-date/],
  ['share above 100', [...base, '--leading-char', 'Q', '--max-new-share', '101'], /--max-new-share/],
  ['negative share', [...base, '--leading-char', 'Q', '--max-new-share', '-1'], /--max-new-share must be a percentage 0–100, got '-1'/],
  ['share not a number', [...base, '--leading-char', 'Q', '--max-new-share', 'ten'], /--max-new-share must be a percentage 0–100, got 'ten'/],
  ['UPPDATERA=X', [...base, 'UPPDATERA=X', '--leading-char', 'Q'], /UPPDATERA/],
  ['UPPDATERA contradicts --mode', [...base, 'UPPDATERA=J', '--mode', 'inspect', '--leading-char', 'Q'], /contradicts/],
  ['unknown flag', [...base, '--leading-char', 'Q', '--frob'], /frob/],
  ['stray positional', [...base, '--leading-char', 'Q', 'extra'], /unexpected argument/],
  ['mail without smtp', [...base, '--leading-char', 'Q', '--mail-to', 'a@b'], /--smtp/],
  ['sort without output', ['sort', '--input', 'a'], /eb50 sort needs --input DIR and --output DIR/],
  ['sort of a table that is not sorted', ['sort', '--input', 'a', '--output', 'b', '--table', 'KURS'], /--table must be one of FFGKURS, FORTKURS, INREGFO/],
  ['apply without delta', ['apply', '--input', 'a', '--output', 'b'], /eb50 apply needs --input DIR, --delta DIR and --output DIR/],
  ['apply with a stray positional', ['apply', '--input', 'a', '--delta', 'd', '--output', 'b', 'x'], /unexpected argument 'x'/],
];
for (const [name, argv, message] of usageErrors) {
  t.test(`usage error: ${name}`, async (t) => {
    t.throws(() => parseCommand(argv), message);
    try {
      parseCommand(argv);
    } catch (err) {
      t.ok(err instanceof UsageError && err.exitCode === 2, 'exit code 2');
    }
  });
}

t.test('sort: --input DIR --output DIR, --table optional', async (t) => {
  t.same(parseCommand(['sort', '--input', 'in', '--output', 'out']),
    { command: 'sort', options: { input: 'in', output: 'out', table: undefined, encoding: 'utf8', debug: false } });
  t.same(parseCommand(['sort', '--input', 'in', '--output', 'in', '--table', 'FORTKURS', '--encoding', 'latin1']),
    { command: 'sort', options: { input: 'in', output: 'in', table: 'FORTKURS', encoding: 'latin1', debug: false } });
});

t.test('apply: --input, --delta and --output', async (t) => {
  t.same(parseCommand(['apply', '--input', 'in', '--delta', 'out/delta', '--output', 'next']),
    { command: 'apply', options: { input: 'in', delta: 'out/delta', output: 'next', encoding: 'utf8', debug: false } });
});

t.test('--help and --version', async (t) => {
  t.same(parseCommand(['--help']), { command: 'help' });
  t.same(parseCommand(['-V']), { command: 'version' });
});
