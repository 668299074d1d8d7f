import {
  type ClassificationCorrectedPayload,
  type EventEnvelope,
  type InteractionLifecyclePayload,
  type OutboundCompletedPayload,
} from '@perch/contracts';
import { RetryableError } from '@perch/platform';

import { InteractionErrorCode } from '../interactions.errors';
import { type InteractionStore } from './interaction-store.port';
import {
  actionEntryFromCompleted,
  correctionUpdateFromEvent,
  customerEntryFromLifecycle,
  headerUpdateFromLifecycle,
} from './interaction-view.util';

/**
 * Keeps the InteractionStore in step with routing.interaction.v1, x.outbound.completed.v1 and
 * classification.corrected.v1. Every write is idempotent, so a redelivered event changes nothing.
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

  /**
   * An agent's correction, shown with the interaction's labels. The gateway only accepts corrections of
   * interactions it can see, so an unknown one means the routing projection is behind: retried, and
   * dead-lettered with the reason if it never shows up (the correction itself is kept apart, as training data).
   */
  async applyClassificationCorrected(event: EventEnvelope<ClassificationCorrectedPayload>): Promise<void> {
    const known = await this.store.applyClassificationCorrection(correctionUpdateFromEvent(event.payload));
    if (!known) {
      throw new RetryableError<InteractionErrorCode>(`Interaction ${event.payload.interactionId} is not in the store yet`, InteractionErrorCode.NotProjectedYet);
    }
  }
}

export function eventTime(event: EventEnvelope<unknown>): number {
  const at = Date.parse(event.occurredAt);
  return Number.isFinite(at) ? at : Date.now();
}
