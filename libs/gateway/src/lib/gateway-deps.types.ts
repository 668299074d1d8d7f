import { type AuditLog } from '@perch/audit';
import { type EventBus } from '@perch/messaging';
import {
  type AgentDirectory,
  type BrandAccount,
  type DeferredOutboundStore,
  type CorrectionStore,
  type InteractionStore,
  type OutboundIdempotencyStore,
  type XActionsPort,
} from '@perch/interactions';
import { type Clock } from '@perch/platform';
import { type LookupUserQuery, type XUserProfile } from '@perch/x-client';

/** Profile lookups for the desktop, from @perch/x-client. */
export interface CustomerLookupPort {
  lookupUser(query: LookupUserQuery): Promise<XUserProfile>;
}

export interface GatewayOptions {
  /** Unique per running gateway: names this replica's fan-out consumer group and its outbound claims. */
  replicaId: string;
  /** Folder with the agent desktop's static files (apps/agent-desktop/src/public), served at /. */
  desktopDir: string;
  /** WebSocket ping interval; a socket that missed one pong is closed. Default 25000. */
  heartbeatIntervalMs?: number;
  /**
   * After an agent's last socket on this replica closes, wait this long for a reconnect, then tell the
   * router the agent is offline so no offer waits on a closed desktop. 0 disables. Default 15000.
   */
  offlineGraceMs?: number;
  /** How often each replica re-checks all its open sockets' tokens for revocations (one store round trip). Default 5000. */
  revocationCheckIntervalMs?: number;
  /** How long a new socket has to send its {type:'auth', token} message before it is closed (4401). Default 5000. */
  socketAuthTimeoutMs?: number;
  /** Lease on an outbound command while X is asked. Default 30000. */
  outboundLeaseMs?: number;
  /** How long after the request an X outage is waited out (deferred with backoff) before the command fails. Default 10 min. */
  outboundGiveUpAfterMs?: number;
  /** How long after the request a spent X rate-limit window is waited for before the command fails. Default 1 h. */
  outboundRateLimitGiveUpAfterMs?: number;
  /**
   * How long a request about an interaction waits for the store to show what the agent's socket already
   * said (the projector trails the push by a few ms). 0 answers from the store at once. Default 1500.
   */
  consistencyWaitMs?: number;
  /** How long a customer profile read from X is reused. Default 60000. */
  profileCacheTtlMs?: number;
  /**
   * Turn parts off to scale them separately (e.g. run the outbound worker elsewhere). All on by default.
   * `correctionRecorder` writes classification.corrected.v1 into the CorrectionStore (training data);
   * `auditRecorder` writes routing decisions and effects on X into the audit log.
   */
  run?: { outboundWorker?: boolean; projector?: boolean; correctionRecorder?: boolean; auditRecorder?: boolean; healthEndpoint?: boolean };
  clock?: Clock;
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
  options: GatewayOptions;
}
