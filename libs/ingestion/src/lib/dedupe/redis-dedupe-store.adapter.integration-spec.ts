import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';

import { describeDedupeStoreContract } from '../testing/dedupe-store.contract';
import { RedisDedupeStore } from './redis-dedupe-store.adapter';

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
afterAll(async () => {
  await redis.quit();
});

describeDedupeStoreContract('redis', ({ claimTtlMs }) => new RedisDedupeStore(redis, `perch:{test-${randomUUID()}}:seen:`, { retentionSeconds: 60, claimTtlMs }));

describe(RedisDedupeStore.name, () => {
  it('takes the published marks of ingestors from before claims existed as published', async () => {
    const prefix = `perch:{test-${randomUUID()}}:seen:`;
    await redis.set(`${prefix}1050118621198921728`, '1', 'EX', 60);
    expect(await new RedisDedupeStore(redis, prefix, { retentionSeconds: 60, claimTtlMs: 1000 }).claim('1050118621198921728')).toEqual({ status: 'published' });
  });
});
