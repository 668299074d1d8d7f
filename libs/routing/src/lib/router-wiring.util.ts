import { type DynamicModule } from '@nestjs/common';
import { type EventBus } from '@perch/messaging';

import { newOutboxRelayCounters, type OutboxRelayCounters } from './outbox/outbox-relay.domain';
import { RouterModule } from './router.module';
import { type SkillRule } from './skill-rules.util';
import { type RoutingStore } from './store/routing-store.port';

export interface RouterWiringOptions {
  bus: EventBus;
  /** In memory for one process, in Redis for replicas; the router routes the store's tenant. */
  store: RoutingStore;
  /** How long an agent has to accept or decline an offer. */
  offerTimeoutMs: number;
  /** How often expired offers (and wrap-ups due) are looked for. */
  sweepIntervalMs: number;
  /** Not-ready reason codes a presence may carry (default DEFAULT_NOT_READY_REASONS; missed-offer is always allowed). */
  notReadyReasons?: readonly string[];
  /** Outbox: how long a change a dead replica took waits before another publishes it (ROUTER_OUTBOX_RECLAIM_MS). */
  outboxReclaimMs?: number;
  /** A conference's agents at most, counting the holder (default 2; ROUTER_CONFERENCE_MAX_AGENTS). */
  conferenceMaxAgents?: number;
  /** Requirement rules (ROUTER_SKILL_RULES): the first applying gives a new interaction its skill, level and widening. */
  skillRules?: readonly SkillRule[];
  /** Skill catalog (ROUTER_SKILLS): presences and rules naming another skill are refused. */
  skillCatalog?: readonly string[];
}

/** The router of one process: its Nest module, and its outbox relay's counters for /metrics. */
export interface RouterWiring {
  module: DynamicModule;
  outbox: OutboxRelayCounters;
}

/** The router's wiring, for its own app and for the embedded one: the apps pick the store and read the config. */
export function wireRouter(options: RouterWiringOptions): RouterWiring {
  const { bus, store, offerTimeoutMs, sweepIntervalMs, notReadyReasons, outboxReclaimMs, conferenceMaxAgents, skillRules, skillCatalog } = options;
  const outbox = newOutboxRelayCounters();
  return {
    outbox,
    module: RouterModule.register({
      bus,
      store,
      options: {
        tenant: store.tenant,
        offerTimeoutMs,
        sweepIntervalMs,
        ...(notReadyReasons === undefined ? {} : { notReadyReasons }),
        ...(outboxReclaimMs === undefined ? {} : { outboxReclaimMs }),
        outboxCounters: outbox,
        ...(conferenceMaxAgents === undefined ? {} : { conferenceMaxAgents }),
        ...(skillRules === undefined ? {} : { skillRules }),
        ...(skillCatalog === undefined ? {} : { skillCatalog }),
      },
    }),
  };
}
