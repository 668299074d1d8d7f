import { Redis } from 'ioredis';

import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { describeAgentStateReaderContract } from '../testing/agent-state-reader.contract';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { redisAgentStateReader } from './routing-store-agent-state-reader.adapter';

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

describeAgentStateReaderContract('redisAgentStateReader', async (options) => {
  const tenant = uniqueTenant('agent-states');
  return {
    reader: redisAgentStateReader(redis, tenant),
    store: new RedisRoutingStore(routerRedis, tenant, options),
    dispose: () => deleteTenantKeys(redis, tenant),
  };
});
