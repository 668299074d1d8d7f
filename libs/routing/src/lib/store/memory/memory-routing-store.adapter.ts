import { MISSED_OFFER_REASON } from '@perch/contracts';
import { ValidationFailedError } from '@perch/platform';

import {
  type AgentSnapshot,
  type AgentSnapshotPage,
  type LiveQueue,
  type LiveQueues,
  type QueueRef,
  type RoutingSnapshotReader,
} from '../../assignments/routing-snapshot-reader.port';
import { agentSnapshotOf, compareQueues, queueKeyOf } from '../../assignments/routing-snapshot.util';
import { CHANNELS, DEFAULT_AGENT_CAPACITY } from '../../routing.constants';
import {
  type AcceptResult,
  type AgentRecord,
  type AgentState,
  type AgentWork,
  type Channel,
  type ChannelCounts,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type InteractionRecord,
  type LeaveConferenceInput,
  type LeaveConferenceResult,
  type Offer,
  type OfferConferenceInput,
  type OfferConferenceResult,
  type PresenceResult,
  type RequirementChange,
  type OfferTransferInput,
  type OfferTransferResult,
  type SetPresenceInput,
  type TransferResult,
  type StaleReason,
  type StaleResult,
  type UpsertInteractionInput,
  type UpsertInteractionResult,
  type WithdrawnOffer,
} from '../../routing.types';
import { type ChangeClaim, type RecordedChange } from '../../outbox/routing-change.types';
import { channelOf, queueScore } from '../../priority.util';
import { skillMatchOf } from '../../skill-rules.util';
import { DispatchHints } from '../dispatch-hints.util';
import { type RoutingPolicy, type RoutingStore, type RoutingStoreOptions } from '../routing-store.port';
import {
  assertValidPresence,
  assertValidTenant,
  assertValidUpsert,
  customerKeyOf,
  indexedSkills,
  presenceLimits,
  routingPolicy,
  stickyEnabled,
} from '../routing-store.util';
import { MemoryOutbox, recordChangesOf } from './memory-outbox.domain';

interface AgentEntry {
  state: AgentState;
  /** All channels together (already min(capacity, public + dm) when byChannel is set). */
  capacity: number;
  /** Per-channel limits; undefined: each channel may use all of `capacity`. */
  byChannel: ChannelCounts | undefined;
  load: number;
  loadByChannel: ChannelCounts;
  skills: string[];
  stateSince: number;
  /** While not-ready, when given. */
  reason: string | undefined;
  /** While in wrap-up. */
  wrapUpUntil: number | undefined;
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
export class MemoryRoutingStore implements RoutingStore, RoutingSnapshotReader {
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
  /** customerKeyOf → the agent who completed the customer's last interaction, and when (sticky agent). */
  private readonly lastAgents = new Map<string, { agentId: string; closedAt: number }>();
  /** interactionId → guest → the invitation it joined by (Redis `gjoins`), so a redelivered accept is already-accepted. */
  private readonly conferenceJoins = new Map<string, Map<string, string>>();

  private readonly policy: RoutingPolicy;
  private readonly outbox = new MemoryOutbox();
  private readonly hints = new DispatchHints();

  constructor(
    readonly tenant: string,
    options: RoutingStoreOptions = {},
  ) {
    assertValidTenant(tenant);
    this.policy = routingPolicy(options);
    // Every change is recorded in the outbox in the same synchronous step that makes it (see MemoryOutbox).
    recordChangesOf(this, this.outbox);
    this.noteDispatchHints();
  }

  mayDispatchAfter(result: object): boolean {
    return this.hints.mayDispatchAfter(result);
  }

  /**
   * The steps a router may follow with a dispatch remember, as the Redis scripts reply (withDispatchHint), whether a
   * dispatch could offer anything in the state they left: not with an empty queue (it walks no interaction) or an empty
   * available set (it has no candidate). Read right after the call, before anything else can run: each method runs
   * synchronously to completion, so that is the state it left, as the script's own ZCARDs see it in Redis.
   */
  private noteDispatchHints(): void {
    const hinted =
      <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        const pending = method(...args);
        const mayDispatch = this.queue.size > 0 && this.available.size > 0;
        return pending.then((result) => this.hints.note(result, mayDispatch));
      };
    this.setPresence = hinted(this.setPresence.bind(this));
    this.upsertInteraction = hinted(this.upsertInteraction.bind(this));
    this.dispatch = hinted(this.dispatch.bind(this));
    this.accept = hinted(this.accept.bind(this));
    this.decline = hinted(this.decline.bind(this));
    this.transferToQueue = hinted(this.transferToQueue.bind(this));
    this.leaveConference = hinted(this.leaveConference.bind(this));
    this.complete = hinted(this.complete.bind(this));
  }

  async claimChanges(claim: ChangeClaim): Promise<RecordedChange[]> {
    return this.outbox.claim(claim);
  }

  async ackChanges(ids: readonly string[]): Promise<void> {
    this.outbox.remove(ids);
  }

  async pendingChanges(): Promise<number> {
    return this.outbox.size;
  }

