import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  DEFAULT_FETCH_MAX_BYTES,
  DEFAULT_FETCH_MAX_BYTES_PER_PARTITION,
  DEFAULT_KEY_CONCURRENCY,
  DEFAULT_LINGER_MS,
  DEFAULT_SESSION_TIMEOUT_MS,
  type EventBus,
  KafkaTransport,
  type KafkaTransportOptions,
  startEventBus,
  type Transport,
  withNamespace,
} from '@perch/messaging';
import { createLogger, type Logger } from '@perch/platform';
import Redis from 'ioredis';

import { EventHandlingMetrics } from './event-handling-metrics.util';
import { logConnectionErrors, resilientRedisOptions } from './client-resilience.util';
import { KafkaEnv, kafkaSecurityOptions } from './kafka-env.util';
import { checkRedisPersistence, type RedisPersistencePolicy } from './redis-persistence.util';

/** The broker's default group.min.session.timeout.ms: it refuses a member asking for less. */
const MIN_SESSION_TIMEOUT_MS = 6_000;

/** What every distributed Perch app reads; apps extend it with their own variables. */
export class DistributedEnv extends KafkaEnv {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS!: string;

  /** Prefix for topic and consumer-group names, so environments can share a broker ("staging", "e2e-42"). */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{1,60}$/, { message: 'PERCH_NAMESPACE may hold letters, digits, dot, dash, underscore' })
  PERCH_NAMESPACE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3000;

  @IsString()
  @IsOptional()
  HTTP_HOST?: string;

  /** How long a consumer retries a transient failure (Redis, PostgreSQL, Kafka down) before dead-lettering. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  BUS_RETRY_BUDGET_MS = 300_000;

  /**
   * Events of distinct keys a consumer handles at once within one partition's batch (one key's events stay in order).
   * Raise it where Redis or PostgreSQL is far (a cross-zone round trip): the price is memory under a burst (ADR 36).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4096)
  BUS_KEY_CONCURRENCY = DEFAULT_KEY_CONCURRENCY;

  /**
   * Bytes one Kafka fetch brings at most, all partitions together, and bytes of one partition in it: what a consumer
   * holds at once under a backlog (ADR 42). Raise them where the broker is far and messages are large.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(104_857_600)
  KAFKA_FETCH_MAX_BYTES = DEFAULT_FETCH_MAX_BYTES;

  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(104_857_600)
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION = DEFAULT_FETCH_MAX_BYTES_PER_PARTITION;

  /**
   * How long the group coordinator waits for a silent member before giving its partitions to the others: the work of
   * a crashed pod (SIGKILL, node lost) waits this long. Lower means faster failover but a member that stalls (a long
   * GC, a starved node) is dropped sooner. The broker accepts 6 s..30 min by default (group.min/max.session.timeout.ms).
   */
  @Type(() => Number)
  @IsInt()
  @Min(MIN_SESSION_TIMEOUT_MS)
  @Max(1_800_000)
  KAFKA_SESSION_TIMEOUT_MS = DEFAULT_SESSION_TIMEOUT_MS;

  /**
   * How long a produced message waits for others to share its request when its lane sent one less than that long ago
   * (2 ms). A message to an idle lane leaves at the end of its turn of the event loop whatever this says, so agents'
   * actions do not wait for company at low load. 0: never wait (lowest latency, more requests under moderate load); a few
   * ms more: fuller requests, for brokers that are far away or charged per request.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000)
  KAFKA_LINGER_MS = DEFAULT_LINGER_MS;

  /** The internal listener (/health, /metrics, the gateway's /api/docs): HTTP_PORT + 1000 unless set. Never route an ingress to it. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  INTERNAL_HTTP_PORT?: number;

  /** Default 0.0.0.0: Prometheus scrapes a pod on its own address, so loopback would hide the metrics from it. */
  @IsString()
  @IsOptional()
  INTERNAL_HTTP_HOST?: string;

  /** Strict-Transport-Security max-age on every answer; 0 sends none. Browsers ignore it on plain http. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(63_072_000)
  HSTS_MAX_AGE_SECONDS = 31_536_000;
}

export class RedisEnv extends DistributedEnv {
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL!: string;

  /** `true` lets the app start on a Redis with neither AOF nor RDB (tests, demos); otherwise it refuses. */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'REDIS_ALLOW_EPHEMERAL must be true or false' })
  REDIS_ALLOW_EPHEMERAL?: 'true' | 'false';

  /** `verified`: persistence is confirmed out of band (managed Redis that disables CONFIG GET). */
  @IsOptional()
  @IsIn(['verified'], { message: 'REDIS_PERSISTENCE may only be "verified"' })
  REDIS_PERSISTENCE?: 'verified';
}

