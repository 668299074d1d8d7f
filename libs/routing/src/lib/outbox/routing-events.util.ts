import { createHash } from 'node:crypto';

import {
  AGENT_STATE_CAUSES,
  type AgentStateCause,
  type AgentStatePayload,
  type InteractionEventType,
  type InteractionLifecyclePayload,
  Topics,
} from '@perch/contracts';
import { type PublishContext } from '@perch/messaging';

import { channelOf } from '../priority.util';
import { type AgentRecord, type InteractionRecord } from '../routing.types';
import { type ChangeTrace, type RecordedChange } from './routing-change.types';

/** An event to publish, typed by its topic so a payload cannot go to the wrong one. */
export type PlannedEvent =
  | { topic: typeof Topics.InteractionLifecycle; payload: InteractionLifecyclePayload; context: PublishContext }
  | { topic: typeof Topics.AgentState; payload: AgentStatePayload; context: PublishContext };

/**
 * What the router's events need beyond the change itself, as the router writes it into each change's trace (the
 * store keeps it as opaque strings).
 */
export interface RouterTrace {
  /** The event that caused the change (a classified message, an agent command). */
  causationId?: string;
  /** The command's correlation, for agent-state events (interaction events carry the interaction's own). */
  correlationId?: string;
  /** Presence: who changed it (agent, supervisor, sign-out…); default agent. */
  cause?: string;
  /** Presence: the supervisor who set it. */
  actorId?: string;
  /** Decline: the agent's note; transfer: the reason. */
  reason?: string;
  /** Completion. */
  disposition?: string;
  note?: string;
}

export type LifecycleExtras = Partial<
  Pick<
    InteractionLifecyclePayload,
    'agentId' | 'fromAgentId' | 'offerId' | 'offerExpiresAt' | 'message' | 'classification' | 'reason' | 'disposition' | 'note' | 'sticky'
  >
>;

export type AgentStateExtras = Partial<Pick<AgentStatePayload, 'actorId' | 'interactionId' | 'withdrawnOffers' | 'heldByOfflineAgent'>>;

/** Only the fields given: the store keeps traces as strings, and JSON drops nothing it should keep. */
export function toChangeTrace(trace: RouterTrace): ChangeTrace {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(trace)) if (typeof value === 'string') out[key] = value;
  return out;
}

function routerTraceOf(trace: ChangeTrace): RouterTrace {
  const pick = (key: keyof RouterTrace): Partial<RouterTrace> => (typeof trace[key] === 'string' ? { [key]: trace[key] } : {});
  return {
    ...pick('causationId'),
    ...pick('correlationId'),
    ...pick('cause'),
    ...pick('actorId'),
    ...pick('reason'),
    ...pick('disposition'),
    ...pick('note'),
  };
}

function causeOf(trace: RouterTrace, fallback: AgentStateCause): AgentStateCause {
  const cause = trace.cause;
  return cause !== undefined && (AGENT_STATE_CAUSES as readonly string[]).includes(cause) ? (cause as AgentStateCause) : fallback;
}

/** A lifecycle payload: the interaction's queue and age ride along, so consumers need no state of their own to place it. */
export function lifecyclePayload(type: InteractionEventType, interaction: InteractionRecord, extras: LifecycleExtras): InteractionLifecyclePayload {
  return {
    interactionId: interaction.interactionId,
    type,
    conversationKey: interaction.conversationKey,
    brandAccountId: interaction.brandAccountId,
    priority: interaction.priority,
    channel: channelOf(interaction.firstMessage),
    ...(interaction.requiredSkill === undefined ? {} : { requiredSkill: interaction.requiredSkill }),
    interactionCreatedAt: new Date(interaction.createdAt).toISOString(),
    // Every participant's desktop is addressed from the event: the guests, whenever a conference is on (ADR 0018).
    ...(interaction.conferenceAgentIds === undefined || interaction.conferenceAgentIds.length === 0
      ? {}
      : { conferenceAgentIds: [...interaction.conferenceAgentIds] }),
    // A returning customer offered to its last agent (sticky agent, ADR 0017): the desktop may say so.
    ...(type === 'offered' && interaction.stickyAgentId !== undefined && interaction.stickyAgentId === interaction.agentId ? { sticky: true } : {}),
    ...extras,
  };
}

