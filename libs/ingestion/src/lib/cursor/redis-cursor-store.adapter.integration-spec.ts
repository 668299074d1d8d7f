import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';

import { describeCursorStoreContract } from '../testing/cursor-store.contract';
import { RedisCursorStore } from './redis-cursor-store.adapter';

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const prefix = `perch:test-${randomUUID()}:cursor:`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describeCursorStoreContract('redis', () => new RedisCursorStore(redis, prefix));
