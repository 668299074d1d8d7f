import { type RedisClient } from '@perch/platform';

import { channelOf } from '../priority.util';
import { type InteractionRecord } from '../routing.types';
import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { type RoutingStore } from '../store/routing-store.port';
import { type Assignment, type AssignmentReader } from './assignment-reader.port';

/**
 * AssignmentReader over the router's own store, through its one read (`getInteraction`: the same Lua read script
 * and key layout the router uses in Redis), so there is no second copy of the layout to keep in step. In the
 * embedded app it is given the very MemoryRoutingStore instance the router writes.
 */
export class RoutingStoreAssignmentReader implements AssignmentReader {
  constructor(private readonly store: Pick<RoutingStore, 'getInteraction'>) {}

  async holderOf(interactionId: string): Promise<Assignment | undefined> {
    const record = await this.store.getInteraction(interactionId);
    return record ? assignmentOfRecord(record) : undefined;
  }
}

/**
 * The Redis adapter: reads the router's tenant (same `tenant` as the router's RedisRoutingStore, e.g.
 * `redisNamespace(config, ROUTER_TENANT)`) on a connection the caller owns. It asks the router's own adapter for the
 * assignment alone (`getAssignment`: the same keys and field names, one HMGET of a third of the record; ADR 45), so
 * there is still no second copy of the layout. Typed as the port: no writes.
 */
export function redisAssignmentReader(redis: RedisClient, tenant: string): AssignmentReader {
  const store = new RedisRoutingStore(redis, tenant);
  return { holderOf: (interactionId) => store.getAssignment(interactionId) };
}

/** What an assignment says of the router's whole record; the Redis reader's slimmer read must answer the same. */
export function assignmentOfRecord(record: InteractionRecord): Assignment {
  return {
    interactionId: record.interactionId,
    state: record.state,
    correlationId: record.correlationId,
    ...(record.agentId === undefined ? {} : { agentId: record.agentId }),
    ...(record.offerId === undefined ? {} : { offerId: record.offerId }),
    ...(record.offerExpiresAt === undefined ? {} : { offerExpiresAt: record.offerExpiresAt }),
    ...(record.transferOffer === undefined ? {} : { transferOffer: { ...record.transferOffer } }),
    ...(record.conferenceOffer === undefined ? {} : { conferenceOffer: { ...record.conferenceOffer } }),
    ...(record.conferenceAgentIds === undefined ? {} : { conferenceAgentIds: [...record.conferenceAgentIds] }),
    channel: channelOf(record.firstMessage),
  };
}
