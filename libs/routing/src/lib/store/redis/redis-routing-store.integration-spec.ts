import { Redis } from 'ioredis';

import { LuaScript, newId } from '@perch/platform';

import { readRoutingSnapshot, routingViolations } from '../../testing/redis-routing-audit.fixtures';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../../testing/redis-test-tenant.fixtures';
import { describeRoutingDispatchPropertyContract } from '../../testing/routing-dispatch-property.contract';
import { describeRoutingOutboxContract } from '../../testing/routing-outbox.contract';
import { describeRoutingSkillsAndStickyContract } from '../../testing/routing-skills-sticky.contract';
import { describeRoutingStoreContract, type RoutingStoreFactory } from '../../testing/routing-store.contract';
import { RedisRoutingStore } from './redis-routing-store.adapter';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await redis.quit();
});

const factory: RoutingStoreFactory = async (options) => {
  const tenant = uniqueTenant('contract');
  const store = new RedisRoutingStore(redis, tenant, options);
  return {
    store,
    dropOutbox: async () => void (await redis.del(store.keys.outbox)),
    dispose: () => deleteTenantKeys(redis, tenant),
    // The property checks limits itself: a presence may lower them below what an agent already holds.
    violations: async () => routingViolations(await readRoutingSnapshot(redis, tenant), { checkLimits: false }),
  };
};

describeRoutingStoreContract('RedisRoutingStore', factory);
describeRoutingOutboxContract('RedisRoutingStore', factory);
describeRoutingSkillsAndStickyContract('RedisRoutingStore', factory);
// Each run is a fresh tenant on the real Redis; sized to finish well within a minute.
// 150 sequences may miss a rare path by chance: the memory run (500) asserts coverage; the contract suites above cover
// each path on Redis.
describeRoutingDispatchPropertyContract('RedisRoutingStore', factory, { numRuns: 150, maxSteps: 40, assertCoverage: false });

describe('RedisRoutingStore key layout', () => {
  it('keeps every key of a tenant under one hash tag, so each script stays in one cluster slot', async () => {
    const tenant = uniqueTenant('layout');
    const store = new RedisRoutingStore(redis, tenant);
    try {
      await store.setPresence({ agentId: 'a1', state: 'ready', now: 1 });
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `perch:{${tenant}}:*` })) keys.push(...(batch as string[]));
      // A presence writes the agent, the available set, the agent's pool entries and group counts, and the outbox.
      expect(keys.sort()).toEqual([store.keys.agents, store.keys.available, store.keys.pools, store.keys.poolSizes, store.keys.outbox].sort());
      expect(keys.every((key) => key.startsWith(`perch:{${tenant}}:`))).toBe(true);
    } finally {
      await deleteTenantKeys(redis, tenant);
    }
  });

  it('runs a script the server has never seen (NOSCRIPT falls back to EVAL, then EVALSHA hits)', async () => {
    // A unique source has a sha no server knows, without SCRIPT FLUSH on a shared Redis.
    const script = new LuaScript('probe', `-- ${newId()}\nreturn ARGV[1] .. KEYS[1]`, 1);
    expect(await script.run(redis, ['perch:{probe}:k'], ['x'])).toBe('xperch:{probe}:k');
    expect(await redis.script('EXISTS', script.sha)).toEqual([1]);
    expect(await script.run(redis, ['perch:{probe}:k'], ['y'])).toBe('yperch:{probe}:k');
  });
});
