import { type InboundSource as InboundSourceKind, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { errorMessage, type Logger, newId } from '@perch/platform';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { type DedupeStore } from './dedupe/dedupe-store.port';
import { type InboundSource, type SourceProblem } from './inbound-source.port';
import { type TweetNormalizer } from './tweet-normalizer';

export interface IngestorCounters {
  received: number;
  published: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  failed: number;
}

/** Source → normalize → drop duplicates → publish x.inbound.received.v1. */
export class IngestorService {
  readonly counters: IngestorCounters = { received: 0, published: 0, duplicates: 0, ignored: 0, deadLettered: 0, failed: 0 };
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sources: readonly InboundSource[],
    private readonly normalizer: TweetNormalizer,
    private readonly dedupe: DedupeStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    for (const source of this.sources) {
      await source.start({
        onTweet: (result, receivedAt, kind) => this.track(this.ingest(result, receivedAt, kind)),
        onProblem: (problem) => void this.track(this.deadLetter(problem)).catch(() => undefined),
      });
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.stop()));
    await Promise.allSettled([...this.inFlight]);
  }

  /** Exposed for tests and for sources that hand over tweets directly. */
  async ingest(result: TweetV2SingleStreamResult, receivedAt: number, kind: InboundSourceKind = 'stream'): Promise<void> {
    this.counters.received += 1;
    const normalized = this.normalizer.normalize(result, receivedAt, kind);
    if (normalized.kind === 'invalid') {
      await this.deadLetter({ reason: normalized.reason, raw: JSON.stringify(result) });
      return;
    }
    if (normalized.kind === 'ignored') {
      this.counters.ignored += 1;
      return;
    }
    const { message } = normalized;
    if (!(await this.dedupe.firstSeen(message.messageId))) {
      this.counters.duplicates += 1;
      return;
    }
    const correlationId = newId();
    try {
      await this.bus.publish(Topics.InboundReceived, message, { correlationId });
      this.counters.published += 1;
      this.logger.debug({ correlationId, tweetId: message.messageId, brand: message.brandUsername }, 'tweet ingested');
    } catch (error) {
      // Release the claim so that the same tweet, seen again (reconnect, backfill), is not dropped as a duplicate.
      await this.dedupe.forget(message.messageId).catch(() => undefined);
      this.counters.failed += 1;
      this.logger.error({ err: error, tweetId: message.messageId }, 'could not publish tweet');
      throw error;
    }
  }

  private async deadLetter(problem: SourceProblem): Promise<void> {
    await this.bus.deadLetterExternal(Topics.InboundReceived, {
      sourceTopic: 'x.stream',
      partition: 0,
      offset: '-1',
      key: 'x.stream',
      value: problem.raw,
      headers: {},
      consumerGroup: 'ingestor',
      reason: problem.reason,
      problems: [],
      attempts: 1,
    });
    this.counters.deadLettered += 1;
    this.logger.warn({ reason: problem.reason }, 'unusable stream message dead-lettered');
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
