import {
  type ChangeClaim,
  type ChangeTrace,
  type DispatchInput,
  type HolderActInput,
  type OfferAnswerInput,
  type RecordedChange,
  type RoutingChange,
  type RoutingOp,
  type SweepInput,
} from '../../outbox/routing-change.types';
import { LuaScript, type RedisClient } from '@perch/platform';

import { type Assignment } from '../../assignments/assignment-reader.port';
import { channelOf } from '../../priority.util';
import {
  type AcceptResult,
  type AgentRecord,
  type AgentWork,
  type CompleteResult,
  CONFERENCE_REFUSALS,
  type ConferenceRefusal,
  type DroppedOffer,
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
  type StaleReason,
  STALE_REASONS,
  type StaleResult,
  TRANSFER_REFUSALS,
  type TransferRefusal,
  type TransferResult,
  type UpsertInteractionInput,
  type UpsertInteractionResult,
  type WithdrawnOffer,
} from '../../routing.types';
import { DispatchHints } from '../dispatch-hints.util';
import { type RoutingPolicy, type RoutingStore, type RoutingStoreOptions } from '../routing-store.port';
import {
  assertValidPresence,
  assertValidTenant,
  assertValidUpsert,
  customerKeyOf,
  presenceLimits,
  routingPolicy,
  stickyEnabled,
} from '../routing-store.util';
import { ACCEPT_OFFER_SCRIPT } from './accept-offer.script';
import { COMPLETE_INTERACTION_SCRIPT } from './complete-interaction.script';
import { DECLINE_OFFER_SCRIPT } from './decline-offer.script';
import { DISPATCH_SCRIPT } from './dispatch.script';
import { END_WRAP_UPS_SCRIPT } from './end-wrap-ups.script';
import { LEAVE_CONFERENCE_SCRIPT } from './leave-conference.script';
import { OFFER_CONFERENCE_SCRIPT } from './offer-conference.script';
import { OUTBOX_GROUP, replyFromOutbox, withDispatchHint, withOutbox } from './outbox.script';
import { OFFER_TRANSFER_SCRIPT } from './offer-transfer.script';
import { GET_AGENT_SCRIPT, GET_AGENT_WORK_SCRIPT, GET_INTERACTION_SCRIPT, LIST_AVAILABLE_SCRIPT } from './read-routing.script';
import { type NullableStrings, replyArray, replyNullableStrings, replyString, requiredNumber } from './redis-reply.util';
import { type InteractionData, parseAgent, parseAssignment, parseInteraction } from './routing-record.util';
import { ASSIGNMENT_FIELDS } from './routing-fields.constants';
import { routingKeys, type RoutingKeys, STATE_KEY_COUNT, stateKeys } from './routing-keys.util';
import { SET_PRESENCE_SCRIPT } from './set-presence.script';
import { SWEEP_EXPIRED_OFFERS_SCRIPT } from './sweep-expired-offers.script';
import { SWEEP_REQUIREMENTS_SCRIPT } from './sweep-requirements.script';
import { TRANSFER_TO_QUEUE_SCRIPT } from './transfer-to-queue.script';
import { UPSERT_INTERACTION_SCRIPT } from './upsert-interaction.script';

/**
 * The op of an upsert's record in ADR 40's layout (no message in the note). A new name rather than 'upsert': a router
 * built before ADR 40 knows no such op, so during a rolling upgrade its relay fails on the record and a newer relay
 * reclaims it, where reading it as 'upsert' would publish a creation without its message, which dead-letters.
 */
const SLIM_UPSERT_OP = 'upsert-slim';

