import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundFailure,
  type OutboundRequestedPayload,
  Topics,
} from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import {
  assertUnreachable,
  type Clock,
  createLogger,
  DeferredError,
  dispositionOf,
  errorMessage,
  type Logger,
  PerchError,
  PlatformErrorCode,
  RetryableError,
  systemClock,
  ValidationFailedError,
} from '@perch/platform';
import { type BrandAccount, type FollowResult, type PostedTweet, type SentDm, XErrorCode, type XRateLimit } from '@perch/x-client';

import { type DeferredOutboundStore } from './deferred-outbound-store.port';
import { KeyedConcurrencyLimit } from './keyed-concurrency-limit.util';
import { type OutboundIdempotencyStore } from './outbound-idempotency-store.port';
import { DEFAULT_OUTBOUND_BRAND_CONCURRENCY } from './outbound.constants';
import { OutboundErrorCode } from './outbound.errors';
import { type XActionsPort } from './x-actions.port';

export interface OutboundWorkerOptions {
  idempotency: OutboundIdempotencyStore;
  /** Where commands X cannot take yet wait until due (an OutboundRedriver puts them back on the topic). */
  deferred: DeferredOutboundStore;
  x: XActionsPort;
  brands: readonly BrandAccount[];
  publisher: EventPublisher;
  /** Names this worker's claims; unique per process. */
  workerId: string;
  /** How long a claim protects a command from other workers; must exceed one X round trip by far. */
  leaseMs?: number;
  /**
   * How long after the agent's request an X outage (5xx, network) is still waited out, with backoff;
   * after that the command is reported failed so the agent hears of it. Default 10 minutes.
   */
  giveUpAfterMs?: number;
  /**
   * How long after the agent's request a spent rate-limit window is still waited for. X's windows are
   * 15 minutes (DMs also have a daily cap), so the default is one hour.
   */
  rateLimitGiveUpAfterMs?: number;
  /**
   * Calls to X at once for one brand in this process (its commands arrive in parallel, one conversation after
   * another): bounds the sockets a burst opens. Default DEFAULT_OUTBOUND_BRAND_CONCURRENCY.
   */
  brandConcurrency?: number;
  clock?: Clock;
  logger?: Logger;
  /** Injected so tests can wait on a busy claim without real time. */
  sleep?: (ms: number) => Promise<void>;
}

/** How often a worker looks again at a command another worker is busy with. */
const BUSY_POLL_MS = 250;
/** Longer than this, a busy claim is not waited for in the handler: the command is deferred. */
const BUSY_WAIT_IN_HANDLER_MS = 2_000;
const MIN_OUTAGE_BACKOFF_MS = 1_000;
const MAX_OUTAGE_BACKOFF_MS = 60_000;
/** After X's reset second (the header has one-second resolution), as the x-client's budget does. */
const RESET_MARGIN_MS = 250;

/**
 * Carries out x.outbound.requested.v1 (reply, post, DM, follow, unfollow) exactly once per command id
 * as far as Perch can tell: the command is claimed first; a redelivered command that is done
 * republishes the recorded x.outbound.completed.v1 instead of acting again. X's refusals become a
 * 'failed' result with X's reason, which the agent sees.
 *
 * Nothing waits long inside the handler: a spent rate-limit window, an X outage or a command busy in
 * another worker defers the command: it is kept in the DeferredOutboundStore until due, its offset is
 * committed, and the partition goes on with every other brand's commands. Outages are retried with backoff for giveUpAfterMs, rate
 * limits waited for rateLimitGiveUpAfterMs, both counted from the agent's request.
 *
 * One brand's commands run in parallel (the topic is keyed by conversation), at most brandConcurrency calls to X
 * at once per brand here. When X answers 429 (or remaining 0) the brand's window for that endpoint is paused in
 * the DeferredOutboundStore, shared by the replicas: their parallel workers defer the brand's next commands until
 * the reset instead of drawing more 429s.
 */
export class OutboundWorker {
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly leaseMs: number;
  private readonly giveUpAfterMs: number;
  private readonly rateLimitGiveUpAfterMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly perBrand: KeyedConcurrencyLimit;

  constructor(private readonly options: OutboundWorkerOptions) {
    this.brands = new Map(options.brands.map((brand) => [brand.id, brand]));
    this.leaseMs = options.leaseMs ?? 30_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 10 * 60_000;
    this.rateLimitGiveUpAfterMs = options.rateLimitGiveUpAfterMs ?? 60 * 60_000;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger('outbound-worker');
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.perBrand = new KeyedConcurrencyLimit(options.brandConcurrency ?? DEFAULT_OUTBOUND_BRAND_CONCURRENCY);
  }

