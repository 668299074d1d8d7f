import { randomUUID } from 'node:crypto';

import { serviceEnv } from '@perch/testing';
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

async function deleteTenantKeys(tenant: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `perch:{${tenant}}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

describeInteractionSeriesStoreContract('RedisInteractionSeriesStore', async () => {
  const tenant = `series-${randomUUID().slice(0, 8)}`;
  return { store: new RedisInteractionSeriesStore(redis, tenant), dispose: () => deleteTenantKeys(tenant) };
});