  async setPresence(input: SetPresenceInput): Promise<PresenceResult> {
    assertValidPresence(input);
    const { agentId, state, now } = input;
    const previous = this.agents.get(agentId);
    const limits = presenceLimits(input);
    const reason = state === 'not-ready' ? input.reason : undefined;
    const entry: AgentEntry = {
      state,
      capacity: limits?.capacity ?? previous?.capacity ?? DEFAULT_AGENT_CAPACITY,
      byChannel: limits ? limits.byChannel : previous?.byChannel,
      load: previous?.load ?? 0,
      loadByChannel: previous ? { ...previous.loadByChannel } : { public: 0, dm: 0 },
      skills: input.skills ? [...input.skills] : (previous?.skills ?? []),
      // Time in state: a new reason is a new state for the agent's (and supervisors') clock.
      stateSince: previous && previous.state === state && previous.reason === reason ? previous.stateSince : now,
      reason,
      // Any presence ends a wrap-up (ready and not-ready are the agent's answer to it; offline ends the shift).
      wrapUpUntil: undefined,
    };
    this.agents.set(agentId, entry);
    const withdrawnOffers: WithdrawnOffer[] = [];
    const heldByOfflineAgent: string[] = [];
    const leftConferences: InteractionRecord[] = [];
    if (state === 'offline') {
      // Nobody is there to answer: offers go back to the queue for others now, not at their deadline. Assigned work
      // stays with the agent (it may hold a conversation half answered); supervisors see it flagged.
      for (const interaction of this.heldBy(agentId)) {
        if (interaction.conferenceAgentIds?.includes(agentId)) {
          // A guest signing out leaves the conference: the holder still has the customer.
          this.removeGuest(interaction, agentId, now);
          leftConferences.push(structuredClone(interaction));
          continue;
        }
        // A transfer offer or an invitation waiting for this agent: left to its deadline (accept refuses an offline agent).
        if (interaction.agentId !== agentId) continue;
        if (interaction.state === 'assigned') {
          heldByOfflineAgent.push(interaction.interactionId);
          continue;
        }
        const offerId = interaction.offerId ?? '';
        this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
        this.withdraw(interaction, now);
        withdrawnOffers.push({ offerId, agentId, interaction: structuredClone(interaction) });
      }
    }
    // Returning customers reserved for an agent who signs out go to anyone eligible at once.
    if (state === 'offline') for (const interaction of this.interactions.values()) this.endSticky(interaction, agentId);
    this.refreshAvailability(agentId, entry, now);
    return {
      ...this.agentRecord(agentId, entry),
      ...(withdrawnOffers.length === 0 ? {} : { withdrawnOffers }),
      ...(heldByOfflineAgent.length === 0 ? {} : { heldByOfflineAgent }),
      ...(leftConferences.length === 0 ? {} : { leftConferences }),
    };
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
        if (open.state === 'queued') this.queue.set(open.interactionId, this.scoreOf(open));
      }
      this.seenMessages.set(message.messageId, { value: open.interactionId, expiresAt: now + this.policy.dedupeTtlMs });
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
      ...((input.requiredLevel ?? 1) > 1 ? { requiredLevel: input.requiredLevel } : {}),
      ...(input.widen === undefined ? {} : { widenAt: now + input.widen.afterMs, widenTo: input.widen.to }),
      ...this.stickyOf(message, input, now),
      declinedBy: [],
      messageCount: 1,
      firstMessage: structuredClone(message),
      classification: structuredClone(input.classification),
      updatedAt: now,
    };
    this.interactions.set(interaction.interactionId, interaction);
    this.queue.set(interaction.interactionId, this.scoreOf(interaction));
    this.openByConversation.set(message.conversationKey, interaction.interactionId);
    this.seenMessages.set(message.messageId, { value: interaction.interactionId, expiresAt: now + this.policy.dedupeTtlMs });
    return { kind: 'created', interaction: structuredClone(interaction) };
  }

  // Complete by construction: every queued interaction (best first) against every available agent (idlest
  // first). Fine in one process; the Redis store gets the same answer from its indexes (see its README).
  async dispatch(now: number, offerTimeoutMs: number, newOfferId: string): Promise<Offer | undefined> {
    const candidates: [string, AgentEntry][] = [];
    for (const agentId of sortedMembers(this.available)) {
      const agent = this.agents.get(agentId);
      // Self-repair, as the Lua script does: a member that is not ready or full should not be there.
      if (!agent || !isAvailable(agent)) this.available.delete(agentId);
      else candidates.push([agentId, agent]);
    }
    if (candidates.length === 0) return undefined;
    for (const interactionId of sortedMembers(this.queue)) {
      const interaction = this.interactions.get(interactionId);
      if (!interaction) {
        this.queue.delete(interactionId);
        continue;
      }
      const channel = channelOf(interaction.firstMessage);
      // The best-matching (highest level in the skill that makes it eligible), then the longest-idle (candidate order).
      let chosen: { agentId: string; agent: AgentEntry; match: number } | undefined;
      for (const [agentId, agent] of candidates) {
        if (agent.loadByChannel[channel] >= channelLimit(agent, channel)) continue;
        const match = skillMatchOf(agent.skills, interaction.requiredSkill, interaction.overflowSkill, interaction.requiredLevel);
        if (match === undefined) continue;
        // Reserved for a returning customer's last agent: nobody else meanwhile.
        if (interaction.stickyUntil !== undefined && interaction.stickyAgentId !== agentId) continue;
        if ((interaction.declinedUntil?.[agentId] ?? 0) > now) continue;
        if (!chosen || match > chosen.match) chosen = { agentId, agent, match };
      }
      if (chosen) return this.offer(interaction, chosen.agentId, chosen.agent, now, now + offerTimeoutMs, newOfferId);
    }
    return undefined;
  }

  async accept(interactionId: string, offerId: string, agentId: string, now: number): Promise<AcceptResult> {
    const interaction = this.interactions.get(interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state === 'assigned' && interaction.agentId === agentId && interaction.offerId === offerId) {
      return { kind: 'already-accepted', interaction: structuredClone(interaction) };
    }
    const transfer = interaction.transferOffer;
    if (interaction.state === 'assigned' && transfer?.offerId === offerId && transfer.toAgentId === agentId) {
      return this.acceptTransfer(interaction, transfer, now);
    }
    const invitation = interaction.conferenceOffer;
    if (interaction.state === 'assigned' && invitation?.offerId === offerId && invitation.toAgentId === agentId) {
      return this.acceptInvitation(interaction, invitation, now);
    }
    const inConference = interaction.agentId === agentId || (interaction.conferenceAgentIds ?? []).includes(agentId);
    if (interaction.state === 'assigned' && inConference && this.conferenceJoins.get(interactionId)?.get(agentId) === offerId) {
      // The invitation this agent joined by (a guest, or the holder a guest became by a hand-over), accepted again.
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
    const transfer = interaction.transferOffer;
    if (interaction.state === 'assigned' && transfer?.offerId === offerId && transfer.toAgentId === agentId) {
      // A declined transfer: the interaction stays with its holder.
      delete interaction.transferOffer;
      interaction.updatedAt = now;
      this.offers.delete(interactionId);
      return { kind: 'declined', offerId, interaction: structuredClone(interaction), transferDeclined: true };
    }
    const invitation = interaction.conferenceOffer;
    if (interaction.state === 'assigned' && invitation?.offerId === offerId && invitation.toAgentId === agentId) {
      // A declined invitation: nothing else changes.
      delete interaction.conferenceOffer;
      interaction.updatedAt = now;
      this.offers.delete(interactionId);
      return { kind: 'declined', offerId, interaction: structuredClone(interaction), conferenceDeclined: true };
    }
    if (interaction.state !== 'offered') return stale('not-offered');
    if (interaction.offerId !== offerId || interaction.agentId !== agentId) return stale('offer-mismatch');
    this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
    this.requeue(interaction, agentId, now);
    return { kind: 'declined', offerId, interaction: structuredClone(interaction) };
  }

  async transferToQueue(interactionId: string, agentId: string, now: number): Promise<TransferResult> {
    const interaction = this.interactions.get(interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state !== 'assigned') return stale('not-assigned');
    if (interaction.agentId !== agentId) return stale('not-your-interaction');
    if (interaction.transferOffer) return stale('transfer-pending');
    const conferenceBusy = this.conferenceBusy(interaction);
    if (conferenceBusy) return stale(conferenceBusy);
    this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
    this.requeue(interaction, agentId, now);
    return { kind: 'transferred', fromAgentId: agentId, interaction: structuredClone(interaction) };
  }

  async offerTransfer(input: OfferTransferInput): Promise<OfferTransferResult> {
    const interaction = this.interactions.get(input.interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state !== 'assigned') return stale('not-assigned');
    if (interaction.agentId !== input.fromAgentId) return stale('not-your-interaction');
    if (interaction.transferOffer) return stale('transfer-pending');
    const conferenceBusy = this.conferenceBusy(interaction);
    if (conferenceBusy) return stale(conferenceBusy);
    if (input.toAgentId === input.fromAgentId) return { kind: 'refused', reason: 'transfer-to-self' };
    const target = this.agents.get(input.toAgentId);
    if (!target) return { kind: 'refused', reason: 'unknown-agent' };
    if (target.state === 'offline') return { kind: 'refused', reason: 'agent-offline' };
    if (!hasRoom(target, channelOf(interaction.firstMessage))) return { kind: 'refused', reason: 'agent-at-capacity' };
    const transferOffer = { toAgentId: input.toAgentId, offerId: input.offerId, expiresAt: input.now + input.offerTimeoutMs, ...reasonOf(input) };
    interaction.transferOffer = transferOffer;
    interaction.updatedAt = input.now;
    this.offers.set(input.interactionId, transferOffer.expiresAt);
    return { kind: 'transfer-offered', interaction: structuredClone(interaction), transferOffer: { ...transferOffer } };
  }

  /** The target takes the interaction over: its slot taken (if it still has room), the holder's released. */
  private acceptTransfer(interaction: InteractionRecord, transfer: NonNullable<InteractionRecord['transferOffer']>, now: number): AcceptResult {
    if (transfer.expiresAt <= now) return stale('offer-expired');
    const target = this.agents.get(transfer.toAgentId);
    const channel = channelOf(interaction.firstMessage);
    if (!target || target.state === 'offline' || !hasRoom(target, channel)) return stale('target-full');
    const from = interaction.agentId ?? '';
    this.releaseSlot(from, channel, now);
    target.load += 1;
    target.loadByChannel[channel] += 1;
    // As a dispatched offer: new work sends the agent to the back of the idle order.
    if (isAvailable(target)) this.available.set(transfer.toAgentId, now);
    else this.available.delete(transfer.toAgentId);
    interaction.agentId = transfer.toAgentId;
    interaction.offerId = transfer.offerId;
    delete interaction.transferOffer;
    interaction.updatedAt = now;
    this.offers.delete(interaction.interactionId);
    return { kind: 'accepted', interaction: structuredClone(interaction), transferredFrom: from };
  }

  async offerConference(input: OfferConferenceInput): Promise<OfferConferenceResult> {
    const interaction = this.interactions.get(input.interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state !== 'assigned') return stale('not-assigned');
    if (interaction.agentId !== input.fromAgentId) return stale('not-your-interaction');
    if (interaction.transferOffer) return stale('transfer-pending');
    if (interaction.conferenceOffer) return stale('invitation-pending');
    if (input.toAgentId === input.fromAgentId) return { kind: 'refused', reason: 'invite-self' };
    const guests = interaction.conferenceAgentIds ?? [];
    if (guests.includes(input.toAgentId)) return { kind: 'refused', reason: 'already-in-conference' };
    if (1 + guests.length >= input.maxAgents) return { kind: 'refused', reason: 'conference-full' };
    const target = this.agents.get(input.toAgentId);
    if (!target) return { kind: 'refused', reason: 'unknown-agent' };
    if (target.state === 'offline') return { kind: 'refused', reason: 'agent-offline' };
    if (!hasRoom(target, channelOf(interaction.firstMessage))) return { kind: 'refused', reason: 'agent-at-capacity' };
    const conferenceOffer = { toAgentId: input.toAgentId, offerId: input.offerId, expiresAt: input.now + input.offerTimeoutMs, ...reasonOf(input) };
    interaction.conferenceOffer = conferenceOffer;
    interaction.updatedAt = input.now;
    this.offers.set(interaction.interactionId, conferenceOffer.expiresAt);
    return { kind: 'conference-offered', interaction: structuredClone(interaction), conferenceOffer: { ...conferenceOffer } };
  }

  async leaveConference(input: LeaveConferenceInput): Promise<LeaveConferenceResult> {
    const { agentId, handOverTo, now } = input;
    const interaction = this.interactions.get(input.interactionId);
    if (!interaction) return stale('unknown-interaction');
    if (interaction.state !== 'assigned') return stale('not-assigned');
    const guests = interaction.conferenceAgentIds ?? [];
    if (guests.includes(agentId)) {
      // A guest hands nothing over: only the holder has the interaction to give.
      if (handOverTo !== undefined) return stale('not-your-interaction');
      this.removeGuest(interaction, agentId, now);
      return { kind: 'left', agentId, interaction: structuredClone(interaction) };
    }
    if (interaction.agentId !== agentId) return stale('not-your-interaction');
    if (handOverTo === undefined) return stale('holder-must-hand-over');
    if (!guests.includes(handOverTo)) return stale('not-in-conference');
    // The guest already holds a slot: it keeps it as the holder; the previous holder's is freed.
    this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
    interaction.agentId = handOverTo;
    this.setGuests(interaction, guests.filter((id) => id !== handOverTo));
    interaction.updatedAt = now;
    return { kind: 'handed-over', fromAgentId: agentId, toAgentId: handOverTo, interaction: structuredClone(interaction) };
  }

  private acceptInvitation(interaction: InteractionRecord, invitation: NonNullable<InteractionRecord['conferenceOffer']>, now: number): AcceptResult {
    if (invitation.expiresAt <= now) return stale('offer-expired');
    const guestId = invitation.toAgentId;
    const guest = this.agents.get(guestId);
    const channel = channelOf(interaction.firstMessage);
    if (!guest || guest.state === 'offline' || !hasRoom(guest, channel)) return stale('target-full');
    guest.load += 1;
    guest.loadByChannel[channel] += 1;
    // As a dispatched offer: new work sends the agent to the back of the idle order.
    if (isAvailable(guest)) this.available.set(guestId, now);
    else this.available.delete(guestId);
    this.setGuests(interaction, [...(interaction.conferenceAgentIds ?? []), guestId]);
    const joins = this.conferenceJoins.get(interaction.interactionId) ?? new Map<string, string>();
    this.conferenceJoins.set(interaction.interactionId, joins.set(guestId, invitation.offerId));
    delete interaction.conferenceOffer;
    interaction.updatedAt = now;
    this.offers.delete(interaction.interactionId);
    return { kind: 'accepted', interaction: structuredClone(interaction), conferenceJoined: true };
  }

  /** Why a transfer must wait: guests are in the conference, or an invitation waits for its answer. */
  private conferenceBusy(interaction: InteractionRecord): 'in-conference' | 'invitation-pending' | undefined {
    if ((interaction.conferenceAgentIds ?? []).length > 0) return 'in-conference';
    return interaction.conferenceOffer ? 'invitation-pending' : undefined;
  }

  private removeGuest(interaction: InteractionRecord, agentId: string, now: number): void {
    this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
    this.setGuests(interaction, (interaction.conferenceAgentIds ?? []).filter((id) => id !== agentId));
    interaction.updatedAt = now;
  }

  private setGuests(interaction: InteractionRecord, guests: string[]): void {
    if (guests.length > 0) interaction.conferenceAgentIds = guests;
    else delete interaction.conferenceAgentIds;
  }

  async sweepExpiredOffers(now: number, limit: number): Promise<ExpiredOffer[]> {
    const due = sortedMembers(this.offers)
      .filter((id) => (this.offers.get(id) ?? Infinity) <= now)
      .slice(0, limit);
    const expired: ExpiredOffer[] = [];
    for (const interactionId of due) {
      const interaction = this.interactions.get(interactionId);
      const deadline = this.offers.get(interactionId) ?? now;
      const transfer = interaction?.transferOffer;
      if (interaction && interaction.state === 'assigned' && transfer) {
        // A transfer not answered in time: it stays with its holder; the silent target is not penalised.
        delete interaction.transferOffer;
        interaction.updatedAt = now;
        this.offers.delete(interactionId);
        expired.push({ offerId: transfer.offerId, agentId: transfer.toAgentId, expiredAt: deadline, interaction: structuredClone(interaction), agentSetNotReady: false, transfer: true });
        continue;
      }
      const invitation = interaction?.conferenceOffer;
      if (interaction && interaction.state === 'assigned' && invitation) {
        // An invitation not answered in time: as a transfer's, nothing else changes.
        delete interaction.conferenceOffer;
        interaction.updatedAt = now;
        this.offers.delete(interactionId);
        expired.push({ offerId: invitation.offerId, agentId: invitation.toAgentId, expiredAt: deadline, interaction: structuredClone(interaction), agentSetNotReady: false, conference: true });
        continue;
      }
      if (!interaction || interaction.state !== 'offered' || !interaction.agentId || !interaction.offerId) {
        this.offers.delete(interactionId);
        continue;
      }
      const { agentId, offerId } = interaction;
      this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
      const agent = this.agents.get(agentId);
      let agentSetNotReady = false;
      // TaskRouter's TimeoutActivity: stop offering to someone who is not answering (in wrap-up too: the offer came
      // before it). Not-ready keeps its own reason; offline stays offline.
      if (agent && (agent.state === 'ready' || agent.state === 'wrap-up')) {
        agent.state = 'not-ready';
        agent.stateSince = now;
        agent.reason = MISSED_OFFER_REASON;
        agent.wrapUpUntil = undefined;
        agentSetNotReady = true;
      }
      this.available.delete(agentId);
      this.requeue(interaction, agentId, now);
      expired.push({
        offerId,
        agentId,
        expiredAt: deadline,
        interaction: structuredClone(interaction),
        agentSetNotReady,
        ...(agentSetNotReady && agent ? { presenceChange: this.agentRecord(agentId, agent) } : {}),
      });
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
    const agent = this.agents.get(agentId);
    // After-interaction work: no offers until the agent says ready (or not-ready), or the wrap-up time ends. Only a
    // ready agent (or one already wrapping up, whose clock restarts): not-ready and offline keep what they said.
    const wrapUp = agent !== undefined && this.policy.wrapUpMs > 0 && (agent.state === 'ready' || agent.state === 'wrap-up');
    if (agent && wrapUp) {
      if (agent.state !== 'wrap-up') agent.stateSince = now;
      agent.state = 'wrap-up';
      agent.wrapUpUntil = now + this.policy.wrapUpMs;
    }
    this.releaseSlot(agentId, channelOf(interaction.firstMessage), now);
    // The conference ends with it: every guest's slot is freed in the same step (the record keeps who they were).
    for (const guestId of interaction.conferenceAgentIds ?? []) this.releaseSlot(guestId, channelOf(interaction.firstMessage), now);
    // A transfer or an invitation still pending dies with the interaction (its target's accept is then stale).
    const pending = interaction.transferOffer ?? interaction.conferenceOffer;
    const droppedOffer =
      pending === undefined ? undefined : { kind: interaction.transferOffer ? ('transfer' as const) : ('conference' as const), toAgentId: pending.toAgentId, offerId: pending.offerId };
    delete interaction.transferOffer;
    delete interaction.conferenceOffer;
    this.offers.delete(interactionId);
    if (this.openByConversation.get(interaction.conversationKey) === interactionId) {
      this.openByConversation.delete(interaction.conversationKey);
    }
    this.interactions.delete(interactionId);
    this.conferenceJoins.delete(interactionId);
    if (stickyEnabled(this.policy)) {
      const customer = customerKeyOf(interaction.firstMessage);
      // Re-inserted so the map stays ordered by completion time (the oldest are forgotten first).
      this.lastAgents.delete(customer);
      this.lastAgents.set(customer, { agentId, closedAt: now });
    }
    interaction.state = 'completed';
    interaction.completedAt = now;
    interaction.updatedAt = now;
    this.completed.set(interactionId, { value: interaction, expiresAt: now + this.policy.completedRetentionMs });
    return {
      kind: 'completed',
      interaction: structuredClone(interaction),
      ...(agent && wrapUp ? { presenceChange: this.agentRecord(agentId, agent) } : {}),
      ...(droppedOffer === undefined ? {} : { droppedOffer }),
    };
  }

  async endWrapUps(now: number, limit: number): Promise<AgentRecord[]> {
    const due = [...this.agents]
      .filter(([, agent]) => agent.state === 'wrap-up' && (agent.wrapUpUntil ?? Infinity) <= now)
      .sort(([a, x], [b, y]) => (x.wrapUpUntil ?? 0) - (y.wrapUpUntil ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, limit));
    return due.map(([agentId, agent]) => {
      agent.state = 'ready';
      agent.stateSince = now;
      agent.wrapUpUntil = undefined;
      this.refreshAvailability(agentId, agent, now);
      return this.agentRecord(agentId, agent);
    });
  }

  async sweepRequirements(now: number, limit: number): Promise<RequirementChange[]> {
    for (const [customer, last] of this.lastAgents) {
      if (last.closedAt >= now - this.policy.stickyWindowMs) break;
      this.lastAgents.delete(customer);
    }
    const dueAt = (interaction: InteractionRecord): number => Math.min(interaction.stickyUntil ?? Infinity, interaction.widenAt ?? Infinity);
    const due = [...this.interactions.values()]
      .filter((interaction) => dueAt(interaction) <= now)
      .sort((a, b) => dueAt(a) - dueAt(b) || (a.interactionId < b.interactionId ? -1 : a.interactionId > b.interactionId ? 1 : 0))
      .slice(0, Math.max(0, limit));
    const changes: RequirementChange[] = [];
    for (const interaction of due) {
      if ((interaction.stickyUntil ?? Infinity) <= now) {
        delete interaction.stickyUntil;
        interaction.updatedAt = now;
        changes.push({ kind: 'sticky-ended', interaction: structuredClone(interaction) });
      }
      if ((interaction.widenAt ?? Infinity) <= now) {
        const previousSkill = interaction.requiredSkill ?? '';
        const to = interaction.widenTo ?? '';
        if (to === '') delete interaction.requiredSkill;
        else interaction.requiredSkill = to;
        delete interaction.requiredLevel;
        delete interaction.widenAt;
        delete interaction.widenTo;
        interaction.widenedAt = now;
        interaction.updatedAt = now;
        changes.push({ kind: 'widened', interaction: structuredClone(interaction), previousSkill });
      }
    }
    return changes;
  }

  async getAgent(agentId: string): Promise<AgentRecord | undefined> {
    const entry = this.agents.get(agentId);
    return entry ? this.agentRecord(agentId, entry) : undefined;
  }

  async getAgentWork(agentId: string): Promise<AgentWork | undefined> {
    const entry = this.agents.get(agentId);
    if (!entry) return undefined;
    return { agent: this.agentRecord(agentId, entry), interactions: this.heldBy(agentId).map((interaction) => structuredClone(interaction)) };
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

  // RoutingSnapshotReader: supervisors' view of the same state (the embedded app passes this instance to the gateway).

  async liveQueues(): Promise<LiveQueues> {
    const queues = new Map<string, LiveQueue>();
    const queueOf = (channel: Channel, skill: string): LiveQueue => {
      const ref: QueueRef = { channel, ...(skill === '' ? {} : { skill }) };
      const key = queueKeyOf(ref);
      const found = queues.get(key) ?? { ...ref, waiting: 0, agentsAvailable: 0, agentsSignedIn: 0 };
      queues.set(key, found);
      return found;
    };
    let oldest: number | undefined;
    for (const interactionId of this.queue.keys()) {
      const interaction = this.interactions.get(interactionId);
      if (!interaction) continue;
      const own = interaction.requiredSkill ?? '';
      // An overflowed interaction waits in its own group and the overflow skill's, as in Redis.
      const skills = interaction.overflowSkill !== undefined && interaction.overflowSkill !== own ? [own, interaction.overflowSkill] : [own];
      for (const skill of skills) {
        const queue = queueOf(channelOf(interaction.firstMessage), skill);
        queue.waiting += 1;
        if (queue.oldestCreatedAt === undefined || interaction.createdAt < queue.oldestCreatedAt) queue.oldestCreatedAt = interaction.createdAt;
      }
      if (oldest === undefined || interaction.createdAt < oldest) oldest = interaction.createdAt;
    }
    for (const [agentId, agent] of this.agents) {
      const skills = ['', ...indexedSkills(agent.skills)];
      const available = this.available.has(agentId) && isAvailable(agent);
      for (const channel of CHANNELS) {
        const limit = channelLimit(agent, channel);
        if (agent.state === 'offline' || limit <= 0) continue;
        for (const skill of skills) queueOf(channel, skill).agentsSignedIn += 1;
        if (available && agent.loadByChannel[channel] < limit) for (const skill of skills) queueOf(channel, skill).agentsAvailable += 1;
      }
    }
    let agentsAvailable = 0;
    for (const [agentId, agent] of this.agents) if (this.available.has(agentId) && isAvailable(agent)) agentsAvailable += 1;
    return {
      queues: [...queues.values()].sort(compareQueues),
      waiting: this.queue.size,
      ...(oldest === undefined ? {} : { oldestCreatedAt: oldest }),
      agentsAvailable,
    };
  }

  async agentPage(page: { cursor?: string; limit: number }): Promise<AgentSnapshotPage> {
    // In agent id order; the cursor is the last id given (encoded: it is opaque to callers).
    const after = page.cursor === undefined ? undefined : Buffer.from(page.cursor, 'base64url').toString('utf8');
    if (after === '') throw new ValidationFailedError('Invalid agent page cursor', [{ field: 'cursor', messages: ['must be a nextCursor from a previous page'] }]);
    const ids = [...this.agents.keys()].filter((id) => after === undefined || id > after).sort();
    const taken = ids.slice(0, Math.max(1, Math.floor(page.limit)));
    const last = taken[taken.length - 1];
    return {
      agents: await this.agentsByIds(taken),
      ...(last === undefined || taken.length === ids.length ? {} : { nextCursor: Buffer.from(last, 'utf8').toString('base64url') }),
    };
  }

  async agentsByIds(agentIds: readonly string[]): Promise<AgentSnapshot[]> {
    return [...new Set(agentIds)].flatMap((agentId) => {
      const entry = this.agents.get(agentId);
      return entry ? [agentSnapshotOf(this.agentRecord(agentId, entry), { ...entry.loadByChannel })] : [];
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
    // The reservation is used (or was not needed): a decline or a timeout sends it to anyone eligible.
    delete interaction.stickyUntil;
    interaction.state = 'offered';
    interaction.agentId = agentId;
    interaction.offerId = offerId;
    interaction.offerExpiresAt = expiresAt;
    interaction.updatedAt = now;
    this.offers.set(interactionId, expiresAt);
    agent.load += 1;
    agent.loadByChannel[channelOf(interaction.firstMessage)] += 1;
    // Giving work moves the agent to the back of the idle order, which spreads load fairly.
    if (agent.load >= agent.capacity) this.available.delete(agentId);
    else this.available.set(agentId, now);
    return { offerId, interactionId, agentId, offeredAt: now, expiresAt, interaction: structuredClone(interaction) };
  }

  /**
   * A new interaction of a returning customer: reserved for the agent who completed its last one within the window,
   * when that agent is signed in and could take it (skill at the level); else nothing.
   */
  private stickyOf(
    message: UpsertInteractionInput['message'],
    input: UpsertInteractionInput,
    now: number,
  ): Pick<InteractionRecord, 'stickyAgentId' | 'stickyUntil'> {
    if (!stickyEnabled(this.policy)) return {};
    const last = this.lastAgents.get(customerKeyOf(message));
    if (!last || last.closedAt < now - this.policy.stickyWindowMs) return {};
    const agent = this.agents.get(last.agentId);
    if (!agent || agent.state === 'offline') return {};
    if (skillMatchOf(agent.skills, input.requiredSkill, undefined, input.requiredLevel) === undefined) return {};
    return { stickyAgentId: last.agentId, stickyUntil: now + this.policy.stickyWaitMs };
  }

  /** The agent signed out: interactions waiting for it go to anyone eligible. */
  private endSticky(interaction: InteractionRecord, agentId: string): void {
    if (interaction.stickyUntil !== undefined && interaction.stickyAgentId === agentId) delete interaction.stickyUntil;
  }

  /**
   * Offered to or assigned to the agent, or where it is a conference guest or has a transfer offer or an invitation to
   * answer (live interactions only), by interaction id as in Redis.
   */

  private heldBy(agentId: string): InteractionRecord[] {
    const concerns = (interaction: InteractionRecord): boolean =>
      interaction.agentId === agentId ||
      (interaction.state === 'assigned' &&
        (interaction.transferOffer?.toAgentId === agentId ||
          interaction.conferenceOffer?.toAgentId === agentId ||
          (interaction.conferenceAgentIds ?? []).includes(agentId)));
    return [...this.interactions.values()]
      .filter((interaction) => concerns(interaction) && (interaction.state === 'offered' || interaction.state === 'assigned'))
      .sort((a, b) => (a.interactionId < b.interactionId ? -1 : a.interactionId > b.interactionId ? 1 : 0));
  }

  /** An offer taken back (its agent went offline): queued again at its age, with no decline remembered. */
  private withdraw(interaction: InteractionRecord, now: number): void {
    interaction.state = 'queued';
    delete interaction.agentId;
    delete interaction.offerId;
    delete interaction.offerExpiresAt;
    interaction.updatedAt = now;
    this.offers.delete(interaction.interactionId);
    this.queue.set(interaction.interactionId, this.scoreOf(interaction));
  }

  private releaseSlot(agentId: string, channel: Channel, now: number): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.load = Math.max(0, agent.load - 1);
    agent.loadByChannel[channel] = Math.max(0, agent.loadByChannel[channel] - 1);
    this.refreshAvailability(agentId, agent, now);
  }

  /** Ready with free capacity → in the available set (keeping its place if already there); else out. */
  private refreshAvailability(agentId: string, agent: AgentEntry, now: number): void {
    if (isAvailable(agent)) {
      if (!this.available.has(agentId)) this.available.set(agentId, now);
    } else {
      this.available.delete(agentId);
    }
  }

  private requeue(interaction: InteractionRecord, agentId: string, now: number): void {
    const interactionId = interaction.interactionId;
    this.remember(interaction, agentId, now);
    interaction.state = 'queued';
    delete interaction.agentId;
    delete interaction.offerId;
    delete interaction.offerExpiresAt;
    interaction.updatedAt = now;
    this.offers.delete(interactionId);
    this.overflowIfEveryoneDeclined(interaction, now);
    // Original age: a declined interaction goes back ahead of younger ones of its priority.
    this.queue.set(interactionId, this.scoreOf(interaction));
  }

  /** The decline is remembered for declineMemoryMs; forgotten declines are dropped, newest last. */
  private remember(interaction: InteractionRecord, agentId: string, now: number): void {
    const until = interaction.declinedUntil ?? {};
    const kept = interaction.declinedBy.filter((id) => id !== agentId && (until[id] ?? 0) > now);
    const declinedUntil: Record<string, number> = {};
    for (const id of kept) declinedUntil[id] = until[id] ?? 0;
    declinedUntil[agentId] = now + this.policy.declineMemoryMs;
    interaction.declinedBy = [...kept, agentId];
    interaction.declinedUntil = declinedUntil;
  }

  /**
   * Every signed-in agent eligible for the interaction has declined it (and someone signed in has the
   * overflow skill): agents with the overflow skill may take it too, from now on.
   */
  private overflowIfEveryoneDeclined(interaction: InteractionRecord, now: number): void {
    const overflowSkill = this.policy.overflowSkill;
    if (overflowSkill === '' || interaction.overflowSkill !== undefined || interaction.requiredSkill === overflowSkill) return;
    const channel = channelOf(interaction.firstMessage);
    const signedIn = [...this.agents].filter(([, agent]) => agent.state !== 'offline' && channelLimit(agent, channel) > 0);
    const eligible = signedIn.filter(([, agent]) => hasSkill(agent, interaction.requiredSkill));
    const declined = (id: string): boolean => (interaction.declinedUntil?.[id] ?? 0) > now;
    if (eligible.length === 0 || !eligible.every(([id]) => declined(id))) return;
    if (!signedIn.some(([, agent]) => hasSkill(agent, overflowSkill))) return;
    interaction.overflowSkill = overflowSkill;
    interaction.overflowedAt = now;
  }

  private scoreOf(interaction: InteractionRecord): number {
    return queueScore(interaction.priority, interaction.createdAt, this.policy.agingStepMs);
  }

  private agentRecord(agentId: string, entry: AgentEntry): AgentRecord {
    const idleSince = this.available.get(agentId);
    return {
      agentId,
      state: entry.state,
      capacity: entry.capacity,
      load: entry.load,
      ...(entry.byChannel === undefined ? {} : { capacityByChannel: { ...entry.byChannel } }),
      loadByChannel: { ...entry.loadByChannel },
      skills: [...entry.skills],
      stateSince: entry.stateSince,
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      ...(entry.wrapUpUntil === undefined ? {} : { wrapUpUntil: entry.wrapUpUntil }),
      ...(idleSince === undefined ? {} : { idleSince }),
    };
  }
}

function isAvailable(agent: AgentEntry): boolean {
  return agent.state === 'ready' && agent.load < agent.capacity;
}

function channelLimit(agent: AgentEntry, channel: Channel): number {
  return agent.byChannel?.[channel] ?? agent.capacity;
}

/** Room for one more interaction of the channel, overall and in the channel. */
function hasRoom(agent: AgentEntry, channel: Channel): boolean {
  return agent.load < agent.capacity && agent.loadByChannel[channel] < channelLimit(agent, channel);
}

function hasSkill(agent: AgentEntry, skill: string | undefined): boolean {
  return skill === undefined || indexedSkills(agent.skills).includes(skill);
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

/** A pending offer's reason as stored: only when one was given. */
function reasonOf(input: { reason?: string }): { reason?: string } {
  return input.reason === undefined || input.reason === '' ? {} : { reason: input.reason };
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
