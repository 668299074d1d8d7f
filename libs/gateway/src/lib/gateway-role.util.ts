import { type GatewayOptions } from './gateway-deps.types';

/**
 * What one gateway process runs (GATEWAY_ROLE, ADR 43). `all`: everything, as one process always did. `edge`: what
 * agents and supervisors talk to (REST, desktop, sockets and their pushes). `worker`: the Kafka-side work the
 * replicas share (the outbound worker, the projection, the corrections and audit recorders, supervisors' counters),
 * serving no one. Edges and workers scale apart; a cluster needs at least one of each, or processes with `all`.
 */
export const GATEWAY_ROLES = ['all', 'edge', 'worker'] as const;
export type GatewayRole = (typeof GATEWAY_ROLES)[number];

type RunFlags = NonNullable<GatewayOptions['run']>;

/** The parts of GatewayOptions.run a role turns off; the rest stay on (their default). */
export function gatewayRunOf(role: GatewayRole): RunFlags {
  switch (role) {
    case 'all':
      return {};
    case 'edge':
      return { outboundWorker: false, projector: false, correctionRecorder: false, auditRecorder: false, supervisorCounters: false };
    case 'worker':
      return { agentEdge: false };
  }
}
