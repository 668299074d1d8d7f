import { type AddressInfo } from 'node:net';

import { createLogger, type Logger } from '@perch/platform';
import { SMTPServer } from 'smtp-server';

import { type CaughtMailbox } from './caught-mailbox.port';

export interface SmtpCatcherOptions {
  mailbox: CaughtMailbox;
  /** 0: any free port. */
  port: number;
  /** Default 127.0.0.1: the catcher takes mail from this machine only. */
  host?: string;
  /** Largest message accepted (bytes). Default 10 MB. */
  maxBytes?: number;
  logger?: Logger;
}

/**
 * A local SMTP server (smtp-server) that keeps every mail it receives in a CaughtMailbox and delivers nothing: the
 * embedded mode's mail transport, so `npm start` sends real SMTP without a mail server or an outside address.
 */
export class SmtpCatcher {
  private readonly server: SMTPServer;
  private readonly logger: Logger;
  private listeningPort: number | null = null;

  constructor(private readonly options: SmtpCatcherOptions) {
    this.logger = options.logger ?? createLogger('smtp-catcher');
    this.server = new SMTPServer({
      // Loopback only and nothing relayed: no TLS or sign-in to set up.
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: options.maxBytes ?? 10 * 1024 * 1024,
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          // smtp-server counts the bytes but leaves refusing an oversized message to us, as a real server would (552).
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('Message exceeds the fixed maximum message size'), { responseCode: 552 }));
            return;
          }
          const envelope = {
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          };
          this.options.mailbox.save(Buffer.concat(chunks), envelope).then(
            (mail) => {
              this.logger.info({ mailId: mail.id, to: envelope.to, file: mail.emlFile }, 'mail caught');
              callback();
            },
            (error: unknown) => {
              this.logger.warn({ err: error }, 'could not keep a caught mail');
              callback(error instanceof Error ? error : new Error(String(error)));
            },
          );
        });
      },
    });
    this.server.on('error', (error) => this.logger.warn({ err: error }, 'smtp catcher error'));
  }

  /** Listens; resolves with the port (the one asked for, or the one picked for 0). */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        this.server.server.off('error', onError);
        this.listeningPort = (this.server.server.address() as AddressInfo).port;
        resolve(this.listeningPort);
      });
    });
  }

  /** smtp://127.0.0.1:<port>: what the mail sender is configured with. */
  get url(): string {
    if (this.listeningPort === null) throw new Error('SmtpCatcher not started');
    return `smtp://${this.options.host ?? '127.0.0.1'}:${this.listeningPort}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