// One instance per process is enough: the sha is derived from the source.
// The steps a router may follow with a dispatch reply {reply, mayDispatch} (withDispatchHint); the sweeps are always
// followed by one.
// State-changing scripts take the STATE_KEY_COUNT fixed keys of stateKeys() (+ one of their own).
const SCRIPTS = {
  setPresence: new LuaScript('set-presence', withDispatchHint(withOutbox('presence', SET_PRESENCE_SCRIPT)), STATE_KEY_COUNT),
  // Own keys: msg:<id>, lastAgents, lastSeen, requirementsDue.
  upsert: new LuaScript('upsert-interaction', withDispatchHint(withOutbox(SLIM_UPSERT_OP, UPSERT_INTERACTION_SCRIPT)), STATE_KEY_COUNT + 4),
  dispatch: new LuaScript('dispatch', withDispatchHint(withOutbox('dispatch', DISPATCH_SCRIPT)), STATE_KEY_COUNT),
  accept: new LuaScript('accept-offer', withDispatchHint(withOutbox('accept', ACCEPT_OFFER_SCRIPT)), STATE_KEY_COUNT),
  decline: new LuaScript('decline-offer', withDispatchHint(withOutbox('decline', DECLINE_OFFER_SCRIPT)), STATE_KEY_COUNT),
  transferToQueue: new LuaScript('transfer-to-queue', withDispatchHint(withOutbox('transfer-to-queue', TRANSFER_TO_QUEUE_SCRIPT)), STATE_KEY_COUNT),
  offerTransfer: new LuaScript('offer-transfer', withOutbox('offer-transfer', OFFER_TRANSFER_SCRIPT), STATE_KEY_COUNT),
  offerConference: new LuaScript('offer-conference', withOutbox('offer-conference', OFFER_CONFERENCE_SCRIPT), STATE_KEY_COUNT),
  leaveConference: new LuaScript('leave-conference', withDispatchHint(withOutbox('leave-conference', LEAVE_CONFERENCE_SCRIPT)), STATE_KEY_COUNT),
  sweep: new LuaScript('sweep-expired-offers', withOutbox('sweep-offers', SWEEP_EXPIRED_OFFERS_SCRIPT), STATE_KEY_COUNT),
  // Own keys: done:<id>, lastAgents, lastSeen.
  complete: new LuaScript('complete-interaction', withDispatchHint(withOutbox('complete', COMPLETE_INTERACTION_SCRIPT)), STATE_KEY_COUNT + 3),
  // Own keys: requirementsDue, lastAgents, lastSeen.
  sweepRequirements: new LuaScript('sweep-requirements', withOutbox('sweep-requirements', SWEEP_REQUIREMENTS_SCRIPT), STATE_KEY_COUNT + 3),
  getInteraction: new LuaScript('get-interaction', GET_INTERACTION_SCRIPT, 2),
  endWrapUps: new LuaScript('end-wrap-ups', withOutbox('end-wrap-ups', END_WRAP_UPS_SCRIPT), STATE_KEY_COUNT),
  getAgent: new LuaScript('get-agent', GET_AGENT_SCRIPT, 2),
  getAgentWork: new LuaScript('get-agent-work', GET_AGENT_WORK_SCRIPT, 3),
  listAvailable: new LuaScript('list-available', LIST_AVAILABLE_SCRIPT, 2),
} as const;

/**
 * RoutingStore on Redis: one Lua script per state change, so any number of router replicas (each with
 * its own connection) can share a tenant's state. Works on a single node or a cluster: every key of a
 * tenant carries the `{tenant}` hash tag and is passed in KEYS. The caller owns the connection.
 */
export class RedisRoutingStore implements RoutingStore {
  readonly keys: RoutingKeys;
  private readonly policy: RoutingPolicy;
  private readonly state: string[];
  private outboxGroupReady = false;
  private readonly hints = new DispatchHints();

  constructor(
    private readonly redis: RedisClient,
    readonly tenant: string,
    options: RoutingStoreOptions = {},
  ) {
    assertValidTenant(tenant);
    this.keys = routingKeys(tenant);
    this.policy = routingPolicy(options);
    this.state = stateKeys(this.keys);
  }

  async setPresence(input: SetPresenceInput, trace: ChangeTrace = {}): Promise<PresenceResult> {
    assertValidPresence(input);
    const limits = presenceLimits(input);
    const byChannel = limits?.byChannel;
    const { reply, mayDispatch } = await this.runStep(SCRIPTS.setPresence, this.state, [
      input.agentId,
      input.state,
      limits === undefined ? '' : limits.capacity,
      input.skills === undefined ? '' : JSON.stringify(input.skills),
      input.now,
      limits === undefined ? '' : byChannel === undefined ? 'clear' : 'set',
      byChannel?.public ?? '',
      byChannel?.dm ?? '',
      input.state === 'not-ready' ? (input.reason ?? '') : '',
      this.policy.agingStepMs,
      outboxNote(input, trace),
    ]);
    return this.hints.note(parsePresence(reply, input), mayDispatch);
  }

  async upsertInteraction(input: UpsertInteractionInput, trace: ChangeTrace = {}): Promise<UpsertInteractionResult> {
    assertValidUpsert(input);
    const { message: _message, classification: _classification, ...rest } = input;
    const { reply, mayDispatch } = await this.runUpsert(input, outboxNote(rest, trace));
    return this.hints.note(parseUpsert(reply, input), mayDispatch);
  }

  async dispatch(now: number, offerTimeoutMs: number, newOfferId: string, trace: ChangeTrace = {}): Promise<Offer | undefined> {
    const input: DispatchInput = { now, offerTimeoutMs, newOfferId };
    const { reply, mayDispatch } = await this.runStep(SCRIPTS.dispatch, this.state, [now, offerTimeoutMs, newOfferId, outboxNote(input, trace)]);
    return this.hints.note(parseDispatch(reply), mayDispatch);
  }

  mayDispatchAfter(result: object): boolean {
    return this.hints.mayDispatchAfter(result);
  }

  async accept(interactionId: string, offerId: string, agentId: string, now: number, trace: ChangeTrace = {}): Promise<AcceptResult> {
    const input: OfferAnswerInput = { interactionId, offerId, agentId, now };
    const { reply, mayDispatch } = await this.runStep(SCRIPTS.accept, this.state, [interactionId, offerId, agentId, now, outboxNote(input, trace)]);
    return this.hints.note(parseAccept(reply, input), mayDispatch);
  }

