import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type AgentStatePayload,
  type ClassificationCorrectedPayload,
  type EventEnvelope,
  type InteractionLifecyclePayload,
  type OutboundCompletedPayload,
  isFinalOutbound,
} from '@perch/contracts';
import { type AgentProfile } from '@perch/agents';
import {
  applyClassificationCorrection,
  applyEntries,
  applyLifecycleToView,
  correctionUpdateFromEvent,
  customerEntryFromLifecycle,
  eventTime,
  type InteractionStore,
  type TranscriptEntry,
  actionEntryFromCompleted,
} from '@perch/interactions';
import { CustomerProfileService } from '@perch/outbound';
import { createLogger } from '@perch/platform';
import { type AssignmentReader } from '@perch/routing';

import { GATEWAY_ASSIGNMENTS, GATEWAY_INTERACTION_STORE } from '../gateway.constants';
import { AgentSocketHub } from './agent-socket-hub.service';
import { LocalViewCache } from './local-view-cache.service';
import { offerMessageOf } from './offer-message.util';
import { PushStoreGuard } from './push-store-guard.util';
import { type ConferenceUpdateMessage, type OfferMessage } from './ws-messages.types';

const CONFERENCE_STATUS = {
  'conference-offered': 'invited',
  'conference-joined': 'joined',
  'conference-declined': 'declined',
  'conference-timed-out': 'timed-out',
  'conference-left': 'left',
  'conference-handed-over': 'handed-over',
} as const satisfies Record<string, ConferenceUpdateMessage['status']>;
type ConferenceEventType = keyof typeof CONFERENCE_STATUS;

/**
 * Turns routing and outbound events into pushes to the agents connected to this replica. Every replica
 * sees every event (fan-out group); events about agents connected elsewhere cost one map lookup.
 *
 * The store is written by the projector in a shared consumer group, which may be a few ms behind this
 * one; so the view pushed on accept is the stored view with this replica's own knowledge of the
 * interaction and the event itself applied on top (the same pure rules the projector uses), and
 * transcript entries (which merge in any order) are written before they are pushed, directly (not queued behind the
 * projector's flushes, which would hold up every push after them: offers, accepts). Headers are not
 * written here: two writers applying state changes out of order could move an interaction back.
 *
 * Every store call here goes through the PushStoreGuard: bounded, and skipped while the store fails. The pushes share
 * one consumer with the offers, so a PostgreSQL outage must not hold them up; the projector, in its own group, makes
 * the same writes and waits the outage out.
 */
@Injectable()
export class AgentPushService {
  private readonly logger = createLogger('gateway-push');
  private readonly guard: PushStoreGuard;

  constructor(
    private readonly hub: AgentSocketHub,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    private readonly views: LocalViewCache,
    private readonly profiles: CustomerProfileService,
    // Who takes part in a conference, for X's answers to a participant's action (the router's record).
    @Optional() @Inject(GATEWAY_ASSIGNMENTS) private readonly assignments?: AssignmentReader,
    @Optional() guard?: PushStoreGuard,
  ) {
    this.guard = guard ?? new PushStoreGuard();
    hub.onConnected((agent) => {
      void this.warm(agent);
    });
  }

