import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { describeLeaderLeaseContract } from '../testing/leader-lease.contract';
import { RedisLeaderLease } from './redis-leader-lease.adapter';

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { lazyConnect: false });

afterAll(async () => {
  await redis.quit();
});

describeLeaderLeaseContract('redis', () => new RedisLeaderLease(redis, `perch:test:${randomUUID()}:leader`));