  async decline(interactionId: string, offerId: string, agentId: string, now: number, trace: ChangeTrace = {}): Promise<DeclineResult> {
    const input: OfferAnswerInput = { interactionId, offerId, agentId, now };
    const { reply, mayDispatch } = await this.runStep(SCRIPTS.decline, this.state, [
      interactionId,
      offerId,
      agentId,
      now,
      ...this.requeuePolicy(),
      outboxNote(input, trace),
    ]);
    return this.hints.note(parseDecline(reply, input), mayDispatch);
  }

  async transferToQueue(interactionId: string, agentId: string, now: number, trace: ChangeTrace = {}): Promise<TransferResult> {
    const input: HolderActInput = { interactionId, agentId, now };
    const { reply, mayDispatch } = await this.runStep(SCRIPTS.transferToQueue, this.state, [
      interactionId,
      agentId,
      now,
      ...this.requeuePolicy(),
      outboxNote(input, trace),
    ]);
    return this.hints.note(parseTransferToQueue(reply, input), mayDispatch);
  }

  async offerTransfer(input: OfferTransferInput, trace: ChangeTrace = {}): Promise<OfferTransferResult> {
    const expiresAt = input.now + input.offerTimeoutMs;
    return parseOfferTransfer(
      await SCRIPTS.offerTransfer.run(this.redis, this.state, [
        input.interactionId,
        input.fromAgentId,
        input.toAgentId,
        input.offerId,
        input.now,
        expiresAt,
        input.reason ?? '',
        outboxNote(input, trace),
      ]),
      input,
    );
  }

  async offerConference(input: OfferConferenceInput, trace: ChangeTrace = {}): Promise<OfferConferenceResult> {
    return parseOfferConference(
      await SCRIPTS.offerConference.run(this.redis, this.state, [
        input.interactionId,
        input.fromAgentId,
        input.toAgentId,
        input.offerId,
        input.now,
        input.now + input.offerTimeoutMs,
        input.maxAgents,
        input.reason ?? '',
        outboxNote(input, trace),
      ]),
      input,
    );
  }

  async leaveConference(input: LeaveConferenceInput, trace: ChangeTrace = {}): Promise<LeaveConferenceResult> {
    const { reply, mayDispatch } = await this.runStep(SCRIPTS.leaveConference, this.state, [
      input.interactionId,
      input.agentId,
      input.handOverTo ?? '',
      input.now,
      outboxNote(input, trace),
    ]);
    return this.hints.note(parseLeaveConference(reply, input), mayDispatch);
  }

  async sweepExpiredOffers(now: number, limit: number, trace: ChangeTrace = {}): Promise<ExpiredOffer[]> {
    if (limit <= 0) return [];
    const input: SweepInput = { now, limit };
    return parseSweep(await SCRIPTS.sweep.run(this.redis, this.state, [now, limit, ...this.requeuePolicy(), outboxNote(input, trace)]));
  }

  async complete(interactionId: string, agentId: string, now: number, trace: ChangeTrace = {}): Promise<CompleteResult> {
    const input: HolderActInput = { interactionId, agentId, now };
    const { reply, mayDispatch } = await this.runStep(
      SCRIPTS.complete,
      [...this.state, this.keys.completed(interactionId), this.keys.lastAgents, this.keys.lastSeen],
      [
        interactionId,
        agentId,
        now,
        this.policy.completedRetentionMs,
        this.policy.wrapUpMs,
        stickyEnabled(this.policy) ? this.policy.stickyWindowMs : 0,
        outboxNote(input, trace),
      ],
    );
    return this.hints.note(parseComplete(reply, input), mayDispatch);
  }

  async endWrapUps(now: number, limit: number, trace: ChangeTrace = {}): Promise<AgentRecord[]> {
    if (limit <= 0) return [];
    const input: SweepInput = { now, limit: Math.floor(limit) };
    return parseEndWrapUps(await SCRIPTS.endWrapUps.run(this.redis, this.state, [now, Math.floor(limit), outboxNote(input, trace)]));
  }

  async sweepRequirements(now: number, limit: number, trace: ChangeTrace = {}): Promise<RequirementChange[]> {
    if (limit <= 0) return [];
    const k = this.keys;
    const input: SweepInput = { now, limit: Math.floor(limit) };
    return parseSweepRequirements(
      await SCRIPTS.sweepRequirements.run(this.redis, [...this.state, k.requirementsDue, k.lastAgents, k.lastSeen], [
        now,
        Math.floor(limit),
        this.policy.agingStepMs,
        this.policy.stickyWindowMs,
        outboxNote(input, trace),
      ]),
    );
  }

