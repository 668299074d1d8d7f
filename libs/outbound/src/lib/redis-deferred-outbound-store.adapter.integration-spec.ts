import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';

import { describeDeferredOutboundStoreContract } from './testing/deferred-outbound-store.contract';
import { RedisDeferredOutboundStore } from './redis-deferred-outbound-store.adapter';

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');

afterAll(async () => {
  await redis.quit();
});

describeDeferredOutboundStoreContract('redis', () => new RedisDeferredOutboundStore({ redis, keyPrefix: `perch:test:${randomUUID()}:` }));
