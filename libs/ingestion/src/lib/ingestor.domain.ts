import { ContractViolationError, type InboundMessage, type InboundSource as InboundSourceKind, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { crashPoint, errorMessage, type Logger, newId, RetryableError } from '@perch/platform';
import { type ReceivedDirectMessage } from '@perch/x-client';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { type DedupeStore, DEFAULT_CLAIM_TTL_MS } from './dedupe/dedupe-store.port';
import { directMessageDedupeKey, DirectMessageNormalizer } from './direct-message-normalizer.domain';
import { type InboundSource, type SourceProblem } from './inbound-source.port';
import { IngestionErrorCode } from './ingestion.errors';
import { type TweetNormalizer } from './tweet-normalizer.domain';

export interface IngestorCounters {
  received: number;
  published: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  failed: number;
  /** Direct messages published (also counted in `published`). */
  dmPublished: number;
  /** Pauses while another delivery of the same message held its claim. */
  claimWaits: number;
  /** Published messages whose published mark could not be written (a redelivery may publish them again). */
  markFailures: number;
  /** Duplicates answered from this process's memory of what it published, without asking the dedupe store. */
  knownDuplicates: number;
}

export interface IngestorOptions {
  /** Default: one over the tweet normalizer's brands. */
  dmNormalizer?: DirectMessageNormalizer;
  /**
   * Longest wait for another delivery's claim on the same message before giving up (the source then keeps its cursor
   * or X delivers again). Should exceed the dedupe store's claim TTL, so that a crashed holder's claim lapses within it.
   */
  maxClaimWaitMs?: number;
  /**
   * How many ids this process remembers having published (0: none). The stream and the mentions poll see the same
   * tweets; the poll's second sighting is then dropped here instead of costing a dedupe-store round trip.
   */
  recentlyPublishedCapacity?: number;
}

/** Enough for a minute of the mentions poll's overlap at thousands of tweets a second, at about 100 bytes an id. */
export const DEFAULT_RECENTLY_PUBLISHED_CAPACITY = 200_000;

/** How often a claim held by another delivery is looked at again: that delivery normally publishes within milliseconds. */
const CLAIM_POLL_MS = 100;

/** The dead-letter record's sourceTopic for what a source delivered. */
function originOf(kind: InboundSourceKind): string {
  return kind === 'dm-webhook' || kind === 'tweet-webhook' ? 'x.account-activity' : kind === 'dm-poll' ? 'x.dm-events' : 'x.stream';
}

/** Source → normalize → drop duplicates → publish x.inbound.received.v1. */
export class IngestorService {
  readonly counters: IngestorCounters = {
    received: 0,
    published: 0,
    duplicates: 0,
    ignored: 0,
    deadLettered: 0,
    failed: 0,
    dmPublished: 0,
    claimWaits: 0,
    markFailures: 0,
    knownDuplicates: 0,
  };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dmNormalizer: DirectMessageNormalizer;
  private readonly maxClaimWaitMs: number;
  /** Insertion-ordered, so the oldest id is dropped first once it is full. Only ever a subset of the store's marks. */
  private readonly recentlyPublished = new Set<string>();
  private readonly recentlyPublishedCapacity: number;
  private stopping = false;

  constructor(
    private readonly sources: readonly InboundSource[],
    private readonly normalizer: TweetNormalizer,
    private readonly dedupe: DedupeStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    options: IngestorOptions = {},
  ) {
    this.dmNormalizer = options.dmNormalizer ?? new DirectMessageNormalizer(normalizer.brands);
    this.maxClaimWaitMs = options.maxClaimWaitMs ?? 2 * DEFAULT_CLAIM_TTL_MS;
    this.recentlyPublishedCapacity = options.recentlyPublishedCapacity ?? DEFAULT_RECENTLY_PUBLISHED_CAPACITY;
  }

  async start(): Promise<void> {
    this.stopping = false;
    for (const source of this.sources) {
      await source.start({
        onTweet: (result, receivedAt, kind) => this.track(this.ingest(result, receivedAt, kind)),
        onDirectMessage: (message, receivedAt, kind) => this.track(this.ingestDirectMessage(message, receivedAt, kind)),
        onProblem: (problem) => void this.track(this.deadLetter(problem)).catch(() => undefined),
      });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.sources.map((source) => source.stop()));
    await Promise.allSettled([...this.inFlight]);
  }

  /** Exposed for tests and for sources that hand over tweets directly. */
  async ingest(result: TweetV2SingleStreamResult, receivedAt: number, kind: InboundSourceKind = 'stream'): Promise<void> {
    this.counters.received += 1;
    const normalized = this.normalizer.normalize(result, receivedAt, kind);
    if (normalized.kind === 'invalid') {
      await this.deadLetter({ reason: normalized.reason, raw: JSON.stringify(result), origin: originOf(kind) });
      return;
    }
    if (normalized.kind === 'ignored') {
      this.counters.ignored += 1;
      return;
    }
    await this.publishOnce(normalized.message, normalized.message.messageId, JSON.stringify(result));
  }

  /** A direct message from the webhook or the DM poll: the same normalize → dedupe → publish path as tweets. */
  async ingestDirectMessage(dm: ReceivedDirectMessage, receivedAt: number, kind: InboundSourceKind): Promise<void> {
    this.counters.received += 1;
    const normalized = this.dmNormalizer.normalize(dm, receivedAt, kind);
    if (normalized.kind === 'invalid') {
      await this.deadLetter({ reason: normalized.reason, raw: JSON.stringify(dm), origin: originOf(kind) });
      return;
    }
    if (normalized.kind === 'ignored') {
      this.counters.ignored += 1;
      return;
    }
    if (await this.publishOnce(normalized.message, directMessageDedupeKey(dm.id), JSON.stringify(dm))) this.counters.dmPublished += 1;
  }

  /**
   * True when this call published the message, false when another delivery already had (or it was dead-lettered).
   * Claim (seconds) → publish → mark published (days): a crash after the claim lets the claim lapse, so the next poll
   * or redelivery publishes the message; a crash after the publish may publish it again, which the router drops by
   * messageId. Marking before publishing would instead hide the message for the whole retention window.
   */
  private async publishOnce(message: InboundMessage, dedupeKey: string, raw: string): Promise<boolean> {
    // Safe without the store: an id is remembered only after this process marked it published there.
    if (this.recentlyPublished.has(dedupeKey)) {
      this.counters.duplicates += 1;
      this.counters.knownDuplicates += 1;
      return false;
    }
    const token = await this.claim(dedupeKey);
    if (token === undefined) {
      this.counters.duplicates += 1;
      return false;
    }
    crashPoint('ingestor.after-claim');
    const correlationId = newId();
    try {
      await this.bus.publish(Topics.InboundReceived, message, { correlationId });
    } catch (error) {
      if (error instanceof ContractViolationError) {
        // No retry can fix it (e.g. a DM longer than the contract allows): kept in the dead letters, and marked done
        // so that a poll is not stuck on it for ever.
        await this.deadLetter({ reason: error.message, raw, origin: originOf(message.source) }, [...error.problems]);
        await this.markPublished(dedupeKey, message);
        return false;
      }
      // Release the claim so that the same message, seen again (reconnect, backfill, webhook retry), is not dropped as a duplicate.
      await this.dedupe.release(dedupeKey, token).catch(() => undefined);
      this.counters.failed += 1;
      this.logger.error({ correlationId, err: error, messageId: message.messageId, kind: message.kind }, 'could not publish message');
      throw error;
    }
    crashPoint('ingestor.after-publish');
    await this.markPublished(dedupeKey, message);
    this.counters.published += 1;
    this.logger.debug({ correlationId, messageId: message.messageId, kind: message.kind, source: message.source, brand: message.brandUsername }, 'message ingested');
    return true;
  }

  /**
   * The claim's token, or undefined when the message was already published. While another delivery holds the claim
   * this waits for it to end (published, released, or lapsed because its holder died) rather than calling the message
   * a duplicate: a poll would otherwise move its cursor past a message that might never be published.
   */
  private async claim(dedupeKey: string): Promise<string | undefined> {
    const deadline = Date.now() + this.maxClaimWaitMs;
    for (;;) {
      const claim = await this.dedupe.claim(dedupeKey);
      if (claim.status === 'claimed') return claim.token;
      if (claim.status === 'published') return undefined;
      if (this.stopping || Date.now() >= deadline) {
        // The source keeps its cursor (or X delivers again), and a later delivery finds the claim settled.
        throw new RetryableError<IngestionErrorCode>(`message ${dedupeKey} is being published by another delivery`, IngestionErrorCode.DedupeInFlight, { dedupeKey });
      }
      this.counters.claimWaits += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(claim.retryInMs, CLAIM_POLL_MS)));
    }
  }

  private async markPublished(dedupeKey: string, message: InboundMessage): Promise<void> {
    try {
      await this.dedupe.markPublished(dedupeKey);
      this.remember(dedupeKey);
    } catch (error) {
      // It is on Kafka already: failing the source would only make it bring the message again. The claim lapses, and a
      // later delivery may publish a duplicate, which the router drops by messageId.
      this.counters.markFailures += 1;
      this.logger.warn({ err: errorMessage(error), messageId: message.messageId }, 'published message could not be marked; a redelivery may publish it again');
    }
  }

  private remember(dedupeKey: string): void {
    if (this.recentlyPublishedCapacity === 0) return;
    this.recentlyPublished.add(dedupeKey);
    if (this.recentlyPublished.size > this.recentlyPublishedCapacity) {
      const oldest = this.recentlyPublished.values().next();
      if (oldest.done !== true) this.recentlyPublished.delete(oldest.value);
    }
  }

  private async deadLetter(problem: SourceProblem, problems: { field: string; messages: string[] }[] = []): Promise<void> {
    const origin = problem.origin ?? 'x.stream';
    await this.bus.deadLetterExternal(Topics.InboundReceived, {
      sourceTopic: origin,
      partition: 0,
      offset: '-1',
      key: origin,
      value: problem.raw,
      headers: {},
      consumerGroup: 'ingestor',
      reason: problem.reason,
      problems,
      attempts: 1,
    });
    this.counters.deadLettered += 1;
    this.logger.warn({ reason: problem.reason, origin }, 'unusable X message dead-lettered');
  }

  /** Keeps the work for a clean stop, logs its failure, and hands the outcome back to the source. */
  private track(work: Promise<void>): Promise<void> {
    const guarded = work.catch((error: unknown) => {
      this.logger.error({ err: errorMessage(error) }, 'ingest failed');
    });
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
    return work;
  }
}
