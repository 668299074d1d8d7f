import { Redis } from 'ioredis';

import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { describeRoutingSnapshotReaderContract } from '../testing/routing-snapshot-reader.contract';
import { redisRoutingSnapshotReader } from './redis-routing-snapshot-reader.adapter';

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

describeRoutingSnapshotReaderContract('redisRoutingSnapshotReader', async (options) => {
  const tenant = uniqueTenant('snapshots');
  return {
    reader: redisRoutingSnapshotReader(redis, tenant),
    store: new RedisRoutingStore(routerRedis, tenant, options),
    dispose: () => deleteTenantKeys(redis, tenant),
  };
});
