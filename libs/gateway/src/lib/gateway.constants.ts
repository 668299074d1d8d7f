// DI tokens for GatewayModule's dependencies (all provided with useValue by GatewayModule.register).
export const GATEWAY_BUS = Symbol('GATEWAY_BUS');
export const GATEWAY_INTERACTION_STORE = Symbol('GATEWAY_INTERACTION_STORE');
export const GATEWAY_BRANDS = Symbol('GATEWAY_BRANDS');
export const GATEWAY_AGENTS = Symbol('GATEWAY_AGENTS');
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
export const GATEWAY_AUDIT_LOG = Symbol('GATEWAY_AUDIT_LOG');
export const GATEWAY_ASSIGNMENTS = Symbol('GATEWAY_ASSIGNMENTS');
export const GATEWAY_AGENT_STATES = Symbol('GATEWAY_AGENT_STATES');
export const GATEWAY_ROUTING_SNAPSHOTS = Symbol('GATEWAY_ROUTING_SNAPSHOTS');
export const GATEWAY_QUEUE_COUNTERS = Symbol('GATEWAY_QUEUE_COUNTERS');
export const GATEWAY_DISPOSITIONS = Symbol('GATEWAY_DISPOSITIONS');
export const GATEWAY_STANDARD_RESPONSES = Symbol('GATEWAY_STANDARD_RESPONSES');
export const GATEWAY_INTERACTION_SERIES = Symbol('GATEWAY_INTERACTION_SERIES');
export const GATEWAY_SUPERVISOR_FACTS = Symbol('GATEWAY_SUPERVISOR_FACTS');

// Consumer group ids (the per-replica fan-out groups routingPushGroup() & co. included) are declared beside
// the topics, in @perch/contracts' consumer-groups.constants.ts.

export const WS_PATH = '/ws';

/** WebSocket close code for "not (or no longer) signed in": no auth message in time, bad, expired, revoked or signed-out token. */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