  async claimChanges(claim: ChangeClaim): Promise<RecordedChange[]> {
    if (claim.limit <= 0) return [];
    await this.ensureOutboxGroup();
    try {
      return await this.readOutbox(claim);
    } catch (error: unknown) {
      // The stream (and its group) went away: a Redis that lost its data, or a key deleted. The next XADD made a new
      // stream without the group; create it again (from the start of that stream, so nothing recorded since is missed).
      if (!(error instanceof Error) || !error.message.startsWith('NOGROUP')) throw error;
      this.outboxGroupReady = false;
      await this.ensureOutboxGroup();
      return this.readOutbox(claim);
    }
  }

  private async readOutbox(claim: ChangeClaim): Promise<RecordedChange[]> {
    const entries: unknown[] = [];
    if (claim.reclaimIdleMs !== undefined) {
      // Taken by a relay that never acknowledged them (it died mid-publish): ours now, oldest first.
      const [, claimed] = replyArray(
        await this.redis.xautoclaim(this.keys.outbox, OUTBOX_GROUP, claim.relayId, claim.reclaimIdleMs, '0-0', 'COUNT', claim.limit),
        'xautoclaim',
      );
      entries.push(...replyArray(claimed, 'xautoclaim entries'));
    }
    if (entries.length < claim.limit) {
      const read = await this.redis.xreadgroup('GROUP', OUTBOX_GROUP, claim.relayId, 'COUNT', claim.limit - entries.length, 'STREAMS', this.keys.outbox, '>');
      if (read !== null) {
        for (const stream of replyArray(read, 'xreadgroup')) entries.push(...replyArray(replyArray(stream, 'xreadgroup stream')[1], 'xreadgroup entries'));
      }
    }
    const changes: RecordedChange[] = [];
    for (const entry of entries) {
      const [id, fields] = replyArray(entry, 'outbox entry');
      // An entry deleted after it was taken (acknowledged by its first relay) comes back from XAUTOCLAIM without fields.
      if (fields !== null) changes.push(decodeOutboxEntry(replyString(id, 'outbox id'), replyNullableStrings(fields, 'outbox fields')));
    }
    return changes;
  }

  async ackChanges(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().xack(this.keys.outbox, OUTBOX_GROUP, ...ids).xdel(this.keys.outbox, ...ids).exec();
  }

  /** Changes recorded and not yet acknowledged (taken or not): for tests and the relay's gauge. */
  async pendingChanges(): Promise<number> {
    return this.redis.xlen(this.keys.outbox);
  }

  private async ensureOutboxGroup(): Promise<void> {
    if (this.outboxGroupReady) return;
    try {
      // From the stream's beginning: changes recorded before any relay existed are announced too.
      await this.redis.xgroup('CREATE', this.keys.outbox, OUTBOX_GROUP, '0', 'MKSTREAM');
    } catch (error: unknown) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
    this.outboxGroupReady = true;
  }

