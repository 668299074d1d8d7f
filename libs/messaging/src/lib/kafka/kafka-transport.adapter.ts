import { backoffDelay, createLogger, errorMessage, type Logger, RetryableError } from '@perch/platform';
import {
  type Admin,
  type Batch,
  CompressionTypes,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type ISocketFactory,
  Kafka,
  type KafkaMessage,
  logLevel,
  type logCreator,
  type OffsetsByTopicPartition,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
  type TopicPartitionOffset,
} from 'kafkajs';
import { errorCodes } from 'kafkajs/src/protocol/error';
import { type ConnectionOptions } from 'node:tls';

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
import { Murmur2Partitioner } from './murmur2-partitioner.util';
import { ProduceBatcher, type TopicBatch } from './produce-batcher.util';

export interface KafkaTransportOptions {
  brokers: readonly string[];
  clientId?: string;
  logger?: Logger;
  /** Producer: how long a message to a busy lane waits for others before a request goes out (an idle lane: none). */
  lingerMs?: number;
  /** Producer: most messages per produce request. */
  maxBatchMessages?: number;
  /** Producer: approximate bytes per produce request (stay under the broker's message.max.bytes). */
  maxBatchBytes?: number;
  /** Producer: produce requests in flight per lane; 1 keeps per-key order across concurrent send() calls. */
  maxInFlightRequests?: number;
  /**
   * Producer: independent lanes, each its own idempotent kafkajs producer (own connections, own producer id, its own
   * sequence numbers per partition) with its own request in flight. A key always goes through the same lane (hash of
   * the key), so per-key order and the broker's de-duplication of retried requests hold as with one lane, while a
   * publish no longer waits for one process-wide request in flight. Order between different keys of one partition is
   * not kept across lanes (nothing relies on it: the EventBus orders per key only).
   */
  producerLanes?: number;
  compression?: CompressionTypes;
  /** Consumer: partitions handled at once by one consumer (order is kept within each partition). */
  partitionsConsumedConcurrently?: number;
  /** Consumer: most messages per handler call; a larger fetched batch is handed out in chunks. */
  maxBatchSize?: number;
  /**
   * Consumer: most bytes one fetch brings, all its partitions together, and most bytes of one partition in it. What
   * a consumer holds at once under a backlog (ADR 42): kafkajs' defaults (10 MB, 1 MB) let a fetch of 12 partitions
   * bring thousands of events at once. The broker always sends at least one record batch, so no size stalls a partition.
   */
  fetchMaxBytes?: number;
  fetchMaxBytesPerPartition?: number;
  /** Consumer: how long the group waits for a silent member before giving its partitions to the others. */
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  /** Consumer: defaults to a third of sessionTimeout, at most DEFAULT_HEARTBEAT_INTERVAL_MS (heartbeatIntervalFor). */
  heartbeatInterval?: number;
  /** Consumer: longest a fetch waits on the broker for new data (also bounds stop() latency). */
  maxWaitTimeInMs?: number;
  /**
   * Consumer: the broker answers a fetch once this many bytes are ready (or maxWaitTimeInMs passed). 1 answers
   * at once, one round trip per message or two under light load; more trades a little latency for fewer fetches.
   */
  minBytes?: number;
  /** Ceiling of the first backoff before a rejected batch is delivered again; doubles per failure up to the max (full jitter, see backoffDelay). */
  redeliveryBackoffMs?: number;
  maxRedeliveryBackoffMs?: number;
  /**
   * Consumer: commit as soon as this many offsets are resolved (kafkajs' autoCommitThreshold); 0 commits on the
   * interval only. 1 with maxBatchSize 1 commits every message before the next is handled.
   */
  autoCommitThreshold?: number;
  /**
   * Consumer: resolved (handled) offsets are committed at most this often, not after every batch (kafkajs' autoCommit
   * does the latter: about one commit per message at low load). Only handled offsets are ever committed, and what is
   * resolved is committed on stop and, best effort, when the group rebalances: a crash redelivers at most this long.
   */
  commitIntervalMs?: number;
  /** Replication for topics created by ensureTopics; -1 takes the broker's default. */
  replicationFactor?: number;
  /** `min.insync.replicas` of topics created by ensureTopics; unset takes the broker's default. */
  minInsyncReplicas?: number;
  /** TLS to the brokers: true for the system CAs, or node:tls options (ca, cert, key). */
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
  /**
   * How connections to the brokers are opened (kafkajs' socketFactory). Fault tests put a gate here to cut the
   * client off a real broker: the broker advertises its own address, so a TCP proxy in front of it would be bypassed.
   */
  socketFactory?: ISocketFactory;
  /**
   * Producer: retries of a failed produce request before send() rejects. With the backoff below
   * (300 ms doubling to 10 s) the default 15 spans about two minutes, so a broker restart or leader
   * election of a minute does not fail publishes.
   */
  producerRetries?: number;
  connectionTimeout?: number;
  requestTimeout?: number;
}

