import { type Redis } from 'ioredis';

import { CHANNELS } from '../routing.constants';
import { type Channel, type ChannelCounts } from '../routing.types';
import { MAX_SKILL_LEVEL, skillLevelOf, skillNamesOf } from '../skill-rules.util';
import { LEX_SCORE_BIAS } from '../store/redis/routing-helpers.script';
import { routingKeys } from '../store/redis/routing-keys.util';

export interface AuditedAgent {
  state: string;
  capacity: number;
  load: number;
  /** Each channel's limit (its own, else the capacity) and load. */
  channelCapacity: ChannelCounts;
  channelLoad: ChannelCounts;
  skills: string[];
  /** Its held index: the interactions it holds, offered or assigned. */
  held: string[];
  /** While in wrap-up with a timeout: when it ends. */
  wrapUntil?: number;
}

export interface AuditedInteraction {
  state: string;
  agentId?: string;
  channel: Channel;
  /** Its queue index entries ([group, member]) while queued. */
  indexed: [string, string][];
  createdAt: number;
  /** While assigned: the agent a pending transfer is offered to (its deadline is in the offers set). */
  transferTo?: string;
  /** While assigned: the agent a pending invitation to the conference is made to (its deadline is in the offers set). */
  invitedTo?: string;
  /** While assigned: the conference's guests, each holding a slot in the interaction's channel. */
  guests: string[];
}

export interface RoutingSnapshot {
  agents: Map<string, AuditedAgent>;
  interactions: Map<string, AuditedInteraction>;
  queue: Set<string>;
  offers: Set<string>;
  available: Map<string, number>;
  queueIndex: Set<string>;
  queueGroups: Map<string, number>;
  pools: Set<string>;
  queueAges: Set<string>;
  /** agentId → when its wrap-up ends. */
  wrapUps: Map<string, number>;
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
    .zrange(keys.available, 0, -1, 'WITHSCORES')
    .zrange(keys.queueIndex, 0, -1)
    .hgetall(keys.queueGroups)
    .zrange(keys.pools, 0, -1)
    .zrange(keys.queueAges, 0, -1)
    .zrange(keys.wrapUps, 0, -1, 'WITHSCORES')
    .exec();
  if (!results) throw new Error('audit transaction aborted');
  const values = results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  const [agentHash, ixHash, queue, offers, availableFlat, queueIndex, queueGroups, pools, queueAges, wrapUpsFlat] = values as [
    Record<string, string>,
    Record<string, string>,
    string[],
    string[],
    string[],
    string[],
    Record<string, string>,
    string[],
    string[],
    string[],
  ];
  const wrapUps = new Map<string, number>();
  for (let i = 0; i < wrapUpsFlat.length; i += 2) wrapUps.set(wrapUpsFlat[i] ?? '', Number(wrapUpsFlat[i + 1]));
  const available = new Map<string, number>();
  for (let i = 0; i < availableFlat.length; i += 2) available.set(availableFlat[i] ?? '', Number(availableFlat[i + 1]));

  const agents = new Map<string, AuditedAgent>();
  for (const [agentId, state] of entriesOf(agentHash, 'state')) {
    const capacity = Number(agentHash[`${agentId}:cap`]);
    const field = (name: string, fallback: number): number => Number(agentHash[`${agentId}:${name}`] ?? fallback);
    agents.set(agentId, {
      state,
      capacity,
      load: field('load', 0),
      channelCapacity: { public: field('cap.public', capacity), dm: field('cap.dm', capacity) },
      channelLoad: { public: field('load.public', 0), dm: field('load.dm', 0) },
      skills: JSON.parse(agentHash[`${agentId}:skills`] ?? '[]') as string[],
      held: heldList(agentHash[`${agentId}:held`]),
      ...(agentHash[`${agentId}:wrapuntil`] === undefined ? {} : { wrapUntil: Number(agentHash[`${agentId}:wrapuntil`]) }),
    });
  }
  const interactions = new Map<string, AuditedInteraction>();
  for (const [interactionId, state] of entriesOf(ixHash, 'state')) {
    const agentId = ixHash[`${interactionId}:agent`];
    const transferTo = ixHash[`${interactionId}:xto`];
    const invitedTo = ixHash[`${interactionId}:cto`];
    const indexed = JSON.parse(ixHash[`${interactionId}:qidx`] ?? '[]') as [string, string][] | Record<string, never>;
    interactions.set(interactionId, {
      state,
      ...(agentId === undefined ? {} : { agentId }),
      channel: ixHash[`${interactionId}:chan`] === 'dm' ? 'dm' : 'public',
      indexed: Array.isArray(indexed) ? indexed : [],
      createdAt: Number(ixHash[`${interactionId}:created`]),
      ...(transferTo === undefined ? {} : { transferTo }),
      ...(invitedTo === undefined ? {} : { invitedTo }),
      guests: heldList(ixHash[`${interactionId}:guests`]),
    });
  }
  return {
    agents,
    interactions,
    queue: new Set(queue),
    offers: new Set(offers),
    available,
    queueIndex: new Set(queueIndex),
    queueGroups: new Map(Object.entries(queueGroups).map(([group, count]) => [group, Number(count)])),
    pools: new Set(pools),
    queueAges: new Set(queueAges),
    wrapUps,
  };
}

