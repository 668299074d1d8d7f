import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundFailure,
  type OutboundRequestedPayload,
  Topics,
} from '@perch/contracts';
import { type DeliveryMeta, type EventPublisher } from '@perch/messaging';
import {
  type Clock,
  createLogger,
  dispositionOf,
  errorMessage,
  type Logger,
  PerchError,
  RetryableError,
  systemClock,
} from '@perch/platform';

import { type BrandAccount } from '../brands/brand-account.types';
import { type OutboundIdempotencyStore } from './outbound-idempotency-store.port';
import { type XPosterPort } from './x-poster.port';

export interface OutboundWorkerOptions {
  idempotency: OutboundIdempotencyStore;
  x: XPosterPort;
  brands: readonly BrandAccount[];
  publisher: EventPublisher;
  /** Names this worker's claims; unique per process. */
  workerId: string;
  /** How long a claim protects a command from other workers; must exceed one X round trip by far. */
  leaseMs?: number;
  /**
   * The bus attempt on which a retryable failure is reported as 'failed' instead of retried. Set it to
   * the bus's maxAttempts, so the agent hears about an X outage rather than the command being
   * dead-lettered in silence.
   */
  giveUpAfterAttempts?: number;
  clock?: Clock;
  logger?: Logger;
  /** Injected so tests can wait on a busy claim without real time. */
  sleep?: (ms: number) => Promise<void>;
}

/** How often a worker looks again at a command another worker is busy with. */
const BUSY_POLL_MS = 250;

/**
 * Carries out x.outbound.requested.v1 exactly once per command id as far as Perch can tell: the
 * command is claimed first; a redelivered command that is done republishes the recorded
 * x.outbound.completed.v1 instead of posting again. Transient X failures are rethrown so the bus
 * retries; X's refusals become a 'failed' result with X's reason, which the agent sees.
 */
