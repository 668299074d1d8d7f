// Read-only: who holds an interaction, for the gateway's checks before an agent acts (docs/adr/0013).
export * from './lib/assignments/assignment-reader.port';
export * from './lib/assignments/routing-store-assignment-reader.adapter';
export * from './lib/priority.util';
export * from './lib/routing.constants';
export * from './lib/routing.errors';
export * from './lib/routing.types';
export * from './lib/router/router.domain';
export * from './lib/store/memory/memory-routing-store.adapter';
export * from './lib/store/redis/redis-routing-store.adapter';
export { routingKeys, type RoutingKeys } from './lib/store/redis/routing-keys.util';
export { type RedisClient } from './lib/store/redis/lua-script.util';
export * from './lib/store/routing-store.port';
export { MAX_AGENT_CAPACITY } from './lib/store/routing-store.util';
export * from './lib/router.module';
export * from './lib/router-wiring.util';
