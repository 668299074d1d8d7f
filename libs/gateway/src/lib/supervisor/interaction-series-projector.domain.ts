import { type EventEnvelope, type InteractionLifecyclePayload } from '@perch/contracts';
import { type Clock, systemClock } from '@perch/platform';

import {
  actionabilityCounter,
  MAX_SERIES_HOURS,
  type SeriesCounts,
  type SeriesFact,
  sentimentCounter,
} from './interaction-series-store.port';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The charting rules: what one lifecycle event adds to the five-minute bucket it happened in, and the mark that makes
 * it count once per interaction (a redelivery, or the router republishing `accepted`/`completed` under a new event id,
 * finds the mark). The mix is the model's labels at arrival (`created` carries them); an agent's later correction
 * does not move an interaction between buckets. Undefined: nothing to count.
 */
export function seriesFactOf(event: EventEnvelope<InteractionLifecyclePayload>): SeriesFact | undefined {
  const payload = event.payload;
  const base = { interactionId: payload.interactionId, at: Date.parse(event.occurredAt) };
  switch (payload.type) {
    case 'created': {
      const add: Partial<SeriesCounts> = { created: 1 };
      if (payload.classification) {
        add[sentimentCounter(payload.classification.sentiment)] = 1;
        add[actionabilityCounter(payload.classification.actionability)] = 1;
      }
      return { ...base, mark: 'created', add };
    }
    case 'accepted':
      // A transfer's accept is the same interaction answered again: the mark keeps the first.
      return { ...base, mark: 'answered', add: { answered: 1 } };
    case 'completed':
      return { ...base, mark: 'completed', add: { completed: 1 } };
    default:
      return undefined;
  }
}

/** The charting rules with their clock: the fact an event adds, if any, within the longest window. No store (ADR 37). */
export class InteractionSeriesRules {
  private readonly clock: Clock;

  constructor(options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** What the event adds to the series, if anything: undefined for an event older than the longest window or one that adds nothing. */
  factOf(event: EventEnvelope<InteractionLifecyclePayload>): SeriesFact | undefined {
    const at = Date.parse(event.occurredAt);
    if (!Number.isFinite(at) || at < this.clock.now() - MAX_SERIES_HOURS * HOUR_MS) return undefined;
    return seriesFactOf(event);
  }
}
