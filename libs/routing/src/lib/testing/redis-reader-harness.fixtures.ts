import { Redis } from 'ioredis';

import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { type RoutingStore, type RoutingStoreOptions } from '../store/routing-store.port';
import { deleteTenantKeys, redisUrl, uniqueTenant } from './redis-test-tenant.fixtures';

/** A read-side adapter under test, with the router's store it reads: the contracts change state through the store. */
export interface ReaderHarness<R> {
  reader: R;
  /** The router's store the reader reads: the contract changes state through it, as the router would. */
  store: RoutingStore;
  dispose(): Promise<void>;
}

/**
 * Opens the reader's and the router's Redis connections around the suite, and returns a contract factory that puts
 * each test on a fresh tenant. Call it at the top level of an integration spec.
 */
export function redisReaderHarness<R>(
  label: string,
  readerOf: (redis: Redis, tenant: string) => R,
): (options?: RoutingStoreOptions) => Promise<ReaderHarness<R>> {
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

  return async (options = {}) => {
    const tenant = uniqueTenant(label);
    return {
      reader: readerOf(redis, tenant),
      store: new RedisRoutingStore(routerRedis, tenant, options),
      dispose: () => deleteTenantKeys(redis, tenant),
    };
  };
}
