import { type Redis } from 'ioredis';

/** Deletes one tenant's keys (`perch:{<tenant>}:*`), never FLUSHDB: tests share one Redis. */
export async function deleteRedisTenantKeys(redis: Redis, tenant: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `perch:{${tenant}}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
