import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundFailure,
  type OutboundRequestedPayload,
  Topics,
} from '@perch/contracts';
import { type DeliveryMeta, type EventPublisher } from '@perch/messaging';
import {
  assertUnreachable,
  type Clock,
  createLogger,
  dispositionOf,
  errorMessage,
  type Logger,
  PerchError,
  RetryableError,
  systemClock,
  ValidationFailedError,
} from '@perch/platform';

import { type BrandAccount } from '../brands/brand-account.types';
import { type OutboundIdempotencyStore } from './outbound-idempotency-store.port';
import { type FollowOutcome, type PostedTweet, type SentDm, type XActionsPort } from './x-actions.port';

export interface OutboundWorkerOptions {
  idempotency: OutboundIdempotencyStore;
  x: XActionsPort;
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
 * Carries out x.outbound.requested.v1 (reply, post, DM, follow, unfollow) exactly once per command id
 * as far as Perch can tell: the command is claimed first; a redelivered command that is done
 * republishes the recorded x.outbound.completed.v1 instead of acting again. Transient X failures are rethrown so the bus
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
    const log = this.logger.child({ correlationId: event.correlationId, commandId: command.commandId, kind: command.kind });
    const claimed = await this.claim(command.commandId, log);
    if (claimed.status === 'done') {
      log.info('outbound command already carried out; republishing its result');
      await this.publish(event, claimed.result);
      return;
    }
    if (claimed.attempt > 1) {
      // The previous holder may have acted before it vanished: ask X before acting again.
      const earlier = await this.findEarlier(command, log);
      if (earlier) {
        log.warn({ attempt: claimed.attempt }, 'reclaimed command was already carried out on X; not acting again');
        const recorded = await this.options.idempotency.complete(command.commandId, this.result(command, earlier));
        await this.publish(event, recorded);
        return;
      }
      log.warn({ attempt: claimed.attempt }, 'reclaimed an outbound command whose previous claim lapsed; not on X, acting');
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

  /** What X already holds for this command: only tweets and DMs can be doubled; follows are idempotent on X. */
  private async findEarlier(command: OutboundRequestedPayload, log: Logger): Promise<Outcome | undefined> {
    const brand = this.brands.get(command.brandAccountId);
    if (!brand || command.text === undefined) return undefined;
    const text = command.text;
    try {
      switch (command.kind) {
        case 'reply':
        case 'post': {
          const tweet = await this.options.x.findTweet({
            brandToken: brand.token,
            brandId: brand.id,
            text,
            ...(command.kind === 'reply' && command.inReplyToTweetId !== undefined ? { inReplyToTweetId: command.inReplyToTweetId } : {}),
          });
          return tweet ? { tweet } : undefined;
        }
        case 'dm': {
          if (command.participantId === undefined) return undefined;
          const dm = await this.options.x.findDm({ brandToken: brand.token, brandId: brand.id, participantId: command.participantId, text });
          return dm ? { dm } : undefined;
        }
        case 'follow':
        case 'unfollow':
          return undefined;
        default:
          return assertUnreachable(command.kind);
      }
    } catch (error) {
      // Not knowing is not a licence to act twice: let the bus retry the whole command later.
      await this.options.idempotency.release(command.commandId, this.options.workerId);
      log.warn({ err: error }, 'could not check X for an earlier attempt');
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
      const outcome = await this.act(command, brand);
      log.info({ ...('tweet' in outcome ? { tweetId: outcome.tweet.tweetId } : {}), ...('dm' in outcome ? { dmEventId: outcome.dm.dmEventId } : {}) }, 'carried out on X');
      return this.result(command, outcome);
    } catch (error) {
      if (dispositionOf(error) === 'retry') {
        await this.options.idempotency.release(command.commandId, this.options.workerId);
        if (attempt < this.giveUpAfterAttempts) throw error;
        log.warn({ err: error, attempt }, 'X stayed unavailable; reporting the action as failed');
        return this.result(command, { failure: failureOf(error, 'x-unavailable') });
      }
      log.info({ err: error }, 'X refused the outbound command');
      return this.result(command, { failure: failureOf(error, 'x-refused') });
    }
  }

  private async act(command: OutboundRequestedPayload, brand: BrandAccount): Promise<Outcome> {
    const x = this.options.x;
    switch (command.kind) {
      case 'reply':
      case 'post':
        return {
          tweet: await x.postTweet({
            brandToken: brand.token,
            text: requiredField(command, 'text'),
            ...(command.kind === 'reply' ? { inReplyToTweetId: requiredField(command, 'inReplyToTweetId') } : {}),
          }),
        };
      case 'dm':
        return {
          dm: await x.sendDm({ brandToken: brand.token, participantId: requiredField(command, 'participantId'), text: requiredField(command, 'text') }),
        };
      case 'follow':
      case 'unfollow': {
        const request = { brandToken: brand.token, brandId: brand.id, targetUserId: requiredField(command, 'participantId') };
        return { follow: command.kind === 'follow' ? await x.follow(request) : await x.unfollow(request) };
      }
      default:
        return assertUnreachable(command.kind);
    }
  }

  private result(command: OutboundRequestedPayload, outcome: Outcome | { failure: OutboundFailure }): OutboundCompletedPayload {
    const base = {
      commandId: command.commandId,
      kind: command.kind,
      brandAccountId: command.brandAccountId,
      agentId: command.agentId,
      ...(command.interactionId === undefined ? {} : { interactionId: command.interactionId }),
      ...(command.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: command.inReplyToTweetId }),
      ...(command.participantId === undefined ? {} : { participantId: command.participantId }),
      completedAt: this.clock.now(),
    };
    if ('failure' in outcome) {
      return { ...base, status: 'failed', ...(command.text === undefined ? {} : { text: command.text }), failure: outcome.failure };
    }
    if ('tweet' in outcome) return { ...base, status: 'sent', tweetId: outcome.tweet.tweetId, text: outcome.tweet.text };
    if ('dm' in outcome) {
      return {
        ...base,
        status: 'sent',
        dmEventId: outcome.dm.dmEventId,
        dmConversationId: outcome.dm.dmConversationId,
        ...(command.text === undefined ? {} : { text: command.text }),
      };
    }
    return { ...base, status: 'sent', following: outcome.follow.following, pendingFollow: outcome.follow.pendingFollow };
  }

  private async publish(event: EventEnvelope<OutboundRequestedPayload>, result: OutboundCompletedPayload): Promise<void> {
    await this.options.publisher.publish(Topics.OutboundCompleted, result, {
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
  }
}

/** What X created or changed for one command. */
type Outcome = { tweet: PostedTweet } | { dm: SentDm } | { follow: FollowOutcome };

/** The contract requires these per kind, so a gap is a producer's bug: it fails the command with the reason. */
function requiredField(command: OutboundRequestedPayload, field: 'text' | 'inReplyToTweetId' | 'participantId'): string {
  const value = command[field];
  if (value === undefined) {
    throw new ValidationFailedError(`${command.kind} command ${command.commandId} has no ${field}`, [{ field, messages: ['required'] }]);
  }
  return value;
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
