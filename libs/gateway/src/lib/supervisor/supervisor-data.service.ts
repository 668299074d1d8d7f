import { Inject, Injectable } from '@nestjs/common';
import { type AgentDirectory } from '@perch/agents';
import { type Clock, classifyFailure, RetryableError, systemClock } from '@perch/platform';
import {
  type AgentSnapshot,
  type AgentSnapshotPage,
  DEFAULT_SERVICE_LEVEL_MS,
  type QueueCounterStore,
  type RoutingSnapshotReader,
  utcDayOf,
} from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENTS, GATEWAY_OPTIONS, GATEWAY_QUEUE_COUNTERS, GATEWAY_ROUTING_SNAPSHOTS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { queuesView, supervisedAgentView } from './supervisor-view.domain';
import { type SupervisedAgentsPage, type SupervisedAgentView, type SupervisorQueuesView } from './supervisor-view.types';

export const DEFAULT_AGENT_PAGE_SIZE = 100;
export const MAX_AGENT_PAGE_SIZE = 500;

/**
 * Supervisor data: the router's live state (RoutingSnapshotReader, read afresh: never a cache that trails it) beside
 * the day's per-queue counters (QueueCounterStore). Every read is bounded: O(queues), a page of agents, or the
 * agents named.
 */
@Injectable()
export class SupervisorDataService {
  readonly serviceLevelMs: number;
  readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_ROUTING_SNAPSHOTS) private readonly snapshots: RoutingSnapshotReader,
    @Inject(GATEWAY_QUEUE_COUNTERS) private readonly counters: QueueCounterStore,
    @Inject(GATEWAY_AGENTS) private readonly directory: AgentDirectory,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.serviceLevelMs = options.supervisor?.serviceLevelMs ?? DEFAULT_SERVICE_LEVEL_MS;
    this.clock = options.clock ?? systemClock;
  }

  async queues(): Promise<SupervisorQueuesView> {
    const at = this.clock.now();
    const [live, counts] = await Promise.all([
      unavailableAsRetryable(() => this.snapshots.liveQueues()),
      unavailableAsRetryable(() => this.counters.countsOn(utcDayOf(at))),
    ]);
    return queuesView({ live, counts, at, serviceLevelMs: this.serviceLevelMs });
  }

  async agentPage(cursor: string | undefined, limit = DEFAULT_AGENT_PAGE_SIZE): Promise<SupervisedAgentsPage> {
    const page = await this.agentSnapshotPage(cursor, limit);
    const at = this.clock.now();
    return { at: new Date(at).toISOString(), agents: page.agents.map((agent) => this.agentView(agent, at)), nextCursor: page.nextCursor ?? null };
  }

  /** A page of the router's agent records, as they are (the pushes compare them). */
  agentSnapshotPage(cursor: string | undefined, limit: number): Promise<AgentSnapshotPage> {
    return unavailableAsRetryable(() =>
      this.snapshots.agentPage({ limit: Math.min(limit, MAX_AGENT_PAGE_SIZE), ...(cursor === undefined ? {} : { cursor }) }),
    );
  }

  /** The router's records of these agents (unknown ids left out), for the pushes. */
  agentsByIds(agentIds: readonly string[]): Promise<AgentSnapshot[]> {
    return unavailableAsRetryable(() => this.snapshots.agentsByIds(agentIds));
  }

  agentView(agent: AgentSnapshot, at: number): SupervisedAgentView {
    return supervisedAgentView(agent, at, this.directory.getAgent(agent.agentId)?.displayName);
  }
}

// Redis restarting or failing over: a 503 the supervisor may retry, never stale numbers.
export async function unavailableAsRetryable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (classifyFailure(error) !== 'transient') throw error;
    throw new RetryableError<GatewayErrorCode>("The router's state could not be read; try again", GatewayErrorCode.RoutingUnavailable);
  }
}
