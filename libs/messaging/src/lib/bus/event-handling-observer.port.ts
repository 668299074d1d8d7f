import { type TopicName } from '@perch/contracts';

/**
 * Told of every event a handler took, for the process's metrics: how long the event waited on its topic before the
 * group's handler started on it, and how long that handler took to succeed, retries included. It runs on the
 * consumers' hot path, once per event: it records and returns, and must not throw.
 */
export interface EventHandlingObserver {
  handled(topic: TopicName, groupId: string, waitedMs: number, handlingMs: number): void;
}
