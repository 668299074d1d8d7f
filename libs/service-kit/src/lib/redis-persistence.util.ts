import { errorMessage, type Logger, PermanentError } from '@perch/platform';
import type Redis from 'ioredis';

import { StartupErrorCode } from './startup.errors';

/** What the operator told us about the Redis the apps use (REDIS_ALLOW_EPHEMERAL, REDIS_PERSISTENCE). */
export interface RedisPersistencePolicy {
  /** `true` lets an app start on a Redis that keeps nothing across a restart (tests, throwaway demos). */
  allowEphemeral: boolean;
  /** `verified`: persistence is confirmed out of band, for managed Redis that disables CONFIG. */
  persistence?: 'verified';
}

export interface RedisPersistenceSettings {
  /** `CONFIG GET appendonly` is `yes`. */
  aof: boolean;
  /** `CONFIG GET save`: the RDB snapshot points ("3600 1 300 100"), empty when RDB is off. */
  save: string;
}

export type RedisPersistenceVerdict =
  | { status: 'persistent'; aof: boolean; rdb: boolean; settings: RedisPersistenceSettings }
  | { status: 'ephemeral-allowed'; settings: RedisPersistenceSettings }
  | { status: 'unchecked-verified'; reason: string }
  | { status: 'unchecked'; reason: string };

/** Refusal to start on a Redis that would lose queues, offers, cursors and outbound claims on its next restart. */
export class RedisNotPersistentError extends PermanentError<StartupErrorCode> {
  constructor(redisUrl: string) {
    super(
      `Redis at ${redactUrl(redisUrl)} has neither AOF (appendonly no) nor RDB snapshots (save "") on: a Redis restart ` +
        'would silently lose routing queues, offers, presence, ingest cursors and outbound idempotency claims. ' +
        'Turn on AOF (appendonly yes, appendfsync everysec) on that Redis, or set REDIS_ALLOW_EPHEMERAL=true ' +
        'if losing that state is acceptable (tests, demos).',
      StartupErrorCode.RedisNotPersistent,
    );
  }
}

/** The decision alone, from what CONFIG GET answered (or undefined when CONFIG could not be read). */
export function judgeRedisPersistence(
  settings: RedisPersistenceSettings | undefined,
  policy: RedisPersistencePolicy,
  unreadableReason = 'CONFIG GET is not available',
): RedisPersistenceVerdict | 'refuse' {
  if (!settings) {
    return policy.persistence === 'verified'
      ? { status: 'unchecked-verified', reason: unreadableReason }
      : { status: 'unchecked', reason: unreadableReason };
  }
  const rdb = settings.save.trim() !== '';
  if (settings.aof || rdb) return { status: 'persistent', aof: settings.aof, rdb, settings };
  return policy.allowEphemeral ? { status: 'ephemeral-allowed', settings } : 'refuse';
}

/**
 * Reads `CONFIG GET appendonly` and `CONFIG GET save` and refuses (throws) when Redis persists nothing, unless the
 * policy allows it. Managed Redis often disables CONFIG: then it can only warn, or trust REDIS_PERSISTENCE=verified.
 */
export async function checkRedisPersistence(
  redis: Redis,
  redisUrl: string,
  policy: RedisPersistencePolicy,
  logger: Logger,
): Promise<RedisPersistenceVerdict> {
  let settings: RedisPersistenceSettings | undefined;
  let unreadable = '';
  try {
    settings = { aof: (await configValue(redis, 'appendonly')) === 'yes', save: await configValue(redis, 'save') };
  } catch (error) {
    unreadable = `CONFIG GET failed: ${errorMessage(error)}`;
  }
  const verdict = judgeRedisPersistence(settings, policy, unreadable);
  const url = redactUrl(redisUrl);
  if (verdict === 'refuse') throw new RedisNotPersistentError(redisUrl);
  switch (verdict.status) {
    case 'persistent':
      logger.info({ redis: url, aof: verdict.aof, rdbSave: verdict.settings.save }, 'redis persistence is on');
      break;
    case 'ephemeral-allowed':
      logger.warn(
        { redis: url, appendonly: 'no', save: '' },
        'REDIS PERSISTS NOTHING (REDIS_ALLOW_EPHEMERAL=true): a Redis restart loses queues, offers, presence, ingest cursors and outbound idempotency claims',
      );
      break;
    case 'unchecked-verified':
      logger.info({ redis: url, reason: verdict.reason }, 'redis persistence cannot be read; trusting REDIS_PERSISTENCE=verified');
      break;
    case 'unchecked':
      logger.warn(
        { redis: url, reason: verdict.reason },
        'redis persistence cannot be checked (CONFIG is disabled?): make sure AOF or RDB is on, then set REDIS_PERSISTENCE=verified',
      );
      break;
  }
  return verdict;
}

async function configValue(redis: Redis, parameter: string): Promise<string> {
  const reply: unknown = await redis.call('CONFIG', 'GET', parameter);
  // CONFIG GET answers [name, value] pairs; an unknown parameter answers [].
  if (!Array.isArray(reply) || reply.length < 2) throw new Error(`CONFIG GET ${parameter} returned nothing`);
  return String(reply[1]);
}

/** Never log a password that came in the URL. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
