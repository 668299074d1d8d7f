import { backoffDelay, errorMessage, type Logger } from '@perch/platform';
import { type RedisOptions } from 'ioredis';
import { Pool, type PoolConfig } from 'pg';

/**
 * ioredis options that ride out a Redis restart or failover on their own:
 * - reconnect forever (retryStrategy never returns null) with jittered backoff capped at 2 s, so replicas
 *   do not reconnect in lockstep;
 * - commands issued meanwhile wait in the offline queue, but each fails after 3 failed reconnects
 *   (MaxRetriesPerRequestError, classified transient) instead of hanging an HTTP request; the event bus
 *   retries its handlers for minutes on top of that;
 * - READONLY (a replica promoted away from under us) reconnects and resends, reaching the new primary.
 */
export function resilientRedisOptions(random: () => number = Math.random): RedisOptions {
  return {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 3,
    connectTimeout: 5_000,
    retryStrategy: (times: number) => 50 + backoffDelay({ attempt: times, baseMs: 100, maxMs: 2_000, random }),
    reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
}

/**
 * Logs a client's connection errors, at most once per `quietMs`: without an 'error' listener ioredis prints
 * every failed reconnect to stderr, and pg's Pool emits 'error' for idle clients that lost their server,
 * which, unheard, crashes the process on a PostgreSQL restart.
 */
export function logConnectionErrors(
  emitter: { on(event: 'error', listener: (error: Error) => void): unknown },
  logger: Logger,
  what: string,
  quietMs = 10_000,
): void {
  let lastLoggedAt = 0;
  let suppressed = 0;
  emitter.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLoggedAt < quietMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ err: error, suppressed }, `${what} connection error (${errorMessage(error)}); reconnecting on its own`);
    lastLoggedAt = now;
    suppressed = 0;
  });
}

export interface PgPoolOptions {
  connectionString: string;
  max?: number;
  logger: Logger;
}

/**
 * A pg Pool that survives a PostgreSQL restart or failover: a connect attempt gives up after 5 s (so a
 * request fails with a transient error rather than waiting forever), idle clients that lose their server
 * are logged and dropped instead of crashing the process, and TCP keep-alive notices a silently dead peer.
 * The pool opens new connections on demand, so it recovers by itself once the server is back.
 */
export function createPgPool({ connectionString, max = 10, logger }: PgPoolOptions, extra: PoolConfig = {}): Pool {
  const pool = new Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    ...extra,
  });
  logConnectionErrors(pool, logger, 'postgres');
  // pg-pool listens for errors only on idle clients: a client checked out (a transaction in progress) whose
  // socket is reset emits 'error' with no listener, which ends the process. Its query fails on its own (and is
  // retried as transient); the event only needs a listener.
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => logger.warn({ err: error }, 'postgres connection lost while in use'));
  });
  return pool;
}