  /** A script wrapped by withDispatchHint: its reply, and whether a dispatch now could offer anything. */
  private async runStep(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<{ reply: unknown; mayDispatch: boolean }> {
    const [reply, mayDispatch] = replyArray(await script.run(this.redis, keys, args), script.name);
    return { reply, mayDispatch: mayDispatch !== 0 };
  }

  private async runUpsert(input: UpsertInteractionInput, note: string): Promise<{ reply: unknown; mayDispatch: boolean }> {
    const data: InteractionData = {
      brandAccountId: input.message.brandAccountId,
      correlationId: input.correlationId,
      firstMessage: input.message,
      classification: input.classification,
    };
    return this.runStep(
      SCRIPTS.upsert,
      [...this.state, this.keys.message(input.message.messageId), this.keys.lastAgents, this.keys.lastSeen, this.keys.requirementsDue],
      [
        input.message.conversationKey,
        input.interactionIdIfNew,
        input.priority,
        input.now,
        JSON.stringify(data),
        input.requiredSkill ?? '',
        this.policy.dedupeTtlMs,
        channelOf(input.message),
        this.policy.agingStepMs,
        input.requiredLevel ?? '',
        input.widen === undefined ? '' : input.now + input.widen.afterMs,
        input.widen?.to ?? '',
        customerKeyOf(input.message),
        stickyEnabled(this.policy) ? this.policy.stickyWindowMs : 0,
        this.policy.stickyWaitMs,
        note,
      ],
    );
  }

  async getAgent(agentId: string): Promise<AgentRecord | undefined> {
    const reply = await SCRIPTS.getAgent.run(this.redis, [this.keys.agents, this.keys.available], [agentId]);
    return reply === null ? undefined : parseAgent(agentId, replyNullableStrings(reply, 'get-agent'));
  }

  async getAgentWork(agentId: string): Promise<AgentWork | undefined> {
    const reply = await SCRIPTS.getAgentWork.run(this.redis, [this.keys.agents, this.keys.available, this.keys.interactions], [agentId]);
    if (reply === null) return undefined;
    const [fields, work] = replyArray(reply, 'get-agent-work');
    const interactions = replyArray(work, 'get-agent-work interactions')
      .map((entry) => {
        const [interactionId, values] = replyArray(entry, 'get-agent-work entry');
        return parseInteraction(replyString(interactionId, 'get-agent-work interaction'), replyNullableStrings(values, 'get-agent-work fields'));
      })
      .sort((a, b) => byId(a.interactionId, b.interactionId));
    return { agent: parseAgent(agentId, replyNullableStrings(fields, 'get-agent-work agent')), interactions };
  }

  /**
   * Who holds the interaction, live or completed and retained: the gateway's check before every agent action. Plain
   * HMGETs of ASSIGNMENT_FIELDS, not getInteraction's script over the whole record: about a third of its Redis time
   * (ADR 45). The completed copy is read only when the live record is gone, and a record that has left the live hash
   * never returns to it, so the two reads answer what the one script would.
   */
  async getAssignment(interactionId: string): Promise<Assignment | undefined> {
    const live = await this.redis.hmget(this.keys.interactions, ...ASSIGNMENT_FIELDS.map((name) => `${interactionId}:${name}`));
    if (live[0] !== null) return parseAssignment(interactionId, live);
    const completed = await this.redis.hmget(this.keys.completed(interactionId), ...ASSIGNMENT_FIELDS);
    return completed[0] === null ? undefined : parseAssignment(interactionId, completed);
  }

  async getInteraction(interactionId: string): Promise<InteractionRecord | undefined> {
    const reply = await SCRIPTS.getInteraction.run(
      this.redis,
      [this.keys.interactions, this.keys.completed(interactionId)],
      [interactionId],
    );
    return reply === null
      ? undefined
      : parseInteraction(interactionId, replyNullableStrings(reply, 'get-interaction'));
  }

  async queueDepth(): Promise<number> {
    return this.redis.zcard(this.keys.queue);
  }

  async listAvailable(limit: number): Promise<AgentRecord[]> {
    // ZRANGE 0 -1 would mean "everything": a non-positive limit must not get there.
    if (limit <= 0) return [];
    const reply = replyArray(
      await SCRIPTS.listAvailable.run(this.redis, [this.keys.agents, this.keys.available], [Math.floor(limit)]),
      'list-available',
    );
    return reply.map((entry) => {
      const [agentId, fields] = replyArray(entry, 'list-available entry');
      const id = replyString(agentId, 'list-available agent');
      return parseAgent(id, replyNullableStrings(fields, 'list-available fields'));
    });
  }

  /** What a decline or a timeout needs to requeue: declineMemoryMs, agingStepMs, overflowSkill. */
  private requeuePolicy(): (string | number)[] {
    return [this.policy.declineMemoryMs, this.policy.agingStepMs, this.policy.overflowSkill];
  }
}

function staleFrom(reason: unknown): StaleResult {
  const text = replyString(reason, 'stale reason');
  if (!(STALE_REASONS as readonly string[]).includes(text)) throw new Error(`Unexpected stale reason ${text}`);
  return { kind: 'stale', reason: text as StaleReason };
}

/** Code-unit order, as the memory store sorts ids. */
function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// One parser per state-changing script: the same code reads a reply when the script returns it and when a relay
// reads it back from the outbox, so the events built from either are the same.

function parsePresence(reply: unknown, input: SetPresenceInput): PresenceResult {
  const [agentFields, withdrawnReply, keptReply, leftReply] = replyArray(reply, 'set-presence');
  const withdrawnOffers: WithdrawnOffer[] = replyArray(withdrawnReply, 'set-presence withdrawn')
    .map((entry) => {
      const [interactionId, offerId, fields] = replyArray(entry, 'set-presence withdrawn entry');
      const id = replyString(interactionId, 'withdrawn interaction');
      return {
        offerId: replyString(offerId, 'withdrawn offer'),
        agentId: input.agentId,
        interaction: parseInteraction(id, replyNullableStrings(fields, 'withdrawn fields')),
      };
    })
    .sort((a, b) => byId(a.interaction.interactionId, b.interaction.interactionId));
  const heldByOfflineAgent = replyArray(keptReply, 'set-presence kept')
    .map((id) => replyString(id, 'kept interaction'))
    .sort(byId);
  // Conferences a guest gone offline left (absent from replies recorded before conferences existed).
  const leftConferences = (leftReply === undefined || leftReply === null ? [] : replyArray(leftReply, 'set-presence left'))
    .map((entry) => {
      const [interactionId, fields] = replyArray(entry, 'set-presence left entry');
      return parseInteraction(replyString(interactionId, 'left interaction'), replyNullableStrings(fields, 'left fields'));
    })
    .sort((a, b) => byId(a.interactionId, b.interactionId));
  return {
    ...parseAgent(input.agentId, replyNullableStrings(agentFields, 'set-presence agent')),
    ...(withdrawnOffers.length === 0 ? {} : { withdrawnOffers }),
    ...(heldByOfflineAgent.length === 0 ? {} : { heldByOfflineAgent }),
    ...(leftConferences.length === 0 ? {} : { leftConferences }),
  };
}

/** An upsert's input as its outbox note holds it: without the message and classification since ADR 40. */
type NotedUpsertInput = Omit<UpsertInteractionInput, 'message' | 'classification'> & Partial<Pick<UpsertInteractionInput, 'message' | 'classification'>>;

function parseUpsert(value: unknown, input: NotedUpsertInput): UpsertInteractionResult {
  const reply = replyArray(value, 'upsert-interaction');
  const kind = replyString(reply[0], 'upsert-interaction kind');
  const interactionId = replyString(reply[1], 'upsert-interaction id');
  if (kind === 'duplicate') return { kind, interactionId };
  // An outbox record's input has no message (ADR 40): the interaction names the upsert instead.
  if (kind !== 'created' && kind !== 'appended') throw new Error(`Unexpected upsert-interaction kind ${kind} for ${input.message?.messageId ?? interactionId}`);
  return { kind, interaction: parseInteraction(interactionId, replyNullableStrings(reply[2], 'upsert-interaction')) };
}

function parseDispatch(reply: unknown): Offer | undefined {
  if (reply === null) return undefined;
  const [interactionId, agentId, offerId, offeredAt, expiresAt, fields] = replyArray(reply, 'dispatch');
  const id = replyString(interactionId, 'dispatch interaction');
  return {
    interactionId: id,
    agentId: replyString(agentId, 'dispatch agent'),
    offerId: replyString(offerId, 'dispatch offer'),
    offeredAt: requiredNumber(replyString(offeredAt, 'dispatch offeredAt'), 'offeredAt'),
    expiresAt: requiredNumber(replyString(expiresAt, 'dispatch expiresAt'), 'expiresAt'),
    interaction: parseInteraction(id, replyNullableStrings(fields, 'dispatch fields')),
  };
}

function parseAccept(value: unknown, input: OfferAnswerInput): AcceptResult {
  const reply = replyArray(value, 'accept-offer');
  const kind = replyString(reply[0], 'accept-offer kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  if (kind !== 'accepted' && kind !== 'already-accepted') throw new Error(`Unexpected accept-offer kind ${kind}`);
  const interaction = parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'accept-offer'));
  // A third element names the holder a transfer was taken from; a fourth (1) says an invitee joined the conference.
  const from = reply[2];
  if (kind === 'accepted' && reply[3] === 1) return { kind, interaction, conferenceJoined: true };
  return kind === 'accepted' && typeof from === 'string' ? { kind, interaction, transferredFrom: from } : { kind, interaction };
}

