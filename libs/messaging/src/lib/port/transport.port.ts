// The raw transport port: bytes, keys and headers in and out of named topics.
// Every adapter (Kafka, in-memory) implements exactly this and passes the same contract suite
// (libs/messaging/src/lib/testing/transport-contract.ts). Typing, validation and dead-lettering
// sit one level up, in EventBus, so they behave identically whichever adapter runs underneath.

export interface TransportMessage {
  /** Partitioning key: one conversation (or one agent, one brand account) stays in order. */
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface ConsumedMessage extends TransportMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface ConsumeOptions {
  /** Consumer group: members of one group share the partitions; each group sees every message. */
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Defaults to the latest offset. */
  fromBeginning?: boolean;
}

/**
 * Called with messages of one partition, in order. Resolving commits them; rejecting means none of
 * the batch is committed and the adapter delivers it again (at-least-once).
 * `onProgress(offset)` lets a handler commit part of a batch before failing on a later message.
 */
export type BatchHandler = (
  messages: readonly ConsumedMessage[],
  onProgress: (message: ConsumedMessage) => void,
) => Promise<void>;

export interface ConsumerHandle {
  stop(): Promise<void>;
}

export interface Transport {
  /** A short name for logs and metrics, e.g. "kafka" or "memory". */
  readonly kind: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Resolves once every message is durably accepted (acks=all on Kafka). */
  send(topic: string, messages: readonly TransportMessage[]): Promise<void>;
  consume(options: ConsumeOptions, handler: BatchHandler): Promise<ConsumerHandle>;
}
