import { type AgentDirectory } from '@perch/agents';
import { type AuditLog } from '@perch/audit';
import { type CorrectionStore, type DispositionStore, type InteractionStore, type StandardResponseStore } from '@perch/interactions';
import { type EventBus } from '@perch/messaging';
import {
  type CustomerLookupPort,
  type DeferredOutboundStore,
  type OutboundIdempotencyStore,
  type OutboundOptions,
  type XActionsPort,
} from '@perch/outbound';
import { type Clock } from '@perch/platform';
import { type AgentStateReader, type AssignmentReader, type QueueCounterStore, type RoutingSnapshotReader } from '@perch/routing';
import { type BrandAccount } from '@perch/x-client';

import { type ContactsGatewayDeps } from './contacts/contacts-deps.types';
import { type InteractionSeriesStore } from './supervisor/interaction-series-store.port';
import { type SupervisorFactsWriter } from './supervisor/supervisor-facts-writer.port';
import { type RestIntakeGate } from './http/rest-intake-gate.util';
import { type PushStoreGuard } from './ws/push-store-guard.util';

/** The edge's options plus those of the modules it wires (OutboundModule's are @perch/outbound's OutboundOptions). */
export interface GatewayOptions extends OutboundOptions {
  /** Unique per running gateway: names this replica's fan-out consumer group and its outbound claims. */
  replicaId: string;
  /** Folder with the agent desktop SPA as Vite built it (dist/apps/agent-desktop/www), served at / (docs/adr/0022). */
  desktopDir: string;
  /** WebSocket ping interval; a socket that missed one pong is closed. Default 25000. */
  heartbeatIntervalMs?: number;
  /**
   * After an agent's last socket on this replica closes, wait this long for a reconnect, then tell the router the
   * agent is offline (cause `disconnect`): its offers go to others, its assigned work stays with it, flagged to
   * supervisors. 0 disables. Default 60000 (GATEWAY_DISCONNECT_GRACE_MS in apps/gateway).
   */
  offlineGraceMs?: number;
  /**
   * The not-ready reason codes agents and supervisors may choose (default DEFAULT_NOT_READY_REASONS; the same list as
   * the router's ROUTER_NOT_READY_REASONS). missed-offer, which the router sets itself, is never offered as a choice.
   */
  notReadyReasons?: readonly string[];
  /**
   * A conference's agents at most, counting the holder (the router's ROUTER_CONFERENCE_MAX_AGENTS, 2..10): an invitation
   * beyond it is refused with 409 conference-full before anything is published. Default 2.
   */
  conferenceMaxAgents?: number;
  /**
   * The router's wrap-up after done (ROUTER_WRAP_UP_MS, same name in every app), told to the desktop by GET /api/config
   * so it can show the after-interaction work's time. 0: none. Default 0.
   */
  wrapUpMs?: number;
  /**
   * The disposition codes a brand starts with, until a supervisor manages its own (a brand with no codes gets them on
   * first use). Default DEFAULT_DISPOSITION_CODES (resolved, escalated, follow-up, no-action, spam); [] for none.
   */
  dispositionSeed?: readonly { code: string; label: string }[];
  /**
   * The router's skill catalog (ROUTER_SKILLS), when configured: a user an admin creates or changes with a skill outside
   * it is refused (400 naming skills), as GATEWAY_AGENTS is at start-up; the router would refuse their every presence.
   */
  skillCatalog?: readonly string[];
  /** How often each replica re-checks all its open sockets' tokens for revocations (one store round trip). Default 5000. */
  revocationCheckIntervalMs?: number;
  /**
   * Messages from agents' sockets (offer decisions) handled at once, per replica; past it, a message waits as it came
   * and its socket is not read until the queue is empty and half the bound is free (ADR 39). Default 256.
   */
  maxSocketMessagesInFlight?: number;
  /**
   * Requests to /api handled at once, per replica; past it, a request is refused at once with 503 gateway-busy and
   * Retry-After, before anything ran (ADR 41). Default 2048.
   */
  maxRestRequestsInFlight?: number;
  /** How long a new socket has to send its {type:'auth', token} message before it is closed (4401). Default 5000. */
  socketAuthTimeoutMs?: number;
  /**
   * How long a read of an interaction's view waits for the store to show what the agent's socket already said
   * (the projector trails the push by a few ms). Only reads wait: who may act is the router's record
   * (`assignments`), which is never behind the socket. 0 answers from the store at once. Default 1500.
   */
  consistencyWaitMs?: number;
  /**
   * Turn parts off to scale them separately (e.g. run the outbound worker elsewhere). All on by default.
   * `outboundWorker` is @perch/outbound's, `projector` and `correctionRecorder` (classification corrections kept
   * as training data) @perch/interactions', `auditRecorder` (routing decisions and effects on X into the audit
   * log) @perch/audit's.
   */
  run?: {
    outboundWorker?: boolean;
    projector?: boolean;
    correctionRecorder?: boolean;
    auditRecorder?: boolean;
    healthEndpoint?: boolean;
    /** Supervisors' per-queue counters from routing.interaction.v1 (in the gateway's shared group on it, ConsumerGroups.GatewayRouting). */
    supervisorCounters?: boolean;
    /**
     * What agents and supervisors talk to: the REST API, the desktop's files, the agents' WebSocket and the pushes to
     * it (this replica's fan-out group). Off in a worker (GATEWAY_ROLE=worker, ADR 43), which serves no one.
     */
    agentEdge?: boolean;
  };
  /** Supervisor data (GET /api/supervisor/…, `supervisor-snapshot` pushes). */
  supervisor?: SupervisorOptions;
  clock?: Clock;
}