function parseDecline(value: unknown, input: OfferAnswerInput): DeclineResult {
  const reply = replyArray(value, 'decline-offer');
  const kind = replyString(reply[0], 'decline-offer kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  const interaction = parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'decline-offer'));
  if (kind === 'transfer-declined') return { kind: 'declined', offerId: input.offerId, interaction, transferDeclined: true };
  if (kind === 'conference-declined') return { kind: 'declined', offerId: input.offerId, interaction, conferenceDeclined: true };
  if (kind !== 'declined') throw new Error(`Unexpected decline-offer kind ${kind}`);
  return { kind, offerId: input.offerId, interaction };
}

function parseTransferToQueue(value: unknown, input: HolderActInput): TransferResult {
  const reply = replyArray(value, 'transfer-to-queue');
  const kind = replyString(reply[0], 'transfer-to-queue kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  if (kind !== 'transferred') throw new Error(`Unexpected transfer-to-queue kind ${kind}`);
  return { kind, fromAgentId: input.agentId, interaction: parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'transfer-to-queue')) };
}

function parseOfferTransfer(value: unknown, input: OfferTransferInput): OfferTransferResult {
  const reply = replyArray(value, 'offer-transfer');
  const kind = replyString(reply[0], 'offer-transfer kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  if (kind === 'refused') {
    const reason = replyString(reply[1], 'offer-transfer refusal');
    if (!(TRANSFER_REFUSALS as readonly string[]).includes(reason)) throw new Error(`Unexpected transfer refusal ${reason}`);
    return { kind, reason: reason as TransferRefusal };
  }
  if (kind !== 'transfer-offered') throw new Error(`Unexpected offer-transfer kind ${kind}`);
  return {
    kind,
    interaction: parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'offer-transfer')),
    transferOffer: { toAgentId: input.toAgentId, offerId: input.offerId, expiresAt: input.now + input.offerTimeoutMs, ...reasonOf(input) },
  };
}

function parseOfferConference(value: unknown, input: OfferConferenceInput): OfferConferenceResult {
  const reply = replyArray(value, 'offer-conference');
  const kind = replyString(reply[0], 'offer-conference kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  if (kind === 'refused') {
    const reason = replyString(reply[1], 'offer-conference refusal');
    if (!(CONFERENCE_REFUSALS as readonly string[]).includes(reason)) throw new Error(`Unexpected conference refusal ${reason}`);
    return { kind, reason: reason as ConferenceRefusal };
  }
  if (kind !== 'conference-offered') throw new Error(`Unexpected offer-conference kind ${kind}`);
  return {
    kind,
    interaction: parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'offer-conference')),
    conferenceOffer: { toAgentId: input.toAgentId, offerId: input.offerId, expiresAt: input.now + input.offerTimeoutMs, ...reasonOf(input) },
  };
}

