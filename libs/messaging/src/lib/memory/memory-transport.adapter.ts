import { backoffDelay, createLogger, errorMessage, type Logger, RetryableError } from '@perch/platform';

import {
  type BatchHandler,
  type ConsumedMessage,
  type ConsumeOptions,
  type ConsumerHandle,
  type PartitionPosition,
  type SeededPartition,
  seedOffsets,
  type TopicSpec,
  type Transport,
  type TransportMessage,
} from '../port/transport.port';
import { MessagingErrorCode } from '../messaging.errors';

export interface MemoryBrokerOptions {
  /** Partitions of a topic created implicitly (by send or consume) rather than by ensureTopics. */
  defaultPartitions?: number;
  /** Most messages handed to one handler call. */
  maxBatchSize?: number;
  /** Ceiling of the first backoff before a rejected batch is delivered again; doubles per failure up to the max (full jitter, see backoffDelay). */
  redeliveryBackoffMs?: number;
  maxRedeliveryBackoffMs?: number;
  /**
   * Messages kept per partition behind the slowest group's committed offset, so a group created
   * later with `fromBeginning` still finds some history (Kafka keeps days; memory cannot).
   */
  retainMessages?: number;
  /**
   * Hard cap per partition. Beyond it the oldest messages go even if a group has not committed
   * them (like Kafka retention): that group skips ahead with a warning instead of the process
   * running out of memory behind a stalled or abandoned group.
   */
  maxPartitionMessages?: number;
  logger?: Logger;
}

export interface MemoryTransportOptions extends MemoryBrokerOptions {
  /** Share one broker between several transports (several "processes" of one embedded cluster). */
  broker?: MemoryBroker;
}

const EMPTY_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A partition's log. Offsets are dense; `entries[i]` has offset `base + i`. */
class PartitionLog {
  entries: ConsumedMessage[] = [];
  /** Offset of entries[0]; entries before `startOffset` are trimmed but not yet spliced out. */
  base = 0;
  startOffset = 0;
  endOffset = 0;

  constructor(
    readonly topic: Topic,
    readonly index: number,
  ) {}

  trimTo(offset: number): void {
    if (offset <= this.startOffset) return;
    this.startOffset = Math.min(offset, this.endOffset);
    const dead = this.startOffset - this.base;
    // Splice lazily so trimming stays amortised O(1) per message instead of shifting on every commit.
    if (dead >= 1024 && dead * 2 >= this.entries.length) {
      this.entries = this.entries.slice(dead);
      this.base = this.startOffset;
    }
  }

  read(from: number, to: number): ConsumedMessage[] {
    return this.entries.slice(from - this.base, to - this.base);
  }
}

class Topic {
  readonly partitions: PartitionLog[] = [];
  /** Groups that ever subscribed: their committed offsets decide how far the logs can be trimmed. */
  readonly groups = new Set<Group>();

  constructor(
    readonly name: string,
    partitions: number,
  ) {
    this.grow(partitions);
  }

  /** Adds partitions (never removes any, as in Kafka); returns the new ones. */
  grow(partitions: number): PartitionLog[] {
    const added: PartitionLog[] = [];
    while (this.partitions.length < partitions) {
      const log = new PartitionLog(this, this.partitions.length);
      this.partitions.push(log);
      added.push(log);
    }
    return added;
  }
}

/** One group's position on one partition. Deliveries are serialised per cursor, which keeps order. */
class Cursor {
  owner: Member | undefined;
  inFlight = false;
  scheduled = false;
  retryTimer: NodeJS.Timeout | undefined;
  failures = 0;

  constructor(
    readonly group: Group,
    readonly log: PartitionLog,
    /** Next offset to deliver; everything before it is committed for the group. */
    public committed: number,
  ) {}
}

class Group {
  readonly members: Member[] = [];
  readonly cursors = new Map<PartitionLog, Cursor>();

  constructor(readonly id: string) {}
}

class Member {
  stopped = false;
  readonly inFlight = new Set<Promise<void>>();
  /** Aborted when the member leaves, so handlers waiting to retry give their batches back. */
  readonly revoked = new AbortController();

