import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile } from '@perch/agents';
import {
  type Contact,
  ContactErrorCode,
  type ContactStore,
  type MailSender,
  normalizeEmail,
  normalizePhone,
  type OutreachKind,
  type OutreachLedger,
  type OutreachRecord,
} from '@perch/contacts';
import { Topics } from '@perch/contracts';
import { applyEntries, type CallRequestEntry, type EmailEntry, type InteractionStore, type InteractionView } from '@perch/interactions';
import { type EventPublisher } from '@perch/messaging';
import { type Clock, ConflictError, createLogger, PerchError, RetryableError, systemClock } from '@perch/platform';
import { type BrandAccount } from '@perch/x-client';

import { type AssignmentReader } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_ASSIGNMENTS, GATEWAY_BRANDS, GATEWAY_BUS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { customerOf } from '../interactions/outbound-actions.service';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { type ContactsGatewayDeps } from './contacts-deps.types';
import { GATEWAY_CONTACTS } from './contacts-gateway.constants';
import { CustomerHistoryService } from './customer-history.service';

export interface EmailRequest {
  subject: string;
  text: string;
  to?: string;
  idempotencyKey: string;
}

export interface CallRequest {
  phone?: string;
  reason?: string;
  idempotencyKey: string;
}

export interface EmailSent {
  requestId: string;
  entry: EmailEntry;
  /** true when this answers a retried request (same idempotency key): nothing was sent again. */
  replayed: boolean;
}

export interface CallRequested {
  callRequestId: string;
  entry: CallRequestEntry;
  replayed: boolean;
}

export interface InteractionContact {
  contact: Contact | null;
  author: { xUserId: string; xHandle: string; name: string };
}

/**
 * The customer's contact record seen from an interaction, and the other channels to reach them: an email through the
 * mail transport, a call request for a telephony system. Both only by the holder (the router's record, like a DM),
 * both at most once per idempotency key (the OutreachLedger claims the key before anything is sent), both kept in
 * the interaction's transcript (never sent to X) and audited by their routes.
 */
@Injectable()
export class CustomerChannelsService {
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly clock: Clock;
  private readonly contacts: ContactStore;
  private readonly ledger: OutreachLedger;
  private readonly mail: MailSender | undefined;
  private readonly logger = createLogger('gateway-contacts');

