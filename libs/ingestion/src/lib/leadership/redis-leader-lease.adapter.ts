import { type Redis } from 'ioredis';

import { type LeaderLease } from './leader-lease.port';

// Each operation is one script, so check-and-change is atomic across replicas; the TTL is the Redis expiry,
// so a crashed holder's lease lapses by itself.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if (not current) or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisLeaderLease implements LeaderLease {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async acquire(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key, holder, String(Math.max(1, Math.round(ttlMs))))) === 1;
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key, holder, String(Math.max(1, Math.round(ttlMs))))) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, holder);
  }
}
