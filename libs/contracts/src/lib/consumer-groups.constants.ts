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