  constructor(
    @Inject(GATEWAY_CONTACTS) deps: ContactsGatewayDeps,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_BUS) private readonly bus: EventPublisher,
    @Inject(GATEWAY_BRANDS) brands: BrandAccount[],
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly queries: InteractionQueryService,
    private readonly history: CustomerHistoryService,
    @Inject(GATEWAY_ASSIGNMENTS) private readonly assignments: AssignmentReader,
    @Inject(AgentSocketHub) private readonly hub: Pick<AgentSocketHub, 'send'>,
    private readonly localViews: LocalViewCache,
  ) {
    this.brands = new Map(brands.map((brand) => [brand.id, brand]));
    this.clock = options.clock ?? systemClock;
    this.contacts = deps.store;
    this.ledger = deps.ledger;
    this.mail = deps.mail;
  }

  /** The contact matched to the interaction's customer (null when not saved yet), and the author to prefill one with. */
  async contactOf(agent: AgentProfile, interactionId: string): Promise<InteractionContact> {
    const view = await this.history.readable(agent, interactionId);
    const author = authorOf(view);
    return { contact: await this.contacts.matchAuthor(author), author };
  }

  /** "Save this customer": a contact with the author's X identity; 409 contact-x-user-taken when one exists. */
  async saveCustomer(agent: AgentProfile, interactionId: string, fields: { name?: string; emails?: string[]; phones?: string[]; notes?: string }): Promise<Contact> {
    const view = await this.history.readable(agent, interactionId);
    const author = authorOf(view);
    return this.contacts.create(
      {
        name: fields.name ?? (author.name.trim() === '' ? author.xHandle : author.name),
        xUserId: author.xUserId,
        xHandle: author.xHandle,
        ...(fields.emails === undefined ? {} : { emails: fields.emails }),
        ...(fields.phones === undefined ? {} : { phones: fields.phones }),
        ...(fields.notes === undefined ? {} : { notes: fields.notes }),
      },
      { agentId: agent.id, at: this.clock.now() },
    );
  }

  async email(agent: AgentProfile, interactionId: string, request: EmailRequest): Promise<EmailSent> {
    const view = await this.queries.getHeld(agent, interactionId, { guestsToo: true });
    const contact = await this.contactFor(view);
    const to = chosenAddress(contact, contact.emails, request.to, normalizeEmail, { one: 'email address', many: 'email addresses', code: ContactErrorCode.NoEmail });
    const brand = this.brandUsername(view);
    if (!this.mail?.canSendFor(brand)) {
      throw new ConflictError<ContactErrorCode>(`No mail transport is configured for @${brand}: ask an admin to set SMTP_URL and SMTP_FROM`, ContactErrorCode.MailNotConfigured);
    }
    const mail = this.mail;
    const requestId = idOf(agent.id, request.idempotencyKey, 'email');
    const fingerprint = fingerprintOf({ interactionId, to, subject: request.subject, text: request.text });
    const replay = await this.claim(agent, request.idempotencyKey, 'email', interactionId, fingerprint);
    if (replay) return { ...(replay as unknown as Omit<EmailSent, 'replayed'>), replayed: true };

    const base = { kind: 'email' as const, entryId: `mail:${requestId}`, requestId, agentId: agent.id, contactId: contact.id, to, subject: request.subject, text: request.text };
    let entry: EmailEntry;
    try {
      const sent = await mail.send({
        brand,
        to,
        subject: request.subject,
        text: request.text,
        headers: { 'X-Perch-Interaction-Id': interactionId, 'X-Perch-Agent-Id': agent.id, 'X-Perch-Request-Id': requestId },
      });
      entry = { ...base, at: this.clock.now(), status: 'sent', messageId: sent.messageId };
    } catch (error) {
      if (error instanceof RetryableError) {
        // Nothing reached the server: the key is free again, so the desktop's retry sends it.
        await this.ledger.release(agent.id, request.idempotencyKey);
        throw error;
      }
      if (!(error instanceof PerchError)) throw error;
      const failed: EmailEntry = { ...base, at: this.clock.now(), status: 'failed', failure: { code: error.code, detail: error.message } };
      await this.ledger.settle(agent.id, request.idempotencyKey, { status: 'failed', failure: { code: error.code, message: error.message } }, failed.at);
      await this.record(view, failed);
      throw error;
    }
    const answer = { requestId, entry };
    await this.ledger.settle(agent.id, request.idempotencyKey, { status: 'done', result: { ...answer } }, entry.at);
    await this.record(view, entry);
    return { ...answer, replayed: false };
  }

  async call(agent: AgentProfile, interactionId: string, request: CallRequest): Promise<CallRequested> {
    const view = await this.queries.getHeld(agent, interactionId, { guestsToo: true });
    const contact = await this.contactFor(view);
    const phone = chosenAddress(contact, contact.phones, request.phone, normalizePhone, { one: 'phone number', many: 'phone numbers', code: ContactErrorCode.NoPhone });
    const callRequestId = idOf(agent.id, request.idempotencyKey, 'call');
    const fingerprint = fingerprintOf({ interactionId, phone, reason: request.reason ?? null });
    const replay = await this.claim(agent, request.idempotencyKey, 'call', interactionId, fingerprint);
    if (replay) return { ...(replay as unknown as Omit<CallRequested, 'replayed'>), replayed: true };

    const at = this.clock.now();
    try {
      // The event id is the request's: should a retry publish it again (after a failed publish), it is one call.
      await this.bus.publish(
        Topics.TelephonyCallRequest,
        {
          callRequestId,
          interactionId,
          contactId: contact.id,
          agentId: agent.id,
          brandAccountId: view.brandAccountId,
          phone,
          contactName: contact.name,
          ...(request.reason === undefined ? {} : { reason: request.reason }),
          requestedAt: at,
        },
        { correlationId: view.correlationId, eventId: callRequestId },
      );
    } catch (error) {
      await this.ledger.release(agent.id, request.idempotencyKey);
      throw error;
    }
    const entry: CallRequestEntry = {
      kind: 'call-request',
      entryId: `call:${callRequestId}`,
      at,
      callRequestId,
      agentId: agent.id,
      contactId: contact.id,
      phone,
      ...(request.reason === undefined ? {} : { text: request.reason }),
    };
    const answer = { callRequestId, entry };
    await this.ledger.settle(agent.id, request.idempotencyKey, { status: 'done', result: { ...answer } }, at);
    await this.record(view, entry);
    return { ...answer, replayed: false };
  }

  private async contactFor(view: InteractionView): Promise<Contact> {
    const contact = await this.contacts.matchAuthor(authorOf(view));
    if (!contact) {
      throw new ConflictError<ContactErrorCode>('This customer is not a contact yet: save them as a contact (with an address or a number) first', ContactErrorCode.NoContact);
    }
    return contact;
  }

  /** Claims the key; returns the earlier answer to replay, or throws why it cannot be replayed; null: go ahead. */
  private async claim(agent: AgentProfile, key: string, kind: OutreachKind, interactionId: string, fingerprint: string): Promise<Record<string, unknown> | null> {
    const claimed = await this.ledger.claim({ agentId: agent.id, key, kind, interactionId, fingerprint, at: this.clock.now() });
    if (claimed.claimed) return null;
    return replayOf(claimed.existing, { kind, interactionId, fingerprint });
  }

  private async record(view: InteractionView, entry: EmailEntry | CallRequestEntry): Promise<void> {
    // After the ledger: what was sent is settled even if the transcript write fails (logged; the audit has it too).
    await this.store.upsertEntries(view.id, [entry]).catch((error: unknown) =>
      this.logger.warn({ err: error, correlationId: view.correlationId, entryId: entry.entryId }, 'could not record the entry in the transcript'),
    );
    // Reads on this replica answer from its view cache first: the entry goes there too, or a GET would miss it.
    const cached = this.localViews.get(view.id);
    if (cached) this.localViews.remember(applyEntries(cached, [entry]));
    // Everyone in the conversation now (the router's record: holder and guests), on this replica's sockets.
    const holder = await this.assignments.holderOf(view.id).catch(() => undefined);
    const participants = new Set([entry.agentId, ...(holder?.agentId === undefined ? [] : [holder.agentId]), ...(holder?.conferenceAgentIds ?? [])]);
    for (const agentId of participants) this.hub.send(agentId, { type: 'channel-entry-added', interactionId: view.id, entry });
  }

  private brandUsername(view: InteractionView): string {
    return this.brands.get(view.brandAccountId)?.username ?? view.firstMessage?.brandUsername ?? view.brandAccountId;
  }
}