  async onLifecycle(event: EventEnvelope<InteractionLifecyclePayload>): Promise<void> {
    const payload = event.payload;
    this.tellTransferringHolder(payload);
    if (isConferenceEvent(payload.type)) {
      await this.onConference(event, payload.type);
      return;
    }
    await this.tellGuests(event);
    const cached = this.views.get(payload.interactionId);
    const agentId = payload.agentId ?? cached?.agentId ?? null;
    if (agentId === null || !this.hub.isConnected(agentId)) {
      if (payload.type === 'completed') this.views.delete(payload.interactionId);
      return;
    }
    const at = eventTime(event);
    switch (payload.type) {
      case 'offered': {
        const view = applyLifecycleToView(cached ?? null, payload, at, event.correlationId);
        this.views.remember(view);
        const offer = offerMessage(payload);
        // A returning customer offered to its last agent: the desktop may say so (also on GET /api/agents/me/offers).
        if (offer) this.hub.send(agentId, payload.sticky === true ? { ...offer, sticky: true } : offer);
        else this.logger.warn({ interactionId: payload.interactionId }, 'offered event without message or classification');
        return;
      }
      case 'accepted': {
        // The view cached on 'offered' already holds the message; the store is read only when this replica
        // did not see the offer (e.g. the agent reconnected here since).
        const stored = cached ? null : await this.guard.attempt(() => this.store.get(payload.interactionId));
        const base = stored ?? cached ?? null;
        const view = applyLifecycleToView(base, payload, at, event.correlationId);
        // A store that did not answer (undefined) leaves only what the event says: pushed marked incomplete, so the
        // desktop reads it again, and not kept, for requests read the kept view first.
        if (stored !== undefined) this.views.remember(view);
        this.hub.send(agentId, { type: 'interaction-accepted', interaction: view, ...(stored === undefined ? { incomplete: true as const } : {}) });
        return;
      }
      case 'declined':
      case 'offer-timed-out':
        this.views.delete(payload.interactionId);
        this.hub.send(agentId, {
          type: payload.type === 'declined' ? 'offer-rescinded' : 'offer-timed-out',
          interactionId: payload.interactionId,
          reason: payload.reason ?? payload.type,
        });
        return;
      case 'message-added': {
        const entry = customerEntryFromLifecycle(payload);
        if (cached) this.views.remember(applyLifecycleToView(cached, payload, at, event.correlationId));
        if (!entry) return;
        // Written before the push (entries merge idempotently, so the projector writing it too is
        // harmless): a GET right after the push then shows what the socket said.
        await this.writeAhead(payload.interactionId, entry);
        this.hub.send(agentId, { type: 'message-added', interactionId: payload.interactionId, entry });
        return;
      }
      case 'completed':
        this.views.delete(payload.interactionId);
        this.hub.send(agentId, { type: 'completed', interactionId: payload.interactionId });
        return;
      case 'transfer-offered': {
        // To the named agent: an offer toast marked as a transfer. The cached view stays the holder's.
        const offer = offerMessage(payload);
        if (offer) this.hub.send(agentId, { ...offer, transfer: { fromAgentId: payload.fromAgentId ?? '', reason: payload.reason ?? '' } });
        return;
      }
      case 'transfer-declined':
      case 'transfer-timed-out':
        this.hub.send(agentId, {
          type: payload.type === 'transfer-declined' ? 'offer-rescinded' : 'offer-timed-out',
          interactionId: payload.interactionId,
          reason: payload.reason ?? payload.type,
        });
        return;
      case 'transferred':
        this.views.delete(payload.interactionId);
        this.hub.send(agentId, { type: 'transferred', interactionId: payload.interactionId, reason: payload.reason ?? 'transferred' });
        return;
      case 'queued':
        // An offer withdrawn because the agent went offline (sign-out, lost connection): its other desktops drop it.
        if (payload.offerId !== undefined) {
          this.views.delete(payload.interactionId);
          this.hub.send(agentId, { type: 'offer-rescinded', interactionId: payload.interactionId, reason: payload.reason ?? 'offer withdrawn' });
        }
        return;
      case 'created':
        return;
    }
  }

  /**
   * A conference step: the invitee gets its offer (or loses it), the guest who joined gets the interaction, and every
   * participant (the holder, the guests, the agent it is about, a previous holder) gets a conference-update.
   */
  private async onConference(event: EventEnvelope<InteractionLifecyclePayload>, type: ConferenceEventType): Promise<void> {
    const payload = event.payload;
    const agentId = payload.agentId ?? '';
    const guests = payload.conferenceAgentIds ?? [];
    const holderAgentId = type === 'conference-handed-over' ? agentId : (payload.fromAgentId ?? '');
    const cached = this.views.get(payload.interactionId);
    if (cached && type === 'conference-handed-over') this.views.remember(applyLifecycleToView(cached, payload, eventTime(event), event.correlationId));
    if (this.hub.isConnected(agentId)) {
      if (type === 'conference-offered') {
        const offer = offerMessage(payload);
        if (offer) this.hub.send(agentId, { ...offer, conference: { fromAgentId: payload.fromAgentId ?? '', reason: payload.reason ?? '' } });
      } else if (type === 'conference-declined' || type === 'conference-timed-out') {
        this.hub.send(agentId, {
          type: type === 'conference-declined' ? 'offer-rescinded' : 'offer-timed-out',
          interactionId: payload.interactionId,
          reason: payload.reason ?? type,
        });
      } else if (type === 'conference-joined') {
        // The guest's desktop opens the interaction with its transcript (the view this replica knows, else the store's).
        const view = cached ?? (await this.guard.attempt(() => this.store.get(payload.interactionId)));
        if (view) this.hub.send(agentId, { type: 'interaction-accepted', interaction: view, conference: { holderAgentId, guests: [...guests] } });
      }
    }
    const update: ConferenceUpdateMessage = {
      type: 'conference-update',
      interactionId: payload.interactionId,
      status: CONFERENCE_STATUS[type],
      agentId,
      holderAgentId,
      guests: [...guests],
      ...(payload.reason === undefined ? {} : { reason: payload.reason }),
    };
    // The invitee's own desktop has its offer (or lost it) above; everyone else concerned gets the update.
    const told = new Set([holderAgentId, ...guests, payload.fromAgentId ?? '', ...(type === 'conference-left' ? [agentId] : [])]);
    for (const id of told) if (id !== '' && this.hub.isConnected(id)) this.hub.send(id, update);
  }

