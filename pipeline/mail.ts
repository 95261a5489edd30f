/**
 * SPEC §9 "Mail": sammanfattning.txt is sent to the requester. A failed send
 * is reported and does not fail the run.
 */
import nodemailer from 'nodemailer';

export interface MailResult {
  ok: boolean;
  reason?: string;
}

export async function sendSummaryMail(smtpUrl: string, to: string, text: string): Promise<MailResult> {
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
      subject: 'EB50: sammanfattning av körningen',
      text,
    });
    transport.close();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
