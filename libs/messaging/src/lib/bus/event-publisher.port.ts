import { type EventEnvelope, type PayloadOf, type TopicName } from '@perch/contracts';

export interface PublishContext {
  /** Carried from the customer's tweet to the agent's reply. */
  correlationId: string;
  /** The eventId of the event that caused this one. */
  causationId?: string;
}

/** What domain code uses to emit events; it never sees Kafka or the in-memory bus. */
export interface EventPublisher {
  publish<T extends TopicName>(topic: T, payload: PayloadOf<T>, context: PublishContext): Promise<EventEnvelope<PayloadOf<T>>>;
}

export interface DeliveryMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  attempt: number;
}

export type EventHandler<T extends TopicName> = (event: EventEnvelope<PayloadOf<T>>, meta: DeliveryMeta) => Promise<void>;
