import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { describeSignInThrottleStoreContract } from './testing/sign-in-throttle-store.contract';
import { describeTokenRevocationStoreContract } from './testing/token-revocation-store.contract';
import { RedisSignInThrottleStore } from './redis-sign-in-throttle-store.adapter';
import { RedisTokenRevocationStore } from './redis-token-revocation-store.adapter';

const redisUrl = process.env['REDIS_URL'];
if (!redisUrl) throw new Error('REDIS_URL must be set (the integration global setup provides it)');

const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(async () => {
  await redis.quit();
});

/** SCAN, not KEYS: the Redis is shared and KEYS would block it. */
async function deleteWithPrefix(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

const realTime = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Each test gets its own key prefix and deletes its keys afterwards: the Redis is shared, never flushed.
describeSignInThrottleStoreContract('redis', async () => {
  const keyPrefix = `perch-test:${randomUUID()}:`;
  return { store: new RedisSignInThrottleStore({ redis, keyPrefix }), elapse: realTime, dispose: () => deleteWithPrefix(keyPrefix) };
});

describeTokenRevocationStoreContract('redis', async () => {
  const keyPrefix = `perch-test:${randomUUID()}:`;
  return {
    store: new RedisTokenRevocationStore({ redis, keyPrefix }),
    now: () => Date.now(),
    elapse: realTime,
    dispose: () => deleteWithPrefix(keyPrefix),
  };
});

describe('RedisTokenRevocationStore', () => {
  it('checks any number of tokens in a single Redis command', async () => {
    const keyPrefix = `perch-test:${randomUUID()}:`;
    const counted = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 2 });
    const store = new RedisTokenRevocationStore({ redis: counted, keyPrefix });
    const sent: string[] = [];
    const original = counted.sendCommand.bind(counted);
    counted.sendCommand = ((command: Parameters<typeof original>[0], stream?: Parameters<typeof original>[1]) => {
      sent.push(command.name);
      return original(command, stream);
    }) as typeof counted.sendCommand;
    try {
      const tokens = Array.from({ length: 200 }, (_, index) => ({ tokenId: randomUUID(), agentId: `agent-${index % 7}`, issuedAt: Date.now() }));
      await counted.ping();
      sent.length = 0;
      expect(await store.revokedAmong(tokens)).toEqual(new Set());
      expect(sent).toEqual(['mget']);
    } finally {
      await counted.quit();
      await deleteWithPrefix(keyPrefix);
    }
  });
});