  constructor(
    readonly group: Group,
    readonly topics: readonly string[],
    readonly handler: BatchHandler,
  ) {}
}

/**
 * The in-process cluster behind MemoryTransport: topics, partition logs, groups and their
 * committed offsets, and the delivery loop. Kafka semantics where they matter to callers:
 * key → partition, per-partition order, each group sees every message, members of one group share
 * partitions, at-least-once redelivery from the last committed offset.
 */
export class MemoryBroker {
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private readonly defaultPartitions: number;
  private readonly maxBatchSize: number;
  private readonly redeliveryBackoffMs: number;
  private readonly maxRedeliveryBackoffMs: number;
  private readonly retainMessages: number;
  private readonly maxPartitionMessages: number;
  private readonly logger: Logger;

  constructor(options: MemoryBrokerOptions = {}) {
    this.defaultPartitions = positive(options.defaultPartitions ?? 1, 'defaultPartitions');
    this.maxBatchSize = positive(options.maxBatchSize ?? 500, 'maxBatchSize');
    this.redeliveryBackoffMs = Math.max(0, options.redeliveryBackoffMs ?? 50);
    this.maxRedeliveryBackoffMs = Math.max(this.redeliveryBackoffMs, options.maxRedeliveryBackoffMs ?? 2000);
    this.retainMessages = Math.max(0, options.retainMessages ?? 10_000);
    this.maxPartitionMessages = Math.max(
      this.retainMessages,
      positive(options.maxPartitionMessages ?? 1_000_000, 'maxPartitionMessages'),
    );
    this.logger = options.logger ?? createLogger('MemoryBroker');
  }

  ensureTopics(specs: readonly TopicSpec[]): void {
    for (const spec of specs) {
      const partitions = positive(spec.partitions, `partitions of ${spec.name}`);
      const topic = this.topics.get(spec.name);
      if (!topic) {
        this.topics.set(spec.name, new Topic(spec.name, partitions));
        continue;
      }
      const added = topic.grow(partitions);
      if (added.length === 0) continue;
      // Existing groups read new partitions from their start: they are empty, so nothing is skipped.
      for (const group of topic.groups) {
        for (const log of added) group.cursors.set(log, new Cursor(group, log, log.startOffset));
        this.rebalance(group);
      }
    }
  }

  append(topicName: string, messages: readonly TransportMessage[]): void {
    if (messages.length === 0) return;
    const topic = this.topicOrCreate(topicName);
    const partitions = topic.partitions;
    const timestamp = Date.now();
    let single: PartitionLog | undefined;
    let touched: Set<PartitionLog> | undefined;
    for (const message of messages) {
      const log =
        partitions.length === 1 ? partitions[0] : partitions[hashKey(message.key) % partitions.length];
      if (!log) continue;
      const offset = log.endOffset;
      log.endOffset = offset + 1;
      log.entries.push({
        topic: topicName,
        partition: log.index,
        offset: String(offset),
        timestamp,
        key: message.key,
        value: message.value,
        // Copied so a caller reusing its headers object cannot change what was "sent".
        headers: message.headers ? { ...message.headers } : EMPTY_HEADERS,
      });
      if (single === undefined) single = log;
      else if (single !== log) (touched ??= new Set([single])).add(log);
    }
    for (const log of touched ?? (single ? [single] : [])) {
      for (const group of topic.groups) {
        const cursor = group.cursors.get(log);
        if (cursor) this.schedule(cursor);
      }
      if (log.endOffset - log.startOffset > this.retainMessages) this.trim(log);
    }
  }

