/** A mail the embedded mode's local SMTP catcher received, as the dev mailbox shows it. */
export interface CaughtMail {
  id: string;
  /** ISO 8601: when the catcher received it. */
  receivedAt: string;
  /** The SMTP envelope's sender and recipients. */
  envelopeFrom: string;
  envelopeTo: string[];
  /** Parsed from the message (mailparser). */
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string | null;
  /** X-Perch-* headers, lower-case names: which interaction and agent it came from. */
  perchHeaders: Record<string, string>;
  /** The raw message (RFC 5322), openable in any mail client. */
  emlFile: string;
}

/** Where caught mails are kept (files in the data folder: FileCaughtMailbox). */
export interface CaughtMailbox {
  /** Parses and keeps one received message. */
  save(raw: Buffer, envelope: { from: string; to: string[] }): Promise<CaughtMail>;
  /** Most recent first. */
  list(limit: number): Promise<CaughtMail[]>;
  /** Where it keeps them, for the README and the start-up banner. */
  readonly location: string;
}
