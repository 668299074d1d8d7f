import { Redis } from 'ioredis';

import { newId } from '@perch/platform';

import { deleteTenantKeys, redisUrl, uniqueTenant } from '../../testing/redis-test-tenant.fixtures';
import { describeRoutingStoreContract } from '../../testing/routing-store.contract';
import { LuaScript } from './lua-script.util';
import { RedisRoutingStore } from './redis-routing-store.adapter';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await redis.quit();
});

describeRoutingStoreContract('RedisRoutingStore', async () => {
  const tenant = uniqueTenant('contract');
  return {
    store: new RedisRoutingStore(redis, tenant),
    dispose: () => deleteTenantKeys(redis, tenant),
  };
});

describe('RedisRoutingStore key layout', () => {
  it('keeps every key of a tenant under one hash tag, so each script stays in one cluster slot', async () => {
    const tenant = uniqueTenant('layout');
    const store = new RedisRoutingStore(redis, tenant);
    try {
      await store.setPresence({ agentId: 'a1', state: 'ready', now: 1 });
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `perch:{${tenant}}:*` })) keys.push(...(batch as string[]));
      expect(keys.sort()).toEqual([store.keys.agents, store.keys.available].sort());
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
