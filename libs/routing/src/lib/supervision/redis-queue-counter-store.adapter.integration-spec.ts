import { Redis } from 'ioredis';

import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { describeQueueCounterStoreContract } from '../testing/queue-counter-store.contract';
import { RedisQueueCounterStore } from './redis-queue-counter-store.adapter';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await redis.quit();
});

describeQueueCounterStoreContract('RedisQueueCounterStore', async () => {
  const tenant = uniqueTenant('counters');
  return { store: new RedisQueueCounterStore(redis, tenant), dispose: () => deleteTenantKeys(redis, tenant) };
});
