import { type AgentState, type Channel, type ChannelCounts } from '../routing.types';

/**
 * A queue is a routing group: the interaction's channel and the skill it requires (none: anyone may take it).
 * Dispatch walks these groups (libs/routing README, "Dispatch in Redis"); supervisors watch them.
 */
export interface QueueRef {
  channel: Channel;
  /** Absent: work anyone may take. */
  skill?: string;
}

/** One queue as the router's store holds it at the moment of the read. */
export interface LiveQueue extends QueueRef {
  /** Interactions waiting in it. An overflowed one waits in its own queue and in the overflow skill's. */
  waiting: number;
  /** When the oldest waiting interaction was created (ms; its wait counts from there across requeues). */
  oldestCreatedAt?: number;
  /** Ready agents with room in the channel who may take its work now. */
  agentsAvailable: number;
  /** Signed-in (not offline) agents with capacity in the channel and the skill: who staffs it. */
  agentsSignedIn: number;
}

export interface LiveQueues {
  /** Every queue with waiting work or signed-in agents, by channel then skill (byte order). */
  queues: LiveQueue[];
  /** Tenant-wide: every waiting interaction once. */
  waiting: number;
  oldestCreatedAt?: number;
  /** Tenant-wide: ready agents with free capacity. */
  agentsAvailable: number;
}

/** An agent as the router holds it: what a supervisor sees of it. */
export interface AgentSnapshot {
  agentId: string;
  state: AgentState;
  /** Why the agent is not ready (or offline), when the router knows. */
  reason?: string;
  /** When `state` last changed (ms). */
  stateSince: number;
  /** Everything the agent may hold at once. */
  capacity: number;
  /** Each channel's effective limit: its own when set, else `capacity`. */
  capacityByChannel: ChannelCounts;
  /** Offers + assigned interactions held now. */
  load: number;
  loadByChannel: ChannelCounts;
  skills: string[];
}

export interface AgentSnapshotPage {
  agents: AgentSnapshot[];
  /** Pass it back for the next page; absent on the last. */
  nextCursor?: string;
}

/**
 * Read-only port onto the router's live state for supervisors (Redis in distributed mode, the router's own
 * MemoryRoutingStore embedded): each call is one consistent read (one Lua script in Redis). Bounded: `liveQueues`
 * costs O(queues), a page O(limit), `agentsByIds` O(ids); nothing reads every agent at once.
 */
export interface RoutingSnapshotReader {
  liveQueues(): Promise<LiveQueues>;
  /**
   * About `limit` agents per page (the Redis store is walked in chunks, so a page may hold a few more); walking
   * every page from no cursor returns every agent present throughout the walk at least once.
   */
  agentPage(page: { cursor?: string; limit: number }): Promise<AgentSnapshotPage>;
  /** These agents now; ids the router does not know are left out. */
  agentsByIds(agentIds: readonly string[]): Promise<AgentSnapshot[]>;
}
