// Read-only: who holds an interaction, for the gateway's checks before an agent acts (docs/adr/0013).
export * from './lib/assignments/assignment-reader.port';
export * from './lib/assignments/routing-store-assignment-reader.adapter';
// Read-only: an agent's state and work as the router holds them, for the desktop's presence (docs/adr/0016).
export * from './lib/assignments/agent-state-reader.port';
export * from './lib/assignments/routing-store-agent-state-reader.adapter';
// Read-only: supervisors' live view of the router's state, and their counters from its lifecycle events.
export * from './lib/assignments/redis-routing-snapshot-reader.adapter';
export * from './lib/assignments/routing-snapshot-reader.port';
export { compareQueues, queueKeyOf, queueOfKey } from './lib/assignments/routing-snapshot.util';
export * from './lib/supervision/memory-queue-counter-store.adapter';
export * from './lib/supervision/queue-counter-store.port';
export * from './lib/supervision/queue-counters-projector.domain';
export * from './lib/supervision/redis-queue-counter-store.adapter';
export { RECORD_COUNTER_FACT_SCRIPT } from './lib/supervision/queue-counters.script';
export * from './lib/priority.util';
export * from './lib/routing.constants';
export * from './lib/routing.errors';
export * from './lib/routing.types';
// Skills with levels, requirement rules and the skill catalog (ROUTER_SKILL_RULES, ROUTER_SKILLS).
export * from './lib/skill-rules.util';
// The router's policy variables, with the same rules in every app that runs a router.
export * from './lib/router-env.config';
export * from './lib/router/router.domain';
// The transactional outbox: the router's state changes and the events announcing them (docs/adr/0019).
export * from './lib/outbox/routing-change.types';
export { DEFAULT_OUTBOX_RECLAIM_MS, newOutboxRelayCounters, OutboxRelay, type OutboxRelayCounters } from './lib/outbox/outbox-relay.domain';
export { eventsOfChange, outboxEventId, type PlannedEvent } from './lib/outbox/routing-events.util';
export * from './lib/store/memory/memory-routing-store.adapter';
export * from './lib/store/redis/redis-routing-store.adapter';
export { routingKeys, type RoutingKeys } from './lib/store/redis/routing-keys.util';
export { INTERACTION_FIELDS } from './lib/store/redis/routing-fields.constants';
export * from './lib/store/routing-store.port';
export { MAX_AGENT_CAPACITY } from './lib/store/routing-store.util';
export * from './lib/router.module';
export * from './lib/router-wiring.util';
