import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy } from 'class-validator';
import { DEFAULT_NOT_READY_REASONS, parseNotReadyReasons } from '@perch/contracts';
import {
  DEFAULT_AGING_STEP_MS,
  DEFAULT_DECLINE_MEMORY_MS,
  DEFAULT_OUTBOX_RECLAIM_MS,
  MAX_AGING_STEP_MS,
  type RoutingStoreOptions,
  withRouterPolicyEnv,
} from '@perch/routing';
import { RedisEnv } from '@perch/service-kit';

/** The router's environment; validated once at start-up (its policy variables shared with the embedded mode). */
export class RouterConfig extends withRouterPolicyEnv(RedisEnv) {
  override HTTP_PORT = 3103;

  /** Routing state of one tenant (a contact center); every router replica of it shares the same Redis keys. */
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'ROUTER_TENANT may hold letters, digits, dash and underscore' })
  ROUTER_TENANT = 'default';

  /** At most 500 ms: the README promises offer timeouts acted on within 1 s of the deadline. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(500)
  ROUTER_SWEEP_INTERVAL_MS = 500;

  /** How long a decline or a missed offer keeps an interaction from that agent; after it the agent may be offered it again. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(24 * 60 * 60 * 1000)
  ROUTER_DECLINE_MEMORY_MS = DEFAULT_DECLINE_MEMORY_MS;

  /** Aging: one priority level is worth this much waiting (an interaction outranks one a level higher that came a step later). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(MAX_AGING_STEP_MS)
  ROUTER_AGING_STEP_MS = DEFAULT_AGING_STEP_MS;

  /** Optional: agents with this skill may also take an interaction that every signed-in eligible agent declined. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  ROUTER_OVERFLOW_SKILL?: string;

  /**
   * How long a state change read from the outbox by a router replica and not acknowledged (it died while publishing)
   * waits before another replica publishes it; well below the offer timeout, so an offer made just before a crash still
   * reaches its agent in time.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  ROUTER_OUTBOX_RECLAIM_MS = DEFAULT_OUTBOX_RECLAIM_MS;

  /** Not-ready reason codes an agent or supervisor may give ("break,meeting"); missed-offer, the router's own, is always allowed. */
  @ValidateBy({
    name: 'notReadyReasons',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseNotReadyReasons(value) !== undefined,
      defaultMessage: () => 'ROUTER_NOT_READY_REASONS must be a comma-separated list of codes like break,meeting (lower-case words joined by dashes, at most 32 characters each)',
    },
  })
  ROUTER_NOT_READY_REASONS = DEFAULT_NOT_READY_REASONS.join(',');

  /** The configured not-ready reason codes. */
  notReadyReasons(): string[] {
    return parseNotReadyReasons(this.ROUTER_NOT_READY_REASONS) ?? [...DEFAULT_NOT_READY_REASONS];
  }

  /** The routing store's policy; every replica of a tenant must run with the same (scores and declines live in Redis). */
  routingStoreOptions(): RoutingStoreOptions {
    return {
      declineMemoryMs: this.ROUTER_DECLINE_MEMORY_MS,
      agingStepMs: this.ROUTER_AGING_STEP_MS,
      wrapUpMs: this.ROUTER_WRAP_UP_MS,
      ...(this.ROUTER_OVERFLOW_SKILL === undefined ? {} : { overflowSkill: this.ROUTER_OVERFLOW_SKILL }),
      ...(this.ROUTER_STICKY_WINDOW_MS === 0 ? {} : { stickyWindowMs: this.ROUTER_STICKY_WINDOW_MS, stickyWaitMs: this.ROUTER_STICKY_WAIT_MS }),
    };
  }
}
