import { createHash } from 'node:crypto';

import { type Redis } from 'ioredis';

const shas = new Map<string, string>();

/** EVALSHA with a fallback to EVAL when the script cache was flushed or never loaded. */
export async function runRedisScript(redis: Redis, script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.includes('NOSCRIPT')) return redis.eval(script, keys.length, ...keys, ...args);
    throw error;
  }
}
