import { ConflictError, RetryableError } from '@perch/platform';
import { type Transporter } from 'nodemailer';

import { ContactErrorCode } from '../contacts.errors';
import { type MailRoutes, mailRouteFor } from './mail-routes.util';
import { type MailSender, type OutgoingMail, type SentMail } from './mail-sender.port';

/** nodemailer's codes for "the message never reached the server": safe to try again, nothing was sent. */
const NOT_SENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'ECONNREFUSED']);

/** MailSender over SMTP with nodemailer: one pooled transport per distinct URL. */
export class SmtpMailSender implements MailSender {
  private readonly transports = new Map<string, Transporter>();
  private closed = false;

  constructor(private readonly routes: MailRoutes) {}

  canSendFor(brand: string): boolean {
    return mailRouteFor(this.routes, brand) !== undefined;
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const route = mailRouteFor(this.routes, mail.brand);
    if (!route) {
      throw new ConflictError<ContactErrorCode>(`No mail transport is configured for @${mail.brand} (SMTP_URL and SMTP_FROM, or SMTP_BRANDS)`, ContactErrorCode.MailNotConfigured);
    }
    try {
      const info = await (await this.transport(route.url)).sendMail({
        from: route.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.headers === undefined ? {} : { headers: mail.headers }),
      });
      return { messageId: String(info.messageId), from: route.from, accepted: (info.accepted as (string | { address: string })[]).map((address) => (typeof address === 'string' ? address : address.address)) };
    } catch (error) {
      throw error instanceof RetryableError ? error : mailFailure(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }

  /** nodemailer is loaded with the first mail: most gateways never send one, and it is 2 MB of heap (ADR 20 amendment). */
  private async transport(url: string): Promise<Transporter> {
    let transport = this.transports.get(url);
    if (!transport) {
      const { createTransport } = await import('nodemailer');
      // Closed while nodemailer loaded: a transport made now would outlive close() and send after shutdown began.
      if (this.closed) {
        throw new RetryableError<ContactErrorCode>('The mail sender is closed (the process is stopping); nothing was sent, try again', ContactErrorCode.MailUnavailable);
      }
      // Checked again: another send may have made it while nodemailer loaded.
      transport = this.transports.get(url) ?? createTransport(url);
      this.transports.set(url, transport);
    }
    return transport;
  }
}

/** A failed send as a typed error: unreachable (nothing sent, retryable) or refused (the server's words). */
export function mailFailure(error: unknown): RetryableError<ContactErrorCode> | ConflictError<ContactErrorCode> {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (NOT_SENT_CODES.has(code)) {
    return new RetryableError<ContactErrorCode>(`The mail server could not be reached (${code}); nothing was sent, try again`, ContactErrorCode.MailUnavailable, { code });
  }
  return new ConflictError<ContactErrorCode>(`The mail server refused the message: ${message}`, ContactErrorCode.MailRefused, { code });
}
