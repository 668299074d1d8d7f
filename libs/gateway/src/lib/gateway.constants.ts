// DI tokens for GatewayModule's dependencies (all provided with useValue by GatewayModule.register).
export const GATEWAY_BUS = Symbol('GATEWAY_BUS');
export const GATEWAY_INTERACTION_STORE = Symbol('GATEWAY_INTERACTION_STORE');
export const GATEWAY_CORRECTION_STORE = Symbol('GATEWAY_CORRECTION_STORE');
export const GATEWAY_IDEMPOTENCY_STORE = Symbol('GATEWAY_IDEMPOTENCY_STORE');
export const GATEWAY_DEFERRED_OUTBOUND_STORE = Symbol('GATEWAY_DEFERRED_OUTBOUND_STORE');
export const GATEWAY_X_API = Symbol('GATEWAY_X_API');
export const GATEWAY_BRANDS = Symbol('GATEWAY_BRANDS');
export const GATEWAY_AGENTS = Symbol('GATEWAY_AGENTS');
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
export const GATEWAY_AUDIT_LOG = Symbol('GATEWAY_AUDIT_LOG');

// Consumer groups. One group per subscribed topic: Kafka clients handle members of one group with
// different subscriptions badly (kafkajs's assigners assume every member reads every topic).

/** Work sharing: one replica posts each outbound command. */
export const OUTBOUND_GROUP = 'gateway-outbound';
/** Work sharing: one replica writes each event into the InteractionStore. */
export const PROJECTOR_ROUTING_GROUP = 'gateway-projector-routing';
export const PROJECTOR_REPLIES_GROUP = 'gateway-projector-replies';
export const PROJECTOR_CORRECTIONS_GROUP = 'gateway-projector-corrections';
/** Work sharing: one replica keeps each classification correction in the CorrectionStore. */
export const CORRECTIONS_RECORDER_GROUP = 'gateway-corrections-recorder';
/** Work sharing: one replica writes each routing decision and each effect on X into the audit log. */
export const AUDIT_ROUTING_GROUP = 'gateway-audit-routing';
export const AUDIT_OUTBOUND_GROUP = 'gateway-audit-outbound';

/** Fan-out: every replica sees every routing event, to push it to whichever agents are connected here. */
export function routingPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}`;
}

/** Fan-out: every replica sees every reply outcome. */
export function repliesPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-replies`;
}

/** Fan-out: every replica sees every classification correction. */
export function correctionsPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-corrections`;
}

export const WS_PATH = '/ws';

/** WebSocket close code for "not (or no longer) signed in": no auth message in time, bad, expired, revoked or signed-out token. */
export const WS_CLOSE_UNAUTHENTICATED = 4401;

/**
 * The longest the outbound worker's X client waits in the Kafka handler for a rate-limit window; a longer
 * wait defers the command instead (kept aside until due; the partition goes on). Pass it to the RateLimitBudget.
 */
export const OUTBOUND_MAX_INLINE_WAIT_MS = 2_000;