/** Bytes one fetch brings at most, all partitions together (ADR 42). */
export const DEFAULT_FETCH_MAX_BYTES = 262_144;
/** Bytes of one partition a fetch brings at most (ADR 42). */
export const DEFAULT_FETCH_MAX_BYTES_PER_PARTITION = 32_768;
/**
 * A lane whose last produce request went out less than this long ago holds a new message this long for company; an
 * idle lane sends it at the end of its turn of the event loop (ProduceBatcher). Always sending at once halved agents'
 * waits at low load but cost 10–20 % of throughput under load, in more and smaller requests (ADR 50).
 */
export const DEFAULT_LINGER_MS = 2;
/** kafkajs' default (the Java client's is 45 s): a crashed member's partitions move to the others after 30 s. */
export const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
/** kafkajs' default heartbeat, and the slowest this adapter beats whatever the session. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

/** Three heartbeats per session (the clients' rule of thumb), never slower than DEFAULT_HEARTBEAT_INTERVAL_MS. */
export function heartbeatIntervalFor(sessionTimeoutMs: number): number {
  return Math.min(DEFAULT_HEARTBEAT_INTERVAL_MS, Math.floor(sessionTimeoutMs / 3));
}

const DEFAULTS = {
  clientId: 'perch',
  lingerMs: DEFAULT_LINGER_MS,
  maxBatchMessages: 10_000,
  maxBatchBytes: 900_000,
  maxInFlightRequests: 1,
  producerLanes: 4,
  partitionsConsumedConcurrently: 4,
  maxBatchSize: 500,
  fetchMaxBytes: DEFAULT_FETCH_MAX_BYTES,
  fetchMaxBytesPerPartition: DEFAULT_FETCH_MAX_BYTES_PER_PARTITION,
  sessionTimeout: DEFAULT_SESSION_TIMEOUT_MS,
  rebalanceTimeout: 60_000,
  maxWaitTimeInMs: 1_000,
  minBytes: 1,
  redeliveryBackoffMs: 100,
  maxRedeliveryBackoffMs: 10_000,
  autoCommitThreshold: 0,
  commitIntervalMs: 1_000,
  replicationFactor: -1,
  producerRetries: 15,
  connectionTimeout: 3_000,
  requestTimeout: 30_000,
} as const;

type Settings = Required<Omit<KafkaTransportOptions, 'logger' | 'brokers' | 'minInsyncReplicas' | 'ssl' | 'sasl' | 'socketFactory'>> &
  Pick<KafkaTransportOptions, 'minInsyncReplicas'>;

/**
 * The idempotent producer: the broker drops a batch the producer sends again after a lost ack, so
 * kafkajs' own retries never write a message twice. kafkajs 2.2.4 requires acks -1 (produce() always
 * sends acks -1) and one request in flight per broker connection with it.
 */
export function kafkaProducerConfig(settings: Pick<Settings, 'producerRetries'>): ProducerConfig {
  return {
    // kafkajs' DefaultPartitioner's mapping (Java clients' murmur2) without its BigInt garbage on every keyed send.
    createPartitioner: Murmur2Partitioner,
    allowAutoTopicCreation: true,
    idempotent: true,
    maxInFlightRequests: 1,
    // Bounded (kafkajs logs a warning that unbounded retries are safer for exactly-once): a send must
    // fail some time so its caller can, and a retry by the caller is deduplicated by event id downstream.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: settings.producerRetries },
  };
}

