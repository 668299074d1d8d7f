import { type RedisClient } from '@perch/platform';

import { type AgentWork, type InteractionRecord } from '../routing.types';
import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { type RoutingStore } from '../store/routing-store.port';
import { type AgentStateReader, type AgentStateView, type PendingOffer } from './agent-state-reader.port';

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
    offers: interactions.flatMap((ix): PendingOffer[] => {
      if (ix.state === 'offered' && ix.agentId === agent.agentId && ix.offerId !== undefined && ix.offerExpiresAt !== undefined) {
        const sticky = ix.stickyAgentId === agent.agentId ? { sticky: true as const } : {};
        return [{ interactionId: ix.interactionId, offerId: ix.offerId, expiresAt: ix.offerExpiresAt, correlationId: ix.correlationId, ...sticky }];
      }
      // A transfer offer or an invitation waiting for this agent's answer, so a reload shows it again.
      const from = ix.agentId === undefined ? {} : { fromAgentId: ix.agentId };
      const transfer = ix.state === 'assigned' ? ix.transferOffer : undefined;
      if (transfer?.toAgentId === agent.agentId) {
        const why = transfer.reason === undefined ? {} : { reason: transfer.reason };
        return [{ interactionId: ix.interactionId, offerId: transfer.offerId, expiresAt: transfer.expiresAt, correlationId: ix.correlationId, kind: 'transfer', ...from, ...why }];
      }
      const invitation = ix.state === 'assigned' ? ix.conferenceOffer : undefined;
      if (invitation?.toAgentId === agent.agentId) {
        const why = invitation.reason === undefined ? {} : { reason: invitation.reason };
        return [{ interactionId: ix.interactionId, offerId: invitation.offerId, expiresAt: invitation.expiresAt, correlationId: ix.correlationId, kind: 'conference', ...from, ...why }];
      }
      return [];
    }),
    // The guests ride along, so a reload lists who is in each conference without a read per interaction.
    assigned: interactions.flatMap((ix) =>
      ix.state === 'assigned' && ix.agentId === agent.agentId
        ? [{ interactionId: ix.interactionId, correlationId: ix.correlationId, ...guestsOf(ix) }]
        : [],
    ),
    conferences: interactions.flatMap((ix) =>
      ix.state === 'assigned' && ix.agentId !== undefined && (ix.conferenceAgentIds ?? []).includes(agent.agentId)
        ? [{ interactionId: ix.interactionId, correlationId: ix.correlationId, holderAgentId: ix.agentId, ...guestsOf(ix) }]
        : [],
    ),
  };
}

function guestsOf(ix: InteractionRecord): { conferenceAgentIds?: string[] } {
  const guests = ix.conferenceAgentIds ?? [];
  return guests.length === 0 ? {} : { conferenceAgentIds: [...guests] };
}