/** cjson writes an empty list as {}: read it as empty. */
function heldList(raw: string | undefined): string[] {
  const parsed: unknown = JSON.parse(raw ?? '[]');
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/**
 * Every invariant the scripts promise, checked on one snapshot. Returns the violations (empty = sound).
 * - no agent over capacity, no negative load, and load = interactions it holds (offered + assigned);
 * - an interaction is queued iff in the queue, offered (or assigned with a transfer pending) iff in the offers set;
 * - the available set is exactly the ready agents with free capacity;
 * - per channel: load <= limit, and the loads add up to the agent's load and to what it holds there;
 * - the queue index holds exactly the queued interactions' entries, counted per group;
 * - the pools hold exactly one entry per available agent, channel with room and skill ('' included);
 * - the age index holds exactly one entry per queue index entry, at the interaction's creation time;
 * - each agent's held index lists exactly the interactions offered or assigned to it, those it is a conference guest of
 *   and those with a transfer or an invitation waiting for it; a guest's slot counts in its load;
 * - the wrap-up index holds exactly the agents in wrap-up, at their end time.
 */
export function routingViolations(snapshot: RoutingSnapshot, options: { checkLimits?: boolean } = {}): string[] {
  // Off where a presence may lower a limit below what an agent already holds (nothing is withdrawn then).
  const checkLimits = options.checkLimits ?? true;
  const violations: string[] = [];
  const held = new Map<string, number>();
  const heldIn = new Map<string, ChannelCounts>();
  const indexedMembers = new Map<string, number>();
  const expectedPools = new Set<string>();
  for (const [id, ix] of snapshot.interactions) {
    const inQueue = snapshot.queue.has(id);
    const inOffers = snapshot.offers.has(id);
    if ((ix.state === 'queued') !== inQueue) violations.push(`interaction ${id} is ${ix.state} but inQueue=${inQueue}`);
    // In the offers set: an offer, or a transfer or an invitation pending on assigned work (one at most, nothing else).
    if (ix.transferTo !== undefined && ix.state !== 'assigned') violations.push(`interaction ${id} is ${ix.state} with a transfer pending`);
    if (ix.invitedTo !== undefined && ix.state !== 'assigned') violations.push(`interaction ${id} is ${ix.state} with an invitation pending`);
    if (ix.transferTo !== undefined && ix.invitedTo !== undefined) violations.push(`interaction ${id} has a transfer and an invitation pending`);
    if (ix.guests.length > 0 && ix.state !== 'assigned') violations.push(`interaction ${id} is ${ix.state} with guests`);
    if (ix.guests.length > 0 && ix.transferTo !== undefined) violations.push(`interaction ${id} has guests and a transfer pending`);
    if (ix.agentId !== undefined && ix.guests.includes(ix.agentId)) violations.push(`interaction ${id}: holder ${ix.agentId} is also a guest`);
    if (new Set(ix.guests).size !== ix.guests.length) violations.push(`interaction ${id} lists a guest twice`);
    if ((ix.state === 'offered' || ix.transferTo !== undefined || ix.invitedTo !== undefined) !== inOffers) {
      violations.push(`interaction ${id} is ${ix.state} but inOffers=${inOffers}`);
    }
    if (ix.state === 'offered' || ix.state === 'assigned') {
      if (!ix.agentId) violations.push(`interaction ${id} is ${ix.state} without an agent`);
      // The holder and each guest hold a slot in the interaction's channel.
      for (const holderId of ix.agentId === undefined ? ix.guests : [ix.agentId, ...ix.guests]) {
        held.set(holderId, (held.get(holderId) ?? 0) + 1);
        const counts = heldIn.get(holderId) ?? { public: 0, dm: 0 };
        counts[ix.channel] += 1;
        heldIn.set(holderId, counts);
      }
    } else if (ix.agentId !== undefined) {
      violations.push(`interaction ${id} is ${ix.state} but still names agent ${ix.agentId}`);
    }
  }
  for (const [id, ix] of snapshot.interactions) {
    if ((ix.state === 'queued') !== ix.indexed.length > 0) violations.push(`interaction ${id} is ${ix.state} with ${ix.indexed.length} index entries`);
    for (const [group, member] of ix.indexed) {
      if (!snapshot.queueIndex.has(member)) violations.push(`interaction ${id}: index entry ${member} missing`);
      indexedMembers.set(group, (indexedMembers.get(group) ?? 0) + 1);
    }
  }
  const allIndexed = new Set([...snapshot.interactions.values()].flatMap((ix) => ix.indexed.map(([, member]) => member)));
  for (const member of snapshot.queueIndex) if (!allIndexed.has(member)) violations.push(`queue index holds stray ${member}`);
  for (const [group, count] of snapshot.queueGroups) {
    if (indexedMembers.get(group) !== count) violations.push(`queue group ${group} counts ${count}, holds ${indexedMembers.get(group) ?? 0}`);
  }
  for (const [group] of indexedMembers) if (!snapshot.queueGroups.has(group)) violations.push(`queue group ${group} not counted`);
  const expectedAges = new Set(
    [...snapshot.interactions].flatMap(([id, ix]) => ix.indexed.map(([group]) => lexMember(group, ix.createdAt, id))),
  );
  for (const member of expectedAges) if (!snapshot.queueAges.has(member)) violations.push(`age index entry ${member} missing`);
  for (const member of snapshot.queueAges) if (!expectedAges.has(member)) violations.push(`age index holds stray ${member}`);
  for (const id of snapshot.queue) if (!snapshot.interactions.has(id)) violations.push(`queue holds unknown ${id}`);
  for (const id of snapshot.offers) if (!snapshot.interactions.has(id)) violations.push(`offers hold unknown ${id}`);
  for (const [agentId, agent] of snapshot.agents) {
    if (checkLimits && agent.load > agent.capacity) violations.push(`agent ${agentId} load ${agent.load} > capacity ${agent.capacity}`);
    if (agent.load < 0) violations.push(`agent ${agentId} load ${agent.load} < 0`);
    const holds = held.get(agentId) ?? 0;
    if (holds !== agent.load) violations.push(`agent ${agentId} load ${agent.load} but holds ${holds}`);
    const shouldBeAvailable = agent.state === 'ready' && agent.load < agent.capacity;
    if (shouldBeAvailable !== snapshot.available.has(agentId)) {
      violations.push(`agent ${agentId} (${agent.state}, ${agent.load}/${agent.capacity}) available=${!shouldBeAvailable}`);
    }
    const holdsIn = heldIn.get(agentId) ?? { public: 0, dm: 0 };
    for (const channel of CHANNELS) {
      const { [channel]: load } = agent.channelLoad;
      if (checkLimits && load > agent.channelCapacity[channel]) violations.push(`agent ${agentId} ${channel} load ${load} > ${agent.channelCapacity[channel]}`);
      if (load !== holdsIn[channel]) violations.push(`agent ${agentId} ${channel} load ${load} but holds ${holdsIn[channel]}`);
    }
    const idle = snapshot.available.get(agentId);
    if (idle !== undefined) {
      for (const channel of CHANNELS) {
        if (agent.channelLoad[channel] >= agent.channelCapacity[channel]) continue;
        expectedPools.add(poolMember(channel, '', 0, idle, agentId));
        for (const skill of skillNamesOf(agent.skills)) expectedPools.add(poolMember(channel, skill, skillLevelOf(agent.skills, skill), idle, agentId));
      }
    }
  }
  for (const member of expectedPools) if (!snapshot.pools.has(member)) violations.push(`pool entry ${member} missing`);
  for (const member of snapshot.pools) if (!expectedPools.has(member)) violations.push(`pool holds stray ${member}`);
  for (const [agentId] of held) if (!snapshot.agents.has(agentId)) violations.push(`unknown agent ${agentId} holds work`);
  const holding = new Map<string, string[]>();
  for (const [id, ix] of snapshot.interactions) {
    if (ix.state !== 'offered' && ix.state !== 'assigned') continue;
    // The held index: what the agent holds, its conferences as a guest, and transfers or invitations waiting for it.
    const concerned = [ix.agentId, ...ix.guests, ix.transferTo, ix.invitedTo].filter((agentId): agentId is string => agentId !== undefined);
    for (const agentId of new Set(concerned)) holding.set(agentId, [...(holding.get(agentId) ?? []), id]);
  }
  for (const [agentId, agent] of snapshot.agents) {
    const expected = (holding.get(agentId) ?? []).sort().join(',');
    const indexed = [...agent.held].sort().join(',');
    if (expected !== indexed) violations.push(`agent ${agentId} held index [${indexed}] but holds [${expected}]`);
    const inWrapUps = snapshot.wrapUps.get(agentId);
    if ((agent.state === 'wrap-up') !== (inWrapUps !== undefined)) violations.push(`agent ${agentId} is ${agent.state} but in wrap-ups=${inWrapUps !== undefined}`);
    if (inWrapUps !== undefined && inWrapUps !== agent.wrapUntil) violations.push(`agent ${agentId} wrap-up ends ${agent.wrapUntil ?? '?'} but indexed at ${inWrapUps}`);
  }
  for (const agentId of snapshot.wrapUps.keys()) if (!snapshot.agents.has(agentId)) violations.push(`wrap-ups hold unknown agent ${agentId}`);
  return violations;
}

/**
 * The layout of routing-helpers.script.ts:
 * `<channel>:<byte length of skill>:<skill>:<MAX_SKILL_LEVEL - level, 2 digits><idle + bias, 16 digits>:<agentId>`.
 */
function poolMember(channel: Channel, skill: string, level: number, idle: number, agentId: string): string {
  return lexMember(`${channel}:${Buffer.byteLength(skill)}:${skill}:${String(MAX_SKILL_LEVEL - level).padStart(2, '0')}`, idle, agentId);
}

function lexMember(group: string, value: number, id: string): string {
  return `${group}${String(value + LEX_SCORE_BIAS).padStart(16, '0')}:${id}`;
}
