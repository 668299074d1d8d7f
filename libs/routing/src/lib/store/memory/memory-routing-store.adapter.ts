import {
  DEFAULT_AGENT_CAPACITY,
  DEFAULT_COMPLETED_RETENTION_MS,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_DISPATCH_AGENT_SCAN,
  DEFAULT_DISPATCH_QUEUE_SCAN,
} from '../../routing.constants';
import {
  type AcceptResult,
  type AgentRecord,
  type AgentState,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type InteractionRecord,
  type Offer,
  type SetPresenceInput,
  type StaleReason,
  type StaleResult,
  type UpsertInteractionInput,
  type UpsertInteractionResult,
} from '../../routing.types';
import { queueScore } from '../../priority.util';
import { type RoutingStore, type RoutingStoreOptions } from '../routing-store.port';
import { assertValidPresence, assertValidTenant, assertValidUpsert } from '../routing-store.util';

interface AgentEntry {
  state: AgentState;
  capacity: number;
  load: number;
  skills: string[];
  stateSince: number;
}

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/**
 * The RoutingStore in process, for the embedded mode and unit tests. Each method runs synchronously to
 * completion before its promise resolves, which is what makes it atomic on Node's single thread.
 * Orderings mirror Redis sorted sets exactly (score, then member by code unit) so both adapters pass
 * one contract suite.
 */
export class MemoryRoutingStore implements RoutingStore {
  private readonly agents = new Map<string, AgentEntry>();
  /** agentId → idle-since score; the Redis `available` sorted set. */
  private readonly available = new Map<string, number>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly openByConversation = new Map<string, string>();
  /** interactionId → queue score. */
  private readonly queue = new Map<string, number>();
  /** interactionId → offer deadline; one member per interaction, as in Redis. */
  private readonly offers = new Map<string, number>();
  private readonly seenMessages = new Map<string, Expiring<string>>();
  private readonly completed = new Map<string, Expiring<InteractionRecord>>();

  private readonly queueScan: number;
  private readonly agentScan: number;
  private readonly dedupeTtlMs: number;
  private readonly completedRetentionMs: number;

  constructor(
    readonly tenant: string,
    options: RoutingStoreOptions = {},
  ) {
    assertValidTenant(tenant);
    this.queueScan = options.dispatchQueueScan ?? DEFAULT_DISPATCH_QUEUE_SCAN;
    this.agentScan = options.dispatchAgentScan ?? DEFAULT_DISPATCH_AGENT_SCAN;
    this.dedupeTtlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
    this.completedRetentionMs = options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS;
  }

  async setPresence(input: SetPresenceInput): Promise<AgentRecord> {
    assertValidPresence(input);
    const { agentId, state, now } = input;
    const previous = this.agents.get(agentId);
    const entry: AgentEntry = {
      state,
      capacity: input.capacity ?? previous?.capacity ?? DEFAULT_AGENT_CAPACITY,
      load: previous?.load ?? 0,
      skills: input.skills ? [...input.skills] : (previous?.skills ?? []),
      stateSince: previous && previous.state === state ? previous.stateSince : now,
    };
    this.agents.set(agentId, entry);
    this.refreshAvailability(agentId, entry, now);
    return this.agentRecord(agentId, entry);
  }

  async upsertInteraction(input: UpsertInteractionInput): Promise<UpsertInteractionResult> {
    assertValidUpsert(input);
    const { message, now } = input;
    evictExpired(this.seenMessages, now);
    const seen = this.seenMessages.get(message.messageId);
    if (seen && seen.expiresAt > now) return { kind: 'duplicate', interactionId: seen.value };

    const openId = this.openByConversation.get(message.conversationKey);
    const open = openId === undefined ? undefined : this.interactions.get(openId);
    if (open) {
      open.messageCount += 1;
      open.updatedAt = now;
      // A more urgent follow-up raises the whole interaction; the age stays the first message's.
      if (input.priority > open.priority) {
        open.priority = input.priority;
        if (open.state === 'queued') this.queue.set(open.interactionId, queueScore(open.priority, open.createdAt));
      }
      this.seenMessages.set(message.messageId, { value: open.interactionId, expiresAt: now + this.dedupeTtlMs });
      return { kind: 'appended', interaction: structuredClone(open) };
    }

    const interaction: InteractionRecord = {
      interactionId: input.interactionIdIfNew,
      conversationKey: message.conversationKey,
      brandAccountId: message.brandAccountId,
      correlationId: input.correlationId,
      state: 'queued',
      priority: input.priority,
      createdAt: now,
      ...(input.requiredSkill === undefined ? {} : { requiredSkill: input.requiredSkill }),
      declinedBy: [],
      messageCount: 1,
      firstMessage: structuredClone(message),
      classification: structuredClone(input.classification),
      updatedAt: now,
    };
    this.interactions.set(interaction.interactionId, interaction);
    this.queue.set(interaction.interactionId, queueScore(interaction.priority, interaction.createdAt));
    this.openByConversation.set(message.conversationKey, interaction.interactionId);
    this.seenMessages.set(message.messageId, { value: interaction.interactionId, expiresAt: now + this.dedupeTtlMs });
    return { kind: 'created', interaction: structuredClone(interaction) };
  }

