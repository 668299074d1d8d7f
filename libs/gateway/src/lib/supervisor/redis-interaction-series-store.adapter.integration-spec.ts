import { randomUUID } from 'node:crypto';

import { deleteRedisTenantKeys, serviceEnv } from '@perch/testing';
import { Redis } from 'ioredis';

import { describeInteractionSeriesStoreContract } from '../testing/interaction-series-store.contract';
import { RedisInteractionSeriesStore } from './redis-interaction-series-store.adapter';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(serviceEnv().redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await redis.quit();
});

describeInteractionSeriesStoreContract('RedisInteractionSeriesStore', async () => {
  const tenant = `series-${randomUUID().slice(0, 8)}`;
  return { store: new RedisInteractionSeriesStore(redis, tenant), dispose: () => deleteRedisTenantKeys(redis, tenant) };
});