export interface KafkaBus {
  bus: EventBus;
  transport: Transport;
  /** The bus's per-event wait and handling times, retries and dead letters, for the app's ObservabilityModule (`metrics`). */
  eventMetrics: EventHandlingMetrics;
}

/** What a distributed app's KafkaTransport is made with: the environment's brokers, fetch limits (ADR 42), session timeout and security. */
export function kafkaTransportOptionsOf(env: DistributedEnv, service: string, logger: Logger): KafkaTransportOptions {
  return {
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: `perch-${service}`,
    logger,
    // Every partition of a fetch is handled at once: a round is as slow as its slowest batch, not the sum.
    partitionsConsumedConcurrently: 12,
    fetchMaxBytes: env.KAFKA_FETCH_MAX_BYTES,
    fetchMaxBytesPerPartition: env.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
    // The transport heartbeats at a third of it (heartbeatIntervalFor).
    sessionTimeout: env.KAFKA_SESSION_TIMEOUT_MS,
    lingerMs: env.KAFKA_LINGER_MS,
    ...kafkaSecurityOptions(env),
  };
}

export async function connectKafkaBus(env: DistributedEnv, service: string, logger: Logger = createLogger(service)): Promise<KafkaBus> {
  const kafka = new KafkaTransport(kafkaTransportOptionsOf(env, service, logger));
  if (env.KAFKA_SASL_MECHANISM === 'plain' && env.KAFKA_SSL !== 'true') {
    logger.warn('KAFKA_SASL_MECHANISM=plain without KAFKA_SSL=true sends the Kafka password in clear text');
  }
  const transport = withNamespace(kafka, env.PERCH_NAMESPACE);
  const eventMetrics = new EventHandlingMetrics();
  const bus = await startEventBus(transport, {
    producer: service,
    logger,
    retryBudgetMs: env.BUS_RETRY_BUDGET_MS,
    keyConcurrency: env.BUS_KEY_CONCURRENCY,
    observer: eventMetrics,
  });
  return { bus, transport, eventMetrics };
}

export async function connectRedis(env: RedisEnv, logger: Logger = createLogger('redis')): Promise<Redis> {
  const redis = new Redis(env.REDIS_URL, resilientRedisOptions());
  logConnectionErrors(redis, logger, 'redis');
  await redis.connect();
  await checkRedisPersistence(redis, env.REDIS_URL, redisPersistencePolicy(env), logger).catch((error: unknown) => {
    redis.disconnect();
    throw error;
  });
  return redis;
}

export function redisPersistencePolicy(env: RedisEnv): RedisPersistencePolicy {
  return { allowEphemeral: env.REDIS_ALLOW_EPHEMERAL === 'true', ...(env.REDIS_PERSISTENCE ? { persistence: env.REDIS_PERSISTENCE } : {}) };
}

/** Redis key prefixes follow the namespace too, so two environments on one Redis never mix state. */
export function redisNamespace(env: DistributedEnv, fallback: string): string {
  return env.PERCH_NAMESPACE ? `${env.PERCH_NAMESPACE}-${fallback}` : fallback;
}
