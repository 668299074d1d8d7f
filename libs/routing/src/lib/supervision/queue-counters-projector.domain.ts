import { type EventEnvelope, type InteractionLifecyclePayload } from '@perch/contracts';
import { type Clock, systemClock, ValidationFailedError } from '@perch/platform';

import { type QueueRef } from '../assignments/routing-snapshot-reader.port';
import { type CounterFact, utcDayOf } from './queue-counter-store.port';

export interface QueueCountersOptions {
  /** Answered within this long of the interaction's creation counts toward the service level (e.g. 60 000: "80 % in 60 s"). */
  serviceLevelMs: number;
  /**
   * Events older than this are skipped (default 2 days): a group started from the earliest offset replays the
   * topic without filling days nobody reads any more.
   */
  maxEventAgeMs?: number;
  clock?: Clock;
}

export const DEFAULT_SERVICE_LEVEL_MS = 60_000;
const DEFAULT_MAX_EVENT_AGE_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * The counting rules: what one lifecycle event adds to its queue's counters on the UTC day it happened, and the
 * mark that makes it count once per interaction (a redelivery, or the router republishing `accepted`/`completed`
 * for a redelivered command under a new event id, finds the mark and counts nothing). Undefined: nothing to count.
 */
export function counterFactOf(event: EventEnvelope<InteractionLifecyclePayload>, serviceLevelMs: number): CounterFact | undefined {
  const payload = event.payload;
  const at = Date.parse(event.occurredAt);
  const base = { interactionId: payload.interactionId, day: utcDayOf(at), queue: queueOfEvent(payload) };
  switch (payload.type) {
    case 'created':
      return { ...base, mark: 'created', add: { offered: 1 } };
    case 'offered':
      return { ...base, mark: `offer:${payload.offerId ?? event.eventId}`, add: { agentOffers: 1 } };
    case 'declined':
      return { ...base, mark: `released:${payload.offerId ?? event.eventId}`, add: { agentDeclines: 1 } };
    case 'offer-timed-out':
      return { ...base, mark: `released:${payload.offerId ?? event.eventId}`, add: { agentTimeouts: 1 } };
    case 'accepted': {
      const createdAt = payload.interactionCreatedAt === undefined ? Number.NaN : Date.parse(payload.interactionCreatedAt);
      // Without its creation time (an event from before the field) the answer counts, its speed cannot.
      if (!Number.isFinite(createdAt)) return { ...base, mark: 'answered', add: { answered: 1 } };
      const waitedMs = Math.max(0, at - createdAt);
      return {
        ...base,
        mark: 'answered',
        add: { answered: 1, answerMsTotal: Math.round(waitedMs), answeredWithinSl: waitedMs <= serviceLevelMs ? 1 : 0 },
      };
    }
    case 'completed':
      // Abandoned: ended without ever being accepted. Judged only for interactions whose creation was counted here
      // (so their accept would have been too); the router completes only what an agent accepted today, so this
      // counts ends that skip the accept (a closure by the system, a future withdrawal).
      return { ...base, mark: 'ended', unlessMarked: 'answered', ifMarked: 'created', add: { abandoned: 1 } };
    default:
      // queued, message-added and types added later change no counter.
      return undefined;
  }
}

/** The queue an event belongs to: its channel and required skill (older events: the channel of its message, if any). */
export function queueOfEvent(payload: InteractionLifecyclePayload): QueueRef {
  const channel = payload.channel ?? (payload.message?.kind === 'dm' ? 'dm' : 'public');
  const skill = payload.requiredSkill;
  return { channel, ...(skill === undefined || skill === '' ? {} : { skill }) };
}

/**
 * Supervisors' counting rules with their settings: the fact a routing.interaction.v1 event adds, if any, within the
 * horizon. No store: the gateway's counters consumer writes each event's facts, the series' with them, in one call
 * (ADR 37); each store counts a fact once per interaction and mark.
 */
export class QueueCounterRules {
  readonly serviceLevelMs: number;
  private readonly maxEventAgeMs: number;
  private readonly clock: Clock;

  constructor(options: QueueCountersOptions) {
    if (!Number.isInteger(options.serviceLevelMs) || options.serviceLevelMs < 1) {
      throw new ValidationFailedError('Invalid service level', [{ field: 'serviceLevelMs', messages: ['must be a positive integer (ms)'] }]);
    }
    this.serviceLevelMs = options.serviceLevelMs;
    this.maxEventAgeMs = options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** What the event counts, if anything: undefined for an event older than the horizon or one that counts nothing. */
  factOf(event: EventEnvelope<InteractionLifecyclePayload>): CounterFact | undefined {
    const at = Date.parse(event.occurredAt);
    if (!Number.isFinite(at) || at < this.clock.now() - this.maxEventAgeMs) return undefined;
    return counterFactOf(event, this.serviceLevelMs);
  }
}