/**
 * Transport over Apache Kafka with kafkajs: acks=all produce requests coalesced from concurrent
 * send() calls, and at-least-once consumer groups on eachBatch with explicit offset resolution.
 */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka';
  private readonly settings: Settings;
  private readonly logger: Logger;
  private readonly kafka: Kafka;
  private readonly lanes: { producer: Producer; batcher: ProduceBatcher }[];
  private readonly admin: Admin;
  private readonly consumers = new Set<GroupConsumer>();
  /** Consumer side, for metrics and tests: messages handed to handlers and offset commits sent, over all groups. */
  readonly consumerStats: ConsumerStats = { delivered: 0, commits: 0 };
  private connected = false;
  private connecting: Promise<void> | undefined;

  constructor(options: KafkaTransportOptions) {
    if (options.brokers.length === 0) throw new RangeError('KafkaTransport needs at least one broker');
    const { logger, brokers, ssl, sasl, socketFactory, ...rest } = options;
    const given = stripUndefined(rest);
    // The heartbeat follows the session unless given (heartbeatIntervalFor): no fixed default of its own.
    const sessionTimeout = given.sessionTimeout ?? DEFAULTS.sessionTimeout;
    this.settings = { ...DEFAULTS, compression: CompressionTypes.None, heartbeatInterval: heartbeatIntervalFor(sessionTimeout), ...given };
    this.logger = logger ?? createLogger('KafkaTransport');
    this.kafka = new Kafka({
      clientId: this.settings.clientId,
      brokers: [...brokers],
      connectionTimeout: this.settings.connectionTimeout,
      requestTimeout: this.settings.requestTimeout,
      ...(ssl === undefined ? {} : { ssl }),
      ...(sasl === undefined ? {} : { sasl }),
      ...(socketFactory === undefined ? {} : { socketFactory }),
      logLevel: logLevel.WARN,
      logCreator: pinoLogCreator(this.logger),
    });
    this.admin = this.kafka.admin();
    this.lanes = Array.from({ length: Math.max(1, Math.floor(this.settings.producerLanes)) }, () => {
      const producer = this.kafka.producer(kafkaProducerConfig(this.settings));
      const batcher = new ProduceBatcher((batches) => this.produce(producer, batches), {
        lingerMs: this.settings.lingerMs,
        maxBatchMessages: this.settings.maxBatchMessages,
        maxBatchBytes: this.settings.maxBatchBytes,
        maxInFlight: this.settings.maxInFlightRequests,
      });
      return { producer, batcher };
    });
  }

  /** Splits a send over the lanes of its keys; resolves once every lane acknowledged its part. */
  private sendOverLanes(topic: string, messages: readonly TransportMessage[]): Promise<void> {
    const [only] = this.lanes;
    if (this.lanes.length === 1 && only) return only.batcher.send(topic, messages);
    const byLane = new Map<number, TransportMessage[]>();
    for (const message of messages) {
      const index = laneOfKey(message.key, this.lanes.length);
      const list = byLane.get(index);
      if (list) list.push(message);
      else byLane.set(index, [message]);
    }
    return Promise.all([...byLane].map(([index, part]) => this.lanes[index]?.batcher.send(topic, part))).then(() => undefined);
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= (async () => {
      await Promise.all([...this.lanes.map((lane) => lane.producer.connect()), this.admin.connect()]);
      this.connected = true;
    })().finally(() => {
      this.connecting = undefined;
    });
    await this.connecting;
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    // Sends already accepted still complete: callers are waiting on their acks.
    await Promise.all(this.lanes.map((lane) => lane.batcher.drain()));
    this.connected = false;
    await Promise.all([...this.lanes.map((lane) => lane.producer.disconnect()), this.admin.disconnect()]);
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.assertConnected();
    if (topics.length === 0) return;
    // Right after a topic is created (or another was deleted) a KRaft broker's metadata can lag: kafkajs' wait for
    // leaders then fails with UNKNOWN_TOPIC_OR_PARTITION instead of waiting. That is transient: try again.
    const deadline = Date.now() + TOPIC_METADATA_SETTLE_MS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.createAndGrowTopics(topics);
        return;
      } catch (error) {
        if (!isMetadataNotSettled(error) || Date.now() >= deadline) throw error;
        this.logger.debug({ attempt, error: errorMessage(error) }, 'topic metadata not settled yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, backoffDelay({ attempt, baseMs: 100, maxMs: 1_000 })));
      }
    }
  }

  private async createAndGrowTopics(topics: readonly TopicSpec[]): Promise<void> {
    try {
      await this.admin.createTopics({
        topics: topics.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: this.settings.replicationFactor,
          ...(this.settings.minInsyncReplicas === undefined
            ? {}
            : { configEntries: [{ name: 'min.insync.replicas', value: String(this.settings.minInsyncReplicas) }] }),
        })),
        waitForLeaders: true,
      });
    } catch (error) {
      // Another process created one of them first: fine, the partition check below still runs.
      if (!isTopicAlreadyExists(error)) throw error;
    }
    const { topics: existing } = await this.admin.fetchTopicMetadata({ topics: topics.map((spec) => spec.name) });
    const grow = topics.flatMap((spec) => {
      const current = existing.find((topic) => topic.name === spec.name)?.partitions.length ?? 0;
      return current < spec.partitions ? [{ topic: spec.name, count: spec.partitions }] : [];
    });
    if (grow.length > 0) {
      this.logger.warn({ topics: grow }, 'adding partitions to existing topics; keys may move to other partitions');
      await this.admin.createPartitions({ topicPartitions: grow, validateOnly: false });
      // The broker answers before its metadata shows the new partitions; a producer that looked now would
      // keep hashing keys over the old count. Resolve only once the metadata agrees.
      for (let attempt = 0; ; attempt += 1) {
        const { topics: after } = await this.admin.fetchTopicMetadata({ topics: grow.map((g) => g.topic) });
        const settled = grow.every((g) => (after.find((t) => t.name === g.topic)?.partitions.length ?? 0) >= g.count);
        if (settled) break;
        if (attempt >= 100) throw new RetryableError<MessagingErrorCode>(`partitions of ${grow.map((g) => g.topic).join(', ')} did not appear`, MessagingErrorCode.KafkaPartitionsPending);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  send(topic: string, messages: readonly TransportMessage[]): Promise<void> {
    if (!this.connected) {
      return Promise.reject(new RetryableError<MessagingErrorCode>('kafka transport is not connected', MessagingErrorCode.TransportNotConnected));
    }
    return this.sendOverLanes(topic, messages);
  }

  async consume(options: ConsumeOptions, handler: BatchHandler): Promise<ConsumerHandle> {
    this.assertConnected();
    if (options.topics.length === 0) throw new Error('consume needs at least one topic');
    const consumer = new GroupConsumer(this.kafka, this.admin, options, handler, this.settings, this.logger, this.consumerStats);
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.stop();
      throw error;
    }
    return {
      stop: async () => {
        await consumer.stop();
        this.consumers.delete(consumer);
      },
    };
  }

  async positions(groupId: string, topic: string): Promise<PartitionPosition[]> {
    this.assertConnected();
    const [ends, committed] = await this.readThroughLeaderMoves(() =>
      Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]),
    );
    const byPartition = new Map((committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset]));
    return ends.map((end) => {
      const offset = byPartition.get(end.partition);
      // kafkajs reports "-1" for a partition the group never committed on.
      return { partition: end.partition, low: end.low, high: end.high, ...(offset !== undefined && BigInt(offset) >= 0n ? { committed: offset } : {}) };
    });
  }

  /**
   * kafkajs' admin fails at once when a partition's leader moved or is being elected (NOT_LEADER_FOR_PARTITION right
   * after topics are made or a broker is back); that is transient, so read again. A missing topic is an answer, not
   * a wait: seedGroup treats it as "nothing committed yet".
   */
  private async readThroughLeaderMoves<T>(read: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + TOPIC_METADATA_SETTLE_MS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await read();
      } catch (error) {
        if (!isRetriable(error) || isMetadataNotSettled(error) || Date.now() >= deadline || !this.connected) throw error;
        this.logger.debug({ attempt, error: errorMessage(error) }, 'partition leader moved while reading offsets; trying again');
        await new Promise((resolve) => setTimeout(resolve, backoffDelay({ attempt, baseMs: 100, maxMs: 1_000 })));
      }
    }
  }

  async seedGroup(groupId: string, fromGroups: readonly string[], topic: string): Promise<SeededPartition[]> {
    this.assertConnected();
    if (fromGroups.length === 0) return [];
    let seeded: SeededPartition[];
    try {
      const [target = [], ...from] = await Promise.all([groupId, ...fromGroups].map((group) => this.positions(group, topic)));
      seeded = seedOffsets(target, from);
    } catch (error) {
      // No such topic yet: nobody committed on it, nothing to carry over.
      if (isMetadataNotSettled(error)) return [];
      throw error;
    }
    if (seeded.length === 0) return [];
    try {
      await this.admin.setOffsets({ groupId, topic, partitions: seeded.map(({ partition, offset }) => ({ partition, offset })) });
    } catch (error) {
      // Another replica seeded and joined first (Kafka refuses offsets for a group with members): its seed stands.
      const now = await this.positions(groupId, topic);
      if (seeded.every((s) => now.find((p) => p.partition === s.partition)?.committed !== undefined)) return [];
      throw error;
    }
    this.logger.info({ groupId, fromGroups, topic, seeded }, 'new consumer group seeded from the groups it replaces');
    return seeded;
  }

  private async produce(producer: Producer, batches: TopicBatch[]): Promise<void> {
    await producer.sendBatch({
      acks: -1,
      compression: this.settings.compression,
      topicMessages: batches.map(({ topic, messages }) => ({
        topic,
        messages: messages.map((message) => ({
          key: message.key,
          value: message.value,
          ...(message.headers ? { headers: message.headers } : {}),
        })),
      })),
    });
  }

  private assertConnected(): void {
    if (!this.connected) throw new RetryableError<MessagingErrorCode>('kafka transport is not connected', MessagingErrorCode.TransportNotConnected);
  }
}

