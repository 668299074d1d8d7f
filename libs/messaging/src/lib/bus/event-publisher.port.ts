import { type EventEnvelope, type PayloadOf, type TopicName } from '@perch/contracts';

export interface PublishContext {
  /** Carried from the customer's tweet to the agent's reply. */
  correlationId: string;
  /** The eventId of the event that caused this one. */
  causationId?: string;
  /**
   * Given when the event may be published more than once (an outbox relayed again after a crash): every copy then
   * carries the same id, and consumers apply it once. A new random id otherwise.
   */
  eventId?: string;
  /** When what the event announces happened, if not now (a change relayed late). */
  occurredAt?: string;
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
