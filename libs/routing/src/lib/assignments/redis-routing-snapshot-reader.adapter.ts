import { LuaScript, type RedisClient, ValidationFailedError } from '@perch/platform';

import { type ChannelCounts } from '../routing.types';
import { READ_AGENT_PAGE_SCRIPT, READ_AGENTS_BY_IDS_SCRIPT, READ_LIVE_QUEUES_SCRIPT } from '../store/redis/read-snapshot.script';
import { type NullableStrings, optionalNumber, replyArray, replyNullableStrings, replyString, requiredNumber } from '../store/redis/redis-reply.util';
import { AGENT_FIELDS } from '../store/redis/routing-fields.constants';
import { routingKeys, type RoutingKeys } from '../store/redis/routing-keys.util';
import { parseAgent } from '../store/redis/routing-record.util';
import { assertValidTenant } from '../store/routing-store.util';
import {
  type AgentSnapshot,
  type AgentSnapshotPage,
  type LiveQueue,
  type LiveQueues,
  type QueueRef,
  type RoutingSnapshotReader,
} from './routing-snapshot-reader.port';
import { agentSnapshotOf, compareQueues, queueKeyOf, queueOfKey } from './routing-snapshot.util';

const SCRIPTS = {
  liveQueues: new LuaScript('read-live-queues', READ_LIVE_QUEUES_SCRIPT, 7),
  agentPage: new LuaScript('read-agent-page', READ_AGENT_PAGE_SCRIPT, 2),
  agentsByIds: new LuaScript('read-agents-by-ids', READ_AGENTS_BY_IDS_SCRIPT, 2),
} as const;

const LOAD_PUBLIC = AGENT_FIELDS.indexOf('load.public');
const LOAD_DM = AGENT_FIELDS.indexOf('load.dm');
/** Ids per script call: keeps one read short however many agents changed. */
const IDS_PER_CALL = 500;

/**
 * RoutingSnapshotReader on the router's Redis keys (same `tenant` as the router's RedisRoutingStore), on a
 * connection the caller owns. Scripts only read, with the router's own Lua helpers and field orders, so the layout
 * is written down once.
 */
export class RedisRoutingSnapshotReader implements RoutingSnapshotReader {
  private readonly keys: RoutingKeys;

  constructor(
    private readonly redis: RedisClient,
    readonly tenant: string,
  ) {
    assertValidTenant(tenant);
    this.keys = routingKeys(tenant);
  }

  async liveQueues(): Promise<LiveQueues> {
    const k = this.keys;
    const reply = replyArray(
      await SCRIPTS.liveQueues.run(this.redis, [k.queueGroups, k.queueAges, k.pools, k.poolSizes, k.queue, k.available, k.interactions], []),
      'read-live-queues',
    );
    const byKey = new Map<string, LiveQueue>();
    // Work needing a skill at a level (group `<skill>=<level>`) waits in that skill's queue, as the memory store lists it;
    // its agents are the skill's group's. Work reserved for a returning customer's agent (`=<agentId>`) is in the
    // tenant's waiting count only (ADR 0017).
    const levelGroups: { queue: QueueRef; waiting: number; oldestCreatedAt: number | undefined }[] = [];
    for (const entry of replyArray(reply[2], 'read-live-queues groups')) {
      const [group, waiting, oldest, signedIn, available] = replyArray(entry, 'read-live-queues group');
      const queue = queueOfKey(replyString(group, 'queue group'));
      // A group this version cannot read (written by a newer router) is left out rather than misread.
      if (!queue) continue;
      const oldestCreatedAt = optionalNumber(nonEmpty(replyString(oldest, 'oldest')), 'oldest');
      const waitingCount = requiredNumber(replyString(waiting, 'waiting'), 'waiting');
      const skill = queue.skill ?? '';
      if (skill.startsWith('=')) continue;
      const level = /^(.+)=\d+$/.exec(skill);
      if (level?.[1] !== undefined) {
        levelGroups.push({ queue: { channel: queue.channel, skill: level[1] }, waiting: waitingCount, oldestCreatedAt });
        continue;
      }
      byKey.set(queueKeyOf(queue), {
        ...queue,
        waiting: waitingCount,
        ...(oldestCreatedAt === undefined ? {} : { oldestCreatedAt }),
        agentsAvailable: requiredNumber(replyString(available, 'available'), 'available'),
        agentsSignedIn: requiredNumber(replyString(signedIn, 'signed in'), 'signed in'),
      });
    }
    for (const { queue, waiting, oldestCreatedAt } of levelGroups) {
      const key = queueKeyOf(queue);
      const into = byKey.get(key) ?? { ...queue, waiting: 0, agentsAvailable: 0, agentsSignedIn: 0 };
      into.waiting += waiting;
      const oldest = minOf([into.oldestCreatedAt, oldestCreatedAt]);
      byKey.set(key, { ...into, ...(oldest === undefined ? {} : { oldestCreatedAt: oldest }) });
    }
    const queues = [...byKey.values()];
    queues.sort(compareQueues);
    const oldest = minOf(queues.map((queue) => queue.oldestCreatedAt));
    return {
      queues,
      waiting: requiredNumber(replyString(reply[0], 'queue size'), 'queue size'),
      ...(oldest === undefined ? {} : { oldestCreatedAt: oldest }),
      agentsAvailable: requiredNumber(replyString(reply[1], 'available'), 'available'),
    };
  }