  async handle(event: EventEnvelope<OutboundRequestedPayload>): Promise<void> {
    const command = event.payload;
    const log = this.logger.child({ correlationId: event.correlationId, commandId: command.commandId, kind: command.kind });
    try {
      await this.carryOut(event, log);
    } catch (error) {
      if (!(error instanceof DeferredError)) throw error;
      // Kept aside until due, so this partition goes on with every other brand's commands meanwhile.
      const retryAt = this.clock.now() + error.retryAfterMs;
      await this.options.deferred.defer(event, retryAt);
      log.info({ retryAt, reason: error.code }, 'outbound command deferred');
      // The agent hears why the action waits and until when, instead of staring at "sending" for 15 minutes.
      if (error.code !== OutboundErrorCode.Busy) await this.publish(event, this.waiting(command, error, retryAt));
    }
  }

  private async carryOut(event: EventEnvelope<OutboundRequestedPayload>, log: Logger): Promise<void> {
    const command = event.payload;
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
    const result = await this.execute(command, log);
    const recorded = await this.options.idempotency.complete(command.commandId, result);
    await this.publish(event, recorded);
  }

  private waiting(command: OutboundRequestedPayload, deferral: DeferredError<string>, retryAt: number): OutboundCompletedPayload {
    return {
      ...this.result(command, { failure: { code: deferral.code, detail: deferral.message } }),
      status: 'waiting',
      retryAt,
    };
  }