/** An agent's state as the router just set it (routing.agent.v1, key: agent). */
export function agentStatePayload(agent: AgentRecord, cause: AgentStateCause, extras: AgentStateExtras): AgentStatePayload {
  return {
    agentId: agent.agentId,
    state: agent.state,
    ...(agent.reason === undefined ? {} : { reason: agent.reason }),
    since: new Date(agent.stateSince).toISOString(),
    ...(agent.wrapUpUntil === undefined ? {} : { wrapUpEndsAt: new Date(agent.wrapUpUntil).toISOString() }),
    cause,
    capacity: agent.capacity,
    load: agent.load,
    ...(agent.capacityByChannel === undefined ? {} : { capacityByChannel: { ...agent.capacityByChannel } }),
    loadByChannel: { ...agent.loadByChannel },
    ...extras,
  };
}

/**
 * A stable event id (UUID-shaped, name-based like v5) for the `index`-th event of an outbox change: a relay that
 * publishes the change again after a crash gives every copy the same id, and consumers apply it once.
 */
export function outboxEventId(tenant: string, changeId: string, index: number): string {
  const hex = createHash('sha1').update(`perch-outbox\u0000${tenant}\u0000${changeId}\u0000${index}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

export interface RoutingEventsOptions {
  tenant: string;
  /** For the timeouts' wording. */
  offerTimeoutMs: number;
}

/**
 * The events that announce one recorded change, in order, with ids derived from the change's id. The single place
 * the router's events are built from its state changes: the router right after a change and a relay recovering
 * one after a crash publish the very same events.
 */
export function eventsOfChange(recorded: RecordedChange, options: RoutingEventsOptions): PlannedEvent[] {
  const trace = routerTraceOf(recorded.trace);
  const causation = trace.causationId === undefined ? {} : { causationId: trace.causationId };
  const events: PlannedEvent[] = [];
  const lifecycle = (type: InteractionEventType, interaction: InteractionRecord, extras: LifecycleExtras, withCause = true): void => {
    events.push({
      topic: Topics.InteractionLifecycle,
      payload: lifecyclePayload(type, interaction, extras),
      context: { correlationId: interaction.correlationId, ...(withCause ? causation : {}) },
    });
  };
  const agentState = (agent: AgentRecord, cause: AgentStateCause, extras: AgentStateExtras, withCause = true): void => {
    events.push({
      topic: Topics.AgentState,
      payload: agentStatePayload(agent, cause, extras),
      // The command's correlation when there is one; a timer's change has none, and the agent's id ties it to the rest.
      context: { correlationId: trace.correlationId ?? agent.agentId, ...(withCause ? causation : {}) },
    });
  };
  const reason = trace.reason === undefined ? {} : { reason: trace.reason.slice(0, 500) };
  const { change } = recorded;

  switch (change.op) {
    case 'presence': {
      const agent = change.result;
      const cause = causeOf(trace, 'agent');
      // Offers withdrawn from an agent gone offline are queued again: 'queued' names the agent and the offer, so
      // the agent's other desktops drop them and the projection shows them waiting.
      for (const withdrawn of agent.withdrawnOffers ?? []) {
        lifecycle('queued', withdrawn.interaction, {
          agentId: withdrawn.agentId,
          offerId: withdrawn.offerId,
          reason: `offer withdrawn: agent offline (${cause})`,
        });
      }
      const { withdrawnOffers, heldByOfflineAgent, leftConferences, ...record } = agent;
      agentState(record, cause, {
        ...(trace.actorId === undefined ? {} : { actorId: trace.actorId }),
        ...(withdrawnOffers === undefined ? {} : { withdrawnOffers: withdrawnOffers.map((w) => w.interaction.interactionId) }),
        ...(heldByOfflineAgent === undefined ? {} : { heldByOfflineAgent }),
      });
      // A guest gone offline left its conferences in the same step: the holders (and other guests) are told.
      for (const interaction of leftConferences ?? []) {
        lifecycle('conference-left', interaction, {
          agentId: agent.agentId,
          ...(interaction.agentId === undefined ? {} : { fromAgentId: interaction.agentId }),
          reason: `agent offline (${cause})`,
        });
      }
      break;
    }
    case 'upsert': {
      const { message, classification } = change.input;
      const { interaction } = change.result;
      if (change.result.kind === 'created') lifecycle('created', interaction, { message, classification });
      // A new message, not the first: the agent holding the interaction (if any) is told it arrived.
      else lifecycle('message-added', interaction, { message, classification, ...(interaction.agentId === undefined ? {} : { agentId: interaction.agentId }) });
      break;
    }
    case 'dispatch': {
      const offer = change.result;
      lifecycle('offered', offer.interaction, {
        agentId: offer.agentId,
        offerId: offer.offerId,
        offerExpiresAt: new Date(offer.expiresAt).toISOString(),
        message: offer.interaction.firstMessage,
        classification: offer.interaction.classification,
        // A returning customer offered to its last agent: the desktop may say so.
        ...(offer.interaction.stickyAgentId === offer.agentId ? { sticky: true } : {}),
      });
      break;
    }
    case 'accept': {
      const { interaction, transferredFrom, conferenceJoined } = change.result;
      const { agentId, offerId } = change.input;
      if (conferenceJoined) {
        // A guest joined: the holder keeps the interaction.
        lifecycle('conference-joined', interaction, { agentId, ...(interaction.agentId === undefined ? {} : { fromAgentId: interaction.agentId }), offerId });
      } else {
        // A transfer taken over names the previous holder (its desktop drops it).
        lifecycle('accepted', interaction, { agentId, offerId, ...(transferredFrom === undefined ? {} : { fromAgentId: transferredFrom }) });
      }
      break;
    }
    case 'decline': {
      const { interaction, transferDeclined, conferenceDeclined } = change.result;
      const { agentId, offerId } = change.input;
      const holder = interaction.agentId === undefined ? {} : { fromAgentId: interaction.agentId };
      if (conferenceDeclined) lifecycle('conference-declined', interaction, { agentId, ...holder, offerId, ...reason });
      else if (transferDeclined) lifecycle('transfer-declined', interaction, { agentId, ...holder, offerId, ...reason });
      else lifecycle('declined', interaction, { agentId, offerId, ...reason });
      break;
    }
    case 'transfer-to-queue':
      // The transcript and notes live with the interaction, not the agent: whoever is offered it next sees them.
      lifecycle('transferred', change.result.interaction, { agentId: change.input.agentId, reason: (trace.reason ?? '').slice(0, 500) });
      break;
    case 'offer-transfer': {
      const { interaction, transferOffer } = change.result;
      lifecycle('transfer-offered', interaction, {
        agentId: transferOffer.toAgentId,
        fromAgentId: change.input.fromAgentId,
        offerId: transferOffer.offerId,
        offerExpiresAt: new Date(transferOffer.expiresAt).toISOString(),
        message: interaction.firstMessage,
        classification: interaction.classification,
        reason: (trace.reason ?? '').slice(0, 500),
      });
      break;
    }
    case 'offer-conference': {
      const { interaction, conferenceOffer } = change.result;
      const why = (trace.reason ?? '').slice(0, 500);
      lifecycle('conference-offered', interaction, {
        agentId: conferenceOffer.toAgentId,
        fromAgentId: change.input.fromAgentId,
        offerId: conferenceOffer.offerId,
        offerExpiresAt: new Date(conferenceOffer.expiresAt).toISOString(),
        message: interaction.firstMessage,
        classification: interaction.classification,
        ...(why === '' ? {} : { reason: why }),
      });
      break;
    }
    case 'leave-conference': {
      const result = change.result;
      if (result.kind === 'left') {
        lifecycle('conference-left', result.interaction, {
          agentId: result.agentId,
          ...(result.interaction.agentId === undefined ? {} : { fromAgentId: result.interaction.agentId }),
        });
      } else {
        lifecycle('conference-handed-over', result.interaction, { agentId: result.toAgentId, fromAgentId: result.fromAgentId });
      }
      break;
    }
    case 'sweep-offers':
      for (const entry of change.result) {
        const holder = entry.interaction.agentId === undefined ? {} : { fromAgentId: entry.interaction.agentId };
        if (entry.transfer) {
          // A transfer nobody answered: the holder keeps it, and the silent target keeps its state.
          lifecycle('transfer-timed-out', entry.interaction, { agentId: entry.agentId, ...holder, offerId: entry.offerId, reason: `transfer not answered within ${options.offerTimeoutMs} ms` }, false);
          continue;
        }
        if (entry.conference) {
          // An invitation nobody answered: nothing else changes, and the silent invitee keeps its state.
          lifecycle('conference-timed-out', entry.interaction, { agentId: entry.agentId, ...holder, offerId: entry.offerId, reason: `invitation not answered within ${options.offerTimeoutMs} ms` }, false);
          continue;
        }
        lifecycle(
          'offer-timed-out',
          entry.interaction,
          {
            agentId: entry.agentId,
            offerId: entry.offerId,
            reason: entry.agentSetNotReady
              ? `not answered within ${options.offerTimeoutMs} ms; agent set not-ready`
              : `not answered within ${options.offerTimeoutMs} ms`,
          },
          false,
        );
        if (entry.presenceChange) agentState(entry.presenceChange, 'offer-timeout', { interactionId: entry.interaction.interactionId }, false);
      }
      break;
    case 'sweep-requirements':
      // A sticky wait's end changes who may take it and announces nothing; a widening is told (its new requirement).
      for (const entry of change.result) {
        if (entry.kind !== 'widened') continue;
        const from = entry.previousSkill === '' || entry.previousSkill === undefined ? 'none' : entry.previousSkill;
        lifecycle('requirement-widened', entry.interaction, { reason: `widened from ${from} to ${entry.interaction.requiredSkill ?? 'none'}`.slice(0, 500) }, false);
      }
      break;
    case 'complete': {
      const { interaction, presenceChange } = change.result;
      // The disposition stays in `reason` too, for consumers that read it there.
      lifecycle('completed', interaction, {
        agentId: change.input.agentId,
        ...(trace.disposition === undefined ? {} : { reason: trace.disposition, disposition: trace.disposition }),
        ...(trace.note === undefined ? {} : { note: trace.note }),
      });
      if (presenceChange) agentState(presenceChange, 'agent', { interactionId: change.input.interactionId });
      // A transfer offer or an invitation the completion dropped: its target's desktop drops the toast.
      const dropped = change.result.droppedOffer;
      if (dropped) {
        lifecycle(dropped.kind === 'transfer' ? 'transfer-declined' : 'conference-declined', interaction, {
          agentId: dropped.toAgentId,
          fromAgentId: change.input.agentId,
          offerId: dropped.offerId,
          reason: 'the interaction was completed',
        });
      }
      break;
    }
    case 'end-wrap-ups':
      for (const agent of change.result) agentState(agent, 'wrap-up-timeout', {}, false);
      break;
    default: {
      const unreachable: never = change;
      throw new Error(`Unknown routing change ${JSON.stringify(unreachable)}`);
    }
  }
  const occurredAt = new Date(changeTime(recorded)).toISOString();
  return events.map((event, index) => ({ ...event, context: { ...event.context, eventId: outboxEventId(options.tenant, recorded.id, index), occurredAt } }));
}

/** When the change was made: every input carries its `now`. */
function changeTime(recorded: RecordedChange): number {
  return recorded.change.input.now;
}
