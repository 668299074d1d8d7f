import { type Redis } from 'ioredis';

import { type DedupeStore } from './dedupe-store.port';

/** SET NX with a TTL: atomic across ingestor replicas, and old ids expire on their own. */
export class RedisDedupeStore implements DedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'perch:ingest:seen:',
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async firstSeen(id: string): Promise<boolean> {
    const result = await this.redis.set(`${this.prefix}${id}`, '1', 'EX', this.ttlSeconds, 'NX');
    return result === 'OK';
  }

  async forget(id: string): Promise<void> {
    await this.redis.del(`${this.prefix}${id}`);
  }
}
