import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { DEFAULT_CONFERENCE_MAX_AGENTS, MAX_CONFERENCE_AGENTS } from '@perch/contracts';
import { type LoggingEnv } from '@perch/platform';

import { DEFAULT_APP_WRAP_UP_MS, MAX_WRAP_UP_MS } from './routing.constants';
import { type SkillRule, skillConfigProblems, skillOptionsOf } from './skill-rules.util';

/** The router's policy variables, read under the same names by every app that runs a router (router, embedded mode). */
export interface RouterPolicyEnv {
  ROUTER_OFFER_TIMEOUT_MS: number;
  ROUTER_CONFERENCE_MAX_AGENTS: number;
  ROUTER_WRAP_UP_MS: number;
  ROUTER_SKILL_RULES?: string;
  ROUTER_SKILLS?: string;
  ROUTER_STICKY_WINDOW_MS: number;
  ROUTER_STICKY_WAIT_MS: number;
  /** The router's skill rules and catalog (validated). */
  skillOptions(): { skillRules?: SkillRule[]; skillCatalog?: string[] };
}

/**
 * An app's environment class with the router's policy variables added, validated by the same rules with the same
 * defaults in every app (a mixin, since each app's environment extends its own base: RedisEnv, LoggingEnv…).
 */
export function withRouterPolicyEnv<T extends LoggingEnv>(Base: new () => T): new () => T & RouterPolicyEnv {
  class RouterPolicyFields extends (Base as new () => LoggingEnv) implements RouterPolicyEnv {
    @Type(() => Number)
    @IsInt()
    @Min(1000)
    @Max(600_000)
    ROUTER_OFFER_TIMEOUT_MS = 30_000;

    /** A conference's agents at most, counting the holder: 2 = the holder and one guest. The gateway must use the same. */
    @Type(() => Number)
    @IsInt()
    @Min(2)
    @Max(MAX_CONFERENCE_AGENTS)
    ROUTER_CONFERENCE_MAX_AGENTS = DEFAULT_CONFERENCE_MAX_AGENTS;

    /** After-interaction work: how long a completion keeps a ready agent in wrap-up (no offers) before ready again; 0 = none. */
    @Type(() => Number)
    @IsInt()
    @Min(0)
    @Max(MAX_WRAP_UP_MS)
    ROUTER_WRAP_UP_MS = DEFAULT_APP_WRAP_UP_MS;

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
          typeof value === 'string' && skillConfigProblems(value, (args?.object as RouterPolicyEnv | undefined)?.ROUTER_SKILLS).length === 0,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? skillConfigProblems(args.value, (args.object as RouterPolicyEnv).ROUTER_SKILLS).join('; ')
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

    skillOptions(): { skillRules?: SkillRule[]; skillCatalog?: string[] } {
      return skillOptionsOf(this.ROUTER_SKILL_RULES, this.ROUTER_SKILLS);
    }
  }
  return RouterPolicyFields as unknown as new () => T & RouterPolicyEnv;
}
