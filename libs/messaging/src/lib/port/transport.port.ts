// The raw transport port: bytes, keys and headers in and out of named topics.
// Every adapter (Kafka, in-memory) implements exactly this and passes the same contract suite
// (libs/messaging/src/lib/testing/transport.contract.ts). Typing, validation and dead-lettering
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
 * `revoked` aborts once the batch is no longer this member's to finish (the consumer is stopping, or the
 * group is rebalancing): a handler waiting to retry should reject at once so the member can leave or rejoin.
 */
export type BatchHandler = (
  messages: readonly ConsumedMessage[],
  onProgress: (message: ConsumedMessage) => void,
  revoked: AbortSignal,
) => Promise<void>;

/** A consumer group's position on one partition, and the partition's bounds. */
export interface PartitionPosition {
  partition: number;
  /** The first offset still in the log (older ones were removed by retention). */
  low: string;
  /** The offset the next message will get: the log's end. */
  high: string;
  /** The next offset the group reads; undefined when it never committed on this partition. */
  committed?: string;
}

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
  /** Where `groupId` stands on every partition of `topic`: tools that read a topic to its end (dead-letter replay) stop there. */
  positions(groupId: string, topic: string): Promise<PartitionPosition[]>;
  /**
   * Starts `groupId` where the groups it replaces stood on `topic`, so renaming a group neither replays nor skips.
   * For each partition where `groupId` has NO committed offset and at least one of `fromGroups` has one, commits the
   * LOWEST of theirs (a from-group that never committed there counts as the partition's start: it would have read
   * from there). Duplicates are possible (handlers are idempotent), loss is not. Partitions where `groupId` already
   * committed are never touched, so calling it on every start is safe. Call it before consume() joins the group
   * (Kafka refuses offsets for a group with members; a replica that lost that race finds the offsets set and
   * returns). Resolves to the partitions seeded.
   */
  seedGroup(groupId: string, fromGroups: readonly string[], topic: string): Promise<SeededPartition[]>;
}

/** A partition seedGroup() committed an offset on. */
export interface SeededPartition {
  partition: number;
  offset: string;
}

/**
 * The seeding rule, shared by the adapters: per partition of `positions` (the new group's) without a committed offset,
 * the lowest of the from-groups' committed offsets, a from-group with none counting as `low`; nothing when no
 * from-group committed there (the group's own reset policy, earliest or latest, applies as for any new group).
 */
export function seedOffsets(target: readonly PartitionPosition[], from: readonly (readonly PartitionPosition[])[]): SeededPartition[] {
  const seeded: SeededPartition[] = [];
  for (const position of target) {
    if (position.committed !== undefined) continue;
    const theirs = from.map((positions) => positions.find((p) => p.partition === position.partition)?.committed);
    if (theirs.every((offset) => offset === undefined)) continue;
    const lowest = theirs.reduce<bigint>((min, offset) => {
      const value = BigInt(offset ?? position.low);
      return value < min ? value : min;
    }, BigInt(position.high));
    seeded.push({ partition: position.partition, offset: (lowest < BigInt(position.low) ? BigInt(position.low) : lowest).toString() });
  }
  return seeded;
}