/** A pending offer's reason as stored: only when one was given. */
function reasonOf(input: { reason?: string }): { reason?: string } {
  return input.reason === undefined || input.reason === '' ? {} : { reason: input.reason };
}

function parseLeaveConference(value: unknown, input: LeaveConferenceInput): LeaveConferenceResult {
  const reply = replyArray(value, 'leave-conference');
  const kind = replyString(reply[0], 'leave-conference kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  const interaction = parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'leave-conference'));
  if (kind === 'left') return { kind, agentId: input.agentId, interaction };
  if (kind !== 'handed-over' || input.handOverTo === undefined) throw new Error(`Unexpected leave-conference kind ${kind}`);
  return { kind, fromAgentId: input.agentId, toAgentId: input.handOverTo, interaction };
}

function parseSweep(value: unknown): ExpiredOffer[] {
  return replyArray(value, 'sweep-expired-offers').map((entry) => {
    const [interactionId, offerId, agentId, deadline, setNotReady, fields, presence, transfer] = replyArray(entry, 'sweep entry');
    const agent = replyString(agentId, 'sweep agent');
    return {
      offerId: replyString(offerId, 'sweep offer'),
      agentId: agent,
      expiredAt: requiredNumber(replyString(deadline, 'sweep deadline'), 'deadline'),
      agentSetNotReady: replyString(setNotReady, 'sweep not-ready') === '1',
      interaction: parseInteraction(replyString(interactionId, 'sweep interaction'), replyNullableStrings(fields, 'sweep fields')),
      // Lua's false arrives as null.
      ...(presence === null || presence === undefined ? {} : { presenceChange: parseAgent(agent, replyNullableStrings(presence, 'sweep agent fields')) }),
      // 1: a transfer offer, 2: an invitation to a conference.
      ...(transfer === 1 ? { transfer: true as const } : {}),
      ...(transfer === 2 ? { conference: true as const } : {}),
    };
  });
}

function parseComplete(value: unknown, input: HolderActInput): CompleteResult {
  const reply = replyArray(value, 'complete-interaction');
  const kind = replyString(reply[0], 'complete-interaction kind');
  if (kind === 'stale') return staleFrom(reply[1]);
  if (kind !== 'completed' && kind !== 'already-completed') throw new Error(`Unexpected complete-interaction kind ${kind}`);
  const interaction = parseInteraction(input.interactionId, replyNullableStrings(reply[1], 'complete-interaction'));
  if (kind === 'already-completed') return { kind, interaction };
  const presence = reply[2];
  const dropped = reply[3];
  return {
    kind,
    interaction,
    ...(presence === null || presence === undefined ? {} : { presenceChange: parseAgent(input.agentId, replyNullableStrings(presence, 'complete agent')) }),
    ...(dropped === null || dropped === undefined ? {} : { droppedOffer: parseDroppedOffer(dropped) }),
  };
}

function parseDroppedOffer(value: unknown): DroppedOffer {
  const [kind, toAgentId, offerId] = replyArray(value, 'complete dropped offer').map((item) => replyString(item, 'complete dropped offer'));
  if (kind !== 'transfer' && kind !== 'conference') throw new Error(`Unexpected dropped offer kind ${String(kind)}`);
  return { kind, toAgentId: toAgentId ?? '', offerId: offerId ?? '' };
}

function parseEndWrapUps(value: unknown): AgentRecord[] {
  return replyArray(value, 'end-wrap-ups').map((entry) => {
    const [agentId, fields] = replyArray(entry, 'end-wrap-ups entry');
    return parseAgent(replyString(agentId, 'end-wrap-ups agent'), replyNullableStrings(fields, 'end-wrap-ups fields'));
  });
}

/** The outbox note of a change: its input and the caller's trace (JSON, one ARGV). */
function outboxNote(input: object, trace: ChangeTrace): string {
  return JSON.stringify({ input, trace });
}

/**
 * An outbox entry back to the change it records, through the parsers above. A malformed entry is a bug (the scripts
 * write every one), so it throws rather than being skipped.
 */
function decodeOutboxEntry(id: string, fields: NullableStrings): RecordedChange {
  const byName = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1];
    if (name !== null && name !== undefined && value !== null && value !== undefined) byName.set(name, value);
  }
  const op = byName.get('op');
  const note = byName.get('note');
  const out = byName.get('out');
  if (op === undefined || note === undefined || out === undefined) throw new Error(`Malformed outbox entry ${id}`);
  const { input, trace } = JSON.parse(note) as { input: unknown; trace: ChangeTrace };
  const reply = replyFromOutbox(out);
  return { id, trace, change: changeFromReply(op === SLIM_UPSERT_OP ? 'upsert' : op, input, reply, id, byName.get('data')) };
}

