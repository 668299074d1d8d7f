import { Redis } from 'ioredis';

import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { describeAssignmentReaderContract } from '../testing/assignment-reader.contract';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { redisAssignmentReader } from './routing-store-assignment-reader.adapter';

let redis: Redis;
let routerRedis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
  // The router writes on its own connection, as it does from its own process.
  routerRedis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await redis.quit();
  await routerRedis.quit();
});

describeAssignmentReaderContract('redisAssignmentReader', async () => {
  const tenant = uniqueTenant('assignments');
  return {
    reader: redisAssignmentReader(redis, tenant),
    store: new RedisRoutingStore(routerRedis, tenant),
    dispose: () => deleteTenantKeys(redis, tenant),
  };
});