export interface ConsumerStats {
  delivered: number;
  commits: number;
}

/**
 * One consumer-group member: a kafkajs consumer running eachBatch, restarted when it crashes.
 *
 * Delivery: a handler call gets up to maxBatchSize messages of one partition. Resolving resolves
 * every offset (committed every commitIntervalMs, not after each batch: see flushCommits); onProgress
 * resolves up to the given message. Rejecting resolves nothing more, pauses the partition for a
 * backoff and seeks it back to the first unprocessed offset. kafkajs fetches a partition from its
 * last resolved offset anyway, so the seek is belt and braces; returning normally instead of
 * throwing keeps kafkajs' own retry (which stops every partition and crashes after 5 attempts)
 * out of the picture.
 */
class GroupConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  /** One per batch chunk in a handler: aborted on stop() or a rebalance so the handler gives the chunk back. */
  private readonly inFlight = new Set<AbortController>();
  private readonly logger: Logger;
  /** The running consumer's resolved-but-uncommitted offsets (kafkajs' own bookkeeping, captured from eachBatch). */
  private uncommitted: (() => OffsetsByTopicPartition) | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /**
   * What flushCommits last committed per `topic/partition`: kafkajs keeps an explicitly committed offset as a Long, so
   * its uncommittedOffsets() keeps reporting it as changed; without this every flush would commit it again.
   */
  private readonly flushed = new Map<string, string>();
  private activeBatches = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: ConsumeOptions,
    private readonly handler: BatchHandler,
    private readonly settings: Settings,
    logger: Logger,
    private readonly stats: ConsumerStats,
  ) {
    this.logger = logger.child({ groupId: options.groupId, topics: options.topics });
  }

  async start(): Promise<void> {
    const fromBeginning = this.options.fromBeginning ?? false;
    const latest = fromBeginning ? undefined : await this.withRetriableRetries(() => this.latestOffsetsWithoutCommit());
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.settings.sessionTimeout,
      rebalanceTimeout: this.settings.rebalanceTimeout,
      heartbeatInterval: this.settings.heartbeatInterval,
      maxWaitTimeInMs: this.settings.maxWaitTimeInMs,
      minBytes: this.settings.minBytes,
      maxBytes: this.settings.fetchMaxBytes,
      maxBytesPerPartition: this.settings.fetchMaxBytesPerPartition,
      allowAutoTopicCreation: true,
      retry: {
        // Short, frequent retries: after a broker outage a member is back within seconds of the broker (the
        // default backs off to 30 s a try, and a whole pipeline then waits for its slowest member).
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        retries: 8,
        // kafkajs asks this for retriable crashes (network, coordinator moves...): restart unless stopping.
        restartOnFailure: async (error) => {
          this.logger.error({ err: error }, 'kafka consumer crashed; kafkajs restarts it');
          return !this.stopping;
        },
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // Non-retriable crashes are not restarted by kafkajs: a member silently gone is worse than
      // a retry loop, so restart it ourselves after a pause.
      if (!payload.restart && !this.stopping && this.consumer === consumer) {
        this.logger.error({ err: payload.error }, 'kafka consumer crashed for good; restarting it');
        this.restartTimer = setTimeout(() => void this.restart(consumer), this.settings.maxRedeliveryBackoffMs);
      }
    });
    let assignment: Readonly<Record<string, readonly number[]>> = {};
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment = payload.memberAssignment;
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, () => {
      this.stats.commits += 1;
    });
    // Before kafkajs rejoins (and forgets what it resolved): commit it, so the partition's next owner does not redo it.
    // Best effort: a commit that loses the race to the rejoin fails, and the next owner redelivers (never loses).
    consumer.on(consumer.events.REBALANCING, () => void this.flushCommits(consumer, 'rebalance'));
    this.uncommitted = undefined;
    this.flushed.clear();
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning });
    // Resolves once the member has joined the group and has its assignment.
    await consumer.run({
      // kafkajs' autoCommit commits after every batch (Runner: autoCommitOffsets() once eachBatch returns), about one
      // commit per message at low load. Off: eachBatch commits once commitIntervalMs passed (or the threshold is
      // reached), a timer commits what an idle consumer resolved, stop() and rebalances commit what is resolved.
      autoCommit: false,
      autoCommitInterval: this.settings.commitIntervalMs,
      ...(this.settings.autoCommitThreshold > 0 ? { autoCommitThreshold: this.settings.autoCommitThreshold } : {}),
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(consumer, payload),
    });
    if (latest) {
      try {
        await this.pinStart(consumer, assignment, latest);
      } catch (error) {
        // Only if the join crashed meanwhile; the restarted member starts at the end on its own.
        this.logger.warn({ err: error }, 'could not pin the start offsets of a new group');
      }
    }
    if (this.commitTimer) clearInterval(this.commitTimer);
    this.commitTimer = setInterval(() => void this.flushCommits(consumer, 'interval'), this.settings.commitIntervalMs);
    this.commitTimer.unref();
  }

  /**
   * Commits what the consumer resolved and has not committed yet, through consumer.commitOffsets (kafkajs' runner:
   * only while it runs). One flush at a time; failures are logged: the offsets stay resolved and the next flush (or
   * eachBatch) commits them, or, if the member lost them in a rebalance or crash, they are redelivered.
   */
  private flushCommits(consumer: Consumer, reason: string): Promise<void> {
    if (this.flushing || this.consumer !== consumer || !this.uncommitted) return this.flushing ?? Promise.resolve();
    const offsets = toTopicPartitionOffsets(this.uncommitted()).filter(
      ({ topic, partition, offset }) => this.flushed.get(`${topic}/${partition}`) !== offset,
    );
    if (offsets.length === 0) return Promise.resolve();
    this.flushing = consumer
      .commitOffsets(offsets)
      .then(() => {
        for (const { topic, partition, offset } of offsets) this.flushed.set(`${topic}/${partition}`, offset);
      })
      .catch((error: unknown) => this.logger.debug({ err: error, reason }, 'committing resolved offsets failed; they stay resolved'))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // disconnect() waits for batches in flight: a handler waiting out an outage must not hold it.
    for (const controller of this.inFlight) controller.abort(new Error('consumer stopping'));
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.commitTimer) clearInterval(this.commitTimer);
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    // With no batch running, commit what is resolved while kafkajs' runner still accepts commits; a batch running
    // now commits on its way out (eachBatch's finally).
    if (this.consumer && this.activeBatches === 0) await this.flushCommits(this.consumer, 'stop');
    try {
      // Waits for batches in flight and leaves the group.
      await this.consumer?.disconnect();
    } catch (error) {
      // Shutdown goes on: the group drops the member after the session timeout anyway.
      this.logger.warn({ err: error }, 'kafka consumer did not disconnect cleanly');
    }
  }

  /**
   * kafkajs' admin gives up at once on errors the broker calls retriable (a partition whose leader is still being
   * elected right after the topic was made, a broker just back): try again briefly before failing the start.
   */
  private async withRetriableRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        const retriable = isRetriable(error);
        if (!retriable || attempt >= 8 || this.stopping) throw error;
        this.logger.warn({ err: error, attempt }, 'kafka metadata not ready; trying again');
        await new Promise((resolve) => setTimeout(resolve, backoffDelay({ attempt, baseMs: 200, maxMs: 3_000 }) + 100));
      }
    }
  }

  /** End offsets of the subscribed partitions that have no committed offset for this group. */
  private async latestOffsetsWithoutCommit(): Promise<Map<string, Map<number, string>>> {
    const latest = new Map<string, Map<number, string>>();
    const committed = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [...this.options.topics] });
    for (const { topic, partitions } of committed) {
      const missing = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
      if (missing.size === 0) continue;
      const ends = await this.admin.fetchTopicOffsets(topic);
      latest.set(topic, new Map(ends.filter((p) => missing.has(p.partition)).map((p) => [p.partition, p.high])));
    }
    return latest;
  }

  /**
   * Without fromBeginning a new group starts "at the end", but kafkajs decides where the end is
   * lazily, at the member's first fetch, so messages sent right after consume() returned could be
   * skipped. Seeking the assigned partitions to the end measured before joining fixes the start
   * point, and (autoCommit) commits it, so a member that takes a partition over later starts there
   * too. Only assigned partitions: a pending seek on another one would replay it on a later
   * rebalance.
   */
  private async pinStart(
    consumer: Consumer,
    assignment: Readonly<Record<string, readonly number[]>>,
    latest: Map<string, Map<number, string>>,
  ): Promise<void> {
    const pinned: { topic: string; partition: number; offset: string }[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const offset = latest.get(topic)?.get(partition);
        if (offset !== undefined) {
          consumer.seek({ topic, partition, offset });
          pinned.push({ topic, partition, offset });
        }
      }
    }
    // Without autoCommit a seek is not committed: commit the start so a member taking the partition over starts there.
    if (pinned.length > 0) await consumer.commitOffsets(pinned);
  }

  private async restart(crashed: Consumer): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping || this.consumer !== crashed) return;
    await crashed.disconnect().catch(() => undefined);
    try {
      await this.start();
    } catch (error) {
      this.logger.error({ err: error }, 'restarting the kafka consumer failed; trying again');
      if (!this.stopping) {
        this.restartTimer = setTimeout(() => void this.restart(this.consumer ?? crashed), this.settings.maxRedeliveryBackoffMs);
      }
    }
  }

  private async eachBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { commitOffsetsIfNecessary, uncommittedOffsets } = payload;
    if (this.consumer === consumer) this.uncommitted = uncommittedOffsets;
    this.activeBatches += 1;
    try {
      await this.handleBatch(consumer, payload);
    } finally {
      this.activeBatches -= 1;
      // Leaving (stop) or giving the partitions back (rebalance): commit what is resolved now, straight to the
      // coordinator (kafkajs' runner no longer takes commits once it stops).
      if (this.stopping || !payload.isRunning()) {
        const offsets = uncommittedOffsets();
        if (offsets.topics.length > 0) {
          await commitOffsetsIfNecessary(offsets).catch((error: unknown) =>
            this.logger.debug({ err: error }, 'committing resolved offsets on the way out failed; they are redelivered'),
          );
        }
      }
    }
  }

  private async handleBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale } = payload;
    const partitionKey = `${batch.topic}/${batch.partition}`;
    for (let start = 0; start < batch.messages.length; start += this.settings.maxBatchSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const chunk = batch.messages
        .slice(start, start + this.settings.maxBatchSize)
        .map((message) => toConsumedMessage(batch, message));
      const last = chunk[chunk.length - 1];
      if (!last) return;
      let progressed: string | undefined;
      let open = true;
      const onProgress = (message: ConsumedMessage): void => {
        if (!open || message.topic !== batch.topic || message.partition !== batch.partition) return;
        if (progressed !== undefined && BigInt(message.offset) <= BigInt(progressed)) return;
        progressed = message.offset;
        resolveOffset(message.offset);
      };
      const revoked = new AbortController();
      this.inFlight.add(revoked);
      // Long handlers (one retrying through a Redis outage) must not cost the membership: heartbeat (kafkajs
      // throttles it) while waiting. Once the group rebalances, the member has rebalanceTimeout to rejoin, which
      // it can only do after this batch returns: revoke the chunk so a retrying handler gives it back.
      const beat = setInterval(() => {
        if (!isRunning() || isStale()) revoked.abort(new Error('partition revoked'));
        heartbeat().catch((error: unknown) => {
          if (isRebalanceError(error)) revoked.abort(error);
          this.logger.debug({ err: error }, 'heartbeat during a batch failed; the group is rebalancing');
        });
      }, Math.max(100, Math.floor(this.settings.heartbeatInterval / 2)));
      this.stats.delivered += chunk.length;
      try {
        await this.handler(chunk, onProgress, revoked.signal);
      } catch (error) {
        this.redeliverLater(consumer, batch, progressed, chunk[0]?.offset ?? last.offset, error);
        return;
      } finally {
        open = false;
        clearInterval(beat);
        this.inFlight.delete(revoked);
      }
      this.failures.delete(partitionKey);
      resolveOffset(last.offset);
      try {
        await heartbeat();
      } catch (error) {
        // The group rebalances: commit what is resolved before kafkajs rejoins (it forgets resolved offsets).
        if (isRebalanceError(error)) await commitOffsetsIfNecessary(uncommittedOffsets()).catch(() => undefined);
        throw error;
      }
      // Commits only once commitIntervalMs passed since the last commit (or autoCommitThreshold offsets are resolved).
      await commitOffsetsIfNecessary();
    }
  }

  private redeliverLater(
    consumer: Consumer,
    batch: Batch,
    progressed: string | undefined,
    firstOffset: string,
    error: unknown,
  ): void {
    const key = `${batch.topic}/${batch.partition}`;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const backoff = backoffDelay({ attempt: failures, baseMs: this.settings.redeliveryBackoffMs, maxMs: this.settings.maxRedeliveryBackoffMs });
    const from = progressed === undefined ? firstOffset : (BigInt(progressed) + 1n).toString();
    this.logger.warn(
      { topic: batch.topic, partition: batch.partition, redeliverFrom: from, failures, backoffMs: backoff, error: errorMessage(error) },
      'batch handler failed; redelivering from the first unprocessed offset',
    );
    const partitions = [{ topic: batch.topic, partitions: [batch.partition] }];
    try {
      consumer.pause(partitions);
      consumer.seek({ topic: batch.topic, partition: batch.partition, offset: from });
    } catch (pauseError) {
      this.logger.warn({ err: pauseError }, 'could not pause or seek the failed partition');
    }
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      try {
        consumer.resume(partitions);
      } catch (resumeError) {
        // The consumer restarted or stopped meanwhile: the new one starts unpaused anyway.
        this.logger.debug({ err: resumeError }, 'could not resume the partition');
      }
    }, backoff);
    this.resumeTimers.add(timer);
  }
}

