import { type AgentWork } from '../routing.types';
import { type RedisClient } from '../store/redis/lua-script.util';
import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { type RoutingStore } from '../store/routing-store.port';
import { type AgentStateReader, type AgentStateView } from './agent-state-reader.port';

/**
 * AgentStateReader over the router's own store, through its one consistent read of an agent and its work
 * (`getAgentWork`: one Lua script in Redis). In the embedded app it is given the MemoryRoutingStore the router writes.
 */
export class RoutingStoreAgentStateReader implements AgentStateReader {
  constructor(private readonly store: Pick<RoutingStore, 'getAgentWork'>) {}

  async stateOf(agentId: string): Promise<AgentStateView | undefined> {
    const work = await this.store.getAgentWork(agentId);
    return work ? agentStateViewOf(work) : undefined;
  }
}

/** The Redis adapter: the router's tenant (as for redisAssignmentReader) on a connection the caller owns. Read only. */
export function redisAgentStateReader(redis: RedisClient, tenant: string): AgentStateReader {
  return new RoutingStoreAgentStateReader(new RedisRoutingStore(redis, tenant));
}

function agentStateViewOf({ agent, interactions }: AgentWork): AgentStateView {
  return {
    agentId: agent.agentId,
    state: agent.state,
    ...(agent.reason === undefined ? {} : { reason: agent.reason }),
    since: agent.stateSince,
    ...(agent.wrapUpUntil === undefined ? {} : { wrapUpUntil: agent.wrapUpUntil }),
    capacity: agent.capacity,
    ...(agent.capacityByChannel === undefined ? {} : { capacityByChannel: { ...agent.capacityByChannel } }),
    load: agent.load,
    loadByChannel: { ...agent.loadByChannel },
    offers: interactions.flatMap((ix) =>
      ix.state === 'offered' && ix.offerId !== undefined && ix.offerExpiresAt !== undefined
        ? [{ interactionId: ix.interactionId, offerId: ix.offerId, expiresAt: ix.offerExpiresAt, correlationId: ix.correlationId }]
        : [],
    ),
    assigned: interactions.flatMap((ix) => (ix.state === 'assigned' ? [{ interactionId: ix.interactionId, correlationId: ix.correlationId }] : [])),
  };
}
