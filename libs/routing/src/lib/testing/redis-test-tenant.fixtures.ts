import { type Redis } from 'ioredis';

import { newId } from '@perch/platform';
import { deleteRedisTenantKeys } from '@perch/testing';

/** A tenant no other test (or engineer) uses, so tests share one Redis without seeing each other. */
export function uniqueTenant(label: string): string {
  return `test-${label}-${newId().slice(0, 8)}`;
}

/** Deletes only this tenant's keys (never FLUSHDB: the Redis is shared). */
export function deleteTenantKeys(redis: Redis, tenant: string): Promise<void> {
  return deleteRedisTenantKeys(redis, tenant);
}

export function redisUrl(): string {
  const url = process.env['REDIS_URL'];
  if (!url) throw new Error('REDIS_URL is not set: run through jest.integration.config.js (its global setup provides it)');
  return url;
}
