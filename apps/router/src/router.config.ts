import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy } from 'class-validator';
import { DEFAULT_CONFERENCE_MAX_AGENTS, DEFAULT_NOT_READY_REASONS, MAX_CONFERENCE_AGENTS, parseNotReadyReasons } from '@perch/contracts';
import {
  DEFAULT_AGING_STEP_MS,
  DEFAULT_APP_WRAP_UP_MS,
  DEFAULT_DECLINE_MEMORY_MS,
  DEFAULT_OUTBOX_RECLAIM_MS,
  MAX_AGING_STEP_MS,
  MAX_WRAP_UP_MS,
  type RoutingStoreOptions,
  type SkillRule,
  skillConfigProblems,
  skillOptionsOf,
} from '@perch/routing';
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

  /** After-interaction work: how long a completion keeps a ready agent in wrap-up (no offers) before ready again; 0 = none. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_WRAP_UP_MS)
  ROUTER_WRAP_UP_MS = DEFAULT_APP_WRAP_UP_MS;

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

  /** A conference's agents at most, counting the holder: 2 = the holder and one guest. The gateway must use the same. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(MAX_CONFERENCE_AGENTS)
  ROUTER_CONFERENCE_MAX_AGENTS = DEFAULT_CONFERENCE_MAX_AGENTS;

  /** Not-ready reason codes an agent or supervisor may give ("break,meeting"); missed-offer, the router's own, is always allowed. */
  @ValidateBy({
    name: 'notReadyReasons',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseNotReadyReasons(value) !== undefined,
      defaultMessage: () => 'ROUTER_NOT_READY_REASONS must be a comma-separated list of codes like break,meeting (lower-case words joined by dashes, at most 32 characters each)',
    },
  })
  ROUTER_NOT_READY_REASONS = DEFAULT_NOT_READY_REASONS.join(',');

  /**
   * Requirement rules, JSON: [{"when": {"brand": "acme_support", "lang": "fr", "sentiment": "negative", "actionability":
   * "actionable"}, "require": "language:fr", "minLevel": 2, "widenAfterMs": 60000, "widenTo": "language:any"}, …]. The
   * FIRST rule whose conditions all hold gives a new interaction its required skill (at minLevel; widened to widenTo,
   * level 1, '' = none, after widenAfterMs). Checked at start-up, each bad rule named.
   */
  @IsOptional()
  @ValidateBy({
    name: 'skillRules',
    validator: {
      validate: (value: unknown, args) =>
        typeof value === 'string' && skillConfigProblems(value, (args?.object as RouterConfig | undefined)?.ROUTER_SKILLS).length === 0,
      defaultMessage: (args) =>
        typeof args?.value === 'string'
          ? skillConfigProblems(args.value, (args.object as RouterConfig).ROUTER_SKILLS).join('; ')
          : 'ROUTER_SKILL_RULES must be a JSON array of rules',
    },
  })
  ROUTER_SKILL_RULES?: string;

  /** Optional skill catalog ("language:fr,language:en,brand:acme_support"): presences and rules naming another skill are refused. */
  @IsOptional()
  @ValidateBy({
    name: 'skillCatalog',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && skillConfigProblems(undefined, value).length === 0,
      defaultMessage: () => skillConfigProblems(undefined, '').join('; '),
    },
  })
  ROUTER_SKILLS?: string;

  /**
   * Sticky agent: a customer (same author to the same brand account) whose last interaction was completed within this
   * window goes first to the agent who completed it. 0 = off (the default).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 60 * 60 * 1000)
  ROUTER_STICKY_WINDOW_MS = 0;

  /** How long such an interaction waits for its last agent (ready with room) before anyone eligible may take it. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(60 * 60 * 1000)
  ROUTER_STICKY_WAIT_MS = 30_000;

  /** The router's skill rules and catalog (validated above). */
  skillOptions(): { skillRules?: SkillRule[]; skillCatalog?: string[] } {
    return skillOptionsOf(this.ROUTER_SKILL_RULES, this.ROUTER_SKILLS);
  }

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
