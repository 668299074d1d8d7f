import { type Redis } from 'ioredis';

import { routingKeys } from '../store/redis/routing-keys.util';

export interface AuditedAgent {
  state: string;
  capacity: number;
  load: number;
}

export interface AuditedInteraction {
  state: string;
  agentId?: string;
}

export interface RoutingSnapshot {
  agents: Map<string, AuditedAgent>;
  interactions: Map<string, AuditedInteraction>;
  queue: Set<string>;
  offers: Set<string>;
  available: Set<string>;
}

function entriesOf(hash: Record<string, string>, suffix: string): [string, string][] {
  return Object.entries(hash)
    .filter(([field]) => field.endsWith(`:${suffix}`))
    .map(([field, value]) => [field.slice(0, -suffix.length - 1), value]);
}

/** One atomic read (MULTI/EXEC) of a tenant's whole routing state, for invariant checks in tests. */
export async function readRoutingSnapshot(redis: Redis, tenant: string): Promise<RoutingSnapshot> {
  const keys = routingKeys(tenant);
  const results = await redis
    .multi()
    .hgetall(keys.agents)
    .hgetall(keys.interactions)
    .zrange(keys.queue, 0, -1)
    .zrange(keys.offers, 0, -1)
    .zrange(keys.available, 0, -1)
    .exec();
  if (!results) throw new Error('audit transaction aborted');
  const values = results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  const [agentHash, ixHash, queue, offers, available] = values as [
    Record<string, string>,
    Record<string, string>,
    string[],
    string[],
    string[],
  ];

  const agents = new Map<string, AuditedAgent>();
  for (const [agentId, state] of entriesOf(agentHash, 'state')) {
    agents.set(agentId, {
      state,
      capacity: Number(agentHash[`${agentId}:cap`]),
      load: Number(agentHash[`${agentId}:load`] ?? '0'),
    });
  }
  const interactions = new Map<string, AuditedInteraction>();
  for (const [interactionId, state] of entriesOf(ixHash, 'state')) {
    const agentId = ixHash[`${interactionId}:agent`];
    interactions.set(interactionId, { state, ...(agentId === undefined ? {} : { agentId }) });
  }
  return { agents, interactions, queue: new Set(queue), offers: new Set(offers), available: new Set(available) };
}

/**
 * Every invariant the scripts promise, checked on one snapshot. Returns the violations (empty = sound).
 * - no agent over capacity, no negative load, and load = interactions it holds (offered + assigned);
 * - an interaction is queued iff in the queue, offered iff in the offers set (so one live offer at most);
 * - the available set is exactly the ready agents with free capacity.
 */
export function routingViolations(snapshot: RoutingSnapshot): string[] {
  const violations: string[] = [];
  const held = new Map<string, number>();
  for (const [id, ix] of snapshot.interactions) {
    const inQueue = snapshot.queue.has(id);
    const inOffers = snapshot.offers.has(id);
    if ((ix.state === 'queued') !== inQueue) violations.push(`interaction ${id} is ${ix.state} but inQueue=${inQueue}`);
    if ((ix.state === 'offered') !== inOffers) {
      violations.push(`interaction ${id} is ${ix.state} but inOffers=${inOffers}`);
    }
    if (ix.state === 'offered' || ix.state === 'assigned') {
      if (!ix.agentId) violations.push(`interaction ${id} is ${ix.state} without an agent`);
      else held.set(ix.agentId, (held.get(ix.agentId) ?? 0) + 1);
    } else if (ix.agentId !== undefined) {
      violations.push(`interaction ${id} is ${ix.state} but still names agent ${ix.agentId}`);
    }
  }
  for (const id of snapshot.queue) if (!snapshot.interactions.has(id)) violations.push(`queue holds unknown ${id}`);
  for (const id of snapshot.offers) if (!snapshot.interactions.has(id)) violations.push(`offers hold unknown ${id}`);
  for (const [agentId, agent] of snapshot.agents) {
    if (agent.load > agent.capacity) violations.push(`agent ${agentId} load ${agent.load} > capacity ${agent.capacity}`);
    if (agent.load < 0) violations.push(`agent ${agentId} load ${agent.load} < 0`);
    const holds = held.get(agentId) ?? 0;
    if (holds !== agent.load) violations.push(`agent ${agentId} load ${agent.load} but holds ${holds}`);
    const shouldBeAvailable = agent.state === 'ready' && agent.load < agent.capacity;
    if (shouldBeAvailable !== snapshot.available.has(agentId)) {
      violations.push(`agent ${agentId} (${agent.state}, ${agent.load}/${agent.capacity}) available=${!shouldBeAvailable}`);
    }
  }
  for (const [agentId] of held) if (!snapshot.agents.has(agentId)) violations.push(`unknown agent ${agentId} holds work`);
  return violations;
}
