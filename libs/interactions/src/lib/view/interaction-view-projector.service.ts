import {
  type EventEnvelope,
  type InteractionLifecyclePayload,
  type OutboundCompletedPayload,
} from '@perch/contracts';

import { type InteractionStore } from './interaction-store.port';
import { customerEntryFromLifecycle, headerUpdateFromLifecycle, actionEntryFromCompleted } from './interaction-view.util';

/**
 * Keeps the InteractionStore in step with routing.interaction.v1 and x.outbound.completed.v1.
 * Every write is idempotent, so a redelivered event changes nothing.
 */
export class InteractionViewProjector {
  constructor(private readonly store: InteractionStore) {}

  async applyLifecycle(event: EventEnvelope<InteractionLifecyclePayload>): Promise<void> {
    const payload = event.payload;
    const at = eventTime(event);
    const entry = customerEntryFromLifecycle(payload);
    await Promise.all([
      this.store.applyHeader(headerUpdateFromLifecycle(payload, at, event.correlationId)),
      entry ? this.store.upsertEntries(payload.interactionId, [entry]) : Promise.resolve(),
    ]);
  }

  async applyOutboundCompleted(event: EventEnvelope<OutboundCompletedPayload>): Promise<void> {
    const payload = event.payload;
    // A standalone post belongs to no interaction and has no transcript to join.
    if (payload.interactionId === undefined) return;
    await this.store.upsertEntries(payload.interactionId, [actionEntryFromCompleted(payload)]);
  }
}

export function eventTime(event: EventEnvelope<unknown>): number {
  const at = Date.parse(event.occurredAt);
  return Number.isFinite(at) ? at : Date.now();
}