/** The message an upsert record applied: in its note (before ADR 40), its 'data' field (an append) or its reply (a creation). */
function upsertedMessage(
  noted: NotedUpsertInput,
  result: Exclude<UpsertInteractionResult, { kind: 'duplicate' }>,
  appendedData: string | undefined,
  id: string,
): Pick<UpsertInteractionInput, 'message' | 'classification'> {
  if (noted.message !== undefined && noted.classification !== undefined) return { message: noted.message, classification: noted.classification };
  if (result.kind === 'created') return { message: result.interaction.firstMessage, classification: result.interaction.classification };
  if (appendedData === undefined) throw new Error(`Outbox entry ${id} appends a message it does not hold`);
  const data = JSON.parse(appendedData) as InteractionData;
  return { message: data.firstMessage, classification: data.classification };
}

/**
 * `appendedData`: an upsert record's 'data' field. An upsert's note holds its input without the message and
 * classification (ADR 40, op upsert-slim): a creation's reply holds them as the first message's, and an append's
 * record holds its own in 'data'. A record written before ADR 40 (op upsert) holds them in its note and is read as it is.
 */
function changeFromReply(op: string, rawInput: unknown, reply: unknown, id: string, appendedData?: string): RoutingChange {
  const notAChange = (): Error => new Error(`Outbox entry ${id} (${op}) records no change`);
  const known = op as RoutingOp;
  switch (known) {
    case 'presence': {
      const input = rawInput as SetPresenceInput;
      return { op: 'presence', input, result: parsePresence(reply, input) };
    }
    case 'upsert': {
      const noted = rawInput as NotedUpsertInput;
      const result = parseUpsert(reply, noted);
      if (result.kind === 'duplicate') throw notAChange();
      return { op: 'upsert', input: { ...noted, ...upsertedMessage(noted, result, appendedData, id) }, result };
    }
    case 'dispatch': {
      const result = parseDispatch(reply);
      if (result === undefined) throw notAChange();
      return { op: 'dispatch', input: rawInput as DispatchInput, result };
    }
    case 'accept': {
      const input = rawInput as OfferAnswerInput;
      const result = parseAccept(reply, input);
      if (result.kind !== 'accepted') throw notAChange();
      return { op: 'accept', input, result };
    }
    case 'decline': {
      const input = rawInput as OfferAnswerInput;
      const result = parseDecline(reply, input);
      if (result.kind !== 'declined') throw notAChange();
      return { op: 'decline', input, result };
    }
    case 'transfer-to-queue': {
      const input = rawInput as HolderActInput;
      const result = parseTransferToQueue(reply, input);
      if (result.kind !== 'transferred') throw notAChange();
      return { op: 'transfer-to-queue', input, result };
    }
    case 'offer-transfer': {
      const input = rawInput as OfferTransferInput;
      const result = parseOfferTransfer(reply, input);
      if (result.kind !== 'transfer-offered') throw notAChange();
      return { op: 'offer-transfer', input, result };
    }
    case 'offer-conference': {
      const input = rawInput as OfferConferenceInput;
      const result = parseOfferConference(reply, input);
      if (result.kind !== 'conference-offered') throw notAChange();
      return { op: 'offer-conference', input, result };
    }
    case 'leave-conference': {
      const input = rawInput as LeaveConferenceInput;
      const result = parseLeaveConference(reply, input);
      if (result.kind === 'stale') throw notAChange();
      return { op: 'leave-conference', input, result };
    }
    case 'sweep-offers':
      return { op: 'sweep-offers', input: rawInput as SweepInput, result: parseSweep(reply) };
    case 'sweep-requirements':
      return { op: 'sweep-requirements', input: rawInput as SweepInput, result: parseSweepRequirements(reply) };
    case 'complete': {
      const input = rawInput as HolderActInput;
      const result = parseComplete(reply, input);
      if (result.kind !== 'completed') throw notAChange();
      return { op: 'complete', input, result };
    }
    case 'end-wrap-ups':
      return { op: 'end-wrap-ups', input: rawInput as SweepInput, result: parseEndWrapUps(reply) };
    default: {
      // Exhaustive over RoutingOp: a new op that is not decoded here fails to compile.
      const unknown: never = known;
      throw new Error(`Outbox entry ${id} has an unknown op ${String(unknown)}`);
    }
  }
}

function parseSweepRequirements(value: unknown): RequirementChange[] {
  return replyArray(value, 'sweep-requirements').map((entry) => {
    const [interactionId, kind, fields, previous] = replyArray(entry, 'sweep-requirements entry');
    const changeKind = replyString(kind, 'sweep-requirements kind');
    if (changeKind !== 'widened' && changeKind !== 'sticky-ended') throw new Error(`Unexpected requirement change ${changeKind}`);
    const interaction = parseInteraction(replyString(interactionId, 'sweep-requirements interaction'), replyNullableStrings(fields, 'sweep-requirements fields'));
    return changeKind === 'widened'
      ? { kind: changeKind, interaction, previousSkill: replyString(previous, 'sweep-requirements previous') }
      : { kind: changeKind, interaction };
  });
}