function authorOf(view: InteractionView): InteractionContact['author'] {
  const customer = customerOf(view);
  return { xUserId: customer.id, xHandle: customer.username, name: view.firstMessage?.author.name ?? '' };
}

/** The value asked for when the list has it, the list's first when none was asked for; undefined otherwise. */
function pick(values: readonly string[], wanted: string | undefined): string | undefined {
  if (wanted === undefined) return values[0];
  return values.includes(wanted) ? wanted : undefined;
}

/** The contact's address the agent asked for (normalized), or its first; 409 with `what.code` when there is no such one. */
function chosenAddress(
  contact: Contact,
  addresses: readonly string[],
  asked: string | undefined,
  normalize: (raw: string) => string,
  what: { one: string; many: string; code: ContactErrorCode },
): string {
  const chosen = pick(addresses, asked === undefined ? undefined : normalize(asked));
  if (chosen !== undefined) return chosen;
  throw new ConflictError<ContactErrorCode>(
    asked === undefined || addresses.length === 0
      ? `${contact.name} has no ${what.one}: add one to the contact first`
      : `${asked} is not one of ${contact.name}'s ${what.many}`,
    what.code,
    { contactId: contact.id },
  );
}

function replayOf(existing: OutreachRecord, asked: { kind: OutreachKind; interactionId: string; fingerprint: string }): Record<string, unknown> {
  if (existing.kind !== asked.kind || existing.interactionId !== asked.interactionId || existing.fingerprint !== asked.fingerprint) {
    throw new ConflictError<ContactErrorCode>('This idempotency key was used for another request: use a new key for a new request', ContactErrorCode.IdempotencyKeyReused);
  }
  if (existing.status === 'pending') {
    throw new ConflictError<ContactErrorCode>(
      'This request is still being carried out, or its outcome is unknown; nothing is sent twice: check the transcript before asking again with a new key',
      ContactErrorCode.RequestInProgress,
    );
  }
  if (existing.status === 'failed') {
    const code = Object.values(ContactErrorCode).find((known) => known === existing.failure.code) ?? ContactErrorCode.MailRefused;
    throw new ConflictError<ContactErrorCode>(existing.failure.message, code);
  }
  return existing.result;
}

/** A stable id per agent, key and kind: a retried request (even one that was released) carries the same id. */
function idOf(agentId: string, key: string, kind: OutreachKind): string {
  const hex = createHash('sha256').update(`${kind}\u0000${agentId}\u0000${key}`).digest('hex');
  // UUID layout, version 5 (name-based) and the RFC 4122 variant, so validators take it as a UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function fingerprintOf(request: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}