export class OutboundWorker {
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly leaseMs: number;
  private readonly giveUpAfterAttempts: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OutboundWorkerOptions) {
    this.brands = new Map(options.brands.map((brand) => [brand.id, brand]));
    this.leaseMs = options.leaseMs ?? 30_000;
    this.giveUpAfterAttempts = options.giveUpAfterAttempts ?? 5;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger('outbound-worker');
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async handle(event: EventEnvelope<OutboundRequestedPayload>, meta?: Pick<DeliveryMeta, 'attempt'>): Promise<void> {
    const command = event.payload;
    const log = this.logger.child({ correlationId: event.correlationId, commandId: command.commandId });
    const claimed = await this.claim(command.commandId, log);
    if (claimed.status === 'done') {
      log.info('outbound command already carried out; republishing its result');
      await this.publish(event, claimed.result);
      return;
    }
    if (claimed.attempt > 1) {
      // The previous holder may have posted before it vanished: ask X before posting again.
      const earlier = await this.findEarlierReply(command, log);
      if (earlier) {
        log.warn({ attempt: claimed.attempt, tweetId: earlier.tweetId }, 'reclaimed command was already on X; not posting again');
        const recorded = await this.options.idempotency.complete(command.commandId, this.result(command, earlier));
        await this.publish(event, recorded);
        return;
      }
      log.warn({ attempt: claimed.attempt }, 'reclaimed an outbound command whose previous claim lapsed; not on X, posting');
    }
    const result = await this.execute(command, meta?.attempt ?? 1, log);
    const recorded = await this.options.idempotency.complete(command.commandId, result);
    await this.publish(event, recorded);
  }

  private async claim(
    commandId: string,
    log: Logger,
  ): Promise<{ status: 'claimed'; attempt: number } | { status: 'done'; result: OutboundCompletedPayload }> {
    // A busy claim is either a concurrent duplicate (finishes soon) or a crashed worker's (lapses after
    // the lease): waiting here, rather than failing, keeps the bus's small retry budget for X outages.
    const deadline = this.clock.now() + this.leaseMs + BUSY_POLL_MS;
    for (;;) {
      const claim = await this.options.idempotency.claim(commandId, this.options.workerId, this.leaseMs);
      if (claim.status !== 'in-progress') return claim;
      if (this.clock.now() >= deadline) {
        throw new RetryableError(`outbound command ${commandId} is still held by another worker`, 'outbound-busy');
      }
      log.debug({ leaseRemainingMs: claim.leaseRemainingMs }, 'outbound command busy elsewhere; waiting');
      await this.sleep(Math.max(1, Math.min(BUSY_POLL_MS, claim.leaseRemainingMs)));
    }
  }

  private async findEarlierReply(command: OutboundRequestedPayload, log: Logger): Promise<{ tweetId: string; text: string } | undefined> {
    const brand = this.brands.get(command.brandAccountId);
    if (!brand || command.inReplyToTweetId === undefined || !this.options.x.findReply) return undefined;
    try {
      return await this.options.x.findReply({
        brandToken: brand.token,
        brandId: brand.id,
        inReplyToTweetId: command.inReplyToTweetId,
        text: command.text,
      });
    } catch (error) {
      // Not knowing is not a licence to post twice: let the bus retry the whole command later.
      await this.options.idempotency.release(command.commandId, this.options.workerId);
      log.warn({ err: error }, 'could not check X for an earlier reply');
      throw error instanceof PerchError ? error : new RetryableError(errorMessage(error), 'x-unavailable');
    }
  }

  private async execute(command: OutboundRequestedPayload, attempt: number, log: Logger): Promise<OutboundCompletedPayload> {
    const brand = this.brands.get(command.brandAccountId);
    if (!brand) {
      return this.result(command, {
        failure: { code: 'unknown-brand-account', detail: `No token is configured for brand account ${command.brandAccountId}` },
      });
    }
    try {
      const posted = await this.options.x.postTweet({
        brandToken: brand.token,
        text: command.text,
        ...(command.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: command.inReplyToTweetId }),
      });
      log.info({ tweetId: posted.tweetId }, 'posted to X');
      return this.result(command, { tweetId: posted.tweetId, text: posted.text });
    } catch (error) {
      if (dispositionOf(error) === 'retry') {
        await this.options.idempotency.release(command.commandId, this.options.workerId);
        if (attempt < this.giveUpAfterAttempts) throw error;
        log.warn({ err: error, attempt }, 'X stayed unavailable; reporting the reply as failed');
        return this.result(command, { failure: failureOf(error, 'x-unavailable') });
      }
      log.info({ err: error }, 'X refused the outbound command');
      return this.result(command, { failure: failureOf(error, 'x-refused') });
    }
  }

  private result(
    command: OutboundRequestedPayload,
    outcome: { tweetId: string; text: string } | { failure: OutboundFailure },
  ): OutboundCompletedPayload {
    return {
      commandId: command.commandId,
      kind: command.kind,
      brandAccountId: command.brandAccountId,
      agentId: command.agentId,
      ...(command.interactionId === undefined ? {} : { interactionId: command.interactionId }),
      ...(command.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: command.inReplyToTweetId }),
      ...('tweetId' in outcome
        ? { status: 'sent' as const, tweetId: outcome.tweetId, text: outcome.text }
        : { status: 'failed' as const, text: command.text, failure: outcome.failure }),
      completedAt: this.clock.now(),
    };
  }

  private async publish(event: EventEnvelope<OutboundRequestedPayload>, result: OutboundCompletedPayload): Promise<void> {
    await this.options.publisher.publish(Topics.OutboundCompleted, result, {
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
  }
}

/** X's own words where X refused: the x-client puts them in details.detail, else the message has them. */
function failureOf(error: unknown, fallbackCode: string): OutboundFailure {
  const details = error instanceof PerchError ? error.details : undefined;
  const detail = typeof details?.['detail'] === 'string' ? details['detail'] : errorMessage(error);
  const status = details?.['httpStatus'] ?? details?.['status'];
  return {
    code: error instanceof PerchError && error.code !== 'permanent' && error.code !== 'retryable' ? error.code : fallbackCode,
    detail: detail.slice(0, 2000),
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
  };
}
