import { type CaughtMailbox, type ContactStore, type MailSender, type OutreachLedger } from '@perch/contacts';

/**
 * The contact database and the other channels to reach a contact (@perch/contacts), built by the app: SqlContactStore
 * and SqlOutreachLedger on the gateway's PostgreSQL (PGlite embedded), an SmtpMailSender, and embedded the catcher's
 * mailbox. Absent: memory stores, no mail (409 mail-not-configured), no mailbox (404).
 */
export interface ContactsGatewayDeps {
  store: ContactStore;
  /** At most one email or call request per idempotency key (shared by the replicas). */
  ledger: OutreachLedger;
  mail?: MailSender;
  /** Only where a local SMTP catcher runs (the embedded mode): GET /api/dev/mailbox reads it. */
  mailbox?: CaughtMailbox;
}
