/** Codes of @perch/contacts' errors (clients branch on them: keep them stable). */
export const ContactErrorCode = {
  /** 404: no contact with this id. */
  NotFound: 'contact-not-found',
  /** 409: another contact already has this X user id (details.contactId names it). */
  XUserTaken: 'contact-x-user-taken',
  /** 409: the contact changed since the version the caller read (details.version is the current one). */
  Changed: 'contact-changed',
  /** 409: the interaction's customer matches no contact: save them as a contact first. */
  NoContact: 'no-contact',
  /** 409: an email to a contact without an email address (or to an address the contact does not have). */
  NoEmail: 'contact-has-no-email',
  /** 409: a call to a contact without a phone number (or to a number the contact does not have). */
  NoPhone: 'contact-has-no-phone',
  /** 503: no mail transport is configured for the interaction's brand (SMTP_URL / SMTP_FROM / SMTP_BRANDS). */
  MailNotConfigured: 'mail-not-configured',
  /** 503: the mail server could not be reached; nothing was sent, the same request may be retried. */
  MailUnavailable: 'mail-unavailable',
  /** 409: the mail server refused the message (its answer in the message); nothing was sent. */
  MailRefused: 'mail-refused',
  /** 409: an idempotency key used before for a different request. */
  IdempotencyKeyReused: 'idempotency-key-reused',
  /** 409: a request with this idempotency key is still being carried out, or its outcome is unknown. */
  RequestInProgress: 'request-in-progress',
  /** 404: no caught mailbox in this mode (only the embedded mode runs the local SMTP catcher). */
  MailboxUnavailable: 'mailbox-unavailable',
} as const;
export type ContactErrorCode = (typeof ContactErrorCode)[keyof typeof ContactErrorCode];