  /** A new customer message or the end of the interaction, to the guests of its conference connected here. */
  private async tellGuests(event: EventEnvelope<InteractionLifecyclePayload>): Promise<void> {
    const payload = event.payload;
    const guests = (payload.conferenceAgentIds ?? []).filter((id) => id !== payload.agentId && this.hub.isConnected(id));
    if (guests.length === 0) return;
    if (payload.type === 'message-added') {
      const entry = customerEntryFromLifecycle(payload);
      if (!entry) return;
      // Written before the push, as for the holder (idempotent).
      await this.writeAhead(payload.interactionId, entry);
      for (const id of guests) this.hub.send(id, { type: 'message-added', interactionId: payload.interactionId, entry });
    } else if (payload.type === 'completed') {
      for (const id of guests) this.hub.send(id, { type: 'completed', interactionId: payload.interactionId });
    }
  }

  /** The other participants of the interaction's conference (the router's record), for X's answers to one's action. */
  private async otherParticipants(interactionId: string, agentId: string): Promise<string[]> {
    if (!this.assignments) return [];
    try {
      const holder = await this.assignments.holderOf(interactionId);
      if (!holder || holder.state !== 'assigned' || (holder.conferenceAgentIds ?? []).length === 0) return [];
      return [holder.agentId ?? '', ...(holder.conferenceAgentIds ?? [])].filter((id) => id !== '' && id !== agentId && this.hub.isConnected(id));
    } catch (error) {
      // The acting agent still gets its outcome; the others see it on their next read.
      this.logger.warn({ interactionId, err: error }, 'could not read the conference for an action outcome');
      return [];
    }
  }

  /** A transfer to a named agent, told to the holder who made it (whether or not the target is connected here). */
  private tellTransferringHolder(payload: InteractionLifecyclePayload): void {
    const from = payload.fromAgentId;
    const to = payload.agentId;
    if (from === undefined || to === undefined || !this.hub.isConnected(from)) return;
    switch (payload.type) {
      case 'accepted':
        // Taken over: the holder's desktops drop it (the target's get interaction-accepted below).
        this.hub.send(from, { type: 'transferred', interactionId: payload.interactionId, reason: `accepted by ${to}`, toAgentId: to });
        return;
      case 'transfer-offered':
      case 'transfer-declined':
      case 'transfer-timed-out':
        this.hub.send(from, {
          type: 'transfer-update',
          interactionId: payload.interactionId,
          status: payload.type === 'transfer-offered' ? 'offered' : payload.type === 'transfer-declined' ? 'declined' : 'timed-out',
          toAgentId: to,
          ...(payload.reason === undefined ? {} : { reason: payload.reason }),
        });
        return;
      default:
        return;
    }
  }

  /** The agent's state as the router set it, to that agent's sockets here (every replica sees every change). */
  async onAgentState(event: EventEnvelope<AgentStatePayload>): Promise<void> {
    const payload = event.payload;
    if (!this.hub.isConnected(payload.agentId)) return;
    this.hub.send(payload.agentId, {
      type: 'presence',
      state: payload.state,
      ...(payload.reason === undefined ? {} : { reason: payload.reason }),
      since: payload.since,
      ...(payload.wrapUpEndsAt === undefined ? {} : { wrapUpEndsAt: payload.wrapUpEndsAt }),
      cause: payload.cause,
      ...(payload.actorId === undefined ? {} : { actorId: payload.actorId }),
      ...(payload.interactionId === undefined ? {} : { interactionId: payload.interactionId }),
      capacity: payload.capacity,
      load: payload.load,
      loadByChannel: { public: payload.loadByChannel.public, dm: payload.loadByChannel.dm },
    });
  }

