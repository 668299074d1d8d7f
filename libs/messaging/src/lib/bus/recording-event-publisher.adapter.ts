import {
  createEnvelope,
  type EventEnvelope,
  type PayloadOf,
  type TopicName,
  validatePayload,
} from '@perch/contracts';

import { type EventPublisher, type PublishContext } from './event-publisher.port';

export type RecordedEvent = {
  [T in TopicName]: { topic: T; envelope: EventEnvelope<PayloadOf<T>> };
}[TopicName];

/**
 * An EventPublisher for tests of domain services: it keeps what it is given, and validates and wraps payloads
 * exactly like the EventBus, so a test fails on an event the bus would refuse.
 */
export class RecordingEventPublisher implements EventPublisher {
  readonly events: RecordedEvent[] = [];

  constructor(private readonly producer = 'recording') {}

  async publish<T extends TopicName>(topic: T, payload: PayloadOf<T>, context: PublishContext): Promise<EventEnvelope<PayloadOf<T>>> {
    validatePayload(topic, payload);
    const envelope = createEnvelope(topic, payload, context, this.producer);
    this.events.push({ topic, envelope } as RecordedEvent);
    return envelope;
  }

  /** The envelopes published on one topic, in order. */
  on<T extends TopicName>(topic: T): EventEnvelope<PayloadOf<T>>[] {
    return this.events.flatMap((event) => (event.topic === topic ? [event.envelope as EventEnvelope<PayloadOf<T>>] : []));
  }

  clear(): void {
    this.events.length = 0;
  }
}