  async dispatch(now: number, offerTimeoutMs: number, newOfferId: string): Promise<Offer | undefined> {
    const candidates = sortedMembers(this.available).slice(0, this.agentScan);
    if (candidates.length === 0) return undefined;
    const heads = sortedMembers(this.queue).slice(0, this.queueScan);
    for (const interactionId of heads) {
      const interaction = this.interactions.get(interactionId);
      if (!interaction) {
        this.queue.delete(interactionId);
        continue;
      }
      for (const agentId of candidates) {
        if (interaction.declinedBy.includes(agentId)) continue;
        const agent = this.agents.get(agentId);
        // Self-repair, as the Lua script does: a member that is not ready or full should not be there.
        if (!agent || agent.state !== 'ready' || agent.load >= agent.capacity) {
          this.available.delete(agentId);
          continue;
        }
        if (interaction.requiredSkill !== undefined && !agent.skills.includes(interaction.requiredSkill)) continue;
        return this.offer(interaction, agentId, agent, now, now + offerTimeoutMs, newOfferId);
      }
    }
    return undefined;
  }

  async accept(interactionId: string, offerId: string, agentId: string, now: number): Promise<AcceptResult> {
    const interaction = this.interactions.get(interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state === 'assigned' && interaction.agentId === agentId && interaction.offerId === offerId) {
      return { kind: 'already-accepted', interaction: structuredClone(interaction) };
    }
    if (interaction.state !== 'offered') return stale('not-offered');
    if (interaction.offerId !== offerId || interaction.agentId !== agentId) return stale('offer-mismatch');
    if ((interaction.offerExpiresAt ?? 0) <= now) return stale('offer-expired');
    interaction.state = 'assigned';
    delete interaction.offerExpiresAt;
    interaction.updatedAt = now;
    this.offers.delete(interactionId);
    return { kind: 'accepted', interaction: structuredClone(interaction) };
  }

  async decline(interactionId: string, offerId: string, agentId: string, now: number): Promise<DeclineResult> {
    const interaction = this.interactions.get(interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state !== 'offered') return stale('not-offered');
    if (interaction.offerId !== offerId || interaction.agentId !== agentId) return stale('offer-mismatch');
    this.releaseSlot(agentId, now);
    this.requeue(interaction, agentId, now);
    return { kind: 'declined', offerId, interaction: structuredClone(interaction) };
  }

  async sweepExpiredOffers(now: number, limit: number): Promise<ExpiredOffer[]> {
    const due = sortedMembers(this.offers)
      .filter((id) => (this.offers.get(id) ?? Infinity) <= now)
      .slice(0, limit);
    const expired: ExpiredOffer[] = [];
    for (const interactionId of due) {
      const interaction = this.interactions.get(interactionId);
      const deadline = this.offers.get(interactionId) ?? now;
      if (!interaction || interaction.state !== 'offered' || !interaction.agentId || !interaction.offerId) {
        this.offers.delete(interactionId);
        continue;
      }
      const { agentId, offerId } = interaction;
      this.releaseSlot(agentId, now);
      const agent = this.agents.get(agentId);
      let agentSetNotReady = false;
      // TaskRouter's TimeoutActivity: stop offering to someone who is not answering. Offline stays offline.
      if (agent && agent.state === 'ready') {
        agent.state = 'not-ready';
        agent.stateSince = now;
        agentSetNotReady = true;
      }
      this.available.delete(agentId);
      this.requeue(interaction, agentId, now);
      expired.push({ offerId, agentId, expiredAt: deadline, interaction: structuredClone(interaction), agentSetNotReady });
    }
    return expired;
  }