  async onOutboundCompleted(event: EventEnvelope<OutboundCompletedPayload>): Promise<void> {
    const payload = event.payload;
    if ((payload.kind === 'follow' || payload.kind === 'unfollow') && isFinalOutbound(payload) && payload.participantId !== undefined) {
      // Every replica sees every outcome: each drops what it knew of this follow relation.
      this.profiles.forget(payload.brandAccountId, payload.participantId);
    }
    const others = payload.interactionId === undefined ? [] : await this.otherParticipants(payload.interactionId, payload.agentId);
    if (!this.hub.isConnected(payload.agentId) && others.length === 0) return;
    const entry = actionEntryFromCompleted(payload);
    const type = payload.status === 'sent' ? 'action-sent' : payload.status === 'waiting' ? 'action-waiting' : 'action-failed';
    if (payload.interactionId === undefined) {
      this.hub.send(payload.agentId, { type, entry });
      return;
    }
    const cached = this.views.get(payload.interactionId);
    if (cached) this.views.remember(applyEntries(cached, [entry]));
    // Same as for customer messages: the transcript a GET returns is never behind the socket.
    await this.writeAhead(payload.interactionId, entry);
    // The acting agent and, during a conference, every other participant: both see the transcript live.
    for (const id of [payload.agentId, ...others]) {
      if (this.hub.isConnected(id)) this.hub.send(id, { type, interactionId: payload.interactionId, entry });
    }
  }

  /**
   * An agent's correction of the interaction's labels, to that agent's sockets here. Every replica updates
   * the view it keeps (requests read it first). Written to the store before the push, like transcript
   * entries: a correction applied twice, or by two writers reading the partition in order, merges to the
   * same view (mergeClassificationCorrection), so the projector writing it too is harmless and a GET right
   * after the push shows it.
   */
  async onClassificationCorrected(event: EventEnvelope<ClassificationCorrectedPayload>): Promise<void> {
    const update = correctionUpdateFromEvent(event.payload);
    const cached = this.views.get(update.interactionId);
    const corrected = cached ? applyClassificationCorrection(cached, update) : undefined;
    if (corrected && corrected !== cached) this.views.remember(corrected);
    const agentId = event.payload.agentId;
    if (!this.hub.isConnected(agentId)) return;
    await this.guard.attempt(() => this.store.applyClassificationCorrection(update));
    // Completed interactions are no longer kept here: the store has the merged correction.
    const view = corrected ?? (await this.guard.attempt(() => this.store.get(update.interactionId)));
    // A correction of a later message changes nothing the desktop shows.
    if (!view || view.firstMessage?.messageId !== update.messageId || !view.classificationCorrection) return;
    this.hub.send(agentId, { type: 'classification-corrected', interactionId: update.interactionId, correction: view.classificationCorrection });
  }

  /** A transcript entry written before its push, within the guard's bounds (the projector writes it too). */
  private async writeAhead(interactionId: string, entry: TranscriptEntry): Promise<void> {
    await this.guard.attempt(() => this.store.upsertEntries(interactionId, [entry], { direct: true }));
  }

  /** So a new customer message finds its agent even if the offer happened before this socket. */
  private async warm(agent: AgentProfile): Promise<void> {
    try {
      for (const view of await this.store.listByAgent(agent.id)) {
        if (!this.views.has(view.id)) this.views.remember(view);
      }
    } catch (error) {
      this.logger.warn({ agentId: agent.id, err: error }, 'could not load the agent’s interactions');
    }
  }
}

function isConferenceEvent(type: InteractionLifecyclePayload['type']): type is ConferenceEventType {
  return type in CONFERENCE_STATUS;
}

function offerMessage(payload: InteractionLifecyclePayload): OfferMessage | null {
  const { message, classification, offerId, offerExpiresAt } = payload;
  if (!message || !classification || !offerId || !offerExpiresAt) return null;
  return offerMessageOf({
    interactionId: payload.interactionId,
    offerId,
    expiresAt: offerExpiresAt,
    priority: payload.priority,
    brandAccountId: payload.brandAccountId,
    conversationKey: payload.conversationKey,
    message,
    classification,
  });
}
