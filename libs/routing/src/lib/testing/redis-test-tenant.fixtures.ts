import { type Redis } from 'ioredis';

import { newId } from '@perch/platform';

import { routingKeys } from '../store/redis/routing-keys.util';

/** A tenant no other test (or engineer) uses, so tests share one Redis without seeing each other. */
export function uniqueTenant(label: string): string {
  return `test-${label}-${newId().slice(0, 8)}`;
}

/** Deletes only this tenant's keys (never FLUSHDB: the Redis is shared). */
export async function deleteTenantKeys(redis: Redis, tenant: string): Promise<void> {
  const stream = redis.scanStream({ match: routingKeys(tenant).pattern, count: 500 });
  for await (const batch of stream) {
    const keys = batch as string[];
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

export function redisUrl(): string {
  const url = process.env['REDIS_URL'];
  if (!url) throw new Error('REDIS_URL is not set: run through jest.integration.config.js (its global setup provides it)');
  return url;
}
