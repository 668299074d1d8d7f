import { performance } from 'node:perf_hooks';

import {
  ContractViolationError,
  createEnvelope,
  deadLetterTopicOf,
  decodeEvents,
  type DeadLetterRecord,
  encodeEvent,
  type EventEnvelope,
  type PayloadOf,
  topicDefinition,
  type TopicName,
  validatePayload,
} from '@perch/contracts';
import {
  backoffDelay,
  classifyFailure,
  type Clock,
  errorMessage,
  type Logger,
  PerchError,
  RetryableError,
  systemClock,
  ValidationFailedError,
} from '@perch/platform';

import { MessagingErrorCode } from '../messaging.errors';
import { type ConsumedMessage, type ConsumerHandle, type Transport } from '../port/transport.port';
import { REPLAY_GROUP_HEADER } from '../replay/dead-letter-replay.constants';
import {
  type DeliveryMeta,
  type EventHandler,
  type EventPublisher,
  type PublishContext,
} from './event-publisher.port';
import { type EventHandlingObserver } from './event-handling-observer.port';
import { linkAbortSignals, sharedAbortController } from './linked-abort-signal.util';

export interface EventBusOptions {
  /** Service name written into every envelope. */
  producer: string;
  logger: Logger;
  /**
   * How long a transient failure (RetryableError, Redis / PostgreSQL / Kafka unreachable) is retried before
   * the message is dead-lettered. The default, 5 minutes, rides out a restart or failover of a minute or more.
   */
  retryBudgetMs?: number;
  /** Attempts for a failure of unknown kind (not typed, not an outage) before it is dead-lettered. */
  maxAttempts?: number;
  /** Exponential backoff with full jitter between these bounds (see backoffDelay). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Overrides the backoff before retry n (1-based); tests use it to retry without waiting. */
  retryDelayMs?: (attempt: number) => number;
  /** Time source for the retry budget, and how the bus waits between attempts (tests simulate both). */
  clock?: Clock;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Keys handled at once within one batch (DEFAULT_KEY_CONCURRENCY); messages of one key always run in order. */
  keyConcurrency?: number;
  /** Told of every event handled (its wait on the topic, its handling time), each retry and each dead letter: the app's metrics; none by default. */
  observer?: EventHandlingObserver;
}

/**
 * Keys of one partition's batch handled at once, in either mode: handlers that wait on Redis, PostgreSQL or nothing
 * gain nothing past a few per partition, and each one more in flight is memory under a burst (ADR 36). A subscription
 * whose handlers wait on a slow remote sets its own (SubscribeOptions.keyConcurrency).
 */
export const DEFAULT_KEY_CONCURRENCY = 16;

export interface SubscribeOptions {
  fromBeginning?: boolean;
  /**
   * Retired groups this one takes over (a consolidation, see ConsumerFanIn): before the first start the group is
   * seeded from their lowest committed offsets (Transport.seedGroup), and their dead letters' replays are its own.
   */
  replaces?: readonly string[];
  /**
   * Keys this subscription handles at once within a batch, over the bus's keyConcurrency: for handlers that wait on
   * a slow remote (X) rather than on Redis or PostgreSQL, where many in flight cost memory and buy nothing.
   */
  keyConcurrency?: number;
}

/** A handler per topic, for one group reading them all (EventBus.subscribeTopics). */
export type TopicHandlers = { [T in TopicName]?: EventHandler<T> };

export interface BusCounters {
  published: number;
  handled: number;
  retried: number;
  deadLettered: number;
  dropped: number;
}

/**
 * The typed layer over a Transport: envelopes, validation at both edges, dead-lettering and retries.
 * It is identical whichever adapter runs underneath, so embedded and distributed modes behave alike.
 */