/** FNV-1a of the key: stable, so a key keeps its lane for the life of the process. */
function laneOfKey(key: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}

function toTopicPartitionOffsets(offsets: OffsetsByTopicPartition): TopicPartitionOffset[] {
  return offsets.topics.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
}

function toConsumedMessage(batch: Batch, message: KafkaMessage): ConsumedMessage {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key ? message.key.toString() : '',
    value: message.value ? message.value.toString() : '',
    headers: decodeHeaders(message.headers),
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  if (!headers) return decoded;
  for (const [name, raw] of Object.entries(headers)) {
    // Kafka allows repeated header names; the port has one value per name, so the last one wins.
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) decoded[name] = value.toString();
  }
  return decoded;
}

/**
 * Broker answers kafkajs retries by itself ("the coordinator is loading", "not the leader for that topic-partition"),
 * as kafkajs' own table marks them. A fresh broker or a leader move gives a few of them at every start.
 */
const RETRIED_BROKER_ERRORS = new Set(errorCodes.filter((code) => code.retriable).map((code) => code.message));

/**
 * kafkajs logs through pino, at the level kafkajs gives, but for answers our own code judges and broker refusals
 * kafkajs retries: those are warnings. Should the retries run out, the failed call reaches our code and is logged there.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const bindings: Record<string, unknown> = { namespace, ...extra };
      // kafkajs logs every CreateTopics answer with an error at error level, "already exists" included (every start
      // after the first). ensureTopics judges that answer itself and fails the start on a real refusal.
      if (level === logLevel.ERROR && message.startsWith('Response CreateTopics')) kafkaLogger.debug(bindings, message);
      else if (level === logLevel.ERROR && message.startsWith('Response ') && RETRIED_BROKER_ERRORS.has(String(extra['error']))) {
        kafkaLogger.warn(bindings, message);
      } else if (level === logLevel.ERROR) kafkaLogger.error(bindings, message);
      else if (level === logLevel.WARN) kafkaLogger.warn(bindings, message);
      else if (level === logLevel.INFO) kafkaLogger.info(bindings, message);
      else kafkaLogger.debug(bindings, message);
    };
}

const REBALANCE_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR']);

function isRebalanceError(error: unknown): boolean {
  return error instanceof Error && REBALANCE_TYPES.has(String((error as Error & { type?: unknown }).type));
}

/** How long topic creation keeps trying while the broker's metadata catches up. */
const TOPIC_METADATA_SETTLE_MS = 15_000;

function isMetadataNotSettled(error: unknown): boolean {
  const type = error instanceof Error ? (error as Error & { type?: unknown }).type : undefined;
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function isTopicAlreadyExists(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const withType = error as Error & { type?: unknown; errors?: unknown };
  if (withType.type === 'TOPIC_ALREADY_EXISTS') return true;
  return (
    Array.isArray(withType.errors) &&
    withType.errors.length > 0 &&
    withType.errors.every((inner: unknown) => inner instanceof Error && (inner as Error & { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS')
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