  private async claim(
    commandId: string,
    log: Logger,
  ): Promise<{ status: 'claimed'; attempt: number } | { status: 'done'; result: OutboundCompletedPayload }> {
    // A busy claim is a concurrent duplicate (finishes soon: waited for here) or a crashed worker's
    // (lapses with its lease: deferred until then, so this partition's other commands are not held up).
    const deadline = this.clock.now() + BUSY_WAIT_IN_HANDLER_MS;
    for (;;) {
      const claim = await this.options.idempotency.claim(commandId, this.options.workerId, this.leaseMs);
      if (claim.status !== 'in-progress') return claim;
      if (this.clock.now() >= deadline) {
        throw new DeferredError<OutboundErrorCode>(`outbound command ${commandId} is held by another worker`, claim.leaseRemainingMs + BUSY_POLL_MS, OutboundErrorCode.Busy);
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
      return await this.perBrand.run(brand.id, () => this.lookOnX(command, brand, text));
    } catch (error) {
      // Not knowing is not a licence to act twice: come back to the whole command later.
      await this.options.idempotency.release(command.commandId, this.options.workerId);
      log.warn({ err: error }, 'could not check X for an earlier attempt');
      if (dispositionOf(error) !== 'retry') throw error instanceof PerchError ? error : new RetryableError<XErrorCode>(errorMessage(error), XErrorCode.Unavailable);
      throw this.deferral(command, error) ?? error;
    }
  }

  private async lookOnX(command: OutboundRequestedPayload, brand: BrandAccount, text: string): Promise<Outcome | undefined> {
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
  }

  private async execute(command: OutboundRequestedPayload, log: Logger): Promise<OutboundCompletedPayload> {
    const brand = this.brands.get(command.brandAccountId);
    if (!brand) {
      return this.result(command, {
        failure: { code: OutboundErrorCode.UnknownBrandAccount, detail: `No token is configured for brand account ${command.brandAccountId}` },
      });
    }
    const scope = pauseScopeOf(command, brand);
    try {
      // Pauses are read and written inside the brand's slot: the command that gets the slot next sees a 429 met
      // by the one that held it.
      const outcome = await this.perBrand.run(brand.id, async () => {
        await this.refuseWhilePaused(scope, log);
        try {
          const done = await this.act(command, brand);
          await this.pauseWhenSpent(scope, done, log);
          return done;
        } catch (error) {
          if (isRateLimited(error)) await this.pause(scope, retryAfterOf(error), log);
          throw error;
        }
      });
      log.info({ ...('tweet' in outcome ? { tweetId: outcome.tweet.tweetId } : {}), ...('dm' in outcome ? { dmEventId: outcome.dm.dmEventId } : {}) }, 'carried out on X');
      return this.result(command, outcome);
    } catch (error) {
      if (dispositionOf(error) !== 'retry') {
        log.info({ err: error }, 'X refused the outbound command');
        return this.result(command, { failure: failureOf(error, XErrorCode.Refused) });
      }
      // A rate-limit wait or X's 429 means X did nothing; any other failure may have acted (a 503 after
      // creating the tweet), so the next claim will look on X first.
      await this.options.idempotency.release(command.commandId, this.options.workerId, { untouched: isRateLimited(error) });
      const deferral = this.deferral(command, error);
      if (deferral) {
        log.warn({ err: error, retryAfterMs: deferral.retryAfterMs }, 'X cannot take the command now; deferring it');
        throw deferral;
      }
      log.warn({ err: error }, 'X stayed unavailable past the deadline; reporting the command as failed');
      return this.result(command, { failure: failureOf(error, isRateLimited(error) ? XErrorCode.RateLimited : XErrorCode.Unavailable) });
    }
  }

  /** A paused window is treated as X's 429 would be (X did nothing): the command waits for the reset. */
  private async refuseWhilePaused(scope: string, log: Logger): Promise<void> {
    let pausedMs = 0;
    try {
      pausedMs = await this.options.deferred.pausedForMs(scope);
    } catch (error) {
      // The pause only spares X needless calls; X's own 429 and the budget still hold the window.
      log.warn({ err: error, scope }, 'could not read whether the brand is paused; asking X');
    }
    if (pausedMs > 0) {
      throw new RetryableError<XErrorCode>(`X's window ${scope} is spent for ${Math.ceil(pausedMs / 1000)} s more (paused by a worker X answered)`, XErrorCode.RateLimited, { scope, paused: true }, pausedMs);
    }
  }

  /** X said this call spent the window: the other replicas stop before drawing 429s. */
  private async pauseWhenSpent(scope: string, outcome: Outcome, log: Logger): Promise<void> {
    const rateLimit: XRateLimit | undefined = 'tweet' in outcome ? outcome.tweet.rateLimit : 'dm' in outcome ? outcome.dm.rateLimit : undefined;
    if (!rateLimit || rateLimit.remaining > 0) return;
    const untilReset = rateLimit.resetAt - this.clock.now() + RESET_MARGIN_MS;
    if (untilReset > 0) await this.pause(scope, untilReset, log);
  }

  private async pause(scope: string, forMs: number, log: Logger): Promise<void> {
    try {
      await this.options.deferred.pause(scope, forMs);
      log.warn({ scope, forMs }, "X's window for the brand is spent; its commands wait for the reset");
    } catch (error) {
      log.warn({ err: error, scope }, 'could not share the pause of the brand with the other workers');
    }
  }

  /**
   * When to come back to a command X could not take: after the rate-limit window's reset, or after a
   * backoff that grows with the outage; undefined once the command's deadline has passed.
   */
  private deferral(command: OutboundRequestedPayload, error: unknown): DeferredError<XErrorCode> | undefined {
    const elapsed = Math.max(0, this.clock.now() - command.requestedAt);
    if (isRateLimited(error)) {
      const wait = (error instanceof RetryableError ? error.retryAfterMs : undefined) ?? 60_000;
      if (elapsed + wait > this.rateLimitGiveUpAfterMs) return undefined;
      return new DeferredError<XErrorCode>(`waiting for X's rate-limit window (${Math.ceil(wait / 1000)} s)`, wait, XErrorCode.RateLimited);
    }
    if (elapsed >= this.giveUpAfterMs) return undefined;
    const backoff = Math.min(MAX_OUTAGE_BACKOFF_MS, Math.max(MIN_OUTAGE_BACKOFF_MS, Math.round(elapsed / 2)));
    return new DeferredError<XErrorCode>(`X unavailable: ${errorMessage(error)}`, backoff, XErrorCode.Unavailable);
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

function isRateLimited(error: unknown): boolean {
  return error instanceof RetryableError && error.code === XErrorCode.RateLimited;
}

function retryAfterOf(error: unknown): number {
  return (error instanceof RetryableError ? error.retryAfterMs : undefined) ?? 60_000;
}

/**
 * X's window a command spends, as the x-client's budget names it: one per brand and endpoint, so a spent DM
 * window (15 per 15 min) does not hold the brand's replies.
 */
export function pauseScopeOf(command: Pick<OutboundRequestedPayload, 'kind'>, brand: Pick<BrandAccount, 'id'>): string {
  switch (command.kind) {
    case 'reply':
    case 'post':
      return `${brand.id}:tweets.create`;
    case 'dm':
      return `${brand.id}:dm.send`;
    case 'follow':
      return `${brand.id}:users.follow`;
    case 'unfollow':
      return `${brand.id}:users.unfollow`;
    default:
      return assertUnreachable(command.kind);
  }
}

/** What X created or changed for one command. */
type Outcome = { tweet: PostedTweet } | { dm: SentDm } | { follow: FollowResult };

/** The contract requires these per kind, so a gap is a producer's bug: it fails the command with the reason. */
function requiredField(command: OutboundRequestedPayload, field: 'text' | 'inReplyToTweetId' | 'participantId'): string {
  const value = command[field];
  if (value === undefined) {
    throw new ValidationFailedError(`${command.kind} command ${command.commandId} has no ${field}`, [{ field, messages: ['required'] }]);
  }
  return value;
}

/** X's own words where X refused: the x-client puts them in details.detail, else the message has them. */
function failureOf(error: unknown, fallbackCode: XErrorCode): OutboundFailure {
  const details = error instanceof PerchError ? error.details : undefined;
  const detail = typeof details?.['detail'] === 'string' ? details['detail'] : errorMessage(error);
  const status = details?.['httpStatus'] ?? details?.['status'];
  return {
    code: error instanceof PerchError && error.code !== PlatformErrorCode.Permanent && error.code !== PlatformErrorCode.Retryable ? error.code : fallbackCode,
    detail: detail.slice(0, 2000),
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
  };
}
