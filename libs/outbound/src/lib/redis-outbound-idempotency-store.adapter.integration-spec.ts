import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { describeOutboundIdempotencyStoreContract } from './testing/outbound-idempotency-store.contract';
import { RedisOutboundIdempotencyStore } from './redis-outbound-idempotency-store.adapter';

const redisUrl = process.env['REDIS_URL'];
if (!redisUrl) throw new Error('REDIS_URL must be set (the integration global setup provides it)');

const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(async () => {
  await redis.quit();
});

/** SCAN, not KEYS: the Redis is shared and KEYS would block it. */
async function keysWithPrefix(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

async function deleteWithPrefix(prefix: string): Promise<void> {
  const keys = await keysWithPrefix(prefix);
  if (keys.length > 0) await redis.del(...keys);
}

// Each test gets its own key prefix and deletes its keys afterwards: the Redis is shared, never flushed.
describeOutboundIdempotencyStoreContract('redis', async () => {
  const keyPrefix = `perch-test:${randomUUID()}:`;
  return {
    store: new RedisOutboundIdempotencyStore({ redis, keyPrefix, retentionMs: 60_000 }),
    // Leases are Redis expiries, so only real time makes them lapse.
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dispose: () => deleteWithPrefix(keyPrefix),
  };
});

describe('RedisOutboundIdempotencyStore', () => {
  it('keeps all of a command’s keys in one cluster slot', async () => {
    const keyPrefix = `perch-test:${randomUUID()}:`;
    const store = new RedisOutboundIdempotencyStore({ redis, keyPrefix, retentionMs: 60_000 });
    const commandId = randomUUID();
    try {
      await store.claim(commandId, 'a', 60_000);
      const keys = await keysWithPrefix(keyPrefix);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.includes(`{${commandId}}`))).toBe(true);
    } finally {
      await deleteWithPrefix(keyPrefix);
    }
  });
});
