import type { Classification } from '@perch/contracts';

import type { CallRequestEntry, EmailEntry, InteractionCompletion, InteractionViewState, TranscriptEntry } from './interaction.types';

// Contacts, email and call requests, and the customer's earlier interactions (libs/gateway's contacts routes), as the
// desktop reads and sends them.

/** A customer as the brand keeps them: how to reach them on X and on other channels. */
export interface Contact {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  xHandle: string | null;
  xUserId: string | null;
  notes: string;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
  /** A PATCH may name the version it read (409 contact-changed otherwise). */
  version: number;
}

/** GET /api/contacts?q=&limit=&cursor=. */
export interface ContactPage {
  items: Contact[];
  nextCursor?: string;
}

/** POST /api/contacts. */
export interface CreateContactRequest {
  name: string;
  emails?: string[];
  phones?: string[];
  xHandle?: string;
  xUserId?: string;
  notes?: string;
}

/** GET /api/interactions/:id/contact: the matched contact (or none) and the X author to save as one. */
export interface InteractionContact {
  contact: Contact | null;
  author: { xUserId: string; xHandle: string; name: string };
}

/** POST /api/interactions/:id/contact: save the interaction's customer (name defaults to their X name). */
export interface SaveCustomerRequest {
  name?: string;
  emails?: string[];
  phones?: string[];
  notes?: string;
}

/** PATCH /api/contacts/:contactId: lists replace the whole list. */
export interface UpdateContactRequest {
  name?: string;
  emails?: string[];
  phones?: string[];
  notes?: string;
  expectedVersion?: number;
}

/** POST /api/interactions/:id/email: one key per agent action (a retry reuses it; never sent twice). */
export interface EmailRequest {
  subject: string;
  text: string;
  to?: string;
  idempotencyKey: string;
}

export interface EmailSent {
  requestId: string;
  entry: EmailEntry;
  replayed: boolean;
}

/** POST /api/interactions/:id/call: a request for the telephony system. */
export interface CallRequest {
  phone?: string;
  reason?: string;
  idempotencyKey: string;
}

export interface CallRequested {
  callRequestId: string;
  entry: CallRequestEntry;
  replayed: boolean;
}

/** One line of an earlier interaction's transcript. */
export interface HistoryEntry {
  kind: TranscriptEntry['kind'];
  at: number;
  text?: string;
  agentId?: string;
  status?: string;
}

/** An earlier interaction of the same customer: what it was, how it ended, who handled it. */
export interface InteractionSummary {
  id: string;
  brandAccountId: string;
  brandUsername: string | null;
  channel: 'public' | 'dm';
  kind: 'mention' | 'reply' | 'quote' | 'dm' | null;
  text: string | null;
  state: InteractionViewState;
  agentId: string | null;
  handledBy: string[];
  completion: InteractionCompletion | null;
  classification: Classification | null;
  createdAt: number;
  updatedAt: number;
  entries: HistoryEntry[];
}

/** GET /api/contacts/:contactId/history: the contact's interactions, most recent first. */
export interface HistoryPage {
  items: InteractionSummary[];
  nextCursor?: string;
}

/** GET /api/interactions/:id/history: the same customer's other interactions, most recent first. */
export interface InteractionHistory extends HistoryPage {
  customer: { xUserId: string; xHandle: string };
}

/** A mail the embedded mode's SMTP catcher received (GET /api/dev/mailbox, admins). */
export interface CaughtMail {
  id: string;
  /** ISO 8601. */
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string | null;
  perchHeaders: Record<string, string>;
  emlFile: string;
}

export interface Mailbox {
  location: string;
  items: CaughtMail[];
}