export class EventBus implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly retryBudgetMs: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly clock: Clock;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted by stop(): handlers waiting to retry give their batch back instead of holding the shutdown. */
  private readonly stopping = sharedAbortController();
  private readonly keyConcurrency: number;
  private readonly handles: ConsumerHandle[] = [];
  /** Group → the retired groups whose replayed dead letters it handles (SubscribeOptions.replaces). */
  private readonly replayAliases = new Map<string, ReadonlySet<string>>();
  private readonly debug: boolean;
  readonly counters: BusCounters = { published: 0, handled: 0, retried: 0, deadLettered: 0, dropped: 0 };
  /** Logged once: an observer that throws would otherwise log on every event. */
  private observerFailed = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: EventBusOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBudgetMs = options.retryBudgetMs ?? 5 * 60_000;
    const baseMs = options.retryBaseDelayMs ?? 200;
    const maxMs = options.retryMaxDelayMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => backoffDelay({ attempt, baseMs, maxMs }));
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? abortableSleep;
    this.keyConcurrency = options.keyConcurrency ?? DEFAULT_KEY_CONCURRENCY;
    this.debug = options.logger.isLevelEnabled('debug');
  }

  async publish<T extends TopicName>(
    topic: T,
    payload: PayloadOf<T>,
    context: PublishContext,
  ): Promise<EventEnvelope<PayloadOf<T>>> {
    validatePayload(topic, payload);
    const envelope = createEnvelope(topic, payload, context, this.options.producer);
    await this.transport.send(topic, [
      {
        key: topicDefinition(topic).keyOf(payload),
        value: encodeEvent(envelope),
        headers: { 'correlation-id': envelope.correlationId, 'event-id': envelope.eventId },
      },
    ]);
    this.counters.published += 1;
    return envelope;
  }

  /**
   * Every message is validated before the handler sees it. A message that breaks its contract,
   * or whose handler fails permanently or too often, goes to `<topic>.dlq` and the consumer goes on.
   */
  async subscribe<T extends TopicName>(
    topic: T,
    groupId: string,
    handler: EventHandler<T>,
    options: SubscribeOptions = {},
  ): Promise<ConsumerHandle> {
    return this.subscribeTopics(groupId, { [topic]: handler } as TopicHandlers, options);
  }

  /**
   * One group reading several topics, each message to its topic's handler, validated against that topic's contract
   * and dead-lettered to that topic's `.dlq` like subscribe(). One consumer instead of one per topic: one fetch
   * loop, one heartbeat, one commit for all of them. For a group whose members all read the same topics (Kafka
   * clients handle members of one group with different subscriptions badly), e.g. a group of one (a replica's own).
   */
  async subscribeTopics(groupId: string, handlers: TopicHandlers, options: SubscribeOptions = {}): Promise<ConsumerHandle> {
    const topics = Object.keys(handlers) as TopicName[];
    if (topics.length === 0) throw new RangeError(`subscribeTopics: group ${groupId} needs at least one topic`);
    if (options.replaces && options.replaces.length > 0) {
      // Before joining: a group with committed offsets is never seeded again, so this runs once per partition.
      for (const topic of topics) await this.transport.seedGroup(groupId, options.replaces, topic);
      this.replayAliases.set(groupId, new Set(options.replaces));
    }
    const keyConcurrency = options.keyConcurrency ?? this.keyConcurrency;
    if (!Number.isInteger(keyConcurrency) || keyConcurrency < 1) throw new RangeError(`subscribeTopics: group ${groupId} keyConcurrency ${keyConcurrency} is not a positive integer`);
    const handle = await this.transport.consume(
      { groupId, topics, ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }) },
      async (messages, _onProgress, revoked) => {
        // A batch is one partition's, so one topic's.
        const topic = messages[0]?.topic as TopicName | undefined;
        const handler = topic === undefined ? undefined : (handlers[topic] as EventHandler<TopicName> | undefined);
        if (topic === undefined || handler === undefined) {
          if (topic !== undefined) this.options.logger.error({ topic, groupId }, 'a batch of a topic this group has no handler for');
          return;
        }
        // Not AbortSignal.any: on Node 20 the bus's long-lived stop signal would keep one derived signal per batch.
        const batch = linkAbortSignals([revoked, this.stopping.signal]);
        try {
          await this.handleBatch(topic, groupId, messages, handler, batch.signal, keyConcurrency);
        } finally {
          batch.release();
        }
      },
    );
    this.handles.push(handle);
    return handle;
  }

  /** For producers at the edge (the ingestor) that receive bad input that never was an event. */
  async deadLetterExternal(topic: TopicName, record: Omit<DeadLetterRecord, 'failedAt'>): Promise<void> {
    await this.sendDeadLetter(topic, { ...record, failedAt: new Date().toISOString() }, {});
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }

  private async handleBatch<T extends TopicName>(
    topic: T,
    groupId: string,
    messages: readonly ConsumedMessage[],
    handler: EventHandler<T>,
    revoked: AbortSignal,
    keyConcurrency: number,
  ): Promise<void> {
    // Order matters per key only (one conversation, one agent); distinct keys run concurrently so a
    // partition's throughput is not bounded by one handler's round trips.
    const byKey = new Map<string, ConsumedMessage[]>();
    for (const message of messages) {
      const list = byKey.get(message.key);
      if (list) list.push(message);
      else byKey.set(message.key, [message]);
    }
    const queues = [...byKey.values()];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queues.length) {
        const queue = queues[next++];
        if (!queue) break;
        for (const message of queue) await this.handleOne(topic, groupId, message, handler, revoked);
      }
    };
    await Promise.all(Array.from({ length: Math.min(keyConcurrency, queues.length) }, worker));
  }

  private async handleOne<T extends TopicName>(
    topic: T,
    groupId: string,
    message: ConsumedMessage,
    handler: EventHandler<T>,
    revoked: AbortSignal,
  ): Promise<void> {
    // A replayed dead letter is addressed to the group that failed it; every other group handled the original.
    const replayGroup = message.headers?.[REPLAY_GROUP_HEADER];
    if (replayGroup !== undefined && replayGroup !== groupId && !this.replayAliases.get(groupId)?.has(replayGroup)) {
      this.counters.dropped += 1;
      return;
    }
    let events: EventEnvelope<PayloadOf<T>>[];
    try {
      events = decodeEvents(topic, message.value);
    } catch (error) {
      if (error instanceof ContractViolationError) {
        await this.deadLetter(topic, groupId, message, error.reason, [...error.problems], 1);
        return;
      }
      throw error;
    }
    // Mostly one; an offer that also announces its interaction's creation is two, handled in order (ADR 0035).
    for (const event of events) await this.handleEvent(topic, event, groupId, message, handler, revoked);
  }

  /** A failing observer loses its figures, never the event: it is told after the handler succeeded, outside its retries. */
  private tell(observer: EventHandlingObserver, topic: TopicName, groupId: string, waitedMs: number, handlingMs: number): void {
    try {
      observer.handled(topic, groupId, waitedMs, handlingMs);
    } catch (error) {
      this.observerFailedWith(error, topic, groupId);
    }
  }

  /** A retry or a dead letter, told the same way (off the hot path). */
  private tellSetAside(what: 'retried' | 'deadLettered', topic: TopicName, groupId: string): void {
    const observer = this.options.observer;
    if (observer === undefined) return;
    try {
      observer[what](topic, groupId);
    } catch (error) {
      this.observerFailedWith(error, topic, groupId);
    }
  }

  private observerFailedWith(error: unknown, topic: TopicName, groupId: string): void {
    if (this.observerFailed) return;
    this.observerFailed = true;
    this.options.logger.warn({ err: error, topic, groupId }, 'the event handling observer failed: its figures are missing from here on (the events are not)');
  }

  /** Runs the handler on one event until it succeeds, is dropped or dead-lettered (with the message it came in). */
  private async handleEvent<T extends TopicName>(
    topic: T,
    event: EventEnvelope<PayloadOf<T>>,
    groupId: string,
    message: ConsumedMessage,
    handler: EventHandler<T>,
    revoked: AbortSignal,
  ): Promise<void> {
    // Made only when something is logged: a pino child costs about 2 µs, and most events log nothing.
    const log = (): Logger => this.options.logger.child({ correlationId: event.correlationId, eventId: event.eventId, topic });
    const firstAttemptAt = this.clock.now();
    const observer = this.options.observer;
    // A monotonic sub-millisecond start, read only when someone is told: most handlers take well under 1 ms.
    const startedAt = observer === undefined ? 0 : performance.now();
    for (let attempt = 1; ; attempt += 1) {
      const meta: DeliveryMeta = {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        attempt,
      };
      try {
        await handler(event, meta);
        this.counters.handled += 1;
        // The wait runs from the broker's timestamp (the send, on the producer's clock) to the first attempt.
        if (observer !== undefined) this.tell(observer, topic, groupId, Math.max(0, firstAttemptAt - message.timestamp), performance.now() - startedAt);
        if (this.debug) log().debug({ partition: message.partition, offset: message.offset }, 'event handled');
        return;
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure === 'drop') {
          this.counters.dropped += 1;
          log().debug({ reason: errorMessage(error) }, 'event dropped');
          return;
        }
        const elapsedMs = this.clock.now() - firstAttemptAt;
        const giveUp =
          failure === 'permanent'
            ? `${failureCode(error)}: ${errorMessage(error)}`
            : failure === 'unknown' && attempt >= this.maxAttempts
              ? `gave up after ${attempt} attempts (unclassified error): ${errorMessage(error)}`
              : failure === 'transient' && elapsedMs >= this.retryBudgetMs
                ? `gave up after ${attempt} attempts over ${Math.round(elapsedMs / 1000)} s: ${errorMessage(error)}`
                : undefined;
        if (giveUp !== undefined) {
          const problems = error instanceof ValidationFailedError || error instanceof ContractViolationError ? [...error.problems] : [];
          log().warn({ err: error, attempt, failure }, 'event dead-lettered');
          await this.deadLetter(topic, groupId, message, giveUp, problems, attempt);
          return;
        }
        // The batch is not ours any more (stop, rebalance): give it back uncommitted, it comes again.
        if (revoked.aborted) throw new RetryableError<MessagingErrorCode>(`gave the batch back while retrying: ${errorMessage(error)}`, MessagingErrorCode.ConsumerRevoked);
        this.counters.retried += 1;
        this.tellSetAside('retried', topic, groupId);
        log().warn({ err: error, attempt, failure, elapsedMs }, 'event handling failed, retrying');
        try {
          await this.sleep(this.retryDelayMs(attempt), revoked);
        } catch {
          throw new RetryableError<MessagingErrorCode>(`gave the batch back while retrying: ${errorMessage(error)}`, MessagingErrorCode.ConsumerRevoked);
        }
      }
    }
  }

  private async deadLetter(
    topic: TopicName,
    groupId: string,
    message: ConsumedMessage,
    reason: string,
    problems: DeadLetterRecord['problems'],
    attempts: number,
  ): Promise<void> {
    const record: DeadLetterRecord = {
      sourceTopic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
      consumerGroup: groupId,
      reason,
      problems,
      attempts,
      failedAt: new Date().toISOString(),
    };
    // If this send fails the batch is not committed and comes back: the message is never lost.
    await this.sendDeadLetter(message.topic, record, message.headers ?? {});
    this.options.logger.warn({ topic: message.topic, offset: message.offset, reason }, 'message dead-lettered');
    this.tellSetAside('deadLettered', topic, groupId);
  }

  private async sendDeadLetter(topic: string, record: DeadLetterRecord, headers: Record<string, string>): Promise<void> {
    await this.transport.send(deadLetterTopicOf(topic), [{ key: record.key, value: JSON.stringify(record), headers }]);
    this.counters.deadLettered += 1;
  }
}

/** How a dead letter's reason starts: the error's code, so the DLQ can be grepped by it. */
function failureCode(error: unknown): string {
  if (error instanceof PerchError) return error.code;
  // A handler that publishes an invalid event: classifyFailure calls it permanent (no retry can fix our bug).
  return error instanceof ContractViolationError ? MessagingErrorCode.ContractViolation : 'error';
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
