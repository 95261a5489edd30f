/**
 * SPEC §9 "Mail": sammanfattning.txt is sent to the requester. A failed send
 * is reported and does not fail the run.
 */
import { basename } from 'node:path';
import nodemailer from 'nodemailer';
import type { Summary } from '../stages/sinks/summary.js';

export interface MailResult {
  ok: boolean;
  reason?: string;
}

export interface SummaryMail {
  subject: string;
  /** sammanfattning.txt */
  text: string;
  /** resultatlista.txt, attached. */
  attachment: string;
}

/** The mode and the counts of summary lines 1–3, so the inbox shows what
 *  the run did before the mail is opened. */
export function mailSubject(summary: Summary): string {
  const mode = summary.mode === 'update' ? 'uppdatering (UPPDATERA=J)' : 'inspektion (UPPDATERA=N)';
  const stopped = summary.exitCode === 3 ? ' STOPPAD AV SPÄRR:' : ':';
  const { ktill2, ktfort2, ffgkurs } = summary.counts;
  return `EB50 ${mode}${stopped} KTILL2 ${ktill2}, KTFORT2 ${ktfort2}, FFGKURS ${ffgkurs}`;
}

export async function sendSummaryMail(smtpUrl: string, to: string, mail: SummaryMail): Promise<MailResult> {
  try {
    // nodemailer waits up to 10 minutes on a silent server by default; a
    // stalled mail server must not hold a nightly run that long.
    const transport = nodemailer.createTransport(smtpUrl, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as never);
    await transport.sendMail({
      from: 'EB50 <eb50@localhost>',
      to,
      subject: mail.subject,
      text: mail.text,
      attachments: [{ filename: basename(mail.attachment), path: mail.attachment, contentType: 'text/plain; charset=utf-8' }],
    });
    transport.close();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
