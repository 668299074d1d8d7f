/** An agent's email to a contact, sent from the interaction's brand. */
export interface OutgoingMail {
  /** The brand account's X username: picks the sender address and transport (SMTP_BRANDS, else the global one). */
  brand: string;
  to: string;
  subject: string;
  text: string;
  /** Extra headers (X-Perch-Interaction-Id…), for threads and for whoever reads the mailbox. */
  headers?: Record<string, string>;
}

export interface SentMail {
  /** The Message-ID header of the mail. */
  messageId: string;
  from: string;
  /** What the server accepted. */
  accepted: string[];
}

/**
 * Sends mail (SMTP through nodemailer: SmtpMailSender). Throws RetryableError mail-unavailable when the server could
 * not be reached (nothing sent), ConflictError mail-refused when it refused the message, ConflictError
 * mail-not-configured (503 would say "retry"; a missing transport is a configuration matter) when the brand has none.
 */
export interface MailSender {
  /** Whether a transport is configured for this brand (its own or the global one). */
  canSendFor(brand: string): boolean;
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): Promise<void>;
}
