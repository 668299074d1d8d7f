// ┌──────────────────────────────────────────────────────────────────────────────────────┐
// │ THESE CONSUMER GROUP IDS ARE LIVE INFRASTRUCTURE. Never rename or reuse one: Kafka     │
// │ keeps each group's committed offsets under its id, so a renamed group starts again    │
// │ from the earliest offset and replays its whole topic (replies posted twice, routing    │
// │ redone, audit entries doubled). A group that must change gets a migration plan.        │
// └──────────────────────────────────────────────────────────────────────────────────────┘
// One group per subscribed topic: Kafka clients handle members of one group with different subscriptions
// badly (kafkajs's assigners assume every member reads every topic).

/** Work sharing: every replica of a service joins the same group, so each event is handled once. */
export const ConsumerGroups = {
  /** classifier: x.inbound.received.v1. */
  Classifier: 'classifier',
  /** router: x.inbound.classified.v1. */
  RouterClassified: 'router.classified',
  /** router: agent.command.v1. */
  RouterCommands: 'router.commands',
  /** Outbound worker, one replica posts each command: x.outbound.requested.v1. */
  Outbound: 'gateway-outbound',
  // The gateway's lifecycle groups: ONE shared group per topic whose handler runs every shared handler of the
  // gateway for that event (projector, audit, counters, corrections recorder), see ConsumerFanIn in @perch/messaging.
  // Each started from the lowest committed offset of the retired groups it replaces (ConsumerFanIn seeds it).
  /** routing.interaction.v1: projector, audit, supervisors' counters (replaces ProjectorRouting, AuditRouting, SupervisorCounters). */
  GatewayRouting: 'gateway.routing.interaction.v1',
  /** x.outbound.completed.v1: projector, audit (replaces ProjectorReplies, AuditOutbound). */
  GatewayReplies: 'gateway.x.outbound.completed.v1',
  /** classification.corrected.v1: projector, corrections recorder (replaces ProjectorCorrections, CorrectionsRecorder). */
  GatewayCorrections: 'gateway.classification.corrected.v1',
  // RETIRED in the gateway (one group per handler, before the lifecycle groups above). Kept, never reused: they seed
  // the groups that replace them, their dead letters replay into those groups, and a module booted on its own (its
  // spec, a process with only that part) still runs in them.
  /** Interaction view projector, one replica writes each event into the InteractionStore. */
  ProjectorRouting: 'gateway-projector-routing',
  ProjectorReplies: 'gateway-projector-replies',
  ProjectorCorrections: 'gateway-projector-corrections',
  /** One replica keeps each classification correction in the CorrectionStore: classification.corrected.v1. */
  CorrectionsRecorder: 'gateway-corrections-recorder',
  /** One replica writes each routing decision (routing.interaction.v1) and each effect on X into the audit log. */
  AuditRouting: 'gateway-audit-routing',
  AuditOutbound: 'gateway-audit-outbound',
  /** One replica counts each lifecycle event into supervisors' per-queue counters (routing.interaction.v1). */
  SupervisorCounters: 'gateway-supervisor-counters',
  /** The dead-letter replay tool's group on `<topic>.dlq`: its committed offsets are what makes a replay run once. */
  DeadLetterReplay: 'perch-dlq-replay',
} as const;
export type ConsumerGroupId = (typeof ConsumerGroups)[keyof typeof ConsumerGroups];

// Fan-out: one group per gateway replica, so that every replica sees every event and pushes it to the agents
// connected to it. The replica id is part of the group id: keep a replica's id stable across its restarts.

/**
 * The gateway replica's ONE fan-out group, reading every topic it pushes from (routing.interaction, routing.agent,
 * x.outbound.completed, classification.corrected): its handler for each runs every push handler of the replica for
 * that topic (agent sockets, supervisor sockets). One consumer per replica instead of one per topic: one fetch loop,
 * heartbeat and commit. Safe in one group because the group is the replica's alone. Starts at the latest offset, like
 * the groups it replaces (gatewayFanOutGroup and the per-handler ones below, RETIRED: their offsets simply expire).
 */
export function gatewayPushGroup(replicaId: string): string {
  return `gateway-push-${replicaId}`;
}

/** RETIRED (by gatewayPushGroup): the replica's fan-out group of one topic. */
export function gatewayFanOutGroup(replicaId: string, topic: string): string {
  return `gateway-ws-${replicaId}.${topic}`;
}

/** Every gateway replica sees every routing event (routing.interaction.v1). */
export function routingPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}`;
}

/** Every gateway replica sees every reply outcome (x.outbound.completed.v1). */
export function repliesPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-replies`;
}

/** Every gateway replica sees every classification correction (classification.corrected.v1). */
export function correctionsPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-corrections`;
}

/** Every gateway replica sees every agent state change (routing.agent.v1), for that agent's desktops. */
export function agentStatePushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-agents`;
}

/** Every gateway replica sees every routing event (routing.interaction.v1): what changed, for its supervisors' sockets. */
export function supervisorPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-supervisor`;
}

/** Every gateway replica sees every agent state change (routing.agent.v1): whom to re-read, for its supervisors' sockets. */
export function supervisorAgentsPushGroup(replicaId: string): string {
  return `gateway-ws-${replicaId}-supervisor-agents`;
}

/** Where the dead letters of `group` (or of every group) are read from: each filter keeps its own position. */
export function replayCursorGroup(group?: string): string {
  return group ? `${ConsumerGroups.DeadLetterReplay}.${group}` : ConsumerGroups.DeadLetterReplay;
}