  join(options: ConsumeOptions, handler: BatchHandler): Member {
    if (options.topics.length === 0) throw new Error('consume needs at least one topic');
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new Group(options.groupId);
      this.groups.set(options.groupId, group);
    }
    for (const name of options.topics) {
      const topic = this.topicOrCreate(name);
      topic.groups.add(group);
      for (const log of topic.partitions) {
        if (group.cursors.has(log)) continue;
        // A group's first look at a partition: Kafka's auto.offset.reset (earliest or latest).
        group.cursors.set(log, new Cursor(group, log, options.fromBeginning ? log.startOffset : log.endOffset));
      }
    }
    const member = new Member(group, [...options.topics], handler);
    group.members.push(member);
    this.rebalance(group);
    return member;
  }

  positions(groupId: string, topicName: string): PartitionPosition[] {
    const topic = this.topics.get(topicName);
    if (!topic) return [];
    const group = this.groups.get(groupId);
    return topic.partitions.map((log) => {
      const cursor = group?.cursors.get(log);
      return {
        partition: log.index,
        low: String(log.startOffset),
        high: String(log.endOffset),
        ...(cursor ? { committed: String(cursor.committed) } : {}),
      };
    });
  }

  /** See Transport.seedGroup: the group is created with a committed position on the seeded partitions only. */
  seedGroup(groupId: string, fromGroups: readonly string[], topicName: string): SeededPartition[] {
    const topic = this.topics.get(topicName);
    if (!topic) return [];
    const seeded = seedOffsets(
      this.positions(groupId, topicName),
      fromGroups.map((group) => this.positions(group, topicName)),
    );
    if (seeded.length === 0) return [];
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    // Registered on the topic at once, so trimming keeps what the group has still to read before it joins.
    topic.groups.add(group);
    for (const { partition, offset } of seeded) {
      const log = topic.partitions[partition];
      if (log && !group.cursors.has(log)) group.cursors.set(log, new Cursor(group, log, Number(offset)));
    }
    this.rebalance(group);
    return seeded;
  }

  /** Removes the member, hands its partitions to the others and waits for its in-flight batches. */
  async leave(member: Member): Promise<void> {
    if (member.stopped) {
      await Promise.all(member.inFlight);
      return;
    }
    member.stopped = true;
    member.revoked.abort();
    const index = member.group.members.indexOf(member);
    if (index >= 0) member.group.members.splice(index, 1);
    this.rebalance(member.group);
    await Promise.all(member.inFlight);
  }

  private topicOrCreate(name: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = new Topic(name, this.defaultPartitions);
      this.topics.set(name, topic);
    }
    return topic;
  }

  /** Round-robin of each topic's partitions over the members subscribed to it, in join order. */
  private rebalance(group: Group): void {
    const byTopic = new Map<Topic, Member[]>();
    for (const member of group.members) {
      for (const name of member.topics) {
        const topic = this.topics.get(name);
        if (!topic) continue;
        const members = byTopic.get(topic);
        if (members) members.push(member);
        else byTopic.set(topic, [member]);
      }
    }
    for (const cursor of group.cursors.values()) {
      const members = byTopic.get(cursor.log.topic);
      cursor.owner = members ? members[cursor.log.index % members.length] : undefined;
      if (!cursor.owner && cursor.retryTimer) {
        // Nobody to redeliver to: drop the timer (it would keep the process alive); the next
        // member to join gets the batch at once.
        clearTimeout(cursor.retryTimer);
        cursor.retryTimer = undefined;
      }
      this.schedule(cursor);
    }
  }

  private schedule(cursor: Cursor): void {
    if (cursor.scheduled || cursor.inFlight || cursor.retryTimer || !cursor.owner) return;
    if (cursor.committed >= cursor.log.endOffset) return;
    cursor.scheduled = true;
    // Never deliver inside send(): handlers run on a later turn of the event loop, as with Kafka.
    setImmediate(() => {
      cursor.scheduled = false;
      this.deliver(cursor);
    });
  }

  private deliver(cursor: Cursor): void {
    const owner = cursor.owner;
    if (!owner || owner.stopped || cursor.inFlight || cursor.retryTimer) return;
    const log = cursor.log;
    if (cursor.committed < log.startOffset) {
      this.logger.warn(
        { topic: log.topic.name, partition: log.index, groupId: cursor.group.id, skipped: log.startOffset - cursor.committed },
        'group fell behind the partition cap; oldest messages were dropped before it read them',
      );
      cursor.committed = log.startOffset;
    }
    const from = cursor.committed;
    const to = Math.min(log.endOffset, from + this.maxBatchSize);
    if (from >= to) return;
    cursor.inFlight = true;
    const run = this.runBatch(cursor, owner, log.read(from, to), to);
    owner.inFlight.add(run);
    void run.finally(() => owner.inFlight.delete(run));
  }

  private async runBatch(cursor: Cursor, owner: Member, batch: ConsumedMessage[], to: number): Promise<void> {
    let open = true;
    const onProgress = (message: ConsumedMessage): void => {
      // Ignore progress reported after the batch settled or for a message of another partition.
      if (!open || message.topic !== cursor.log.topic.name || message.partition !== cursor.log.index) return;
      const next = Number(message.offset) + 1;
      if (next > cursor.committed && next <= to) cursor.committed = next;
    };
    try {
      await owner.handler(batch, onProgress, owner.revoked.signal);
      open = false;
      cursor.committed = Math.max(cursor.committed, to);
      cursor.failures = 0;
    } catch (error) {
      open = false;
      cursor.failures += 1;
      const delay = backoffDelay({ attempt: cursor.failures, baseMs: this.redeliveryBackoffMs, maxMs: this.maxRedeliveryBackoffMs });
      this.logger.warn(
        {
          topic: cursor.log.topic.name,
          partition: cursor.log.index,
          groupId: cursor.group.id,
          redeliverFrom: cursor.committed,
          failures: cursor.failures,
          delayMs: delay,
          error: errorMessage(error),
        },
        'batch handler failed; redelivering from the last committed offset',
      );
      if (cursor.owner) {
        cursor.retryTimer = setTimeout(() => {
          cursor.retryTimer = undefined;
          this.schedule(cursor);
        }, delay);
      }
    } finally {
      cursor.inFlight = false;
    }
    this.trim(cursor.log);
    this.schedule(cursor);
  }

  /** Drops what every group has committed, keeping `retainMessages` for late groups; cap wins. */
  private trim(log: PartitionLog): void {
    let slowest = Number.POSITIVE_INFINITY;
    for (const group of log.topic.groups) {
      const cursor = group.cursors.get(log);
      if (cursor && cursor.committed < slowest) slowest = cursor.committed;
    }
    const keep = Math.min(slowest, log.endOffset - this.retainMessages);
    log.trimTo(Math.max(keep, log.endOffset - this.maxPartitionMessages));
  }
}

