import { createHash } from 'node:crypto';

import { type Cluster, type Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** One script's keys and arguments, as EVALSHA takes them after the sha and the key count. */
export interface RedisScriptCall {
  keys: string[];
  args: string[];
}

/**
 * One Lua script run by EVALSHA, falling back to EVAL (which also caches it) when the server does not
 * know the sha yet (first call, restart, failover). Same effect as ioredis' defineCommand, but typed.
 */
export class LuaScript {
  readonly sha: string;

  /** `numberOfKeys`: how many keys every call passes, or 'any' for a script over a batch (its keys still in KEYS). */
  constructor(
    readonly name: string,
    readonly source: string,
    readonly numberOfKeys: number | 'any',
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (this.numberOfKeys !== 'any' && keys.length !== this.numberOfKeys) {
      throw new Error(`${this.name} takes ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error: unknown) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
