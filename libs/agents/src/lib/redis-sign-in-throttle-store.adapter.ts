import { LuaScript } from '@perch/platform';
import { type Redis } from 'ioredis';

import { THROTTLE_HIT_SCRIPT, THROTTLE_READ_SCRIPT } from './redis-sign-in-throttle.script';
import { type SignInThrottleStore, type ThrottleHit, type ThrottleWindow } from './sign-in-throttle-store.port';

/** One key per window read or hit (a username's, an address's): the count varies with the call. */
const READ = new LuaScript('sign-in-throttle-read', THROTTLE_READ_SCRIPT, 'any');
const HIT = new LuaScript('sign-in-throttle-hit', THROTTLE_HIT_SCRIPT, 'any');

export interface RedisSignInThrottleStoreOptions {
  /** Owned by the caller. */
  redis: Redis;
  /** Prepended to every key, e.g. "perch:gateway:". */
  keyPrefix: string;
}

/**
 * SignInThrottleStore on Redis, shared by every gateway replica. A hit is one Lua script (INCR and
 * PEXPIRE together), so a crash between them cannot leave a counter that never expires.
 */
export class RedisSignInThrottleStore implements SignInThrottleStore {
  constructor(private readonly options: RedisSignInThrottleStoreOptions) {}

  async read(keys: readonly string[]): Promise<ThrottleWindow[]> {
    if (keys.length === 0) return [];
    return windows(await READ.run(this.options.redis, keys.map((key) => this.key(key)), []));
  }

  async hit(hits: readonly ThrottleHit[]): Promise<ThrottleWindow[]> {
    if (hits.length === 0) return [];
    const reply = await HIT.run(
      this.options.redis,
      hits.map((hit) => this.key(hit.key)),
      hits.map((hit) => String(Math.max(1, Math.round(hit.windowMs)))),
    );
    return windows(reply);
  }

  async reset(key: string): Promise<void> {
    await this.options.redis.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.options.keyPrefix}sign-in-failures:${key}`;
  }
}

function windows(reply: unknown): ThrottleWindow[] {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) throw new Error(`Unexpected reply from the throttle script: ${JSON.stringify(reply)}`);
  const out: ThrottleWindow[] = [];
  for (let i = 0; i < reply.length; i += 2) out.push({ count: Number(reply[i]), resetInMs: Math.max(0, Number(reply[i + 1])) });
  return out;
}