  async complete(interactionId: string, agentId: string, now: number): Promise<CompleteResult> {
    evictExpired(this.completed, now);
    const interaction = this.interactions.get(interactionId);
    if (!interaction) {
      const done = this.completed.get(interactionId);
      if (!done || done.expiresAt <= now) return stale('unknown-interaction');
      // The same agent again is a redelivered command: the record, so the router can republish its event.
      return done.value.agentId === agentId ? { kind: 'already-completed', interaction: structuredClone(done.value) } : stale('already-completed');
    }
    if (interaction.state !== 'assigned') return stale('not-assigned');
    if (interaction.agentId !== agentId) return stale('not-your-interaction');
    this.releaseSlot(agentId, now);
    if (this.openByConversation.get(interaction.conversationKey) === interactionId) {
      this.openByConversation.delete(interaction.conversationKey);
    }
    this.interactions.delete(interactionId);
    interaction.state = 'completed';
    interaction.completedAt = now;
    interaction.updatedAt = now;
    this.completed.set(interactionId, { value: interaction, expiresAt: now + this.completedRetentionMs });
    return { kind: 'completed', interaction: structuredClone(interaction) };
  }

  async getAgent(agentId: string): Promise<AgentRecord | undefined> {
    const entry = this.agents.get(agentId);
    return entry ? this.agentRecord(agentId, entry) : undefined;
  }

  async getInteraction(interactionId: string): Promise<InteractionRecord | undefined> {
    // Retention is not enforced on reads here (no clock); Redis expires the key instead.
    const record = this.interactions.get(interactionId) ?? this.completed.get(interactionId)?.value;
    return record ? structuredClone(record) : undefined;
  }

  async queueDepth(): Promise<number> {
    return this.queue.size;
  }

  async listAvailable(limit: number): Promise<AgentRecord[]> {
    return sortedMembers(this.available)
      .slice(0, Math.max(0, limit))
      .flatMap((agentId) => {
        const entry = this.agents.get(agentId);
        return entry ? [this.agentRecord(agentId, entry)] : [];
      });
  }

  private offer(
    interaction: InteractionRecord,
    agentId: string,
    agent: AgentEntry,
    now: number,
    expiresAt: number,
    offerId: string,
  ): Offer {
    const interactionId = interaction.interactionId;
    this.queue.delete(interactionId);
    interaction.state = 'offered';
    interaction.agentId = agentId;
    interaction.offerId = offerId;
    interaction.offerExpiresAt = expiresAt;
    interaction.updatedAt = now;
    this.offers.set(interactionId, expiresAt);
    agent.load += 1;
    // Giving work moves the agent to the back of the idle order, which spreads load fairly.
    if (agent.load >= agent.capacity) this.available.delete(agentId);
    else this.available.set(agentId, now);
    return { offerId, interactionId, agentId, offeredAt: now, expiresAt, interaction: structuredClone(interaction) };
  }

  private releaseSlot(agentId: string, now: number): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.load = Math.max(0, agent.load - 1);
    this.refreshAvailability(agentId, agent, now);
  }

  /** Ready with free capacity → in the available set (keeping its place if already there); else out. */
  private refreshAvailability(agentId: string, agent: AgentEntry, now: number): void {
    if (agent.state === 'ready' && agent.load < agent.capacity) {
      if (!this.available.has(agentId)) this.available.set(agentId, now);
    } else {
      this.available.delete(agentId);
    }
  }

  private requeue(interaction: InteractionRecord, agentId: string, now: number): void {
    const interactionId = interaction.interactionId;
    if (!interaction.declinedBy.includes(agentId)) interaction.declinedBy.push(agentId);
    interaction.state = 'queued';
    delete interaction.agentId;
    delete interaction.offerId;
    delete interaction.offerExpiresAt;
    interaction.updatedAt = now;
    this.offers.delete(interactionId);
    // Original age: a declined interaction goes back ahead of younger ones of its priority.
    this.queue.set(interactionId, queueScore(interaction.priority, interaction.createdAt));
  }

  private agentRecord(agentId: string, entry: AgentEntry): AgentRecord {
    const idleSince = this.available.get(agentId);
    return {
      agentId,
      state: entry.state,
      capacity: entry.capacity,
      load: entry.load,
      skills: [...entry.skills],
      stateSince: entry.stateSince,
      ...(idleSince === undefined ? {} : { idleSince }),
    };
  }
}

/**
 * Entries are inserted with now + a constant TTL, so the oldest come first: stop at the first live one.
 * Keeps the embedded mode's memory bounded the way Redis key expiry does.
 */
function evictExpired<T>(entries: Map<string, Expiring<T>>, now: number): void {
  for (const [key, entry] of entries) {
    if (entry.expiresAt > now) return;
    entries.delete(key);
  }
}

function stale(reason: StaleReason): StaleResult {
  return { kind: 'stale', reason };
}

/** Sorted-set order: score ascending, then member by code unit, like Redis. */
function sortedMembers(scores: ReadonlyMap<string, number>): string[] {
  return [...scores.entries()]
    .sort(([a, sa], [b, sb]) => (sa !== sb ? sa - sb : a < b ? -1 : a > b ? 1 : 0))
    .map(([member]) => member);
}