  async agentPage(page: { cursor?: string; limit: number }): Promise<AgentSnapshotPage> {
    const limit = Math.max(1, Math.floor(page.limit));
    // The cursor is an HSCAN cursor: anything else is the caller's mistake, not a Redis error.
    if (page.cursor !== undefined && !/^\d{1,20}$/.test(page.cursor)) {
      throw new ValidationFailedError('Invalid agent page cursor', [{ field: 'cursor', messages: ['must be a nextCursor from a previous page'] }]);
    }
    const reply = replyArray(
      await SCRIPTS.agentPage.run(this.redis, [this.keys.agents, this.keys.available], [page.cursor ?? '0', limit]),
      'read-agent-page',
    );
    const next = replyString(reply[0], 'agent page cursor');
    return { agents: agentsFrom(reply[1]), ...(next === '0' ? {} : { nextCursor: next }) };
  }

  async agentsByIds(agentIds: readonly string[]): Promise<AgentSnapshot[]> {
    const out: AgentSnapshot[] = [];
    const unique = [...new Set(agentIds)];
    for (let i = 0; i < unique.length; i += IDS_PER_CALL) {
      const ids = unique.slice(i, i + IDS_PER_CALL);
      out.push(...agentsFrom(await SCRIPTS.agentsByIds.run(this.redis, [this.keys.agents, this.keys.available], ids)));
    }
    return out;
  }
}

/** The Redis adapter, typed as the port: what the gateway gets (it reads, never writes). */
export function redisRoutingSnapshotReader(redis: RedisClient, tenant: string): RoutingSnapshotReader {
  return new RedisRoutingSnapshotReader(redis, tenant);
}

function agentsFrom(reply: unknown): AgentSnapshot[] {
  return replyArray(reply, 'agents').map((entry) => {
    const [agentId, fields] = replyArray(entry, 'agent entry');
    const id = replyString(agentId, 'agent id');
    const values = replyNullableStrings(fields, 'agent fields');
    return agentSnapshotOf(parseAgent(id, values), channelLoads(id, values));
  });
}

// Every script that gives or frees work keeps the per-channel loads, with or without per-channel limits.
function channelLoads(agentId: string, values: NullableStrings): ChannelCounts {
  return {
    public: requiredNumber(values[LOAD_PUBLIC] ?? '0', `agent ${agentId} load.public`),
    dm: requiredNumber(values[LOAD_DM] ?? '0', `agent ${agentId} load.dm`),
  };
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

function minOf(values: (number | undefined)[]): number | undefined {
  let min: number | undefined;
  for (const value of values) if (value !== undefined && (min === undefined || value < min)) min = value;
  return min;
}
