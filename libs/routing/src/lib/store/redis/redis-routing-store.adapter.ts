import { channelOf } from '../../priority.util';
import {
  type AcceptResult,
  type AgentRecord,
  type AgentWork,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type InteractionRecord,
  type Offer,
  type PresenceResult,
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
import { type RoutingPolicy, type RoutingStore, type RoutingStoreOptions } from '../routing-store.port';
import { assertValidPresence, assertValidTenant, assertValidUpsert, presenceLimits, routingPolicy } from '../routing-store.util';
import { ACCEPT_OFFER_SCRIPT } from './accept-offer.script';
import { COMPLETE_INTERACTION_SCRIPT } from './complete-interaction.script';
import { DECLINE_OFFER_SCRIPT } from './decline-offer.script';
import { DISPATCH_SCRIPT } from './dispatch.script';
import { END_WRAP_UPS_SCRIPT } from './end-wrap-ups.script';
import { LuaScript, type RedisClient } from './lua-script.util';
import { OFFER_TRANSFER_SCRIPT } from './offer-transfer.script';
import { GET_AGENT_SCRIPT, GET_AGENT_WORK_SCRIPT, GET_INTERACTION_SCRIPT, LIST_AVAILABLE_SCRIPT } from './read-routing.script';
import { replyArray, replyNullableStrings, replyString, requiredNumber } from './redis-reply.util';
import { type InteractionData, parseAgent, parseInteraction } from './routing-record.util';
import { routingKeys, type RoutingKeys, STATE_KEY_COUNT, stateKeys } from './routing-keys.util';
import { SET_PRESENCE_SCRIPT } from './set-presence.script';
import { SWEEP_EXPIRED_OFFERS_SCRIPT } from './sweep-expired-offers.script';
import { TRANSFER_TO_QUEUE_SCRIPT } from './transfer-to-queue.script';
import { UPSERT_INTERACTION_SCRIPT } from './upsert-interaction.script';

// One instance per process is enough: the sha is derived from the source.
// State-changing scripts take the STATE_KEY_COUNT fixed keys of stateKeys() (+ one of their own).
const SCRIPTS = {
  setPresence: new LuaScript('set-presence', SET_PRESENCE_SCRIPT, STATE_KEY_COUNT),
  upsert: new LuaScript('upsert-interaction', UPSERT_INTERACTION_SCRIPT, STATE_KEY_COUNT + 1),
  dispatch: new LuaScript('dispatch', DISPATCH_SCRIPT, STATE_KEY_COUNT),
  accept: new LuaScript('accept-offer', ACCEPT_OFFER_SCRIPT, STATE_KEY_COUNT),
  decline: new LuaScript('decline-offer', DECLINE_OFFER_SCRIPT, STATE_KEY_COUNT),
  transferToQueue: new LuaScript('transfer-to-queue', TRANSFER_TO_QUEUE_SCRIPT, STATE_KEY_COUNT),
  offerTransfer: new LuaScript('offer-transfer', OFFER_TRANSFER_SCRIPT, STATE_KEY_COUNT),
  sweep: new LuaScript('sweep-expired-offers', SWEEP_EXPIRED_OFFERS_SCRIPT, STATE_KEY_COUNT),
  complete: new LuaScript('complete-interaction', COMPLETE_INTERACTION_SCRIPT, STATE_KEY_COUNT + 1),
  getInteraction: new LuaScript('get-interaction', GET_INTERACTION_SCRIPT, 2),
  endWrapUps: new LuaScript('end-wrap-ups', END_WRAP_UPS_SCRIPT, STATE_KEY_COUNT),
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

  async setPresence(input: SetPresenceInput): Promise<PresenceResult> {
    assertValidPresence(input);
    const limits = presenceLimits(input);
    const byChannel = limits?.byChannel;
    const reply = await SCRIPTS.setPresence.run(this.redis, this.state, [
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
    ]);
    const [agentFields, withdrawnReply, keptReply] = replyArray(reply, 'set-presence');
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
    return {
      ...parseAgent(input.agentId, replyNullableStrings(agentFields, 'set-presence agent')),
      ...(withdrawnOffers.length === 0 ? {} : { withdrawnOffers }),
      ...(heldByOfflineAgent.length === 0 ? {} : { heldByOfflineAgent }),
    };
  }

  async upsertInteraction(input: UpsertInteractionInput): Promise<UpsertInteractionResult> {
    assertValidUpsert(input);
    const data: InteractionData = {
      brandAccountId: input.message.brandAccountId,
      correlationId: input.correlationId,
      firstMessage: input.message,
      classification: input.classification,
    };
    const reply = replyArray(
      await SCRIPTS.upsert.run(
        this.redis,
        [...this.state, this.keys.message(input.message.messageId)],
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
        ],
      ),
      'upsert-interaction',
    );
    const kind = replyString(reply[0], 'upsert-interaction kind');
    const interactionId = replyString(reply[1], 'upsert-interaction id');
    if (kind === 'duplicate') return { kind, interactionId };
    if (kind !== 'created' && kind !== 'appended') throw new Error(`Unexpected upsert-interaction kind ${kind}`);
    return { kind, interaction: parseInteraction(interactionId, replyNullableStrings(reply[2], 'upsert-interaction')) };
  }

  async dispatch(now: number, offerTimeoutMs: number, newOfferId: string): Promise<Offer | undefined> {
    const reply = await SCRIPTS.dispatch.run(this.redis, this.state, [now, offerTimeoutMs, newOfferId]);
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

  async accept(interactionId: string, offerId: string, agentId: string, now: number): Promise<AcceptResult> {
    const reply = replyArray(
      await SCRIPTS.accept.run(this.redis, this.state, [interactionId, offerId, agentId, now]),
      'accept-offer',
    );
    const kind = replyString(reply[0], 'accept-offer kind');
    if (kind === 'stale') return staleFrom(reply[1]);
    if (kind !== 'accepted' && kind !== 'already-accepted') throw new Error(`Unexpected accept-offer kind ${kind}`);
    const interaction = parseInteraction(interactionId, replyNullableStrings(reply[1], 'accept-offer'));
    // A third element names the holder a transfer was taken from.
    const from = reply[2];
    return kind === 'accepted' && typeof from === 'string' ? { kind, interaction, transferredFrom: from } : { kind, interaction };
  }

  async decline(interactionId: string, offerId: string, agentId: string, now: number): Promise<DeclineResult> {
    const reply = replyArray(
      await SCRIPTS.decline.run(this.redis, this.state, [interactionId, offerId, agentId, now, ...this.requeuePolicy()]),
      'decline-offer',
    );
    const kind = replyString(reply[0], 'decline-offer kind');
    if (kind === 'stale') return staleFrom(reply[1]);
    if (kind === 'transfer-declined') {
      return { kind: 'declined', offerId, interaction: parseInteraction(interactionId, replyNullableStrings(reply[1], 'decline-offer')), transferDeclined: true };
    }
    if (kind !== 'declined') throw new Error(`Unexpected decline-offer kind ${kind}`);
    return {
      kind,
      offerId,
      interaction: parseInteraction(interactionId, replyNullableStrings(reply[1], 'decline-offer')),
    };
  }

  async transferToQueue(interactionId: string, agentId: string, now: number): Promise<TransferResult> {
    const reply = replyArray(
      await SCRIPTS.transferToQueue.run(this.redis, this.state, [interactionId, agentId, now, ...this.requeuePolicy()]),
      'transfer-to-queue',
    );
    const kind = replyString(reply[0], 'transfer-to-queue kind');
    if (kind === 'stale') return staleFrom(reply[1]);
    if (kind !== 'transferred') throw new Error(`Unexpected transfer-to-queue kind ${kind}`);
    return {
      kind,
      fromAgentId: agentId,
      interaction: parseInteraction(interactionId, replyNullableStrings(reply[1], 'transfer-to-queue')),
    };
  }

  async offerTransfer(input: OfferTransferInput): Promise<OfferTransferResult> {
    const expiresAt = input.now + input.offerTimeoutMs;
    const reply = replyArray(
      await SCRIPTS.offerTransfer.run(this.redis, this.state, [input.interactionId, input.fromAgentId, input.toAgentId, input.offerId, input.now, expiresAt]),
      'offer-transfer',
    );
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
      transferOffer: { toAgentId: input.toAgentId, offerId: input.offerId, expiresAt },
    };
  }

  async sweepExpiredOffers(now: number, limit: number): Promise<ExpiredOffer[]> {
    if (limit <= 0) return [];
    const reply = replyArray(
      await SCRIPTS.sweep.run(this.redis, this.state, [now, limit, ...this.requeuePolicy()]),
      'sweep-expired-offers',
    );
    return reply.map((entry) => {
      const [interactionId, offerId, agentId, deadline, setNotReady, fields, presence, transfer] = replyArray(entry, 'sweep entry');
      const agent = replyString(agentId, 'sweep agent');
      return {
        offerId: replyString(offerId, 'sweep offer'),
        agentId: agent,
        expiredAt: requiredNumber(replyString(deadline, 'sweep deadline'), 'deadline'),
        agentSetNotReady: replyString(setNotReady, 'sweep not-ready') === '1',
        interaction: parseInteraction(
          replyString(interactionId, 'sweep interaction'),
          replyNullableStrings(fields, 'sweep fields'),
        ),
        // Lua's false arrives as null.
        ...(presence === null || presence === undefined ? {} : { presenceChange: parseAgent(agent, replyNullableStrings(presence, 'sweep agent fields')) }),
        ...(transfer === 1 ? { transfer: true as const } : {}),
      };
    });
  }

  async complete(interactionId: string, agentId: string, now: number): Promise<CompleteResult> {
    const reply = replyArray(
      await SCRIPTS.complete.run(
        this.redis,
        [...this.state, this.keys.completed(interactionId)],
        [interactionId, agentId, now, this.policy.completedRetentionMs, this.policy.wrapUpMs],
      ),
      'complete-interaction',
    );
    const kind = replyString(reply[0], 'complete-interaction kind');
    if (kind === 'stale') return staleFrom(reply[1]);
    if (kind !== 'completed' && kind !== 'already-completed') throw new Error(`Unexpected complete-interaction kind ${kind}`);
    const interaction = parseInteraction(interactionId, replyNullableStrings(reply[1], 'complete-interaction'));
    if (kind === 'already-completed') return { kind, interaction };
    const presence = reply[2];
    return {
      kind,
      interaction,
      ...(presence === null || presence === undefined ? {} : { presenceChange: parseAgent(agentId, replyNullableStrings(presence, 'complete agent')) }),
    };
  }

  async endWrapUps(now: number, limit: number): Promise<AgentRecord[]> {
    if (limit <= 0) return [];
    const reply = replyArray(await SCRIPTS.endWrapUps.run(this.redis, this.state, [now, Math.floor(limit)]), 'end-wrap-ups');
    return reply.map((entry) => {
      const [agentId, fields] = replyArray(entry, 'end-wrap-ups entry');
      return parseAgent(replyString(agentId, 'end-wrap-ups agent'), replyNullableStrings(fields, 'end-wrap-ups fields'));
    });
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
