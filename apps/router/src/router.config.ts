import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DEFAULT_AGING_STEP_MS, DEFAULT_DECLINE_MEMORY_MS, MAX_AGING_STEP_MS, type RoutingStoreOptions } from '@perch/routing';
import { RedisEnv } from '@perch/service-kit';

/** The router's environment; validated once at start-up. */
export class RouterConfig extends RedisEnv {
  override HTTP_PORT = 3103;

  /** Routing state of one tenant (a contact center); every router replica of it shares the same Redis keys. */
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'ROUTER_TENANT may hold letters, digits, dash and underscore' })
  ROUTER_TENANT = 'default';

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  ROUTER_OFFER_TIMEOUT_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
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

  /** The routing store's policy; every replica of a tenant must run with the same (scores and declines live in Redis). */
  routingStoreOptions(): RoutingStoreOptions {
    return {
      declineMemoryMs: this.ROUTER_DECLINE_MEMORY_MS,
      agingStepMs: this.ROUTER_AGING_STEP_MS,
      ...(this.ROUTER_OVERFLOW_SKILL === undefined ? {} : { overflowSkill: this.ROUTER_OVERFLOW_SKILL }),
    };
  }
}
