// @perch/contacts/embedded: the local mail catcher of the embedded app (an SMTP server and the mailbox it fills).
// The distributed gateway sends mail to a real server through @perch/contacts and never loads these.
export * from './lib/mail/file-caught-mailbox.adapter';
export * from './lib/mail/smtp-catcher.adapter';