export interface SupervisorOptions {
  /**
   * Answered within this long of its creation, an interaction counts toward the service level ("80 % in 60 s").
   * Applied as events are counted (SUPERVISOR_SERVICE_LEVEL_MS; every replica must agree). Default 60000.
   */
  serviceLevelMs?: number;
  /** Supervisors' sockets get at most one snapshot per this interval, and only when something changed. Default 1000. */
  pushIntervalMs?: number;
}

/** Everything GatewayModule needs, already built by the app (ports and adapters). */
export interface GatewayModuleDeps {
  bus: EventBus;
  interactionStore: InteractionStore;
  /** Where agents' classification corrections are kept as training data (started by the app, like the interaction store). */
  correctionStore: CorrectionStore;
  idempotencyStore: OutboundIdempotencyStore;
  /**
   * The audit trail (@perch/audit): sign-ins, agents' actions, effects on X and routing decisions (PostgreSQL in
   * apps/gateway, PGlite in the data folder in the embedded mode; started by the app, like the stores).
   */
  auditLog: AuditLog;
  /** Outbound commands X cannot take yet, until due (Redis in the distributed mode). */
  deferredOutboundStore: DeferredOutboundStore;
  /** @perch/x-client's XApiPort (or anything with the same methods). */
  xApi: XActionsPort & CustomerLookupPort;
  brands: BrandAccount[];
  /** Holds the token secret shared by all replicas. */
  agents: AgentDirectory;
  /**
   * Who holds each interaction, read from the router's own store (@perch/routing's `redisAssignmentReader` in
   * apps/gateway; a RoutingStoreAssignmentReader over the router's MemoryRoutingStore in the embedded app): every
   * action on a customer and every offer decision is checked against it, never against the projection or a cache.
   */
  assignments: AssignmentReader;
  /**
   * An agent's state and pending offers, read from the router's own store (@perch/routing's `redisAgentStateReader` in
   * apps/gateway; a RoutingStoreAgentStateReader over the router's MemoryRoutingStore embedded): what the desktop shows
   * as the agent's presence, never the gateway's own guess.
   */
  agentStates: AgentStateReader;
  /**
   * Supervisors' view of the router's live state (@perch/routing's `redisRoutingSnapshotReader` in apps/gateway; the
   * router's MemoryRoutingStore itself embedded): read-only, bounded reads.
   */
  snapshots: RoutingSnapshotReader;
  /** Supervisors' per-queue counters (RedisQueueCounterStore shared by the replicas; MemoryQueueCounterStore embedded). */
  queueCounters: QueueCounterStore;
  /** Disposition codes per brand (SqlDispositionStore on PostgreSQL or PGlite); default in memory (tests). */
  dispositions?: DispositionStore;
  /** The standard responses library (SqlStandardResponseStore on PostgreSQL or PGlite); default in memory (tests). */
  standardResponses?: StandardResponseStore;
  /**
   * Supervisors' charts (interactions per bucket, sentiment and actionability mix), counted from the lifecycle events:
   * RedisInteractionSeriesStore shared by the replicas in apps/gateway; default a MemoryInteractionSeriesStore (one
   * process: the embedded app, tests).
   */
  interactionSeries?: InteractionSeriesStore;
  /**
   * How a lifecycle event's counter and series facts are written: RedisSupervisorFactsWriter over the two Redis stores
   * in apps/gateway (one call per event, ADR 37); default each through its own store.
   */
  supervisorFacts?: SupervisorFactsWriter;
  /**
   * Bounds the store calls made before pushes to agents (a PostgreSQL outage must not hold up offers). wireGateway
   * makes it, to count it on /metrics (GatewayGauges); default one with its default deadline.
   */
  pushStoreGuard?: PushStoreGuard;
  /** The bound on REST requests in flight (ADR 41); wireGateway makes it, default one of options.maxRestRequestsInFlight. */
  restIntakeGate?: RestIntakeGate;
  /** Contacts, email and call requests (@perch/contacts); default memory stores and no mail. */
  contacts?: ContactsGatewayDeps;
  options: GatewayOptions;
}
