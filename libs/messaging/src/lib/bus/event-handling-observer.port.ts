import { type TopicName } from '@perch/contracts';

/**
 * Told of every event a handler took, for the process's metrics: how long the event waited on its topic before the
 * group's handler started on it, how long that handler took to succeed (retries included), and each retry and dead
 * letter. It runs on the consumers' hot path, once per event: it records and returns. The bus keeps the event if it
 * throws.
 */
export interface EventHandlingObserver {
  handled(topic: TopicName, groupId: string, waitedMs: number, handlingMs: number): void;
  /** A handler failed and will be tried again: an outage of Redis, PostgreSQL, Kafka or X, or a RetryableError. */
  retried(topic: TopicName, groupId: string): void;
  /** A message set aside in its topic's dead-letter topic: unreadable, permanent failure, or retries spent. */
  deadLettered(topic: TopicName, groupId: string): void;
}
