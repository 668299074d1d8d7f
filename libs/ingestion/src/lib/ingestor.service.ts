import { ContractViolationError, type InboundMessage, type InboundSource as InboundSourceKind, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { errorMessage, type Logger, newId } from '@perch/platform';
import { type ReceivedDirectMessage } from '@perch/x-client';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { type DedupeStore } from './dedupe/dedupe-store.port';
import { directMessageDedupeKey, DirectMessageNormalizer } from './direct-message-normalizer';
import { type InboundSource, type SourceProblem } from './inbound-source.port';
import { type TweetNormalizer } from './tweet-normalizer';

export interface IngestorCounters {
  received: number;
  published: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  failed: number;
  /** Direct messages published (also counted in `published`). */
  dmPublished: number;
}

/** The dead-letter record's sourceTopic for what a source delivered. */
function originOf(kind: InboundSourceKind): string {
  return kind === 'dm-webhook' || kind === 'tweet-webhook' ? 'x.account-activity' : kind === 'dm-poll' ? 'x.dm-events' : 'x.stream';
}

/** Source → normalize → drop duplicates → publish x.inbound.received.v1. */
export class IngestorService {
  readonly counters: IngestorCounters = { received: 0, published: 0, duplicates: 0, ignored: 0, deadLettered: 0, failed: 0, dmPublished: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dmNormalizer: DirectMessageNormalizer;

  constructor(
    private readonly sources: readonly InboundSource[],
    private readonly normalizer: TweetNormalizer,
    private readonly dedupe: DedupeStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    dmNormalizer?: DirectMessageNormalizer,
  ) {
    this.dmNormalizer = dmNormalizer ?? new DirectMessageNormalizer(normalizer.brands);
  }

  async start(): Promise<void> {
    for (const source of this.sources) {
      await source.start({
        onTweet: (result, receivedAt, kind) => this.track(this.ingest(result, receivedAt, kind)),
        onDirectMessage: (message, receivedAt, kind) => this.track(this.ingestDirectMessage(message, receivedAt, kind)),
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

  /** True when this call published the message, false when another delivery already had (or it was dead-lettered). */
  private async publishOnce(message: InboundMessage, dedupeKey: string, raw: string): Promise<boolean> {
    if (!(await this.dedupe.firstSeen(dedupeKey))) {
      this.counters.duplicates += 1;
      return false;
    }
    const correlationId = newId();
    try {
      await this.bus.publish(Topics.InboundReceived, message, { correlationId });
      this.counters.published += 1;
      this.logger.debug(
        { correlationId, messageId: message.messageId, kind: message.kind, source: message.source, brand: message.brandUsername },
        'message ingested',
      );
      return true;
    } catch (error) {
      if (error instanceof ContractViolationError) {
        // No retry can fix it (e.g. a DM longer than the contract allows): kept in the dead letters, and the claim stays
        // so that a poll is not stuck on it for ever.
        await this.deadLetter({ reason: error.message, raw, origin: originOf(message.source) }, [...error.problems]);
        return false;
      }
      // Release the claim so that the same message, seen again (reconnect, backfill, webhook retry), is not dropped as a duplicate.
      await this.dedupe.forget(dedupeKey).catch(() => undefined);
      this.counters.failed += 1;
      this.logger.error({ correlationId, err: error, messageId: message.messageId, kind: message.kind }, 'could not publish message');
      throw error;
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
