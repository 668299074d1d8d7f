import { Inject, Injectable } from '@nestjs/common';
import { ALL_BRANDS, type AgentProfile, mayPostAs } from '@perch/agents';
import { type Classification } from '@perch/contracts';
import { type ContactStore, ContactErrorCode } from '@perch/contacts';
import {
  type InteractionCompletion,
  InteractionErrorCode,
  type InteractionStore,
  type InteractionView,
  type InteractionViewState,
  type TranscriptEntry,
} from '@perch/interactions';
import { NotFoundError, ValidationFailedError } from '@perch/platform';
import { type BrandAccount } from '@perch/x-client';

import { GATEWAY_BRANDS, GATEWAY_INTERACTION_STORE } from '../gateway.constants';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { customerOf } from '../interactions/outbound-actions.service';
import { type ContactsGatewayDeps } from './contacts-deps.types';
import { DEFAULT_HISTORY_PAGE, GATEWAY_CONTACTS, MAX_HISTORY_PAGE } from './contacts-gateway.constants';

/** One line of an earlier interaction's transcript, as the history shows it. */
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
  /** Agents who held it or acted in it, in order of first appearance. */
  handledBy: string[];
  completion: InteractionCompletion | null;
  classification: Classification | null;
  createdAt: number;
  updatedAt: number;
  entries: HistoryEntry[];
}

export interface HistoryPage {
  items: InteractionSummary[];
  nextCursor?: string;
}

/**
 * The customer's other interactions (tweets and DMs), from the projection, only of the brands the caller is granted
 * (`brands`; `*` all): an agent who may not act for a brand does not read its conversations either.
 */
@Injectable()
export class CustomerHistoryService {
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly contacts: ContactStore;

  constructor(
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_BRANDS) brands: BrandAccount[],
    @Inject(GATEWAY_CONTACTS) deps: ContactsGatewayDeps,
    private readonly queries: InteractionQueryService,
  ) {
    this.brands = new Map(brands.map((brand) => [brand.id, brand]));
    this.contacts = deps.store;
  }

  /**
   * An interaction the caller may read: an agent's own (held, or a guest of its conference: 403 otherwise); any for
   * supervisors and admins, who watch everyone's work.
   */
  async readable(agent: AgentProfile, interactionId: string): Promise<InteractionView> {
    if (agent.role === 'agent') return this.queries.getMine(agent, interactionId);
    const view = await this.store.get(interactionId);
    if (!view) throw new NotFoundError<InteractionErrorCode>(`Interaction ${interactionId} not found`, InteractionErrorCode.NotFound);
    return view;
  }

  async forInteraction(agent: AgentProfile, interactionId: string, page: { limit?: number; cursor?: string }): Promise<HistoryPage & { customer: { xUserId: string; xHandle: string } }> {
    const view = await this.readable(agent, interactionId);
    const customer = customerOf(view);
    return { customer: { xUserId: customer.id, xHandle: customer.username }, ...(await this.page(agent, customer.id, { ...page, excludeId: interactionId })) };
  }

  async forContact(agent: AgentProfile, contactId: string, page: { limit?: number; cursor?: string }): Promise<HistoryPage> {
    const contact = await this.contacts.get(contactId);
    if (!contact) throw new NotFoundError<ContactErrorCode>(`Contact ${contactId} not found`, ContactErrorCode.NotFound);
    // Without an X user id there is nothing to match the projection with (a handle alone may have changed hands).
    if (contact.xUserId === null) return { items: [] };
    return this.page(agent, contact.xUserId, page);
  }

  private async page(agent: AgentProfile, authorId: string, page: { limit?: number; cursor?: string; excludeId?: string }): Promise<HistoryPage> {
    const limit = Math.min(Math.max(page.limit ?? DEFAULT_HISTORY_PAGE, 1), MAX_HISTORY_PAGE);
    const brandAccountIds = this.grantedBrandIds(agent);
    const views = await this.store.listByCustomer(authorId, {
      limit: limit + 1,
      ...(brandAccountIds === undefined ? {} : { brandAccountIds }),
      ...(page.excludeId === undefined ? {} : { excludeId: page.excludeId }),
      ...(page.cursor === undefined ? {} : { before: decodeHistoryCursor(page.cursor) }),
    });
    const items = views.slice(0, limit).map((view) => this.summary(view));
    const last = items[items.length - 1];
    return views.length > limit && last ? { items, nextCursor: encodeHistoryCursor(last) } : { items };
  }

  /** undefined: every brand. */
  private grantedBrandIds(agent: AgentProfile): string[] | undefined {
    if (agent.brands.includes(ALL_BRANDS)) return undefined;
    return [...this.brands.values()].filter((brand) => mayPostAs(agent, brand.username)).map((brand) => brand.id);
  }

  private summary(view: InteractionView): InteractionSummary {
    const first = view.firstMessage;
    return {
      id: view.id,
      brandAccountId: view.brandAccountId,
      brandUsername: this.brands.get(view.brandAccountId)?.username ?? first?.brandUsername ?? null,
      channel: first?.kind === 'dm' ? 'dm' : 'public',
      kind: first?.kind ?? null,
      text: first?.text ?? null,
      state: view.state,
      agentId: view.agentId,
      handledBy: handlersOf(view),
      completion: view.completion,
      classification: view.classification,
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
      entries: view.transcript.map(historyEntry),
    };
  }
}

function handlersOf(view: InteractionView): string[] {
  const ids: string[] = [];
  for (const entry of view.transcript) {
    if (entry.kind === 'agent-action' || entry.kind === 'email' || entry.kind === 'call-request') ids.push(entry.agentId);
  }
  if (view.agentId !== null) ids.push(view.agentId);
  if (view.completion?.agentId) ids.push(view.completion.agentId);
  return [...new Set(ids)];
}

function historyEntry(entry: TranscriptEntry): HistoryEntry {
  switch (entry.kind) {
    case 'customer-message':
      return { kind: entry.kind, at: entry.at, text: entry.text };
    case 'agent-action':
      return { kind: entry.kind, at: entry.at, agentId: entry.agentId, status: entry.status, ...(entry.text === undefined ? { text: entry.action } : { text: entry.text }) };
    case 'consultation':
      return { kind: entry.kind, at: entry.at, agentId: entry.fromAgentId, text: entry.text };
    case 'email':
      return { kind: entry.kind, at: entry.at, agentId: entry.agentId, status: entry.status, text: entry.subject };
    case 'call-request':
      return { kind: entry.kind, at: entry.at, agentId: entry.agentId, text: entry.text ?? entry.phone };
  }
}

function encodeHistoryCursor(summary: Pick<InteractionSummary, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([summary.createdAt, summary.id])).toString('base64url');
}

function decodeHistoryCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') return { createdAt: parsed[0], id: parsed[1] };
  } catch {
    // The 400 below.
  }
  throw new ValidationFailedError('Invalid cursor', [{ field: 'cursor', messages: ['cursor must be a nextCursor this API returned'] }]);
}
