/**
 * SPEC §9 "Mail" through the real CLI, against a real SMTP server
 * (smtp-server) on loopback: what arrives is parsed with mailparser.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { copySample, editTable, ROOT, runEb50, SAMPLE } from './helpers.js';

interface Inbox {
  port: number;
  received: Promise<ParsedMail>;
  close: () => Promise<void>;
}

function smtpServer(): Promise<Inbox> {
  return new Promise((resolve) => {
    let deliver: (mail: ParsedMail) => void = () => undefined;
    const received = new Promise<ParsedMail>((r) => (deliver = r));
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          deliver(mail);
          callback();
        }, callback);
      },
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as { port: number }).port;
      resolve({ port, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** The CLI as a child process (not spawnSync: the SMTP server runs in this
 *  process and must answer while the CLI waits). */
function eb50Async(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'bin', 'eb50.js'), ...args]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code, stderr })));
}

const base = (input: string, out: string) =>
  ['run', '--input', input, '--output', out, '--leading-char', 'Q', '--run-date', '2015-02-23T10:41:50'];

t.test('--mail-to sends sammanfattning.txt with resultatlista.txt attached', async (t) => {
  const inbox = await smtpServer();
  t.teardown(inbox.close);
  const out = join(t.testdir(), 'out');
  const r = await eb50Async([...base(SAMPLE, out), '--mail-to', 'registrator@example.org', '--smtp', `smtp://127.0.0.1:${inbox.port}`]);
  t.equal(r.code, 0, r.stderr);
  const mail = await inbox.received;
  t.same(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [], ['registrator@example.org']);
  t.equal(mail.subject, 'EB50 inspektion (UPPDATERA=N): KTILL2 13, KTFORT2 16, FFGKURS 14', 'mode and lines 1–3');
  t.equal(mail.text?.trimEnd(), (await readFile(join(out, 'sammanfattning.txt'), 'utf8')).trimEnd(), 'the body is sammanfattning.txt');
  t.equal(mail.attachments.length, 1);
  t.equal(mail.attachments[0].filename, 'resultatlista.txt');
  t.equal(mail.attachments[0].content.toString('utf8'), await readFile(join(out, 'resultatlista.txt'), 'utf8'), 'the attachment is the result list');
});

t.test('the mail of an update run stopped by a lock says so in the subject', async (t) => {
  const inbox = await smtpServer();
  t.teardown(inbox.close);
  const out = join(t.testdir(), 'out');
  const r = await eb50Async([...base(SAMPLE, out), '--mode', 'update', '--mail-to', 'a@example.org', '--smtp', `smtp://127.0.0.1:${inbox.port}`]);
  t.equal(r.code, 3);
  const mail = await inbox.received;
  t.equal(mail.subject, 'EB50 uppdatering (UPPDATERA=J) STOPPAD AV SPÄRR: KTILL2 13, KTFORT2 16, FFGKURS 14');
  t.match(mail.attachments[0].content.toString('utf8'), /Varning! Uppdateringen har stoppats av en spärr/);
});

t.test('a failed mail is a warning and does not change the exit code', async (t) => {
  const dir = t.testdir();
  const closed = await smtpServer();
  await closed.close(); // nothing listens on this port any more
  const r = runEb50(SAMPLE, join(dir, 'out'), ['--mail-to', 'a@example.org', '--smtp', `smtp://127.0.0.1:${closed.port}`]);
  t.equal(r.code, 0);
  t.match(r.stderr, /^eb50: warning: the summary mail to a@example\.org was not sent: .*ECONNREFUSED/m);
  t.ok((await readdir(join(dir, 'out'))).includes('summary.json'));
  const locked = await copySample(dir);
  await editTable(locked, 'KURS', (lines) => lines.slice(0, 1));
  const stopped = runEb50(locked, join(dir, 'out2'), ['--mode', 'update', '--mail-to', 'a@example.org', '--smtp', `smtp://127.0.0.1:${closed.port}`]);
  t.equal(stopped.code, 3, 'a locked run keeps its exit code when the mail fails too');
});

t.test('a malformed --smtp URL is a usage error', async (t) => {
  const r = await eb50Async([...base(SAMPLE, join(t.testdir(), 'out')), '--mail-to', 'a@example.org', '--smtp', 'mail.example.org']);
  t.equal(r.code, 2);
  t.match(r.stderr, /--smtp must be a URL like smtp:\/\/host:25/);
});
