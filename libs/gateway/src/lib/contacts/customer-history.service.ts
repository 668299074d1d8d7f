import { Inject, Injectable } from '@nestjs/common';
import { ALL_BRANDS, type AgentProfile, mayPostAs } from '@perch/agents';
import { type ContactStore, ContactErrorCode } from '@perch/contacts';
import { type HistoryEntry, type HistoryPage, type InteractionSummary } from '@perch/desktop-api';
import { InteractionErrorCode, type InteractionStore, type InteractionView, type TranscriptEntry } from '@perch/interactions';
import { NotFoundError } from '@perch/platform';
import { type BrandAccount } from '@perch/x-client';

import { GATEWAY_BRANDS, GATEWAY_INTERACTION_STORE } from '../gateway.constants';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { customerOf } from '../interactions/outbound-actions.service';
import { decodeTimeIdCursor, encodeTimeIdCursor, pageOf, pageSize } from '../http/page-cursor.util';
import { type ContactsGatewayDeps } from './contacts-deps.types';
import { DEFAULT_HISTORY_PAGE, GATEWAY_CONTACTS, MAX_HISTORY_PAGE } from './contacts-gateway.constants';

// The history's shapes are declared once in @perch/desktop-api, which the SPA reads too.
export type { HistoryEntry, HistoryPage, InteractionSummary } from '@perch/desktop-api';

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
    const limit = pageSize(page.limit, DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE);
    const brandAccountIds = this.grantedBrandIds(agent);
    const views = await this.store.listByCustomer(authorId, {
      limit: limit + 1,
      ...(brandAccountIds === undefined ? {} : { brandAccountIds }),
      ...(page.excludeId === undefined ? {} : { excludeId: page.excludeId }),
      ...(page.cursor === undefined ? {} : { before: historyPosition(page.cursor) }),
    });
    return pageOf(
      views.map((view) => this.summary(view)),
      limit,
      (last) => encodeTimeIdCursor(last.createdAt, last.id),
    );
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

function historyPosition(cursor: string): { createdAt: number; id: string } {
  const { at, id } = decodeTimeIdCursor(cursor);
  return { createdAt: at, id };
}
