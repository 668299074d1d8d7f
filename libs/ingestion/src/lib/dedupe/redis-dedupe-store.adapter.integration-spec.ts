import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';

import { describeDedupeStoreContract } from '../testing/dedupe-store-contract';
import { RedisDedupeStore } from './redis-dedupe-store.adapter';

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
afterAll(async () => {
  await redis.quit();
});

describeDedupeStoreContract('redis', () => new RedisDedupeStore(redis, `perch:{test-${randomUUID()}}:seen:`, 60));