/**
 * Transport for the embedded mode: every service in one process, no broker. Same contract as
 * KafkaTransport (see testing/transport.contract.ts), so the EventBus behaves identically on both.
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  readonly broker: MemoryBroker;
  private connected = false;
  private readonly members = new Set<Member>();

  constructor(options: MemoryTransportOptions = {}) {
    this.broker = options.broker ?? new MemoryBroker(options);
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await Promise.all([...this.members].map((member) => this.broker.leave(member)));
    this.members.clear();
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.assertConnected();
    this.broker.ensureTopics(topics);
  }

  async send(topic: string, messages: readonly TransportMessage[]): Promise<void> {
    this.assertConnected();
    this.broker.append(topic, messages);
  }

  async consume(options: ConsumeOptions, handler: BatchHandler): Promise<ConsumerHandle> {
    this.assertConnected();
    const member = this.broker.join(options, handler);
    this.members.add(member);
    return {
      stop: async () => {
        await this.broker.leave(member);
        this.members.delete(member);
      },
    };
  }

  async positions(groupId: string, topic: string): Promise<PartitionPosition[]> {
    this.assertConnected();
    return this.broker.positions(groupId, topic);
  }

  async seedGroup(groupId: string, fromGroups: readonly string[], topic: string): Promise<SeededPartition[]> {
    this.assertConnected();
    return this.broker.seedGroup(groupId, fromGroups, topic);
  }

  private assertConnected(): void {
    if (!this.connected) {
      throw new RetryableError<MessagingErrorCode>('memory transport is not connected', MessagingErrorCode.TransportNotConnected);
    }
  }
}

/** FNV-1a: cheap, stable across runs, spreads short keys well enough for partitioning. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
