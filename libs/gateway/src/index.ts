export * from './lib/gateway-deps.types';
export * from './lib/gateway-migrations.constants';
export * from './lib/gateway.constants';
export * from './lib/gateway.errors';
export * from './lib/gateway.module';
export * from './lib/gateway-wiring.util';
export * from './lib/gateway-role.util';
export * from './lib/http/openapi.util';
export * from './lib/http/perch-exception.filter';
export * from './lib/http/roles.guard';
export * from './lib/interactions/outbound-actions.service';
export * from './lib/supervisor/interaction-series-store.port';
export * from './lib/supervisor/memory-interaction-series-store.adapter';
export * from './lib/supervisor/redis-interaction-series-store.adapter';
export * from './lib/supervisor/redis-supervisor-facts-writer.adapter';
export * from './lib/supervisor/per-store-supervisor-facts-writer.adapter';
export * from './lib/supervisor/supervisor-facts-writer.port';
export * from './lib/supervisor/supervisor-series.types';
export * from './lib/supervisor/supervisor-view.types';
export { type AgentSocketStats, AgentSocketHub } from './lib/ws/agent-socket-hub.service';
export { DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT, RestIntakeGate, type RestIntakeStats } from './lib/http/rest-intake-gate.util';
export * from './lib/ws/push-store-guard.util';
export { GatewayGauges, type GatewayGaugeSource } from './lib/gateway-gauges.util';
export * from './lib/ws/ws-messages.types';
// Test support (no test framework inside): the module on a random port with memory adapters and a
// stand-in router, and a desktop's socket as a test sees it. Used by this library's spec, the agent
// desktop's e2e spec and the repository's e2e journeys.
