import {
  type EventEnvelope,
  type InteractionLifecyclePayload,
  type PayloadOf,
  type TopicName,
  Topics,
  validatePayload,
} from '@perch/contracts';
import type { EventPublisher, PublishContext } from '@perch/messaging';
import { newId } from '@perch/platform';

export type RecordedEvent = {
  [T in TopicName]: { topic: T; envelope: EventEnvelope<PayloadOf<T>> };
}[TopicName];

/**
 * An EventPublisher that keeps what it is given. It validates payloads like the real EventBus, so a
 * test fails on an event the bus would refuse.
 */
export class RecordingEventPublisher implements EventPublisher {
  readonly events: RecordedEvent[] = [];

  async publish<T extends TopicName>(
    topic: T,
    payload: PayloadOf<T>,
    context: PublishContext,
  ): Promise<EventEnvelope<PayloadOf<T>>> {
    validatePayload(topic, payload);
    const envelope: EventEnvelope<PayloadOf<T>> = {
      eventId: newId(),
      occurredAt: new Date().toISOString(),
      correlationId: context.correlationId,
      ...(context.causationId === undefined ? {} : { causationId: context.causationId }),
      schemaVersion: 1,
      producer: 'recording',
      payload,
    };
    this.events.push({ topic, envelope } as RecordedEvent);
    return envelope;
  }

  lifecycle(): EventEnvelope<InteractionLifecyclePayload>[] {
    return this.events.flatMap((event) => (event.topic === Topics.InteractionLifecycle ? [event.envelope] : []));
  }

  /** Lifecycle events as "type agentId?" strings, for readable assertions on what happened in order. */
  lifecycleSummary(): string[] {
    return this.lifecycle().map(({ payload }) =>
      payload.agentId === undefined ? payload.type : `${payload.type} ${payload.agentId}`,
    );
  }

  clear(): void {
    this.events.length = 0;
  }
}
